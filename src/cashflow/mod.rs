//! Money by calendar period: every dated payment of every CPTS of a portfolio that falls in a
//! window of months (signature payments, advances, balances, variable parts, crisis envelopes),
//! summed per month, quarter or year and per group (tier, mission, department, region, kind of
//! payment), with a running total. A CPAM's accounts and the ONDAM are voted by calendar year;
//! CPTS are paid by contract year, anniversary to anniversary: this is the bridge.
//!
//! Each contract is projected over all its contract years in one scenario, as `budget` does
//! ([`crate::budget::Scenarios`]): measured observations are kept; an indicator not measured is
//! not reached (minimum), at the contract's expectation (expected) or fully reached (maximum).
//! Each sum says how much of it rests on such assumptions (a variable part whose indicators are
//! not all measured) and on provisional amounts (a line read from a provisional table cell).
//! Pure, like `eval`: no IO, no words; parallel over contracts with a result independent of the
//! thread count (exact `Decimal` additions, merged in input order).

use crate::budget::Scenarios;
use crate::diagnostic::{Diagnostic, Location};
use crate::eval::{evaluate, Breakdown, EvalError, Item, Payment, PaymentKind};
use crate::input::Contract;
use crate::portfolio::{Portfolio, RecordState};
use crate::rules::RuleSet;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

mod spec;
pub use spec::{Grouping, Period, Scenario, Spec, YearMonth};

/// An amount and how much of it rests on assumptions and on provisional amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sum {
    pub amount: Decimal,
    /// The part paying a variable part whose indicators are not all measured.
    pub assumed: Decimal,
    /// The part read from a provisional table cell.
    pub provisional: Decimal,
    pub payments: usize,
}

impl Sum {
    fn add(&mut self, o: &Sum) -> Result<(), EvalError> {
        let add = |a: Decimal, b: Decimal| a.checked_add(b).ok_or(EvalError::Overflow);
        self.amount = add(self.amount, o.amount)?;
        self.assumed = add(self.assumed, o.assumed)?;
        self.provisional = add(self.provisional, o.provisional)?;
        self.payments += o.payments;
        Ok(())
    }
}

/// One period of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodSums {
    /// `2025-03`, `2025-Q1` or `2025`.
    pub period: String,
    /// Its first month in the window.
    pub first: YearMonth,
    pub total: Sum,
    /// By group name, in name order (empty without a grouping).
    pub groups: BTreeMap<String, Sum>,
    /// The total of this period and every earlier one of the window.
    pub running_total: Decimal,
}

/// The cash flow of a portfolio over a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashFlow {
    pub spec: Spec,
    /// Every period of the window, in order, empty ones included.
    pub periods: Vec<PeriodSums>,
    pub total: Sum,
    /// The whole window by group.
    pub groups: BTreeMap<String, Sum>,
    /// Contracts projected.
    pub contracts: usize,
    /// Records that could not be read or evaluated, with why (input order).
    pub failures: Vec<(usize, Vec<Diagnostic>)>,
}

impl CashFlow {
    /// Adds the cash flow of another part of the same portfolio under the same spec (a chunk of
    /// a streamed file): sums add, running totals follow, and `other`'s failures come after
    /// `self`'s, their record indices moved by `offset` (the records of the parts before).
    pub fn merge(&mut self, other: CashFlow, offset: usize) -> Result<(), EvalError> {
        debug_assert!(self.spec == other.spec, "cash flows of one spec");
        for (a, b) in self.periods.iter_mut().zip(&other.periods) {
            a.total.add(&b.total)?;
            for (g, sum) in &b.groups {
                a.groups.entry(g.clone()).or_default().add(sum)?;
            }
        }
        let mut running = Decimal::ZERO;
        for ps in &mut self.periods {
            running = running.checked_add(ps.total.amount).ok_or(EvalError::Overflow)?;
            ps.running_total = running;
        }
        self.total.add(&other.total)?;
        for (g, sum) in &other.groups {
            self.groups.entry(g.clone()).or_default().add(sum)?;
        }
        self.contracts += other.contracts;
        self.failures.extend(other.failures.into_iter().map(|(i, d)| (i + offset, d)));
        Ok(())
    }
}

