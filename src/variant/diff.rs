//! What a variant costs on a portfolio: each CPTS-year under the base rules and under the
//! variant, the delta, sums by tier (the base tier) and by mission, the CPTS-years whose tier
//! changes, and the attribution of the total delta to each change of the overlay(s):
//!
//! - **one at a time**: each change applied alone to the base; their sum differs from the total
//!   delta by the **interaction** (changes that act on each other, e.g. a raised amount and a
//!   moved tier bound), shown so that the parts add up to the total;
//! - **sequential**: the changes applied in order, each credited with what it adds to the ones
//!   before it; these parts add up to the total exactly (they depend on the order).
//!
//! Only the records evaluated under both rule sets are compared; the others are listed as
//! failures. [`DiffSums`] (`sums.rs`) is what a diff says without its rows, merged chunk by
//! chunk when a large file is streamed.

use crate::diagnostic::Diagnostic;
use crate::eval::{EvalError, Totals};
use crate::portfolio::{self, evaluate, Outcome, Portfolio, Run, Selection};
use crate::rules::RuleSet;
use crate::variant::{apply, Change, Variant};
use rayon::prelude::*;
use rust_decimal::Decimal;

mod attribute;
mod sums;
use attribute::attribute;
pub use sums::{DiffSums, NamedDelta, NamedGains};

fn add(a: Decimal, b: Decimal) -> Result<Decimal, EvalError> {
    a.checked_add(b).ok_or(EvalError::Overflow)
}

fn sub(a: Decimal, b: Decimal) -> Result<Decimal, EvalError> {
    a.checked_sub(b).ok_or(EvalError::Overflow)
}

/// One CPTS-year under both rule sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    pub record: usize,
    pub contract: usize,
    pub contract_year: u32,
    pub population: u64,
    pub base_tier: usize,
    pub variant_tier: usize,
    pub base: Totals,
    pub variant: Totals,
    pub delta: Decimal,
    /// Paid at signature or as advances, under each rule set (cash flow: the advance rate).
    pub base_advances: Decimal,
    pub variant_advances: Decimal,
}

impl DiffRow {
    /// Its amount or its tier changes (the text report lists those).
    pub fn changes(&self) -> bool {
        !self.delta.is_zero() || self.base_tier != self.variant_tier
    }
}

/// Base, variant and delta of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Delta {
    pub cpts_years: usize,
    pub base: Decimal,
    pub variant: Decimal,
    pub delta: Decimal,
}

impl Delta {
    fn add(&mut self, base: Decimal, variant: Decimal) -> Result<(), EvalError> {
        self.cpts_years += 1;
        self.base = add(self.base, base)?;
        self.variant = add(self.variant, variant)?;
        self.delta = sub(self.variant, self.base)?;
        Ok(())
    }
}

/// A part of the total delta credited to one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// Index of the variant (file) and of the change in it.
    pub variant: usize,
    pub change: usize,
    pub describe: String,
    /// Applied alone to the base; `None` when it cannot apply alone (it changes a mission an
    /// earlier change adds).
    pub alone: Option<Decimal>,
    /// Applied after the changes before it.
    pub sequential: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attribution {
    pub effects: Vec<Effect>,
    /// Total delta minus the sum of the one-at-a-time parts.
    pub interaction: Decimal,
    pub total: Decimal,
}

/// Who gains and who loses: each CPTS's delta summed over its compared contract years.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GainLoss {
    pub gain: usize,
    pub lose: usize,
    pub unchanged: usize,
    /// The largest gains, largest first (at most [`LARGEST`]): (contract index, delta).
    pub largest_gains: Vec<(usize, Decimal)>,
    /// The largest losses, largest first (most negative first).
    pub largest_losses: Vec<(usize, Decimal)>,
}

/// How many of the largest gains and losses a diff names.
pub const LARGEST: usize = 10;

/// What is paid in one calendar year, under each rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashYear {
    pub year: i32,
    pub delta: Delta,
}

