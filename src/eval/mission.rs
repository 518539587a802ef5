//! A mission's lines in a contract year: its fixed part (prorated in its first year), its
//! indicators' variable part capped at the tier's envelope, and the parts a variant deems paid.

use super::sum::{Sum, Term};
use super::*;

/// A mission added by a negotiation variant, which every CPTS is deemed to engage from `since`
/// (or from its signature if later): its fixed part, prorated like any other if it started
/// after the value date. Returns whether the mission is funded this contract year. Contracts
/// have no indicators for it yet: its variable part is [`assumed_variable`] or nothing.
#[allow(clippy::too_many_arguments)]
pub(super) fn deemed_fixed_part<'a, S: Sink<'a>>(
    mission: &'a Mission,
    contract: &Contract,
    since: Date,
    prev_from: Option<Date>,
    from: Date,
    to: Date,
    tier: usize,
    out: &mut Out<'a, '_, S>,
) -> Result<bool, EvalError> {
    let start = since.max(contract.signature);
    if start >= to || !mission.exists_on(from) {
        return Ok(false);
    }
    let e = Engagement {
        mission: mission.id.clone(),
        start,
        full_deployment: None,
        indicators: Vec::new(),
    };
    out.line(fixed_part(mission, &e, prev_from, from, to, tier)?);
    Ok(true)
}

/// The variable part of a deemed mission when the variant assumes an attainment: the tier's
/// envelope in force on the value date × the attainment, as one line. Not prorated: the rules
/// do not prorate the variable part (choice `partial_attainment`). Warned (W0508) as an
/// assumption.
pub(super) fn assumed_variable<'a, S: Sink<'a>>(
    mission: &'a Mission,
    from: Date,
    tier: usize,
    out: &mut Out<'a, '_, S>,
) -> Result<(), EvalError> {
    let (Some(attainment), Some(table)) = (mission.overlay.assumed_attainment, &mission.variable)
    else {
        return Ok(());
    };
    let cell = cell_at(table, from, tier)?;
    let before = cell.amount.checked_mul(attainment).ok_or(EvalError::Overflow)?;
    out.line(Line {
        item: Item::AssumedVariable { mission },
        cell: Some(cell),
        formula: Formula::Assumed { envelope: cell.amount, attainment },
        before_rounding: before,
        amount: before,
    });
    out.warn(|| Warning::AssumedAttainment { mission, attainment });
    Ok(())
}

pub(super) fn fixed_part<'a>(
    mission: &'a Mission,
    e: &Engagement,
    prev_from: Option<Date>,
    from: Date,
    to: Date,
    tier: usize,
) -> Result<Line<'a>, EvalError> {
    // The mission's first year is the first contract year in which it is funded: the year it
    // starts, or the first year evaluated under a text where it exists if it started before
    // (choice `crisis_first_year`). The previous year was funded iff the mission had started by
    // then (start < from) and existed on that year's value date.
    let previous_funded =
        e.start < from && prev_from.is_some_and(|prev_from| prev_from >= mission.exists_from);
    let first_year = !previous_funded && mission.fixed_first_year.is_some();
    let table = match (&mission.fixed_first_year, first_year) {
        (Some((_, t)), true) => t,
        _ => &mission.fixed.1,
    };
    let cell = cell_at(table, from, tier)?;
    let (formula, before) = if e.start > from {
        let days = days_between(e.start, to);
        let year_days = days_between(from, to);
        let v = cell
            .amount
            .checked_mul(Decimal::from(days))
            .and_then(|x| x.checked_div(Decimal::from(year_days)))
            .ok_or(EvalError::Overflow)?;
        (Formula::Prorata { full: cell.amount, start: e.start, days, year_days }, v)
    } else {
        (Formula::TierAmount, cell.amount)
    };
    Ok(Line {
        item: Item::Fixed { mission, first_year },
        cell: Some(cell),
        formula,
        before_rounding: before,
        amount: before,
    })
}

#[allow(clippy::too_many_arguments)]
pub(super) fn mission_variable<'a, S: Sink<'a>>(
    rules: &'a RuleSet,
    mission: &'a Mission,
    e: &'a Engagement,
    observations: Option<&Observations>,
    from: Date,
    tier: usize,
    out: &mut Out<'a, '_, S>,
) -> Result<(), EvalError> {
    let mut maxima = Sum::default();
    // What the indicators pay, each line rounded as it will be: the cap compares this sum.
    let mut paid = Sum::default();
    for ind in &e.indicators {
        // Added in every mode, for its overflow (the sum itself is only for a warning).
        maxima.add(&Term::of(ind.max))?;
        let obs = observations.and_then(|o| o.get(ind));
        if obs.is_none() {
            out.warn(|| Warning::MissingObservation { mission, indicator: ind });
        }
        let factor =
            mission.overlay.variable_factor.as_ref().and_then(|f| f.at(from)).map(|(_, r)| r[tier]);
        let (before, formula) = payout_scaled(ind, obs, factor)?;
        let rounded = out.line(Line {
            item: Item::Variable { mission, indicator: ind },
            cell: None,
            formula,
            before_rounding: before,
            amount: before,
        });
        paid.add(&rounded)?;
    }
    let (maxima, paid) = (maxima.value(), paid.value());
    if let Some(table) = &mission.variable {
        let envelope = cell_at(table, from, tier)?;
        // Indicator maxima are checked (E0304) against the tier of the contract's own
        // population; a year in a smaller tier pays at most that tier's envelope.
        if paid > envelope.amount {
            let cut = envelope.amount.checked_sub(paid).ok_or(EvalError::Overflow)?;
            out.line(Line {
                item: Item::VariableCap { mission },
                cell: Some(envelope),
                formula: Formula::Cap { envelope: envelope.amount, indicators: paid },
                before_rounding: cut,
                amount: cut,
            });
            out.warn(|| Warning::VariableCapped {
                mission,
                cap: envelope.amount,
                cut: -cut,
                tier: &rules.tiers_at(from)[tier],
            });
        }
        if S::WARNINGS && maxima < envelope.amount {
            out.warn(|| Warning::EnvelopeShortfall { mission, maxima, envelope: envelope.amount });
        }
    }
    Ok(())
}
