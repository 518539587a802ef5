//! The sweep chart: total cost against the swept value, as one self-contained SVG (no script, no
//! font or link fetched), from the page model's [`Curve`] (so the `--svg` file and the sweep
//! page draw the same chart). Coordinates are whole pixels computed with `Decimal` (no floats).

use crate::money::{format_eur, format_plain};
use crate::report::escape::escape;
use crate::report::page::Curve;
use crate::variant::sweep::Sweep;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write;

const WIDTH: i64 = 860;
const HEIGHT: i64 = 480;
const LEFT: i64 = 130;
const RIGHT: i64 = 30;
const TOP: i64 = 60;
const BOTTOM: i64 = 70;

/// `v` in `[lo, hi]` mapped onto `[a, b]` pixels, rounded to the pixel.
fn scale(v: Decimal, lo: Decimal, hi: Decimal, a: i64, b: i64) -> i64 {
    let mid = (a + b) / 2;
    let pixels = Decimal::from(b - a);
    let offset = match hi.checked_sub(lo) {
        Some(span) if span.is_zero() => return mid,
        // Times the pixels, then divided by the span, while that fits a `Decimal`.
        Some(span) => {
            v.checked_sub(lo).and_then(|d| d.checked_mul(pixels)).and_then(|d| d.checked_div(span))
        }
        None => None,
    };
    // Past it (a sweep to 10^28 €), the fraction of the span first, taken on halves, which
    // cannot overflow.
    let offset = offset.or_else(|| {
        let half = |x: Decimal| x / Decimal::TWO;
        (half(v) - half(lo)).checked_div(half(hi) - half(lo))?.checked_mul(pixels)
    });
    let px = offset.and_then(|d| d.checked_add(Decimal::from(a)));
    px.and_then(|p| p.round().to_i64()).unwrap_or(mid)
}

/// The value `k` quarters of the way from `lo` to `hi`. Past a `Decimal`, the two ends are
/// weighed instead (each part is at most the larger end in size).
fn quarter(lo: Decimal, hi: Decimal, k: i64) -> Decimal {
    let (k, four) = (Decimal::from(k), Decimal::from(4));
    hi.checked_sub(lo)
        .and_then(|span| span.checked_mul(k))
        .and_then(|d| (d / four).checked_add(lo))
        .unwrap_or_else(|| {
            let t = k / four;
            (lo * (Decimal::ONE - t)).saturating_add(hi * t)
        })
}

/// A twentieth of the span from `lo` to `hi` (on twentieths past a `Decimal`).
fn twentieth(lo: Decimal, hi: Decimal) -> Decimal {
    let twenty = Decimal::from(20);
    hi.checked_sub(lo).map_or_else(|| hi / twenty - lo / twenty, |span| span / twenty)
}

/// A euro amount without cents, for axis labels.
fn euros(v: Decimal) -> String {
    format_eur(v.round()).replace(",00", "")
}

/// The curve of `sweep`: the total per value that could apply, the base as the reference.
pub fn curve(sweep: &Sweep, title: &str) -> Curve {
    Curve {
        title: title.to_string(),
        x_label: sweep.spec.path.clone(),
        points: sweep
            .points
            .iter()
            .filter_map(|p| p.result.as_ref().ok().map(|t| (p.value, t.totals.total)))
            .collect(),
        reference: Some(("base".to_string(), sweep.base.totals.total)),
    }
}

/// The SVG chart of `sweep` (total per value; the base as a dashed line). `None` without points.
pub fn chart(sweep: &Sweep, title: &str) -> Option<String> {
    svg(&curve(sweep, title))
}

/// A curve as SVG. `None` without points.
pub fn svg(c: &Curve) -> Option<String> {
    let pts = &c.points;
    let (first, last) = (pts.first()?, pts.last()?);
    let (xmin, xmax) = (first.0, last.0);
    let mut ymin = pts.iter().map(|p| p.1).min()?;
    let mut ymax = pts.iter().map(|p| p.1).max()?;
    if let Some((_, r)) = &c.reference {
        ymin = ymin.min(*r);
        ymax = ymax.max(*r);
    }
    if ymin == ymax {
        ymin = ymin.saturating_sub(Decimal::ONE);
        ymax = ymax.saturating_add(Decimal::ONE);
    }
    let pad = twentieth(ymin, ymax);
    ymin = ymin.saturating_sub(pad);
    ymax = ymax.saturating_add(pad);
    let (x0, x1, y0, y1) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP);
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(o, r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##);
    let _ = writeln!(
        o,
        r#"<text x="{}" y="28" text-anchor="middle" font-size="16" font-weight="bold">{}</text>"#,
        WIDTH / 2,
        escape(&c.title)
    );
    // Grid and ticks: five on each axis.
    for k in 0..=4i64 {
        let yv = quarter(ymin, ymax, k);
        let y = scale(yv, ymin, ymax, y0, y1);
        let _ = writeln!(o, r##"<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#dddddd"/>"##);
        let _ = writeln!(
            o,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            x0 - 8,
            y + 4,
            escape(&euros(yv))
        );
        let xv = quarter(xmin, xmax, k);
        let x = scale(xv, xmin, xmax, x0, x1);
        let _ = writeln!(
            o,
            r##"<line x1="{x}" y1="{y0}" x2="{x}" y2="{}" stroke="#333333"/>"##,
            y0 + 5
        );
        let _ = writeln!(
            o,
            r#"<text x="{x}" y="{}" text-anchor="middle">{}</text>"#,
            y0 + 20,
            escape(&format_plain(xv.round_dp(4)))
        );
    }
    let _ = writeln!(
        o,
        r##"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#333333"/><line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#333333"/>"##
    );
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        (x0 + x1) / 2,
        HEIGHT - 22,
        escape(&c.x_label)
    );
    if let Some((name, r)) = &c.reference {
        let yb = scale(*r, ymin, ymax, y0, y1);
        let _ = writeln!(
            o,
            r##"<line x1="{x0}" y1="{yb}" x2="{x1}" y2="{yb}" stroke="#999999" stroke-dasharray="6 4"/><text x="{}" y="{}" text-anchor="end" fill="#666666">{} {}</text>"##,
            x1,
            yb - 6,
            escape(name),
            escape(&euros(*r))
        );
    }
    let mut line = String::new();
    for (x, y) in pts {
        let _ =
            write!(line, "{},{} ", scale(*x, xmin, xmax, x0, x1), scale(*y, ymin, ymax, y0, y1));
    }
    let _ = writeln!(
        o,
        r##"<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="{}"/>"##,
        line.trim_end()
    );
    if pts.len() <= 60 {
        for (x, y) in pts {
            let _ = writeln!(
                o,
                r##"<circle cx="{}" cy="{}" r="3" fill="#1f5fa8"><title>{} : {}</title></circle>"##,
                scale(*x, xmin, xmax, x0, x1),
                scale(*y, ymin, ymax, y0, y1),
                escape(&format_plain(*x)),
                escape(&format_eur(*y))
            );
        }
    }
    o.push_str("</svg>\n");
    Some(o)
}
