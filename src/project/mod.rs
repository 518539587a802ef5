//! Roll-out projections: what a deployment of the agreement costs each calendar year. A
//! scenario file ([`RolloutScenario`]) describes the deployment — signatures per year or
//! quarter, their split by tier, when missions start, the share of each variable envelope
//! reached, crisis years; [`generate`] makes it into synthetic contracts (deterministic from the
//! seed, validated as contract files are); [`project`] computes, per calendar year, the CPTS
//! under contract, the signatures, the cash paid (with [`crate::cashflow::cashflow`] by year,
//! split by kind of payment, tier and mission) and the totals of the contract years starting
//! that year, beside the published figures the scenario gives.
//!
//! Pure, like `eval`: no IO, no words (the reports are in `report::project`). Parallel where
//! the cash flow is, with a result independent of the thread count.

mod generate;
mod rng;
mod scenario;

pub use generate::{generate, indicator_id, raw_contracts, Generated};
pub use rng::Rng;
pub use scenario::{Band, MissionPlan, Published, RolloutScenario, SignaturePeriod, MAX_CONTRACTS};

use crate::calendar::{add_months, Date};
use crate::cashflow::{cashflow, Grouping, Period, Scenario, Spec, YearMonth};
use crate::diagnostic::Diagnostic;
use crate::eval::{evaluate, EvalError};
use crate::portfolio::{Portfolio, RecordState};
use crate::rules::RuleSet;
use chrono::Datelike;
use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// The most calendar years a projection spans.
pub const MAX_YEARS: i32 = 100;

/// One calendar year of a projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearRow {
    pub year: i32,
    /// Contracts signed this year.
    pub signatures: usize,
    /// Contracts in force on 31 December (signed on or before, not yet ended).
    pub under_contract: usize,
    /// Cash paid this calendar year (every dated payment falling in it).
    pub cash: Decimal,
    /// The cash by kind of payment, tier of the year paid, and mission (or `fonctionnement`).
    pub by_kind: BTreeMap<String, Decimal>,
    pub by_tier: BTreeMap<String, Decimal>,
    pub by_mission: BTreeMap<String, Decimal>,
    /// The cash that rests on provisional table cells.
    pub provisional: Decimal,
    /// The totals of the contract years starting this year, and how many they are.
    pub contract_years: Decimal,
    pub contract_years_count: usize,
}

/// A published figure beside the projected cash of its year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub year: i32,
    pub published: Decimal,
    pub source: String,
    pub projected: Decimal,
    /// projected − published.
    pub gap: Decimal,
    /// gap / published × 100, to one decimal (None for a published zero).
    pub gap_percent: Option<Decimal>,
}

/// A projection of a portfolio over calendar years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    pub from: i32,
    pub to: i32,
    pub years: Vec<YearRow>,
    /// Contracts projected.
    pub contracts: usize,
    /// Records that could not be validated or evaluated, with why (record order).
    pub failures: Vec<(usize, Vec<Diagnostic>)>,
}

impl Projection {
    /// Each published figure of a year of the projection, beside the projected cash.
    pub fn compare(&self, published: &BTreeMap<i32, Published>) -> Vec<Comparison> {
        self.years
            .iter()
            .filter_map(|y| {
                let p = published.get(&y.year)?;
                // Both are amounts (never negative), so their difference fits a `Decimal`.
                let gap = y.cash.saturating_sub(p.amount);
                let gap_percent = gap_percent(gap, p.amount);
                Some(Comparison {
                    year: y.year,
                    published: p.amount,
                    source: p.source.clone(),
                    projected: y.cash,
                    gap,
                    gap_percent,
                })
            })
            .collect()
    }
}

/// `gap / published × 100` to one decimal, `None` for a published zero or a ratio past a
/// `Decimal` (a published 10^27 € against a projected 0 € multiplies past it: divided first).
fn gap_percent(gap: Decimal, published: Decimal) -> Option<Decimal> {
    let percent = gap
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|g| g.checked_div(published))
        .or_else(|| gap.checked_div(published)?.checked_mul(Decimal::ONE_HUNDRED))?;
    Some(percent.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
}

