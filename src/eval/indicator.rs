//! An indicator's payout from its observed value: binary, stepped (the contract's thresholds
//! are the rule) or linear (proportional, capped). Never above the maximum, never decreasing as
//! the result improves: both are property-tested.
//!
//! Every ratio is applied by multiplying first and dividing once, last: `max × done / span`,
//! not `max × (done / span)`. A ratio such as 1/3 has no finite decimal form; computed first it
//! is cut to 28 digits, and an amount that is exactly half a cent then rounds down instead of
//! half away from zero (issue 12, correction 1). The same holds for a variant's envelope factor
//! (`variant / base`), passed here as a fraction and applied in the same single division.

use super::{EvalError, Formula};
use crate::input::{Direction, Indicator, Observation, Payout};
use crate::money::cmp;
use rust_decimal::Decimal;

/// The amount (before rounding) an indicator pays for `observation`, and how.
pub fn payout(
    ind: &Indicator,
    observation: Option<Observation>,
) -> Result<(Decimal, Formula), EvalError> {
    payout_scaled(ind, observation, None)
}

/// [`payout`] multiplied by `scale = (numerator, denominator)` (a variant's envelope / the base
/// envelope), with one division at the end so that no digit of an exact amount is lost.
pub fn payout_scaled(
    ind: &Indicator,
    observation: Option<Observation>,
    scale: Option<(Decimal, Decimal)>,
) -> Result<(Decimal, Formula), EvalError> {
    let scaled = |amount: Decimal, extra_den: Decimal| -> Result<Decimal, EvalError> {
        let (num, den) = match scale {
            // An amount paid as it is (most indicators): no product, no division.
            None if extra_den == Decimal::ONE => return Ok(amount),
            None => (Decimal::ONE, Decimal::ONE),
            Some(s) => s,
        };
        let d = den.checked_mul(extra_den).ok_or(EvalError::Overflow)?;
        amount.checked_mul(num).and_then(|x| x.checked_div(d)).ok_or(EvalError::Overflow)
    };
    let Some(obs) = observation else {
        return Ok((Decimal::ZERO, Formula::Missing));
    };
    match (&ind.payout, obs) {
        (Payout::Binary, Observation::Reached(r)) => {
            let amount = if r { scaled(ind.max, Decimal::ONE)? } else { Decimal::ZERO };
            Ok((amount, Formula::Binary { reached: r }))
        }
        (Payout::Steps { direction, steps }, Observation::Value(v)) => {
            // Steps run from the easiest to the best; keep the best one reached.
            let reached = steps.iter().rposition(|s| match direction {
                // `money::cmp`: `>=` and `<=` without rescaling thresholds and values.
                Direction::HigherIsBetter => cmp(v, s.threshold).is_ge(),
                Direction::LowerIsBetter => cmp(v, s.threshold).is_le(),
            });
            let amount = match reached {
                // `Decimal::min` (the step's amount unless the maximum is smaller), compared
                // by `money::cmp`.
                Some(i) if cmp(steps[i].amount, ind.max).is_gt() => scaled(ind.max, Decimal::ONE)?,
                Some(i) => scaled(steps[i].amount, Decimal::ONE)?,
                None => Decimal::ZERO,
            };
            Ok((amount, Formula::Steps { observed: v, reached }))
        }
        (Payout::Linear { baseline, target }, Observation::Value(v)) => {
            let span = target.checked_sub(*baseline).ok_or(EvalError::Overflow)?;
            let done = v.checked_sub(*baseline).ok_or(EvalError::Overflow)?;
            // Clamp by comparing (done against 0 and span, in span's direction), not by
            // computing the ratio first; validation makes span non-zero.
            let (at_or_below_zero, at_or_above_one) = if span.is_sign_positive() {
                (done <= Decimal::ZERO, done >= span)
            } else {
                (done >= Decimal::ZERO, done <= span)
            };
            let (amount, ratio) = if at_or_below_zero {
                (Decimal::ZERO, Decimal::ZERO)
            } else if at_or_above_one {
                (scaled(ind.max, Decimal::ONE)?, Decimal::ONE)
            } else {
                let top = ind.max.checked_mul(done).ok_or(EvalError::Overflow)?;
                // The ratio is only shown in the audit trail; the amount never uses it.
                let ratio = done.checked_div(span).ok_or(EvalError::Overflow)?;
                (scaled(top, span)?, ratio)
            };
            Ok((amount, Formula::Linear { observed: v, ratio }))
        }
        // Validation ties observation kinds to indicator kinds; a mismatch pays nothing.
        _ => Ok((Decimal::ZERO, Formula::Missing)),
    }
}
