//! Sums of a portfolio's rows: by tier, by mission, by region, by department, and the total.
//! Exact (checked additions of amounts already rounded to the cent, in whole cents: `sum.rs`
//! gives the `Decimal` that adding them one by one gives), so every total is the sum of its rows,
//! to the cent.

use super::{add, add_totals, Portfolio, Row};
use crate::eval::sum::{Sum, Term};
use crate::eval::{EvalError, Totals};
use crate::rules::RuleSet;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A mission's sums over rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MissionSums {
    /// CPTS-years with a line for the mission.
    pub cpts_years: usize,
    pub fixed: Decimal,
    pub variable: Decimal,
    pub crisis: Decimal,
    pub total: Decimal,
}

/// Sums over a group of rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sums {
    pub cpts_years: usize,
    pub totals: Totals,
    pub advances: Decimal,
    /// Per mission of the rules, in rule order.
    pub missions: Vec<MissionSums>,
}

/// [`Sums`] while rows are added: each amount a [`Sum`] (whole cents), the `Decimal` additions
/// of `add` one row after the other without their cost.
#[derive(Debug, Clone, Default)]
struct Summing {
    cpts_years: usize,
    totals: [Sum; 6],
    advances: Sum,
    /// Per mission: the CPTS-years paid, and fixed, variable, crisis, total.
    missions: Vec<(usize, [Sum; 4])>,
}

impl Summing {
    fn new(missions: usize) -> Self {
        Summing { missions: vec![(0, [Sum::default(); 4]); missions], ..Summing::default() }
    }

    fn add_row(&mut self, row: &Row) -> Result<(), EvalError> {
        self.cpts_years += 1;
        let t = &row.totals;
        let totals = [t.fonctionnement, t.fixed, t.variable, t.crisis, t.total, t.provisional];
        for (s, v) in self.totals.iter_mut().zip(totals) {
            s.add(&Term::of(v))?;
        }
        self.advances.add(&Term::of(row.advances))?;
        for ((paid, s), m) in self.missions.iter_mut().zip(&row.missions) {
            if m.paid {
                *paid += 1;
            }
            // Fixed, variable and crisis, each also into the mission's total.
            for (i, v) in [m.fixed, m.variable, m.crisis].into_iter().enumerate() {
                let t = Term::of(v);
                s[i].add(&t)?;
                s[3].add(&t)?;
            }
        }
        Ok(())
    }

    fn sums(&self) -> Sums {
        let [fonctionnement, fixed, variable, crisis, total, provisional] =
            self.totals.map(|s| s.value());
        Sums {
            cpts_years: self.cpts_years,
            totals: Totals { fonctionnement, fixed, variable, crisis, total, provisional },
            advances: self.advances.value(),
            missions: self
                .missions
                .iter()
                .map(|(paid, s)| {
                    let [fixed, variable, crisis, total] = s.map(|s| s.value());
                    MissionSums { cpts_years: *paid, fixed, variable, crisis, total }
                })
                .collect(),
        }
    }
}

impl Sums {
    /// Adds the sums of other rows (a later chunk of a streamed portfolio).
    fn merge(&mut self, o: &Sums) -> Result<(), EvalError> {
        self.cpts_years += o.cpts_years;
        add_totals(&mut self.totals, &o.totals)?;
        self.advances = add(self.advances, o.advances)?;
        for (s, m) in self.missions.iter_mut().zip(&o.missions) {
            s.cpts_years += m.cpts_years;
            s.fixed = add(s.fixed, m.fixed)?;
            s.variable = add(s.variable, m.variable)?;
            s.crisis = add(s.crisis, m.crisis)?;
            s.total = add(s.total, m.total)?;
        }
        Ok(())
    }
}

impl Aggregates {
    /// Adds the aggregates of other rows of the same rules: the sums of a portfolio streamed in
    /// chunks are the merge of its chunks' sums, exactly (every addition is exact).
    pub fn merge(&mut self, o: &Aggregates) -> Result<(), EvalError> {
        if self.by_tier.is_empty() {
            *self = o.clone();
            return Ok(());
        }
        for (s, x) in self.by_tier.iter_mut().zip(&o.by_tier) {
            s.merge(x)?;
        }
        for (mine, theirs) in
            [(&mut self.by_region, &o.by_region), (&mut self.by_department, &o.by_department)]
        {
            let mut map: BTreeMap<String, Sums> = std::mem::take(mine).into_iter().collect();
            for (k, x) in theirs {
                match map.get_mut(k) {
                    Some(s) => s.merge(x)?,
                    None => {
                        map.insert(k.clone(), x.clone());
                    }
                }
            }
            *mine = map.into_iter().collect();
        }
        self.total.merge(&o.total)
    }
}