/// A variant against the base on a portfolio.
#[derive(Debug, Clone)]
pub struct Diff {
    pub base: Run,
    pub variant: Run,
    pub rows: Vec<DiffRow>,
    /// By the tier each row has under the base rules, in tier order.
    pub by_tier: Vec<Delta>,
    /// `fonctionnement`, then each mission of the base, then the missions the variant adds.
    pub by_mission: Vec<(String, String, Delta)>,
    pub total: Delta,
    /// What is paid at signature or as advances (the advance rate changes it, not the total).
    pub advances: Delta,
    /// By region and by department (`-` when the contract gives none), in name order.
    pub by_region: Vec<(String, Delta)>,
    pub by_department: Vec<(String, Delta)>,
    /// Per CPTS: how many gain, lose or are unchanged, and the largest of each.
    pub gains: GainLoss,
    /// The cash paid each calendar year under each rule set: every contract year of every
    /// contract compared, expected scenario (as `cashflow`), whatever the selection.
    pub cash: Vec<CashYear>,
    /// Indices into `rows` of the CPTS-years whose tier differs.
    pub tier_changes: Vec<usize>,
    pub attribution: Attribution,
    /// Records not compared, with why (failed under the base, the variant, or both).
    pub failures: Vec<(usize, Vec<Diagnostic>)>,
}

/// Compares `variant_rules` (the base with `variants` applied) with `base` on `p`.
/// `progress` is called once per rule set evaluated (2 + 2 per change, at most).
pub fn diff(
    base: &RuleSet,
    variants: &[Variant],
    variant_rules: &RuleSet,
    p: &Portfolio,
    selection: Selection,
    progress: &(dyn Fn() + Sync),
) -> Result<Diff, EvalError> {
    let none = || {};
    let base_run = evaluate(base, p, selection, &none);
    progress();
    let variant_run = evaluate(variant_rules, p, selection, &none);
    progress();
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    let mut compared = vec![false; p.records.len()];
    for (i, (a, b)) in base_run.outcomes.iter().zip(&variant_run.outcomes).enumerate() {
        match (a, b) {
            (Outcome::Rows(x), Outcome::Rows(y)) => {
                compared[i] = true;
                for (x, y) in x.iter().zip(y) {
                    rows.push(DiffRow {
                        record: i,
                        contract: x.contract,
                        contract_year: x.contract_year,
                        population: x.population,
                        base_tier: x.tier,
                        variant_tier: y.tier,
                        base: x.totals,
                        variant: y.totals,
                        delta: sub(y.totals.total, x.totals.total)?,
                        base_advances: x.advances,
                        variant_advances: y.advances,
                    });
                }
            }
            (Outcome::Failed(d), Outcome::Failed(e)) if d == e => failures.push((i, d.clone())),
            (Outcome::Failed(d), _) | (_, Outcome::Failed(d)) => failures.push((i, d.clone())),
            _ => {}
        }
    }
    let mut by_tier = vec![Delta::default(); base.tiers.len()];
    let mut total = Delta::default();
    let mut advances = Delta::default();
    for r in &rows {
        by_tier[r.base_tier].add(r.base.total, r.variant.total)?;
        total.add(r.base.total, r.variant.total)?;
        advances.add(r.base_advances, r.variant_advances)?;
    }
    let by_mission = missions(base, variant_rules, &base_run, &variant_run, &compared)?;
    let tier_changes = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.base_tier != r.variant_tier)
        .map(|(i, _)| i)
        .collect();
    let attribution = attribute(base, variants, p, selection, &compared, total, progress)?;
    let place = |key: fn(&crate::input::Contract) -> Option<&String>| {
        let mut m: std::collections::BTreeMap<String, Delta> = std::collections::BTreeMap::new();
        for r in &rows {
            let k = key(&p.contracts[r.contract]).cloned().unwrap_or_else(|| "-".into());
            m.entry(k).or_default().add(r.base.total, r.variant.total)?;
        }
        Ok::<_, EvalError>(m.into_iter().collect::<Vec<_>>())
    };
    let by_region = place(|c| c.region.as_ref())?;
    let by_department = place(|c| c.department.as_ref())?;
    let gains = gains(&rows)?;
    let cash = cash(base, variant_rules, p, &compared)?;
    Ok(Diff {
        base: base_run,
        variant: variant_run,
        rows,
        by_tier,
        by_mission,
        total,
        advances,
        by_region,
        by_department,
        gains,
        cash,
        tier_changes,
        attribution,
        failures,
    })
}

/// Each CPTS's delta over its rows; the counts and the largest gains and losses.
fn gains(rows: &[DiffRow]) -> Result<GainLoss, EvalError> {
    let mut per: std::collections::BTreeMap<usize, Decimal> = std::collections::BTreeMap::new();
    for r in rows {
        let d = per.entry(r.contract).or_default();
        *d = add(*d, r.delta)?;
    }
    let mut g = GainLoss::default();
    for d in per.values() {
        match d.cmp(&Decimal::ZERO) {
            std::cmp::Ordering::Greater => g.gain += 1,
            std::cmp::Ordering::Less => g.lose += 1,
            std::cmp::Ordering::Equal => g.unchanged += 1,
        }
    }
    let mut list: Vec<(usize, Decimal)> = per.into_iter().collect();
    // Ties by contract order, so the lists do not depend on anything but the input.
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    g.largest_gains =
        list.iter().filter(|(_, d)| *d > Decimal::ZERO).take(LARGEST).copied().collect();
    list.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    g.largest_losses =
        list.iter().filter(|(_, d)| *d < Decimal::ZERO).take(LARGEST).copied().collect();
    Ok(g)
}

