//! "What it takes": for each indicator of a year, where it stands against its thresholds and
//! what each better result would add. The gain is not derived from the indicator's table: the
//! year is evaluated again by the engine with the indicator's observation moved to that result,
//! and the gain is the difference of the totals (rounding, caps and all).

use super::scenario::{fully_reached, Scenarios};
use crate::eval::{evaluate, Breakdown, EvalError, Formula, Item};
use crate::input::{Direction, Indicator, Observation, Payout};
use crate::rules::{Mission, RuleSet};
use rust_decimal::Decimal;

/// Where an indicator stands in the expected scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Observed (`results`).
    Measured(Observation),
    /// An expected value.
    Expected(Observation),
    /// An expected attainment (fraction of the maximum) and the observation standing for it.
    Attainment { fraction: Decimal, observation: Observation },
    /// Neither measured nor expected: counts for nothing.
    Unknown,
}

/// A better result than the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// A binary indicator reached.
    Reached,
    /// Step `index` (0 = the easiest) of a stepped indicator.
    Step { index: usize, threshold: Decimal, direction: Direction },
    /// A linear indicator at its target (its maximum).
    Target { target: Decimal },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextStep {
    pub goal: Goal,
    /// The observation the engine was given for this result.
    pub observation: Observation,
    /// What the indicator would pay.
    pub pays: Decimal,
    /// What the year's total would gain: the engine's total with the observation moved, minus
    /// the expected total.
    pub gain: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lever<'a> {
    pub mission: &'a Mission,
    pub indicator: &'a Indicator,
    /// The index of the indicator's line in the expected breakdown.
    pub line: usize,
    pub standing: Standing,
    /// What it pays in the expected scenario.
    pub amount: Decimal,
    /// The better results, from the nearest to the best; empty when at the maximum.
    pub next: Vec<NextStep>,
}

/// The levers of year `b.contract_year` of the expected scenario `s.expected`.
pub(super) fn levers<'a>(
    rules: &'a RuleSet,
    s: &'a Scenarios,
    b: &Breakdown<'a>,
) -> Result<Vec<Lever<'a>>, EvalError> {
    let k = b.contract_year;
    let mut out = Vec::new();
    for (i, line) in b.lines.iter().enumerate() {
        let Item::Variable { mission, indicator } = line.item else { continue };
        let id = &indicator.id;
        let used = b.contract.results.get(&k).and_then(|r| r.observations.get(indicator));
        let exp = s.expectations.get(&k);
        // The scenario's contract is the measured one with more results: same indicator slots.
        let measured = s.contract.results.get(&k).and_then(|r| r.observations.get(indicator));
        let standing = match (measured, used) {
            (Some(o), _) => Standing::Measured(o),
            (None, Some(o)) if exp.is_some_and(|e| e.observations.contains_key(&**id)) => {
                Standing::Expected(o)
            }
            (None, Some(o)) => match exp.and_then(|e| e.attainment.get(&**id)) {
                Some(a) => Standing::Attainment { fraction: *a, observation: o },
                None => Standing::Expected(o),
            },
            (None, None) => Standing::Unknown,
        };
        let goals: Vec<(Goal, Observation)> = match (&indicator.payout, &line.formula) {
            (Payout::Binary, Formula::Binary { reached: true }) => Vec::new(),
            (Payout::Binary, _) => vec![(Goal::Reached, fully_reached(indicator))],
            (Payout::Steps { direction, steps }, f) => {
                let from = match f {
                    Formula::Steps { reached: Some(r), .. } => r + 1,
                    _ => 0,
                };
                (from..steps.len())
                    .map(|j| {
                        (
                            Goal::Step {
                                index: j,
                                threshold: steps[j].threshold,
                                direction: *direction,
                            },
                            Observation::Value(steps[j].threshold),
                        )
                    })
                    .collect()
            }
            (Payout::Linear { .. }, Formula::Linear { ratio, .. }) if *ratio >= Decimal::ONE => {
                Vec::new()
            }
            (Payout::Linear { target, .. }, _) => {
                vec![(Goal::Target { target: *target }, Observation::Value(*target))]
            }
        };
        let mut next = Vec::with_capacity(goals.len());
        for (goal, observation) in goals {
            let mut moved = b.contract.clone();
            moved.results.entry(k).or_default().observations.insert(indicator, observation);
            let m = evaluate(rules, &moved, k)?;
            let gain = m.totals.total.checked_sub(b.totals.total).ok_or(EvalError::Overflow)?;
            next.push(NextStep {
                goal,
                observation,
                pays: m.lines.get(i).map(|l| l.amount).unwrap_or_default(),
                gain,
            });
        }
        out.push(Lever { mission, indicator, line: i, standing, amount: line.amount, next });
    }
    Ok(out)
}
