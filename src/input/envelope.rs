//! E0304: the indicator maxima of a mission must fit its national variable envelope, for the
//! tier of the contract's own population, every year the mission runs. One check, used by the
//! contract validator and the CSV fast path.

use super::*;
use crate::calendar::anniversary;
use crate::rules::Mission;

/// What [`over_envelope`] needs of a contract, worked out once for all its engagements: the
/// periods of its contract years (up to the first that cannot be dated) and the tier of its own
/// population under the bounds in force at signature.
pub(crate) struct EnvelopeCheck {
    periods: Vec<(Date, Date)>,
    tier: usize,
}

impl EnvelopeCheck {
    pub(crate) fn new(rules: &RuleSet, population: u64, signature: Date) -> Self {
        // Anniversaries 0, 1, … while they can be dated: each one ends a contract year and
        // starts the next (as `contract_year_period` finds them, each worked out once).
        let mut periods = Vec::with_capacity(rules.contract_length_years as usize);
        let mut from = anniversary(signature, 0, rules.leap_day);
        for k in 1..=rules.contract_length_years {
            let (Some(f), Some(to)) = (from, anniversary(signature, k, rules.leap_day)) else {
                break;
            };
            periods.push((f, to));
            from = Some(to);
        }
        EnvelopeCheck { periods, tier: rules.tier_index_at(population, signature) }
    }
}

/// Where an engagement's indicator maxima add up to more than its mission's variable envelope
/// (E0304).
pub(crate) struct OverEnvelope {
    pub(crate) contract_year: u32,
    pub(crate) from: Date,
    pub(crate) total: Decimal,
    pub(crate) envelope: Decimal,
    pub(crate) tier: usize,
}

/// The first contract year in which the indicator maxima of `e` exceed its mission's variable
/// envelope, if any. The maxima must fit the envelope every year the mission runs (the text may
/// change from year to year), for the tier of the contract's own population (issue 12): the
/// maxima were sized for it, under the bounds in force at signature. A year whose population (or
/// moved bounds) puts it in a smaller tier is not an error: it pays each mission's variable part
/// capped at that tier's envelope (warning W0509).
pub(crate) fn over_envelope(
    rules: &RuleSet,
    envelope: &EnvelopeCheck,
    e: &Engagement,
) -> Option<OverEnvelope> {
    // Engagements hold known missions only (an unknown one is an error before).
    over_envelope_of(envelope, rules.mission(&e.mission)?, e)
}

/// [`over_envelope`] of an engagement in `mission` (its mission, found by the caller).
pub(crate) fn over_envelope_of(
    envelope: &EnvelopeCheck,
    mission: &Mission,
    e: &Engagement,
) -> Option<OverEnvelope> {
    let total: Decimal =
        e.indicators.iter().map(|x| x.max).fold(Decimal::ZERO, |a, b| a.saturating_add(b));
    if total.is_zero() {
        return None;
    }
    let tier = envelope.tier;
    for (k, &(from, to)) in (1..).zip(&envelope.periods) {
        if e.start >= to {
            continue;
        }
        let envelope = mission
            .variable
            .as_ref()
            .and_then(|t| t.at(from))
            .map(|(_, row)| row[tier].amount)
            .unwrap_or(Decimal::ZERO);
        if from >= mission.exists_from && crate::money::cmp(total, envelope).is_gt() {
            return Some(OverEnvelope { contract_year: k, from, total, envelope, tier });
        }
    }
    None
}
