//! A printable report as a document model: headings, paragraphs, tables, warnings, charts and
//! explanations, built once per report, then written as HTML ([`super::html`]) or Markdown
//! ([`super::md`]). Both formats therefore hold the same content; only the charts differ in form
//! (SVG in HTML, text bars in Markdown). One builder per report, one file each: `contract.rs`
//! (`compute` of one contract, `explain`), `budget.rs`, `portfolio.rs` (`compute` on a
//! portfolio), `diff.rs`, `max.rs` and `sweep.rs`. Builders take computed data and compute no
//! amount.

use crate::calendar::Date;
use crate::money::format_eur;
use chrono::Datelike;
use rust_decimal::Decimal;

mod budget;
mod contract;
mod diff;
mod max;
mod parts;
mod portfolio;
mod sweep;

use crate::explain::LineExplanation;
pub use budget::budget;
pub use contract::{compute, explain};
pub use diff::{diff, diff_list_rows, diff_lists, diff_page, DiffLists};
pub use max::{max, max_pair};
pub use parts::{marker, table_rows, PageParts};
pub use portfolio::portfolio;
pub use sweep::sweep;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The language of the page (`fr`, `en`).
    pub lang: &'static str,
    pub title: String,
    /// Lines under the title (who, which contract, which hypotheses).
    pub subtitle: Vec<String>,
    pub sections: Vec<Section>,
    /// The receipt: rules, inputs and engine used.
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
    /// Start on a new sheet when printed.
    pub page_break: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Para(String),
    /// A short remark, printed smaller.
    Note(String),
    Table(Table),
    /// `warning[W0501]: ...` lines.
    Warnings(Vec<String>),
    /// Money by month: bars, and the running total as a line on its own scale.
    Chart(Chart),
    /// A value against a parameter (a sweep's total cost per value).
    Curve(Curve),
    Explanations(Vec<LineExplanation>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub head: Vec<String>,
    /// How each column is set.
    pub cols: Vec<Col>,
    pub rows: Vec<Row>,
    pub foot: Vec<Row>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Text,
    /// An amount: right-aligned, never wrapped.
    Number,
    /// A date or a period: never wrapped.
    NoWrap,
}

/// Columns from a compact spec: `t` text, `n` number, `w` no wrap.
pub(crate) fn cols(spec: &str) -> Vec<Col> {
    spec.chars()
        .map(|c| match c {
            'n' => Col::Number,
            'w' => Col::NoWrap,
            _ => Col::Text,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    /// A subtotal row, set in bold.
    pub strong: bool,
}

impl Row {
    pub fn new(cells: Vec<String>) -> Row {
        Row { cells, strong: false }
    }
}

/// Money arriving month by month, from the first payment's month to the last's (months without
/// payment included, so that time runs evenly along the axis).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub title: String,
    /// (year, month, amount received that month).
    pub months: Vec<(i32, u32, Decimal)>,
}

impl Chart {
    /// A chart of dated amounts.
    pub fn from_payments(title: &str, dated: &[(Date, Decimal)]) -> Chart {
        let mut months: Vec<(i32, u32, Decimal)> = Vec::new();
        let (Some(first), Some(last)) =
            (dated.iter().map(|d| d.0).min(), dated.iter().map(|d| d.0).max())
        else {
            return Chart { title: title.to_string(), months };
        };
        let (mut y, mut m) = (first.year(), first.month());
        while (y, m) <= (last.year(), last.month()) {
            let sum = dated
                .iter()
                .filter(|(d, _)| d.year() == y && d.month() == m)
                .fold(Decimal::ZERO, |a, (_, v)| a.saturating_add(*v));
            months.push((y, m, sum));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        Chart { title: title.to_string(), months }
    }
}

/// Points `(x, y)` in increasing `x`, drawn as a line, with a reference level drawn dashed (a
/// sweep: the total cost per value of the swept parameter, the base as the reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curve {
    pub title: String,
    /// What runs along the horizontal axis (the swept path).
    pub x_label: String,
    pub points: Vec<(Decimal, Decimal)>,
    /// The reference level and its name (`base`).
    pub reference: Option<(String, Decimal)>,
}

pub(crate) fn eur(d: Decimal) -> String {
    format_eur(d)
}

/// A signed amount: `+1 000,00 €`, `-500,00 €`, `0,00 €`.
fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", format_eur(d))
    } else {
        format_eur(d)
    }
}

