//! `max --variant`: the maxima per tier under a variant, side by side with the base's, on a date.

use crate::calendar::Date;
use crate::eval::{max_per_tier, EvalError, MaxTable};
use crate::rules::RuleSet;

/// The base's and the variant's maxima on `date`.
pub struct MaxPair<'a> {
    pub base: MaxTable<'a>,
    pub variant: MaxTable<'a>,
}

pub fn max_pair<'a>(
    base: &'a RuleSet,
    variant: &'a RuleSet,
    date: Date,
) -> Result<MaxPair<'a>, EvalError> {
    Ok(MaxPair { base: max_per_tier(base, date)?, variant: max_per_tier(variant, date)? })
}
