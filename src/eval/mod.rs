//! RuleSet x Contract x contract year -> [`Breakdown`]. Pure: no IO, no clock, no printing.
//! Lines are structured data in rule order (fonctionnement, then each mission in the order of
//! the rules: fixed part, indicators, crisis envelope); words are rendered later by `report`, so
//! evaluating stays cheap. Every amount goes through the declared rounding, with checked
//! arithmetic.

mod error;
mod fonctionnement;
mod indicator;
mod max;
mod mission;
mod schedule;
mod selection;
mod sink;
pub(crate) mod sum;
mod warning;

use fonctionnement::fonctionnement;
use mission::{assumed_variable, deemed_fixed_part, fixed_part, mission_variable};

pub use error::EvalError;
pub use indicator::{payout, payout_scaled};
pub use max::{max_per_tier, MaxRow, MaxTable};
pub(crate) use schedule::Calendar;
pub use schedule::{Payment, PaymentKind};
pub use selection::Selection;
use sink::Out;
pub(crate) use sink::{Keep, Sink, TotalsOnly};
pub use warning::Warning;

use crate::calendar::{days_between, Date};
use crate::input::{Contract, Engagement, Indicator, Observations};
use crate::rules::{Cell, Mission, RuleSet, Status, Text, Tier, Uplift, UpliftAmount, UpliftPay};
use rust_decimal::Decimal;