/// `from..=to`, checked.
pub fn check_years(from: i32, to: i32) -> Result<(), String> {
    if to < from {
        return Err(format!("--to {to} is before --from {from}"));
    }
    if !(1900..=9999).contains(&from) || !(1900..=9999).contains(&to) {
        return Err(format!("years {from}..{to}: write years from 1900 to 9999"));
    }
    if to - from >= MAX_YEARS {
        return Err(format!("{from}..{to}: a projection spans at most {MAX_YEARS} years"));
    }
    Ok(())
}

fn amounts(sums: &BTreeMap<String, crate::cashflow::Sum>) -> BTreeMap<String, Decimal> {
    sums.iter().map(|(g, s)| (g.clone(), s.amount)).collect()
}

/// The projection of `p` (generated contracts, validated against the base rules) under `rules`
/// (the base, or the base under variants) for the calendar years `from..=to`.
pub fn project(
    rules: &RuleSet,
    p: &Portfolio,
    from: i32,
    to: i32,
) -> Result<Projection, EvalError> {
    let spec = |group| Spec {
        from: YearMonth { year: from, month: 1 },
        to: YearMonth { year: to, month: 12 },
        by: Period::Year,
        group: Some(group),
        scenario: Scenario::Expected,
    };
    let kind = cashflow(rules, p, spec(Grouping::Kind))?;
    let tier = cashflow(rules, p, spec(Grouping::Tier))?;
    let mission = cashflow(rules, p, spec(Grouping::Mission))?;

    // The contract years starting in the window, per contract (in parallel, order kept).
    let loaded: Vec<usize> = p
        .records
        .iter()
        .filter_map(|r| match r.state {
            RecordState::Loaded { contract, .. } => Some(contract),
            RecordState::Failed(_) => None,
        })
        .collect();
    let years_of: Vec<Result<Vec<(i32, Decimal)>, EvalError>> = loaded
        .par_iter()
        .with_min_len(8)
        .map(|&c| {
            let c = &p.contracts[c];
            (1..=rules.contract_length_years)
                .map(|k| evaluate(rules, c, k).map(|b| (b.from.year(), b.totals.total)))
                .collect()
        })
        .collect();

    let n = usize::try_from(to - from + 1).unwrap_or(0);
    let mut rows: Vec<YearRow> = (0..n)
        .map(|i| {
            let year = from + i32::try_from(i).unwrap_or(0);
            let at = |f: &crate::cashflow::CashFlow| f.periods.get(i).cloned();
            let k = at(&kind);
            YearRow {
                year,
                signatures: 0,
                under_contract: 0,
                cash: k.as_ref().map_or(Decimal::ZERO, |x| x.total.amount),
                provisional: k.as_ref().map_or(Decimal::ZERO, |x| x.total.provisional),
                by_kind: k.map(|x| amounts(&x.groups)).unwrap_or_default(),
                by_tier: at(&tier).map(|x| amounts(&x.groups)).unwrap_or_default(),
                by_mission: at(&mission).map(|x| amounts(&x.groups)).unwrap_or_default(),
                contract_years: Decimal::ZERO,
                contract_years_count: 0,
            }
        })
        .collect();
    let index = |y: i32| usize::try_from(y - from).ok().filter(|i| *i < n);
    // A contract that cannot be evaluated is already a failure of the cash flow.
    for list in years_of.into_iter().flatten() {
        for (y, total) in list {
            if let Some(i) = index(y) {
                let r = &mut rows[i];
                r.contract_years =
                    r.contract_years.checked_add(total).ok_or(EvalError::Overflow)?;
                r.contract_years_count += 1;
            }
        }
    }
    let length = rules.contract_length_years.saturating_mul(12);
    for &c in &loaded {
        let c = &p.contracts[c];
        if let Some(i) = index(c.signature.year()) {
            rows[i].signatures += 1;
        }
        let end = add_months(c.signature, length).unwrap_or(c.signature);
        for r in &mut rows {
            let dec31 = Date::from_ymd_opt(r.year, 12, 31).unwrap_or(c.signature);
            if c.signature <= dec31 && end > dec31 {
                r.under_contract += 1;
            }
        }
    }
    let mut failures = kind.failures;
    failures.sort_by_key(|(i, _)| *i);
    Ok(Projection { from, to, years: rows, contracts: kind.contracts, failures })
}