/// One payment in the window, placed.
struct Placed {
    period: usize,
    group: String,
    sum: Sum,
}

/// The periods of the window, in order: their labels and first months.
fn periods_of(spec: &Spec) -> Vec<(String, YearMonth)> {
    let mut out: Vec<(String, YearMonth)> = Vec::new();
    let mut m = spec.from;
    while m <= spec.to {
        let l = spec.by.label(m);
        if out.last().map(|(p, _)| p) != Some(&l) {
            out.push((l, m));
        }
        m = if m.month == 12 {
            YearMonth { year: m.year + 1, month: 1 }
        } else {
            YearMonth { year: m.year, month: m.month + 1 }
        };
    }
    out
}

/// The contract `scenario` makes of `c` (measures kept, the rest as the scenario says).
pub fn scenario_contract(c: &Contract, scenario: Scenario, years: u32) -> Contract {
    let s = Scenarios::new(c, None, years);
    match scenario {
        Scenario::Minimum => s.minimum,
        Scenario::Expected => s.expected,
        Scenario::Maximum => s.maximum,
    }
}

/// The part of a payment that rests on an assumption: in a variable part, the amounts of the
/// mission's indicators not measured in the contract's `results` that year; a crisis envelope
/// of a year without `results` (the crisis is then expected, not recorded); a variant's assumed
/// attainment, whole.
fn assumed(measured: &Contract, b: &Breakdown, p: &Payment) -> Decimal {
    let Some(line) = b.lines.get(p.line) else { return Decimal::ZERO };
    let observed = measured.results.get(&b.contract_year);
    let mission = match line.item {
        Item::AssumedVariable { .. } => return p.amount,
        Item::Crisis { .. } if observed.is_none() => return p.amount,
        Item::Variable { mission, .. } => mission,
        Item::Fonctionnement { .. }
        | Item::Uplift { .. }
        | Item::Fixed { .. }
        | Item::Crisis { .. }
        | Item::VariableCap { .. } => return Decimal::ZERO,
    };
    let measured_here =
        |i: &crate::input::Indicator| observed.is_some_and(|r| r.observations.contains(i));
    let part: Decimal = b
        .lines
        .iter()
        .filter_map(|l| match l.item {
            Item::Variable { mission: m, indicator } if m.id == mission.id => {
                (!measured_here(indicator)).then_some(l.amount)
            }
            _ => None,
        })
        .sum();
    part.min(p.amount)
}

fn group_of(g: Option<Grouping>, b: &Breakdown, p: &Payment) -> String {
    let Some(g) = g else { return String::new() };
    match g {
        Grouping::Tier => b.tier.id.clone(),
        Grouping::Kind => kind_name(p.kind).to_string(),
        Grouping::Department => b.contract.department.clone().unwrap_or_else(|| "-".into()),
        Grouping::Region => b.contract.region.clone().unwrap_or_else(|| "-".into()),
        Grouping::Mission => match b.lines.get(p.line).and_then(|l| l.item.mission()) {
            Some(mission) => mission.id.clone(),
            None => "fonctionnement".into(),
        },
    }
}

/// The machine name of a payment kind (as in the JSON reports).
pub fn kind_name(k: PaymentKind) -> &'static str {
    crate::audit::payment_kind_name(k)
}

