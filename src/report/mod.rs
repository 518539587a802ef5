//! Every renderer: text for people, versioned JSON and CSV for machines, printable pages
//! (Markdown, HTML) and SVG charts. They take evaluated data and return strings; they never
//! print. Every printable page is a [`page::Page`] built by one builder per report (`page/`)
//! and written by the only two page writers, `html` and `md`: a new page format is one writer.
//! `portfolio` writes a portfolio run, `variant` the diff, sweep and max-with-variant text, CSV
//! and JSON, `chart` the two SVG charts; `escape` is the one escaping function of HTML and SVG.

pub mod budget;
pub mod budget_json;
pub mod cashflow;
pub mod chart;
pub mod csv_writer;
pub mod escape;
pub mod html;
pub mod json;
pub mod json_parts;
pub mod md;
pub mod page;
pub mod portfolio;
pub mod project;
pub mod rules_json;
pub mod text;
pub mod variant;

/// The cash-flow chart of a page (its old path).
pub use chart::cash as svg;

/// The audit trail moved below `report` and `explain` (both use it); kept here for its users.
pub use crate::audit;

pub use crate::audit::{amount, payment_kind_name, payment_label};
