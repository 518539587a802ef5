//! A [`Page`] as Markdown (CommonMark with pipe tables): the same content as the HTML page;
//! the chart becomes a text bar chart in a code block.

use super::budget::month_name;
use super::page::{Block, Chart, Col, Page, Table};
use crate::money::format_eur;
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
    for r in t.rows.iter().chain(&t.foot) {
        let strong = r.strong || t.foot.contains(r);
        let cells: Vec<String> = r
            .cells
            .iter()
            .map(|c| if strong && !c.is_empty() { format!("**{}**", cell(c)) } else { cell(c) })
            .collect();
        let _ = writeln!(o, "| {} |", cells.join(" | "));
    }
    o.push('\n');
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