/// The cash of the compared records' contracts by calendar year, under both rule sets.
fn cash(
    base: &RuleSet,
    variant: &RuleSet,
    p: &Portfolio,
    compared: &[bool],
) -> Result<Vec<CashYear>, EvalError> {
    use crate::cashflow::{cashflow_of, Period, Scenario, Spec, YearMonth};
    let contracts: Vec<&crate::input::Contract> = p
        .records
        .iter()
        .zip(compared)
        .filter_map(|(r, c)| match r.state {
            portfolio::RecordState::Loaded { contract, .. } if *c => Some(&p.contracts[contract]),
            _ => None,
        })
        .collect();
    let (Some(first), Some(last)) =
        (contracts.iter().map(|c| c.signature).min(), contracts.iter().map(|c| c.signature).max())
    else {
        return Ok(Vec::new());
    };
    use chrono::Datelike;
    // Every payment of a contract year falls before its next anniversary plus a year (the
    // variable part is paid after the year): the window covers them all.
    let span = i32::try_from(base.contract_length_years.max(variant.contract_length_years))
        .unwrap_or(i32::MAX)
        .saturating_add(2);
    let spec = Spec {
        from: YearMonth { year: first.year(), month: 1 },
        to: YearMonth { year: last.year().saturating_add(span), month: 12 },
        by: Period::Year,
        group: None,
        scenario: Scenario::Expected,
    };
    let only = Some(compared);
    let (a, b) =
        rayon::join(|| cashflow_of(base, p, spec, only), || cashflow_of(variant, p, spec, only));
    let (a, b) = (a?, b?);
    let mut out = Vec::new();
    for (x, y) in a.periods.iter().zip(&b.periods) {
        if x.total.payments == 0 && y.total.payments == 0 {
            continue;
        }
        out.push(CashYear {
            year: x.first.year,
            delta: Delta {
                cpts_years: 0,
                base: x.total.amount,
                variant: y.total.amount,
                delta: sub(y.total.amount, x.total.amount)?,
            },
        });
    }
    Ok(out)
}

/// Fonctionnement, then per mission id (base missions, then those the variant adds).
fn missions(
    base: &RuleSet,
    var: &RuleSet,
    a: &Run,
    b: &Run,
    compared: &[bool],
) -> Result<Vec<(String, String, Delta)>, EvalError> {
    let mut out: Vec<(String, String, Delta)> =
        vec![("fonctionnement".into(), base.fonctionnement.label.clone(), Delta::default())];
    for m in
        base.missions.iter().chain(var.missions.iter().filter(|m| base.mission(&m.id).is_none()))
    {
        out.push((m.id.clone(), m.label.clone(), Delta::default()));
    }
    let index = |id: &str| out.iter().position(|(i, _, _)| i == id);
    let mut sums: Vec<(Decimal, Decimal, usize)> =
        vec![(Decimal::ZERO, Decimal::ZERO, 0); out.len()];
    for (side, (rules, run)) in [(base, a), (var, b)].into_iter().enumerate() {
        for row in run.rows().filter(|r| compared[r.record]) {
            let slot = &mut sums[0];
            if side == 0 {
                slot.0 = add(slot.0, row.totals.fonctionnement)?;
                slot.2 += 1;
            } else {
                slot.1 = add(slot.1, row.totals.fonctionnement)?;
            }
            for (m, amounts) in rules.missions.iter().zip(&row.missions) {
                let Some(j) = index(&m.id) else { continue };
                let slot = &mut sums[j];
                if side == 0 {
                    slot.0 = add(slot.0, amounts.total())?;
                    slot.2 += usize::from(amounts.paid);
                } else {
                    slot.1 = add(slot.1, amounts.total())?;
                    if base.mission(&m.id).is_none() {
                        slot.2 += usize::from(amounts.paid);
                    }
                }
            }
        }
    }
    for ((_, _, d), (b, v, n)) in out.iter_mut().zip(sums) {
        *d = Delta { cpts_years: n, base: b, variant: v, delta: sub(v, b)? };
    }
    Ok(out)
}
