//! What a diff says of a whole portfolio, without its rows: the counts, the sums by tier,
//! mission, region and department, the total and the advances, who gains and who loses (the
//! largest named, owned), the cash by calendar year and the attribution. The diff of a portfolio
//! streamed in chunks of whole CPTS is the merge of its chunks' [`DiffSums`], exactly: every sum
//! is an exact `Decimal` addition (checked), each delta is recomputed as variant − base, and a
//! CPTS lies in one chunk, so its gain and its rank are those of the whole file.

use super::{add, sub, Attribution, CashYear, Delta, Diff, DiffRow, LARGEST};
use crate::eval::EvalError;
use crate::portfolio::{Portfolio, Summary};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A CPTS among the largest gains or losses, named with owned data so that it outlives the
/// chunk it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedDelta {
    /// The contract's index in the whole portfolio (ties are broken by it, as in [`Diff`]).
    pub order: usize,
    pub id: String,
    pub name: String,
    /// The CPTS's delta over its compared contract years.
    pub delta: Decimal,
}

/// Who gains and who loses, the largest named.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamedGains {
    pub gain: usize,
    pub lose: usize,
    pub unchanged: usize,
    pub largest_gains: Vec<NamedDelta>,
    pub largest_losses: Vec<NamedDelta>,
}

/// A diff's counts and sums, mergeable (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiffSums {
    /// The base run's counts (read, evaluated, failed, not selected, rows).
    pub summary: Summary,
    /// CPTS-years compared (the diff's rows).
    pub rows: usize,
    /// Records compared (with rows under both rule sets).
    pub compared: usize,
    /// CPTS-years whose amount or tier changes (those the text lists).
    pub changed: usize,
    /// CPTS-years whose tier changes.
    pub tier_changes: usize,
    /// Records not compared.
    pub failed: usize,
    pub by_tier: Vec<Delta>,
    pub by_mission: Vec<(String, String, Delta)>,
    pub total: Delta,
    pub advances: Delta,
    /// What rests on provisional cells under each rule set (`None`: the sum overflows).
    pub base_provisional: Option<Decimal>,
    pub variant_provisional: Option<Decimal>,
    pub by_region: Vec<(String, Delta)>,
    pub by_department: Vec<(String, Delta)>,
    pub gains: NamedGains,
    pub cash: Vec<CashYear>,
    pub attribution: Attribution,
}

impl Delta {
    /// Adds another group's sums; the delta is recomputed from the sums.
    fn merge(&mut self, o: &Delta) -> Result<(), EvalError> {
        self.cpts_years += o.cpts_years;
        self.base = add(self.base, o.base)?;
        self.variant = add(self.variant, o.variant)?;
        self.delta = sub(self.variant, self.base)?;
        Ok(())
    }
}

/// Merges keyed groups, kept in key order.
fn merge_keyed(
    mine: &mut Vec<(String, Delta)>,
    theirs: &[(String, Delta)],
) -> Result<(), EvalError> {
    let mut map: BTreeMap<String, Delta> = std::mem::take(mine).into_iter().collect();
    for (k, d) in theirs {
        map.entry(k.clone()).or_default().merge(d)?;
    }
    *mine = map.into_iter().collect();
    Ok(())
}

/// The largest of `a` and `b` into `a`: the largest gains first (`gains`) or the largest losses
/// (most negative first), ties by order, at most [`LARGEST`]. Each part's list holds its own
/// largest, so the whole's are among them (a CPTS lies in one part).
fn merge_largest(a: &mut Vec<NamedDelta>, b: &[NamedDelta], gains: bool) {
    a.extend(b.iter().cloned());
    a.sort_by(|x, y| {
        let by_delta = if gains { y.delta.cmp(&x.delta) } else { x.delta.cmp(&y.delta) };
        by_delta.then(x.order.cmp(&y.order))
    });
    a.truncate(LARGEST);
}

/// The sum of one side's provisional amounts over the rows (`None` when it overflows).
fn provisional(d: &Diff, side: fn(&DiffRow) -> Decimal) -> Option<Decimal> {
    d.rows.iter().try_fold(Decimal::ZERO, |s, r| s.checked_add(side(r)))
}