/// What a line pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    /// Fonctionnement; `uplift`: the rule whose amount replaces it that year (the avenant-2
    /// +75 % of the older `fonctionnement_uplift`).
    Fonctionnement { uplift: Option<&'a Uplift> },
    /// A dated uplift paid on top of the fonctionnement (a share of it or an amount per tier),
    /// counted with the fonctionnement in the totals.
    Uplift { uplift: &'a Uplift },
    /// A mission's fixed part; `first_year` when the mission's first-year amount applies.
    Fixed { mission: &'a Mission, first_year: bool },
    /// One indicator's payout, from the mission's variable part.
    Variable { mission: &'a Mission, indicator: &'a Indicator },
    /// The crisis mission's extra envelope, when the ARS recognised a serious crisis.
    Crisis { mission: &'a Mission },
    /// The variable part of a mission a variant adds, paid at the variant's assumed attainment
    /// (contracts have no indicators for it yet): a hypothesis, not a contract result.
    AssumedVariable { mission: &'a Mission },
    /// What a mission's indicators pay above the variable envelope of the year's tier, taken
    /// off (a negative amount): a year in a smaller tier than the one the indicator maxima were
    /// sized for (issue 12; warning W0509).
    VariableCap { mission: &'a Mission },
}

/// Totals are split by these categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Fonctionnement,
    Fixed,
    Variable,
    Crisis,
}

impl<'a> Item<'a> {
    /// The mission the line pays for (none for the fonctionnement and its uplifts).
    pub fn mission(&self) -> Option<&'a Mission> {
        match *self {
            Item::Fixed { mission, .. }
            | Item::Variable { mission, .. }
            | Item::Crisis { mission }
            | Item::AssumedVariable { mission }
            | Item::VariableCap { mission } => Some(mission),
            Item::Fonctionnement { .. } | Item::Uplift { .. } => None,
        }
    }

    pub fn category(&self) -> Category {
        match self {
            Item::Fonctionnement { .. } | Item::Uplift { .. } => Category::Fonctionnement,
            Item::Fixed { .. } => Category::Fixed,
            Item::Variable { .. } | Item::AssumedVariable { .. } | Item::VariableCap { .. } => {
                Category::Variable
            }
            Item::Crisis { .. } => Category::Crisis,
        }
    }
}

/// How a line's amount was obtained; rendered in words by `report`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Formula {
    /// The tier's amount, as is.
    TierAmount,
    /// The tier's amount × days from the mission start to the anniversary / days of the year.
    Prorata { full: Decimal, start: Date, days: i64, year_days: i64 },
    /// Binary indicator: reached or not.
    Binary { reached: bool },
    /// Stepped indicator: the best step reached by the observed value, if any.
    Steps { observed: Decimal, reached: Option<usize> },
    /// Linear indicator: max × (observed - baseline) / (target - baseline), clamped to [0, max]
    /// (multiplied first, divided once); `ratio` is shown in the audit trail, not used to pay.
    Linear { observed: Decimal, ratio: Decimal },
    /// No observation for the year: pays nothing (choice `missing_observation`).
    Missing,
    /// The tier's variable envelope × the attainment a variant assumes, not prorated.
    Assumed { envelope: Decimal, attainment: Decimal },
    /// An uplift's share of the year's fonctionnement amount: `base × rate`.
    Share { base: Decimal, rate: Decimal },
    /// The envelope of the year's tier minus what the mission's indicators pay (each rounded),
    /// when they pay more: the line is `envelope − indicators` (negative).
    Cap { envelope: Decimal, indicators: Decimal },
}

/// One payment item of the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    pub item: Item<'a>,
    /// The tier-table cell used (none for indicators, whose maxima come from the contract).
    pub cell: Option<&'a Cell>,
    pub formula: Formula,
    pub before_rounding: Decimal,
    pub amount: Decimal,
}

impl Line<'_> {
    /// Whether the line rests on a provisional cell: its tier-table cell, or the rate of an
    /// uplift's share.
    pub fn is_provisional(&self) -> bool {
        let rate = match self.item {
            Item::Uplift { uplift } => match &uplift.amount {
                UpliftAmount::ShareOfFonctionnement(rate) => Some(rate),
                UpliftAmount::PerTier(_) | UpliftAmount::FonctionnementAmount(_) => None,
            },
            Item::Fonctionnement { .. }
            | Item::Fixed { .. }
            | Item::Variable { .. }
            | Item::Crisis { .. }
            | Item::AssumedVariable { .. }
            | Item::VariableCap { .. } => None,
        };
        self.cell.into_iter().chain(rate).any(|c| c.status == Status::Provisional)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub fonctionnement: Decimal,
    pub fixed: Decimal,
    pub variable: Decimal,
    pub crisis: Decimal,
    pub total: Decimal,
    /// The part of `total` resting on provisional cells (lines whose tier-table cell is
    /// provisional): "dont X € sur des montants provisoires".
    pub provisional: Decimal,
}

/// The result of evaluating one contract year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown<'a> {
    pub rules: &'a RuleSet,
    pub contract: &'a Contract,
    pub contract_year: u32,
    pub from: Date,
    /// Exclusive: the next anniversary.
    pub to: Date,
    /// The date whose values apply (choice `value_date`): the first day of the contract year.
    pub value_date: Date,
    pub text: &'a Text,
    pub population: u64,
    pub tier: &'a Tier,
    pub tier_index: usize,
    pub lines: Vec<Line<'a>>,
    pub schedule: Vec<Payment>,
    pub warnings: Vec<Warning<'a>>,
    pub totals: Totals,
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, EvalError> {
    // Adding a zero to a non-zero amount of at least its scale changes neither value nor scale.
    if b.is_zero() && !a.is_zero() && b.scale() <= a.scale() {
        return Ok(a);
    }
    crate::money::checked_add(a, b).ok_or(EvalError::Overflow)
}

/// Evaluates contract year `k` (1-based) of `contract` under `rules`: every line, the dated
/// payments and the warnings.
pub fn evaluate<'a>(
    rules: &'a RuleSet,
    contract: &'a Contract,
    k: u32,
) -> Result<Breakdown<'a>, EvalError> {
    // Room for the lines a year has at most without a variant: the fonctionnement and its
    // uplifts, and per engaged mission its fixed part, indicators, cap and crisis envelope.
    let lines = 1
        + rules.uplifts.len()
        + contract.engagements.iter().map(|e| e.indicators.len() + 3).sum::<usize>();
    let mut keep = Keep { lines: Vec::with_capacity(lines), warnings: Vec::with_capacity(8) };
    let y = year(rules, contract, k, &mut keep)?;
    let schedule = schedule::build(rules, contract, k, y.from, y.to, &keep.lines)?;
    Ok(Breakdown {
        rules,
        contract,
        contract_year: k,
        from: y.from,
        to: y.to,
        value_date: y.from,
        text: y.text,
        population: y.population,
        tier: y.tier,
        tier_index: y.tier_index,
        lines: keep.lines,
        schedule,
        warnings: keep.warnings,
        totals: y.totals,
    })
}

/// The totals of contract year `k` of `contract`: [`evaluate`]'s `totals`, without its lines,
/// payments and warnings (a portfolio's sums, a sweep's points). The same rules are applied in
/// the same order, so an input [`evaluate`] rejects is rejected here too; [`evaluate`]'s errors
/// about the payment calendar alone (a rules file without an advance rate on the year's first
/// day) are not looked for.
pub fn totals(rules: &RuleSet, contract: &Contract, k: u32) -> Result<Totals, EvalError> {
    year(rules, contract, k, &mut TotalsOnly).map(|y| y.totals)
}

/// What [`year`] found of a contract year, besides what its sink kept.
pub(crate) struct YearFound<'a> {
    pub from: Date,
    /// Exclusive: the next anniversary.
    pub to: Date,
    pub text: &'a Text,
    pub population: u64,
    pub tier: &'a Tier,
    pub tier_index: usize,
    pub totals: Totals,
}

