//! The words of an audit formula: one walk over the structured line ([`Formula`] × [`Item`] ×
//! [`Payout`]) that decides what is said and in which order, and one [`Words`] table per
//! language that says it. The matches have no wildcard arm: a new formula, item or indicator
//! kind does not compile until the walk says how it is written, in every language at once.
//!
//! The walk writes into one buffer with the allocation-free number and date writers: it runs for
//! every line of every CPTS of a portfolio.

use crate::calendar::push_date;
use crate::eval::{Breakdown, Formula, Item, Line};
use crate::input::{Direction, Payout};
use crate::money::{push_eur, push_plain};
use crate::rules::{Uplift, UpliftPay};
use rust_decimal::Decimal;

mod lang;
pub use lang::{Lang, Words};

pub fn op(direction: Direction) -> &'static str {
    match direction {
        Direction::HigherIsBetter => "≥",
        Direction::LowerIsBetter => "≤",
    }
}

/// The formula of `line` with its numbers, in `lang`.
pub fn formula(b: &Breakdown, line: &Line, lang: Lang) -> String {
    let mut o = String::with_capacity(256);
    write_formula(&mut o, b, line, lang.words());
    o
}

/// Writes the formula of `line` with the words `w`.
pub fn write_formula(o: &mut String, b: &Breakdown, line: &Line, w: &Words) {
    let tier = b.tier.id.as_str();
    let before = line.before_rounding;
    let rounded = b.rules.rounding.apply(line.before_rounding);
    // `tier … in force on <date>`: the opening of every tier-amount sentence.
    let tier_in_force = |o: &mut String, words: &[&str]| {
        o.push_str(words[0]);
        o.push_str(tier);
        o.push_str(words[1]);
        push_date(o, b.value_date);
    };
    // `paid once, in the first contract year starting on or after <from> … : `.
    let uplift_when = |o: &mut String, u: &Uplift| {
        o.push_str(match u.pay {
            UpliftPay::Once => w.uplift_when[0],
            UpliftPay::Yearly => w.uplift_when[1],
        });
        push_date(o, u.from);
        if let Some(until) = u.until {
            o.push_str(w.uplift_when[2]);
            push_date(o, until);
        }
        o.push_str(w.uplift_when[3]);
    };
    match &line.formula {
        Formula::TierAmount => match line.item {
            // The older `fonctionnement_uplift` says its signature date (its words unchanged).
            Item::Fonctionnement { uplift: Some(u) } => match u.contracts.signed_on_or_before {
                Some(limit) => {
                    tier_in_force(o, &w.uplift);
                    o.push_str(w.uplift[2]);
                    push_date(o, b.contract.signature);
                    o.push_str(w.uplift[3]);
                    push_date(o, limit);
                    o.push_str(w.uplift[4]);
                    push_eur(o, before);
                }
                None => {
                    uplift_when(o, u);
                    tier_in_force(o, &w.uplift);
                    o.push_str(w.uplift[4]);
                    push_eur(o, before);
                }
            },
            Item::Uplift { uplift } => {
                uplift_when(o, uplift);
                tier_in_force(o, &w.tier_amount);
                o.push_str(w.tier_amount[2]);
                push_eur(o, before);
            }
            Item::Crisis { .. } => {
                tier_in_force(o, &w.crisis);
                o.push_str(w.crisis[2]);
                push_eur(o, before);
            }
            Item::Fonctionnement { uplift: None }
            | Item::Fixed { .. }
            | Item::Variable { .. }
            | Item::AssumedVariable { .. }
            | Item::VariableCap { .. } => {
                tier_in_force(o, &w.tier_amount);
                o.push_str(w.tier_amount[2]);
                push_eur(o, before);
            }
        },
        Formula::Prorata { full, start, days, year_days } => {
            o.push_str(w.prorata[0]);
            push_eur(o, *full);
            o.push_str(w.prorata[1]);
            push_plain(o, Decimal::from(*days));
            o.push_str(w.prorata[2]);
            push_date(o, *start);
            o.push_str(w.prorata[3]);
            push_date(o, b.to);
            o.push_str(w.prorata[4]);
            push_plain(o, Decimal::from(*year_days));
            o.push_str(w.prorata[5]);
            push_eur(o, rounded);
        }
        Formula::Binary { reached: true } => {
            o.push_str(if expected(b, line) {
                w.binary_expected_reached
            } else {
                w.binary_reached
            });
            push_eur(o, before);
        }
        Formula::Binary { reached: false } => o.push_str(if expected(b, line) {
            w.binary_expected_not_reached
        } else {
            w.binary_not_reached
        }),
        Formula::Steps { observed, reached } => {
            o.push_str(if expected(b, line) { w.steps_expected } else { w.steps_observed });
            push_plain(o, *observed);
            let step = match (reached, variable_payout(line)) {
                (Some(i), Some(Payout::Steps { direction, steps })) => {
                    steps.get(*i).map(|s| (*direction, s.threshold))
                }
                (Some(_), Some(Payout::Binary | Payout::Linear { .. }) | None) | (None, _) => None,
            };
            match step {
                Some((direction, threshold)) => {
                    o.push_str(w.step_reached[0]);
                    o.push_str(op(direction));
                    o.push(' ');
                    push_plain(o, threshold);
                    o.push_str(w.step_reached[1]);
                    push_eur(o, before);
                }
                None => o.push_str(w.no_step_reached),
            }
        }
        Formula::Linear { observed, ratio } => {
            // A linear formula is only made for a linear indicator (eval::indicator).
            let (Some(Payout::Linear { baseline, target }), Item::Variable { indicator, .. }) =
                (variable_payout(line), line.item)
            else {
                return;
            };
            push_eur(o, indicator.max);
            o.push_str(" × (");
            push_plain(o, *observed);
            o.push_str(" − ");
            push_plain(o, *baseline);
            o.push_str(") / (");
            push_plain(o, *target);
            o.push_str(" − ");
            push_plain(o, *baseline);
            o.push_str(w.linear_clamped);
            push_plain(o, ratio.round_dp(6));
            o.push_str(") → ");
            push_eur(o, rounded);
        }
        Formula::Missing => o.push_str(w.missing),
        Formula::Share { base, rate } => {
            if let Item::Uplift { uplift } = line.item {
                uplift_when(o, uplift);
            }
            tier_in_force(o, &w.share);
            o.push_str(w.share[2]);
            push_eur(o, *base);
            o.push_str(w.share[3]);
            push_plain(o, *rate);
            o.push_str(w.tier_amount[2]);
            push_eur(o, rounded);
        }
        Formula::Cap { envelope, indicators } => {
            tier_in_force(o, &w.cap);
            o.push_str(w.cap[2]);
            push_eur(o, *envelope);
            o.push_str(w.cap[3]);
            push_eur(o, *indicators);
            o.push_str(w.cap[4]);
            push_eur(o, rounded);
        }
        Formula::Assumed { envelope, attainment } => {
            tier_in_force(o, &w.assumed);
            o.push_str(w.assumed[2]);
            push_eur(o, *envelope);
            o.push_str(w.assumed[3]);
            push_plain(o, *attainment);
            o.push_str(w.assumed[4]);
            push_eur(o, rounded);
        }
    }
}

