//! Reports of the variant commands, one file per report: `diff.rs` (the `diff` text and CSV),
//! `diff_json.rs`, `sweep.rs` (CSV, JSON) and `max.rs` (`max --variant` text and JSON); their
//! printable pages are in [`super::page`]. What they share lives here: the variant banner (a
//! negotiation hypothesis, not a text in force), the variants' descriptions, signed amounts.
//! They take computed data and return strings.

use crate::money::format_eur;
use crate::variant::Variant;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;

mod diff;
mod diff_json;
mod max;
mod sweep;

pub use crate::report::json_parts::JsonList;
pub use diff::{
    diff_csv, diff_csv_header, diff_csv_rows, diff_csv_sums, diff_text, diff_text_failures,
    diff_text_head, diff_text_rows, diff_text_sums, diff_text_tail, diff_text_tier_changes,
};
pub use diff_json::{
    diff_json, diff_json_failures, diff_json_parts, diff_json_rows, diff_json_tier_changes,
};
pub use max::{max_json, max_text};
pub use sweep::{sweep_csv, sweep_json};

pub(super) const W: usize = 17;

pub(super) fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", format_eur(d))
    } else {
        format_eur(d)
    }
}

/// The variants' titles and rationales, and their changes.
pub(super) fn variants_text(o: &mut String, variants: &[Variant]) {
    for v in variants {
        let _ = writeln!(o, "Variante : {} ({}, {})", v.title, v.id, v.file);
        for l in v.rationale.trim().lines() {
            let _ = writeln!(o, "  {}", l.trim());
        }
        for (i, c) in v.changes.iter().enumerate() {
            let note = c.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default();
            let _ = writeln!(o, "  {}. {}{note}", i + 1, c.describe());
        }
    }
}

#[derive(Serialize)]
struct ChangeDoc {
    path: String,
    from: String,
    operation: String,
    note: Option<String>,
}

#[derive(Serialize)]
pub(super) struct VariantDoc {
    id: String,
    title: String,
    rationale: String,
    file: String,
    sha256: String,
    changes: Vec<ChangeDoc>,
}

pub(super) fn variant_docs(variants: &[Variant]) -> Vec<VariantDoc> {
    variants
        .iter()
        .map(|v| VariantDoc {
            id: v.id.clone(),
            title: v.title.clone(),
            rationale: v.rationale.trim().to_string(),
            file: v.file.clone(),
            sha256: v.sha256.clone(),
            changes: v
                .changes
                .iter()
                .map(|c| ChangeDoc {
                    path: c.path.clone(),
                    from: c.from.to_string(),
                    operation: c.op.describe(),
                    note: c.note.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The lines a report under variants starts with: a variant is a negotiation hypothesis, not a
/// text in force, and the reader must see it before any amount.
pub fn banner_lines(variants: &[Variant]) -> Vec<String> {
    variants
        .iter()
        .map(|v| {
            format!(
                "Variante (hypothèse de négociation, pas un texte en vigueur) : {} ({}, {})",
                v.title, v.id, v.file
            )
        })
        .collect()
}

/// [`banner_lines`] as the first lines of a text report.
pub fn banner(variants: &[Variant]) -> String {
    banner_lines(variants).into_iter().map(|l| l + "\n").collect()
}
