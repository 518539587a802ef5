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

use crate::explain::LineExplanation;
pub use budget::budget;
pub use contract::{compute, explain};

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
    Chart(Chart),
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

pub(crate) fn eur(d: Decimal) -> String {
    format_eur(d)
}
