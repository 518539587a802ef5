//! English words for the explanations: the same structured data the French audit formula is
//! written from ([`crate::eval::Formula`]), in English. Amounts stay in the French format of
//! every user-facing output (`format_eur`).

use crate::eval::{Breakdown, Formula, Item, Line, PaymentKind};
use crate::input::{Direction, Payout};
use crate::money::{format_eur, format_plain};
use rust_decimal::Decimal;

/// Why the CPTS is in its tier (the English of `report::json::tier_reason`).
pub(super) fn tier_reason(b: &Breakdown) -> String {
    let source = match b.contract.results.get(&b.contract_year).and_then(|r| r.population) {
        Some(_) => format!("population of contract year {}", b.contract_year),
        None => match b.contract.population_year {
            Some(y) => format!("population of the contract ({y} figure)"),
            None => "population of the contract".into(),
        },
    };
    format!("{source}: {} inhabitants, {}", b.population, b.tier.bounds_text)
}

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

fn op(direction: Direction) -> &'static str {
    match direction {
        Direction::HigherIsBetter => "≥",
        Direction::LowerIsBetter => "≤",
    }
}

/// The formula with its numbers, in English.
pub(super) fn formula(b: &Breakdown, line: &Line) -> String {
    let tier = &b.tier.id;
    let before = line.before_rounding;
    let rounded = b.rules.rounding.apply(before);
    match (&line.formula, line.item) {
        (Formula::TierAmount, Item::Fonctionnement { uplift: true }) => format!(
            "uplifted amount of tier {tier} in force on {}, contract signed on {} (on or before {}): {}",
            b.value_date,
            b.contract.signature,
            b.rules.uplift.as_ref().map(|u| u.signed_on_or_before.to_string()).unwrap_or_default(),
            format_eur(before)
        ),
        (Formula::TierAmount, Item::Crisis { .. }) => format!("serious sanitary crisis recognised by the ARS: envelope of tier {tier} in force on {} = {}", b.value_date, format_eur(before)),
        (Formula::TierAmount, _) => format!("amount of tier {tier} in force on {} = {}", b.value_date, format_eur(before)),
        (Formula::Prorata { full, start, days, year_days }, _) => format!(
            "pro rata by days: {} × {days} d (from the mission start on {start} to the anniversary on {}) / {year_days} d = {}",
            format_eur(*full),
            b.to,
            format_eur(rounded)
        ),
        (Formula::Binary { reached: true }, _) => format!("target reached: maximum {}", format_eur(before)),
        (Formula::Binary { reached: false }, _) => "target not reached: 0,00 €".into(),
        (Formula::Steps { observed, reached }, Item::Variable { indicator, .. }) => match (reached, &indicator.payout) {
            (Some(i), Payout::Steps { direction, steps }) => {
                format!("observed value {}: step {} {} reached → {}", format_plain(*observed), op(*direction), format_plain(steps[*i].threshold), format_eur(before))
            }
            _ => format!("observed value {}: no step reached → 0,00 €", format_plain(*observed)),
        },
        (Formula::Linear { observed, ratio }, Item::Variable { indicator, .. }) => match indicator.payout {
            Payout::Linear { baseline, target } => format!(
                "{} × ({} − {}) / ({} − {}), clamped between 0 and 1 (= {}) → {}",
                format_eur(indicator.max),
                format_plain(*observed),
                format_plain(baseline),
                format_plain(target),
                format_plain(baseline),
                format_plain(ratio.round_dp(6)),
                format_eur(rounded)
            ),
            _ => String::new(),
        },
        (Formula::Missing, _) => "no observed value for the year: 0,00 € (choice `missing_observation`)".into(),
        (Formula::Assumed { envelope, attainment }, _) => format!(
            "variable envelope of tier {tier} in force on {} ({}) × attainment assumed by the variant {} (a hypothesis, not a contract result; the variable part is not prorated) = {}",
            b.value_date,
            format_eur(*envelope),
            format_plain(*attainment),
            format_eur(rounded)
        ),
        _ => String::new(),
    }
}