/// The first 12 digits of a hash, as the text reports print it.
fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// The most inputs a footer names one by one (a folder may hold thousands; the JSON lists all).
const FOOTER_INPUTS: usize = 20;

/// The receipt of a portfolio page: the rules (with the variants their name includes), the
/// variants, every input read with its hash, the engine.
fn receipt(
    rules: &crate::rules::RuleSet,
    variants: &[crate::variant::Variant],
    inputs: &[(String, String)],
) -> String {
    let mut s = format!("Règles : {} (sha256 {})", rules.file, short(&rules.sha256));
    for v in variants {
        s += &format!(" ; variante : {} (sha256 {})", v.file, short(&v.sha256));
    }
    let named: Vec<String> = inputs
        .iter()
        .take(FOOTER_INPUTS)
        .map(|(f, h)| format!("{f} (sha256 {})", short(h)))
        .collect();
    if !named.is_empty() {
        s += &format!(" ; entrées : {}", named.join(", "));
    }
    if inputs.len() > FOOTER_INPUTS {
        s += &format!(" et {} autres (toutes dans --format json)", inputs.len() - FOOTER_INPUTS);
    }
    s + &format!(" ; moteur cpts-funding {}", env!("CARGO_PKG_VERSION"))
}

/// The records left out of a run, each with every located diagnostic: a page is read without
/// the standard error, so it says itself what it does not count.
fn failures<'a>(
    p: &crate::portfolio::Portfolio,
    title: &str,
    failed: impl Iterator<Item = (usize, &'a [crate::diagnostic::Diagnostic])>,
) -> Option<Section> {
    let (records, rows) = failure_rows(p, failed);
    failures_section(title, records, rows)
}

/// The records left out and the rows that say them: one per diagnostic.
fn failure_rows<'a>(
    p: &crate::portfolio::Portfolio,
    failed: impl Iterator<Item = (usize, &'a [crate::diagnostic::Diagnostic])>,
) -> (usize, Vec<Row>) {
    let mut rows = Vec::new();
    let mut records = 0;
    for (i, diags) in failed {
        records += 1;
        let origin = p.records.get(i).map(|r| r.origin.to_string()).unwrap_or_default();
        for d in diags {
            let help = d.help.as_deref().map(|h| format!(" — aide : {h}")).unwrap_or_default();
            rows.push(Row::new(vec![origin.clone(), format!("{d}{help}")]));
        }
    }
    (records, rows)
}

/// The table of the records left out, without rows.
fn failures_table() -> Table {
    Table {
        head: vec!["Enregistrement".into(), "Diagnostic".into()],
        cols: cols("tt"),
        rows: Vec::new(),
        foot: Vec::new(),
    }
}

/// The section of the `records` left out, said by `rows`.
fn failures_section(title: &str, records: usize, rows: Vec<Row>) -> Option<Section> {
    (records > 0).then(|| Section {
        title: format!("{title} ({records})"),
        blocks: vec![
            Block::Warnings(vec![format!(
                "{records} enregistrement(s) en erreur ne sont comptés ni dans les lignes ni dans les sommes de cette page"
            )]),
            Block::Table(Table { rows, ..failures_table() }),
        ],
        page_break: false,
    })
}

/// Each variant: its title, its rationale and its changes (what the text reports print first).
fn variant_blocks(variants: &[crate::variant::Variant]) -> Vec<Block> {
    let mut blocks = Vec::new();
    for v in variants {
        blocks.push(Block::Heading(format!("Variante : {} ({}, {})", v.title, v.id, v.file)));
        let rationale: Vec<&str> = v.rationale.split_whitespace().collect();
        if !rationale.is_empty() {
            blocks.push(Block::Para(rationale.join(" ")));
        }
        let rows = v
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Row::new(vec![
                    (i + 1).to_string(),
                    c.describe(),
                    c.note.clone().unwrap_or_default(),
                ])
            })
            .collect();
        blocks.push(Block::Table(Table {
            head: vec!["N°".into(), "Modification".into(), "Note".into()],
            cols: cols("ttt"),
            rows,
            foot: Vec::new(),
        }));
    }
    blocks
}

/// The first subtitle lines of a page under variants: a negotiation hypothesis, not a text in
/// force, said before any amount.
fn banner(variants: &[crate::variant::Variant]) -> Vec<String> {
    crate::report::variant::banner_lines(variants)
}
