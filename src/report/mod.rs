//! Renderers: text tables for people, a versioned JSON document for machines. They take
//! evaluated data and return strings; they never print.

pub mod audit;
pub mod budget;
pub mod budget_json;
pub mod html;
pub mod json;
pub mod md;
pub mod page;
pub mod svg;
pub mod text;

use crate::eval::{Breakdown, Item, Payment, PaymentKind};
use crate::money::format_2dp;

/// The label of a dated payment, in French.
pub fn payment_label(b: &Breakdown, p: &Payment) -> String {
    let line = &b.lines[p.line];
    let label = audit::line_label(b, line);
    let rate = b
        .rules
        .payment
        .advance_rate
        .at(b.from)
        .map(|(_, c)| c.amount * rust_decimal::Decimal::ONE_HUNDRED)
        .unwrap_or_default();
    match p.kind {
        PaymentKind::AtSignature => format!("Versement à la signature: {label}"),
        PaymentKind::Advance => format!("Avance {} %: {label}", rate.normalize()),
        PaymentKind::Balance => format!("Solde: {label}"),
        PaymentKind::Variable => match line.item {
            Item::Variable { mission, .. } => format!("Part variable: {}", mission.label),
            _ => format!("Part variable: {label}"),
        },
        PaymentKind::Crisis => format!("Enveloppe crise: {label}"),
    }
}

pub fn payment_kind_name(k: PaymentKind) -> &'static str {
    match k {
        PaymentKind::AtSignature => "at_signature",
        PaymentKind::Advance => "advance",
        PaymentKind::Balance => "balance",
        PaymentKind::Variable => "variable",
        PaymentKind::Crisis => "crisis",
    }
}

/// `"1234.50"`: amounts in machine outputs.
pub fn amount(d: rust_decimal::Decimal) -> String {
    format_2dp(d)
}
