//! An indicator's payout from its observed value: binary, stepped (the contract's thresholds
//! are the rule) or linear (proportional, capped). Never above the maximum, never decreasing as
//! the result improves: both are property-tested.

use super::{EvalError, Formula};
use crate::input::{Direction, Indicator, Observation, Payout};
use rust_decimal::Decimal;

/// The amount (before rounding) an indicator pays for `observation`, and how.
pub fn payout(
    ind: &Indicator,
    observation: Option<Observation>,
) -> Result<(Decimal, Formula), EvalError> {
    let Some(obs) = observation else {
        return Ok((Decimal::ZERO, Formula::Missing));
    };
    match (&ind.payout, obs) {
        (Payout::Binary, Observation::Reached(r)) => {
            Ok((if r { ind.max } else { Decimal::ZERO }, Formula::Binary { reached: r }))
        }
        (Payout::Steps { direction, steps }, Observation::Value(v)) => {
            // Steps run from the easiest to the best; keep the best one reached.
            let reached = steps.iter().rposition(|s| match direction {
                Direction::HigherIsBetter => v >= s.threshold,
                Direction::LowerIsBetter => v <= s.threshold,
            });
            let amount = reached.map(|i| steps[i].amount.min(ind.max)).unwrap_or(Decimal::ZERO);
            Ok((amount, Formula::Steps { observed: v, reached }))
        }
        (Payout::Linear { baseline, target }, Observation::Value(v)) => {
            let span = target.checked_sub(*baseline).ok_or(EvalError::Overflow)?;
            let done = v.checked_sub(*baseline).ok_or(EvalError::Overflow)?;
            let ratio = done
                .checked_div(span)
                .ok_or(EvalError::Overflow)?
                .clamp(Decimal::ZERO, Decimal::ONE);
            let amount = ind.max.checked_mul(ratio).ok_or(EvalError::Overflow)?;
            Ok((amount, Formula::Linear { observed: v, ratio }))
        }
        // Validation ties observation kinds to indicator kinds; a mismatch pays nothing.
        _ => Ok((Decimal::ZERO, Formula::Missing)),
    }
}
