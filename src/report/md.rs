//! A [`Page`] as Markdown (CommonMark with pipe tables): the same content as the HTML page;
//! the chart becomes a text bar chart in a code block.

use super::budget::month_name;
use super::page::{Block, Chart, Col, Curve, Page, Row, Table};
use crate::money::{format_eur, format_plain};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write;

/// A table cell: pipes escaped, no line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(o: &mut String, t: &Table) {
    let _ = writeln!(o, "| {} |", t.head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | "));
    let rule: Vec<&str> = (0..t.head.len())
        .map(|i| if t.cols.get(i) == Some(&Col::Number) { "---:" } else { "---" })
        .collect();
    let _ = writeln!(o, "| {} |", rule.join(" | "));
    rows(o, t, t.rows.iter().chain(&t.foot));
    o.push('\n');
}

fn rows<'a>(o: &mut String, t: &Table, rows: impl Iterator<Item = &'a Row>) {
    for r in rows {
        let strong = r.strong || t.foot.contains(r);
        let cells: Vec<String> = r
            .cells
            .iter()
            .map(|c| if strong && !c.is_empty() { format!("**{}**", cell(c)) } else { cell(c) })
            .collect();
        let _ = writeln!(o, "| {} |", cells.join(" | "));
    }
}

/// The body rows of `t` as [`render`] writes them in its table (a streamed page writes a long
/// table's rows chunk by chunk).
pub fn table_rows(t: &Table) -> String {
    let mut o = String::new();
    rows(&mut o, t, t.rows.iter());
    o
}

const BAR: usize = 40;

/// One line per month with a payment: name, a bar proportional to the largest month, amount.
fn chart(o: &mut String, c: &Chart) {
    let peak = c.months.iter().map(|m| m.2).max().unwrap_or_default();
    let _ = writeln!(o, "*{}*\n", c.title);
    o.push_str("```text\n");
    if peak <= Decimal::ZERO {
        o.push_str("Aucun versement\n");
    }
    let mut cum = Decimal::ZERO;
    for (y, m, a) in c.months.iter().filter(|m| m.2 > Decimal::ZERO) {
        cum = cum.saturating_add(*a);
        // Whole characters, rounded: a × BAR / peak, at least one for any payment.
        let n = a
            .saturating_mul(Decimal::from(BAR))
            .checked_div(peak)
            .unwrap_or_default()
            .round()
            .to_usize()
            .unwrap_or(BAR)
            .clamp(1, BAR);
        let _ = writeln!(
            o,
            "{:<15} {:<40} {:>15}  cumul {}",
            month_name(*y, *m),
            "█".repeat(n),
            format_eur(*a),
            format_eur(cum)
        );
    }
    o.push_str("```\n\n");
}

/// The most points a curve draws as text bars (a longer sweep is read in its table).
const CURVE_POINTS: usize = 100;

/// One line per point: the value, a bar from the lowest to the highest value shown (the
/// reference included), the amount; then the reference.
fn curve(o: &mut String, c: &Curve) {
    let _ = writeln!(o, "*{}*\n", c.title);
    if c.points.len() > CURVE_POINTS {
        let _ = writeln!(
            o,
            "*{} points : la courbe est dans la page HTML, les valeurs dans le tableau*\n",
            c.points.len()
        );
        return;
    }
    o.push_str("```text\n");
    let ys = c.points.iter().map(|p| p.1).chain(c.reference.iter().map(|r| r.1));
    let (lo, hi) = (ys.clone().min().unwrap_or_default(), ys.max().unwrap_or_default());
    if c.points.is_empty() {
        o.push_str("Aucun point\n");
    }
    let width = c.points.iter().map(|p| format_plain(p.0).chars().count()).max().unwrap_or(0);
    for (x, y) in &c.points {
        // Whole characters: 1 + (y − lo) × (BAR − 1) / (hi − lo), rounded.
        let n = y
            .checked_sub(lo)
            .unwrap_or_default()
            .saturating_mul(Decimal::from(BAR - 1))
            .checked_div(hi.checked_sub(lo).unwrap_or_default())
            .unwrap_or_default()
            .round()
            .to_usize()
            .unwrap_or(0)
            .saturating_add(1)
            .clamp(1, BAR);
        let x = format_plain(*x);
        let _ = writeln!(o, "{x:>width$} {:<40} {:>17}", "█".repeat(n), format_eur(*y));
    }
    if let Some((name, r)) = &c.reference {
        let _ = writeln!(o, "{name} : {}", format_eur(*r));
    }
    o.push_str("```\n\n");
}

/// The page as Markdown.
pub fn render(page: &Page) -> String {
    let mut o = String::with_capacity(32 * 1024);
    let _ = writeln!(o, "# {}\n", page.title);
    for (i, s) in page.subtitle.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(o, "**{s}**  ");
        } else {
            let _ = writeln!(o, "{s}  ");
        }
    }
    o.push('\n');
    for s in &page.sections {
        let _ = writeln!(o, "## {}\n", s.title);
        for b in &s.blocks {
            match b {
                Block::Heading(h) => {
                    let _ = writeln!(o, "### {h}\n");
                }
                Block::Para(p) => {
                    let _ = writeln!(o, "{p}\n");
                }
                Block::Note(p) => {
                    let _ = writeln!(o, "*{}*\n", p.trim_end_matches('.'));
                }
                Block::Table(t) => table(&mut o, t),
                Block::Warnings(w) => {
                    for x in w {
                        let _ = writeln!(o, "> ⚠ {x}  ");
                    }
                    o.push('\n');
                }
                Block::Chart(c) => chart(&mut o, c),
                Block::Curve(c) => curve(&mut o, c),
                Block::Explanations(lines) => {
                    for l in lines {
                        let _ = writeln!(
                            o,
                            "**{} : {}** `[{}]`\n",
                            l.label,
                            format_eur(l.amount),
                            l.id
                        );
                        for s in &l.sentences {
                            let _ = writeln!(o, "- {s}");
                        }
                        o.push('\n');
                    }
                }
            }
        }
    }
    let _ = writeln!(o, "---\n\n{}", page.footer);
    o
}
