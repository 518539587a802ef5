//! The cash-flow chart as inline SVG: one bar per month (what arrives that month, left axis)
//! and the running total as a line (right axis). The two scales differ by far (a month against
//! years), so each axis carries its own title, in the colour of what it measures, as well as the
//! legend: a reader cannot take a bar's height on the running total's scale. Coordinates are integers in tenths of a
//! pixel computed from whole euros, so no float is involved; the SVG scales with its viewBox.

use crate::money::format_eur;
use crate::report::escape::escape;
use crate::report::page::Chart;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write;

const WIDTH: i128 = 720;
const HEIGHT: i128 = 280;
const LEFT: i128 = 78;
const RIGHT: i128 = 78;
const TOP: i128 = 48;
/// The baseline of the two axis titles, between the legend and the plot.
const SCALE_TITLES: i128 = 38;
const BOTTOM: i128 = 36;

/// Whole euros (amounts are never negative in a schedule; a negative one counts as 0).
fn euros(d: Decimal) -> i128 {
    d.round().to_i128().unwrap_or(0).max(0)
}

/// Tenths of a pixel as an SVG number: `123.4`.
fn px(tenths: i128) -> String {
    format!("{}.{}", tenths.div_euclid(10), tenths.rem_euclid(10))
}

/// A round step giving at most five ticks up to `max`.
fn nice_step(max: i128) -> i128 {
    let mut p: i128 = 1;
    loop {
        for f in [1, 2, 5] {
            let s = f * p;
            if max <= s * 5 {
                return s;
            }
        }
        p = p.saturating_mul(10);
    }
}

/// `60 000 €`.
fn axis_label(v: i128) -> String {
    let s = format_eur(Decimal::from_i128_with_scale(v, 0));
    s.strip_suffix(",00 €").map(|x| format!("{x} €")).unwrap_or(s)
}

/// The chart as an `<svg>` element.
pub fn chart(c: &Chart) -> String {
    let mut o = String::new();
    let total: i128 = c.months.iter().map(|m| euros(m.2)).sum();
    let peak: i128 = c.months.iter().map(|m| euros(m.2)).max().unwrap_or(0);
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}">"#,
        escape(&c.title)
    );
    let _ = write!(o, "<title>{}</title>", escape(&c.title));
    if c.months.is_empty() || peak == 0 {
        let _ = write!(
            o,
            r#"<text x="{}" y="{}" text-anchor="middle" class="axis">Aucun versement</text></svg>"#,
            WIDTH / 2,
            HEIGHT / 2
        );
        return o;
    }
    let n = c.months.len() as i128;
    let (pw, ph) = ((WIDTH - LEFT - RIGHT) * 10, (HEIGHT - TOP - BOTTOM) * 10);
    let (x0, y0) = (LEFT * 10, (HEIGHT - BOTTOM) * 10);
    let slot = pw / n;
    let (step_l, step_r) = (nice_step(peak), nice_step(total));
    let (top_l, top_r) =
        (step_l * ((peak + step_l - 1) / step_l), step_r * ((total + step_r - 1) / step_r));
    // Gridlines and left-axis labels (monthly amounts).
    let mut v = 0;
    while v <= top_l {
        let y = y0 - v * ph / top_l;
        let _ = write!(
            o,
            r#"<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>"#,
            px(x0),
            px(x0 + pw),
            px(y),
            px(y)
        );
        let _ = write!(
            o,
            r#"<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>"#,
            px(x0 - 40),
            px(y + 30),
            escape(&axis_label(v))
        );
        v += step_l;
    }
    let mut v = 0;
    while v <= top_r {
        let y = y0 - v * ph / top_r;
        let _ = write!(
            o,
            r#"<text class="axis cum" x="{}" y="{}">{}</text>"#,
            px(x0 + pw + 40),
            px(y + 30),
            escape(&axis_label(v))
        );
        v += step_r;
    }
    // Bars, and a year label under each January (and under the first month).
    let mut points = Vec::with_capacity(c.months.len() + 1);
    points.push(format!("{},{}", px(x0), px(y0)));
    let mut cum = 0;
    for (i, (year, month, amount)) in c.months.iter().enumerate() {
        let i = i as i128;
        let a = euros(*amount);
        let x = x0 + i * slot;
        if a > 0 {
            let h = (a * ph / top_l).max(10);
            let pad = (slot / 6).min(20);
            let _ = write!(
                o,
                r#"<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>"#,
                px(x + pad),
                px(y0 - h),
                px((slot - 2 * pad).max(10)),
                px(h),
                escape(&format!("{:02}/{year} : {}", month, format_eur(*amount)))
            );
        }
        if *month == 1 || i == 0 {
            let _ = write!(
                o,
                r#"<line class="tick" x1="{}" x2="{}" y1="{}" y2="{}"/>"#,
                px(x),
                px(x),
                px(y0),
                px(y0 + 50)
            );
            let _ = write!(
                o,
                r#"<text class="axis" x="{}" y="{}">{year}</text>"#,
                px(x + 20),
                px(y0 + 150)
            );
        }
        // The running total steps up in the middle of the month's bar.
        if a > 0 {
            let xc = x + slot / 2;
            points.push(format!("{},{}", px(xc), px(y0 - cum * ph / top_r)));
            cum += a;
            points.push(format!("{},{}", px(xc), px(y0 - cum * ph / top_r)));
        }
    }
    points.push(format!("{},{}", px(x0 + pw), px(y0 - cum * ph / top_r)));
    let _ = write!(o, r#"<polyline class="cum" points="{}"/>"#, points.join(" "));
    let _ = write!(
        o,
        r#"<line class="axisline" x1="{}" x2="{}" y1="{}" y2="{}"/>"#,
        px(x0),
        px(x0 + pw),
        px(y0),
        px(y0)
    );
    // Axis titles: which scale is which.
    let _ = write!(
        o,
        r#"<text class="scale bars" x="4" y="{SCALE_TITLES}">€ par mois (barres)</text><text class="scale cum" x="{}" y="{SCALE_TITLES}" text-anchor="end">€ cumulés (ligne)</text>"#,
        WIDTH - 4
    );
    // Legend.
    let _ = write!(
        o,
        r#"<rect class="bar" x="{}" y="10" width="14" height="10"/><text class="legend" x="{}" y="19">Reçu dans le mois (échelle de gauche)</text>"#,
        LEFT,
        LEFT + 20
    );
    let _ = write!(
        o,
        r#"<line class="cum" x1="{}" x2="{}" y1="15" y2="15"/><text class="legend" x="{}" y="19">Cumul (échelle de droite) : {}</text>"#,
        LEFT + 300,
        LEFT + 320,
        LEFT + 326,
        escape(&format_eur(c.months.iter().fold(Decimal::ZERO, |s, m| s.saturating_add(m.2))))
    );
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(
            [nice_step(4), nice_step(9), nice_step(60_000), nice_step(250_001)],
            [1, 2, 20_000, 100_000]
        );
        assert_eq!(px(1234), "123.4");
        assert_eq!(axis_label(60_000), "60\u{202f}000 €");
    }
}
