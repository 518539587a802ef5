//! English words of the explanations that are not audit formulas (those are written by the one
//! walk of [`crate::audit::words`]). Amounts stay in the French format of every user-facing
//! output (`format_eur`).

use crate::eval::{Breakdown, PaymentKind};
use crate::money::format_plain;
use rust_decimal::Decimal;

pub(super) fn payment_kind(b: &Breakdown, kind: PaymentKind) -> String {
    match kind {
        PaymentKind::AtSignature => "paid at signature".into(),
        PaymentKind::Advance => {
            let rate = b
                .rules
                .payment
                .advance_rate
                .at(b.from)
                .map(|(_, c)| c.amount.saturating_mul(Decimal::ONE_HUNDRED))
                .unwrap_or_default();
            format!("advance {} %", format_plain(rate))
        }
        PaymentKind::Balance => "balance".into(),
        PaymentKind::Variable => "variable part".into(),
        PaymentKind::Crisis => "crisis envelope".into(),
    }
}