/// Contract year `k` of `contract` under `rules`, its lines and warnings given to `sink` in rule
/// order, each line rounded and added to the totals.
pub(crate) fn year<'a, S: Sink<'a>>(
    rules: &'a RuleSet,
    contract: &'a Contract,
    k: u32,
    sink: &mut S,
) -> Result<YearFound<'a>, EvalError> {
    if k == 0 || k > rules.contract_length_years {
        return Err(EvalError::YearOutOfContract { year: k, length: rules.contract_length_years });
    }
    // The year's anniversaries, each worked out once (as `contract_year_period` finds them).
    let at = |n: u32| crate::calendar::anniversary(contract.signature, n, rules.leap_day);
    let (from, to) = at(k - 1).zip(at(k)).ok_or(EvalError::Overflow)?;
    // The previous contract year's first day (none in year 1).
    let prev_from = k.checked_sub(2).and_then(at);
    let text = rules
        .text_at(from)
        .ok_or(EvalError::DateOutOfTexts { date: from, first: rules.texts[0].in_force_from })?;
    let population = contract.population_for(k);
    // Tier bounds are those in force on the value date (a variant may move them from a date).
    let tiers = rules.tiers_at(from);
    let tier_index = rules.tier_index_at(population, from);
    let result = contract.results.get(&k);
    sink.begin(from, to);
    let mut out = Out::new(rules, sink);
    if let Some(prev_from) = prev_from {
        if S::WARNINGS {
            let prev = rules.tier_index_at(contract.population_for(k - 1), prev_from);
            if prev != tier_index {
                out.warn(|| Warning::TierChange {
                    from: &rules.tiers_at(prev_from)[prev],
                    to: &tiers[tier_index],
                    population,
                });
            }
        }
    }
    let year = Year { k, prev_from, from, to, tier: tier_index, tier_id: &tiers[tier_index].id };
    fonctionnement(rules, contract, &year, &mut out)?;

    for mission in &rules.missions {
        if mission.overlay.until.is_some_and(|until| from >= until) {
            continue; // removed by a variant
        }
        // The contract's engagement in the mission, looked up once (ids are compared as text).
        let engaged = contract.engagement(&mission.id);
        if let (None, Some(d)) = (engaged, mission.overlay.deemed_from) {
            if deemed_fixed_part(mission, contract, d, prev_from, from, to, tier_index, &mut out)? {
                assumed_variable(mission, from, tier_index, &mut out)?;
            }
            continue;
        }
        if S::WARNINGS {
            warning::deadlines(contract, mission, engaged, from, to, &mut |w| out.warn(|| w));
        }
        let Some(e) = engaged else { continue };
        if e.start >= to {
            // Results given for a mission that has not started are not paid: say so.
            if S::WARNINGS {
                let observed: Vec<&str> = e
                    .indicators
                    .iter()
                    .filter(|i| result.is_some_and(|r| r.observations.contains(i)))
                    .map(|i| &*i.id)
                    .collect();
                if !observed.is_empty() {
                    out.warn(|| Warning::ObservationBeforeStart {
                        mission,
                        start: e.start,
                        indicators: observed,
                    });
                }
            }
            continue;
        }
        if !mission.exists_on(from) {
            out.warn(|| Warning::MissionNotInText { mission, text });
            continue;
        }
        out.line(fixed_part(mission, e, prev_from, from, to, tier_index)?);
        mission_variable(
            rules,
            mission,
            e,
            result.map(|r| &r.observations),
            from,
            tier_index,
            &mut out,
        )?;
        if let (Some((_, table)), Some(r)) = (&mission.crisis_envelope, result) {
            if r.crisis_recognised {
                let cell = cell_at(table, from, tier_index)?;
                out.line(Line {
                    item: Item::Crisis { mission },
                    cell: Some(cell),
                    formula: Formula::TierAmount,
                    before_rounding: cell.amount,
                    amount: cell.amount,
                });
            }
        }
    }
    if result.is_some_and(|r| r.crisis_recognised) && !out.crisis {
        out.warn(|| Warning::CrisisWithoutMission);
    }
    if out.overflow {
        return Err(EvalError::Overflow);
    }
    if out.provisional > 0 && S::WARNINGS {
        out.sink.warn_first(Warning::Provisional { lines: out.provisional });
    }
    Ok(YearFound {
        from,
        to,
        text,
        population,
        tier: &tiers[tier_index],
        tier_index,
        totals: out.totals(),
    })
}

fn cell_at(table: &crate::rules::TierTable, date: Date, tier: usize) -> Result<&Cell, EvalError> {
    table.at(date).map(|(_, row)| &row[tier]).ok_or(EvalError::NoValue { date })
}

/// What decides which uplifts a contract year gets.
struct Year<'t> {
    k: u32,
    /// The previous contract year's first day (none in year 1).
    prev_from: Option<Date>,
    from: Date,
    to: Date,
    tier: usize,
    tier_id: &'t str,
}