/// The payout of an indicator line.
fn variable_payout<'a>(line: &Line<'a>) -> Option<&'a Payout> {
    match line.item {
        Item::Variable { indicator, .. } => Some(&indicator.payout),
        Item::Fonctionnement { .. }
        | Item::Uplift { .. }
        | Item::Fixed { .. }
        | Item::Crisis { .. }
        | Item::AssumedVariable { .. }
        | Item::VariableCap { .. } => None,
    }
}

/// Whether an indicator line's result is a treasurer's expectation (a budget's expected
/// scenario marks them), not a measure: its words then say "attendu(e)".
fn expected(b: &Breakdown, line: &Line) -> bool {
    match line.item {
        Item::Variable { indicator, .. } => b
            .contract
            .results
            .get(&b.contract_year)
            .is_some_and(|r| r.expected.contains(&*indicator.id)),
        Item::Fonctionnement { .. }
        | Item::Uplift { .. }
        | Item::Fixed { .. }
        | Item::Crisis { .. }
        | Item::AssumedVariable { .. }
        | Item::VariableCap { .. } => false,
    }
}

/// Why the CPTS is in its tier: the population used, its source, and the tier's bounds.
pub fn tier_reason(b: &Breakdown, lang: Lang) -> String {
    let w = lang.words();
    let mut o = String::with_capacity(128);
    match b.contract.results.get(&b.contract_year).and_then(|r| r.population) {
        Some(_) => {
            o.push_str(w.population_of_year);
            o.push_str(&b.contract_year.to_string());
        }
        None => match b.contract.population_year {
            Some(y) => {
                o.push_str(w.population_of_contract_year[0]);
                o.push_str(&y.to_string());
                o.push_str(w.population_of_contract_year[1]);
            }
            None => o.push_str(w.population_of_contract),
        },
    }
    o.push_str(": ");
    o.push_str(&b.population.to_string());
    o.push_str(w.inhabitants);
    o.push_str(&b.tier.bounds_text);
    if w.tier_id_after_bounds {
        o.push_str(" (");
        o.push_str(&b.tier.id);
        o.push(')');
    }
    o
}