/// The sums of a portfolio's rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Aggregates {
    /// Per tier, in tier order (every tier, even without rows).
    pub by_tier: Vec<Sums>,
    /// Per region, sorted by name; rows without a region under "".
    pub by_region: Vec<(String, Sums)>,
    /// Per department, sorted; rows without one under "".
    pub by_department: Vec<(String, Sums)>,
    /// All rows; `total.missions` are the sums by mission.
    pub total: Sums,
}

/// Sums `rows` (of portfolio `p`, evaluated under `rules`).
pub fn aggregate<'r>(
    rules: &RuleSet,
    p: &Portfolio,
    rows: impl IntoIterator<Item = &'r Row>,
) -> Result<Aggregates, EvalError> {
    let rows: Vec<&Row> = rows.into_iter().collect();
    if rows.len() < PARALLEL_FROM {
        return aggregate_serial(rules, p, rows);
    }
    // Parts summed in parallel, then merged: the sums are exact, so the result is the serial
    // one, to the cent (and the same whatever the thread count).
    rows.par_chunks(PARALLEL_FROM / 2)
        .map(|part| aggregate_serial(rules, p, part.iter().copied()))
        .try_reduce(Aggregates::default, |mut a, b| {
            a.merge(&b)?;
            Ok(a)
        })
}

/// Rows from which [`aggregate`] sums parts in parallel.
const PARALLEL_FROM: usize = 4096;

fn aggregate_serial<'r>(
    rules: &RuleSet,
    p: &Portfolio,
    rows: impl IntoIterator<Item = &'r Row>,
) -> Result<Aggregates, EvalError> {
    let n = rules.missions.len();
    // Each row is added once, into the sums of its tier, region and department together; every
    // grouping is then the merge of those (exact, as the merge of chunks is).
    let mut index: BTreeMap<(usize, &str, &str), usize> = BTreeMap::new();
    let mut groups: Vec<Summing> = Vec::new();
    // Rows of one place and tier often follow each other: the last group is tried first.
    let mut last: Option<((usize, &str, &str), usize)> = None;
    for row in rows {
        let c = &p.contracts[row.contract];
        let key =
            (row.tier, c.region.as_deref().unwrap_or(""), c.department.as_deref().unwrap_or(""));
        let g = match last {
            Some((k, g)) if k == key => g,
            _ => {
                let next = groups.len();
                let g = *index.entry(key).or_insert(next);
                if g == next {
                    groups.push(Summing::new(n));
                }
                last = Some((key, g));
                g
            }
        };
        groups[g].add_row(row)?;
    }
    let mut by_tier: Vec<Option<Sums>> = vec![None; rules.tiers.len()];
    let mut by_region: BTreeMap<String, Sums> = BTreeMap::new();
    let mut by_department: BTreeMap<String, Sums> = BTreeMap::new();
    let mut total: Option<Sums> = None;
    for (&(tier, region, department), &g) in &index {
        let s = groups[g].sums();
        if let Some(t) = by_tier.get_mut(tier) {
            put(t, &s)?;
        }
        for (map, key) in [(&mut by_region, region), (&mut by_department, department)] {
            match map.get_mut(key) {
                Some(m) => m.merge(&s)?,
                None => {
                    map.insert(key.to_string(), s.clone());
                }
            }
        }
        put(&mut total, &s)?;
    }
    let empty = || Summing::new(n).sums();
    Ok(Aggregates {
        by_tier: by_tier.into_iter().map(|t| t.unwrap_or_else(empty)).collect(),
        by_region: by_region.into_iter().collect(),
        by_department: by_department.into_iter().collect(),
        total: total.unwrap_or_else(empty),
    })
}

/// `s` merged into `into` (taken as it is when `into` has no rows yet).
fn put(into: &mut Option<Sums>, s: &Sums) -> Result<(), EvalError> {
    match into {
        Some(x) => x.merge(s),
        None => {
            *into = Some(s.clone());
            Ok(())
        }
    }
}