/// Every payment of `c`'s contract years that falls in the window, placed in its period.
fn place(
    rules: &RuleSet,
    c: &Contract,
    spec: &Spec,
    labels: &[String],
) -> Result<Vec<Placed>, EvalError> {
    let projected = scenario_contract(c, spec.scenario, rules.contract_length_years);
    let mut out = Vec::new();
    for k in 1..=rules.contract_length_years {
        let b = evaluate(rules, &projected, k)?;
        for p in &b.schedule {
            let m = YearMonth::of(p.date);
            if m < spec.from || m > spec.to {
                continue;
            }
            let label = spec.by.label(m);
            let Ok(period) = labels.binary_search_by(|l| l.as_str().cmp(&label)) else {
                continue;
            };
            let provisional = b.lines.get(p.line).is_some_and(|l| l.is_provisional());
            let assumed = assumed(c, &b, p);
            out.push(Placed {
                period,
                group: group_of(spec.group, &b, p),
                sum: Sum {
                    amount: p.amount,
                    assumed,
                    provisional: if provisional { p.amount } else { Decimal::ZERO },
                    payments: 1,
                },
            });
        }
    }
    Ok(out)
}

/// The cash flow of `p` under `rules` over `spec`'s window. Each contract is projected once
/// over all its contract years (a CSV portfolio's rows of one CPTS are one contract).
pub fn cashflow(rules: &RuleSet, p: &Portfolio, spec: Spec) -> Result<CashFlow, EvalError> {
    cashflow_of(rules, p, spec, None)
}

/// [`cashflow`] of the records `only` marks (by record index; the others are left out, not
/// failed): what a diff compares.
pub fn cashflow_of(
    rules: &RuleSet,
    p: &Portfolio,
    spec: Spec,
    only: Option<&[bool]>,
) -> Result<CashFlow, EvalError> {
    let periods_in = periods_of(&spec);
    let labels: Vec<String> = periods_in.iter().map(|(l, _)| l.clone()).collect();
    // The contracts, each once, with the first record that refers to it.
    let mut seen = vec![false; p.contracts.len()];
    let mut todo: Vec<(usize, usize)> = Vec::new();
    let mut failures = Vec::new();
    for (i, r) in p.records.iter().enumerate() {
        if only.is_some_and(|o| !o.get(i).copied().unwrap_or(false)) {
            continue;
        }
        match &r.state {
            RecordState::Failed(d) => failures.push((i, d.clone())),
            RecordState::Loaded { contract, .. } => {
                if !std::mem::replace(&mut seen[*contract], true) {
                    todo.push((i, *contract));
                }
            }
        }
    }
    let placed: Vec<(usize, Result<Vec<Placed>, EvalError>)> = todo
        .par_iter()
        .with_min_len(8)
        .map(|&(record, c)| (record, place(rules, &p.contracts[c], &spec, &labels)))
        .collect();
    let mut periods: Vec<PeriodSums> = periods_in
        .into_iter()
        .map(|(period, first)| PeriodSums {
            period,
            first,
            total: Sum::default(),
            groups: BTreeMap::new(),
            running_total: Decimal::ZERO,
        })
        .collect();
    let mut total = Sum::default();
    let mut groups: BTreeMap<String, Sum> = BTreeMap::new();
    let mut contracts = 0;
    for (record, result) in placed {
        match result {
            Ok(list) => {
                contracts += 1;
                for pl in list {
                    let ps = &mut periods[pl.period];
                    ps.total.add(&pl.sum)?;
                    total.add(&pl.sum)?;
                    if spec.group.is_some() {
                        ps.groups.entry(pl.group.clone()).or_default().add(&pl.sum)?;
                        groups.entry(pl.group).or_default().add(&pl.sum)?;
                    }
                }
            }
            Err(e) => {
                let o = &p.records[record].origin;
                let loc = Location {
                    file: o.file.clone(),
                    path: o.entry.clone(),
                    line: o.line,
                    column: None,
                };
                failures.push((record, vec![Diagnostic::error(e.code(), e.to_string(), loc)]));
            }
        }
    }
    failures.sort_by_key(|(i, _)| *i);
    let mut running = Decimal::ZERO;
    for ps in &mut periods {
        running = running.checked_add(ps.total.amount).ok_or(EvalError::Overflow)?;
        ps.running_total = running;
    }
    Ok(CashFlow { spec, periods, total, groups, contracts, failures })
}