impl DiffSums {
    /// The sums of `d`, a diff of `p`; `contracts_before` is the number of contracts of the
    /// portfolio's earlier chunks (0 for a whole portfolio), so that ranks are the whole file's.
    pub fn of(d: &Diff, p: &Portfolio, contracts_before: usize) -> DiffSums {
        let named = |l: &[(usize, Decimal)]| {
            l.iter()
                .filter_map(|&(c, delta)| {
                    let k = p.contracts.get(c)?;
                    Some(NamedDelta {
                        order: contracts_before.saturating_add(c),
                        id: k.id.clone(),
                        name: k.name.clone(),
                        delta,
                    })
                })
                .collect()
        };
        DiffSums {
            summary: d.base.summary,
            rows: d.rows.len(),
            compared: d
                .rows
                .iter()
                .map(|r| r.record)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            changed: d.rows.iter().filter(|r| r.changes()).count(),
            tier_changes: d.tier_changes.len(),
            failed: d.failures.len(),
            by_tier: d.by_tier.clone(),
            by_mission: d.by_mission.clone(),
            total: d.total,
            advances: d.advances,
            base_provisional: provisional(d, |r| r.base.provisional),
            variant_provisional: provisional(d, |r| r.variant.provisional),
            by_region: d.by_region.clone(),
            by_department: d.by_department.clone(),
            gains: NamedGains {
                gain: d.gains.gain,
                lose: d.gains.lose,
                unchanged: d.gains.unchanged,
                largest_gains: named(&d.gains.largest_gains),
                largest_losses: named(&d.gains.largest_losses),
            },
            cash: d.cash.clone(),
            attribution: d.attribution.clone(),
        }
    }

    /// Adds the sums of a later part of the same portfolio, diffed under the same rules and
    /// variants (a chunk of a streamed file). An empty `self` (the default) takes `o` whole.
    pub fn merge(&mut self, o: &DiffSums) -> Result<(), EvalError> {
        if self.by_tier.is_empty() && self.by_mission.is_empty() {
            *self = o.clone();
            return Ok(());
        }
        let s = &mut self.summary;
        s.read += o.summary.read;
        s.evaluated += o.summary.evaluated;
        s.failed += o.summary.failed;
        s.not_selected += o.summary.not_selected;
        s.rows += o.summary.rows;
        self.rows += o.rows;
        self.compared += o.compared;
        self.changed += o.changed;
        self.tier_changes += o.tier_changes;
        self.failed += o.failed;
        // Tiers and missions come from the rules, the same for every part.
        for (a, b) in self.by_tier.iter_mut().zip(&o.by_tier) {
            a.merge(b)?;
        }
        for ((_, _, a), (_, _, b)) in self.by_mission.iter_mut().zip(&o.by_mission) {
            a.merge(b)?;
        }
        self.total.merge(&o.total)?;
        self.advances.merge(&o.advances)?;
        let both =
            |a: Option<Decimal>, b: Option<Decimal>| a.zip(b).and_then(|(a, b)| a.checked_add(b));
        self.base_provisional = both(self.base_provisional, o.base_provisional);
        self.variant_provisional = both(self.variant_provisional, o.variant_provisional);
        merge_keyed(&mut self.by_region, &o.by_region)?;
        merge_keyed(&mut self.by_department, &o.by_department)?;
        let g = &mut self.gains;
        g.gain += o.gains.gain;
        g.lose += o.gains.lose;
        g.unchanged += o.gains.unchanged;
        merge_largest(&mut g.largest_gains, &o.gains.largest_gains, true);
        merge_largest(&mut g.largest_losses, &o.gains.largest_losses, false);
        // A part lists the calendar years it pays in; the whole lists every year some part does.
        let mut cash: BTreeMap<i32, Delta> =
            std::mem::take(&mut self.cash).into_iter().map(|c| (c.year, c.delta)).collect();
        for c in &o.cash {
            cash.entry(c.year).or_default().merge(&c.delta)?;
        }
        self.cash = cash.into_iter().map(|(year, delta)| CashYear { year, delta }).collect();
        // The same changes in every part: each one's parts add; whether one applies alone
        // depends on the rules only. The interaction is the total minus the one-at-a-time sum.
        let a = &mut self.attribution;
        let mut alone_sum = Decimal::ZERO;
        for (x, y) in a.effects.iter_mut().zip(&o.attribution.effects) {
            x.alone = match (x.alone, y.alone) {
                (Some(p), Some(q)) => Some(add(p, q)?),
                _ => None,
            };
            x.sequential = add(x.sequential, y.sequential)?;
            if let Some(v) = x.alone {
                alone_sum = add(alone_sum, v)?;
            }
        }
        a.total = self.total.delta;
        a.interaction = sub(self.total.delta, alone_sum)?;
        Ok(())
    }
}
