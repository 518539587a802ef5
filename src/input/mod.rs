//! A CPTS's contract and yearly results, validated against a [`RuleSet`]: missions exist and
//! start after signature, indicators are well formed and fit the national envelopes, results
//! name known indicators. Once built, a [`Contract`] can be evaluated for any of its years.

mod envelope;
mod expected;
mod labels;
pub mod raw;
mod validate;

use crate::calendar::Date;
use crate::diagnostic::Diagnostic;
use crate::rules::RuleSet;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) use envelope::{over_envelope_of, EnvelopeCheck};
pub(crate) use expected::validate as validate_expected;
pub use expected::{Expectation, Expectations};
pub(crate) use labels::name_indicator_fields;
pub use raw::{Direction, IndicatorKind};

/// How an indicator's attainment turns into euros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payout {
    /// Reached or not: the maximum or nothing.
    Binary,
    /// Thresholds with amounts, ordered from the easiest to the best step.
    Steps { direction: Direction, steps: Vec<Step> },
    /// Proportional between a baseline (0 €) and a target (the maximum), capped.
    Linear { baseline: Decimal, target: Decimal },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub threshold: Decimal,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// Shared, not copied: the rows of a CSV file name their indicators in its header once.
    pub id: Arc<str>,
    pub label: Arc<str>,
    pub max: Decimal,
    pub payout: Payout,
    /// The indicator's place among the contract's indicators (in the order of its engagements,
    /// then of their indicators): where a year's [`Observations`] keep its value. Numbered at
    /// validation, so that evaluating never looks an indicator up by its id.
    pub slot: usize,
}

/// A mission the CPTS engaged in, with its start date and its contract indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engagement {
    pub mission: String,
    pub start: Date,
    pub full_deployment: Option<Date>,
    pub indicators: Vec<Indicator>,
}

/// An observed indicator value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observation {
    Reached(bool),
    Value(Decimal),
}

/// A contract year's observed values, one slot per indicator of the contract
/// ([`Indicator::slot`]); an indicator with no value has an empty slot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Observations(Vec<Option<Observation>>);

impl Observations {
    pub fn get(&self, indicator: &Indicator) -> Option<Observation> {
        self.0.get(indicator.slot).copied().flatten()
    }

    pub fn contains(&self, indicator: &Indicator) -> bool {
        self.get(indicator).is_some()
    }

    /// No observation yet, room for `slots` indicators (a contract's count: no growing).
    pub fn with_slots(slots: usize) -> Observations {
        Observations(Vec::with_capacity(slots))
    }

    pub fn insert(&mut self, indicator: &Indicator, observation: Observation) {
        if self.0.len() <= indicator.slot {
            self.0.resize(indicator.slot + 1, None);
        }
        self.0[indicator.slot] = Some(observation);
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

/// What happened in one contract year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct YearResult {
    pub population: Option<u64>,
    pub crisis_recognised: bool,
    pub observations: Observations,
    /// The indicators whose observation is a treasurer's expectation (the expected scenario of a
    /// budget), not a measure: the audit words say "valeur attendue". Empty in a contract file.
    pub expected: std::collections::BTreeSet<String>,
}

/// A validated contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub id: String,
    pub name: String,
    pub region: Option<String>,
    pub department: Option<String>,
    pub population: u64,
    pub population_year: Option<u32>,
    pub signature: Date,
    pub engagements: Vec<Engagement>,
    pub results: BTreeMap<u32, YearResult>,
    /// The optional `expected` section, for budget scenarios (`compute` ignores it).
    pub expected: Expectations,
    pub file: String,
    pub sha256: String,
}

impl Contract {
    /// Parses and validates a contract file against `rules`; every problem found is returned.
    pub fn from_text(
        file: &str,
        text: &str,
        rules: &RuleSet,
    ) -> Result<(Contract, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (raw, locator) =
            crate::yaml::parse::<raw::RawContract>(file, text).map_err(|d| vec![d])?;
        let (mut contract, warnings) = validate::validate(&raw, &locator, rules)?;
        contract.sha256 = crate::rules::sha256_hex(text.as_bytes());
        Ok((contract, warnings))
    }

    /// Parses a contract file onto its raw form only (no validation against rules): what a form
    /// editing the file starts from. Syntax, unknown keys and wrong types are located errors.
    pub fn raw_from_text(file: &str, text: &str) -> Result<raw::RawContract, Vec<Diagnostic>> {
        crate::yaml::parse::<raw::RawContract>(file, text).map(|(raw, _)| raw).map_err(|d| vec![d])
    }

    /// Validates a contract already mapped onto its raw form (an entry of a portfolio file, the
    /// rows of a CPTS in a CSV file) against `rules`; `locator` says where each path is written
    /// and `sha256` identifies the input text.
    pub(crate) fn from_raw(
        raw: &raw::RawContract,
        locator: &crate::yaml::Locator,
        rules: &RuleSet,
        sha256: &str,
    ) -> Result<(Contract, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (mut contract, warnings) = validate::validate(raw, locator, rules)?;
        contract.sha256 = sha256.to_string();
        Ok((contract, warnings))
    }

    /// The population retained for contract year `k`: the year's figure if given, else the
    /// contract's (choice `population_figure`).
    pub fn population_for(&self, k: u32) -> u64 {
        self.results.get(&k).and_then(|r| r.population).unwrap_or(self.population)
    }

    /// The contract year (1-based) whose period starts in calendar year `year`.
    pub fn year_starting_in(&self, year: i32) -> Option<u32> {
        use chrono::Datelike;
        let k = year.checked_sub(self.signature.year())?.checked_add(1)?;
        u32::try_from(k).ok().filter(|k| *k >= 1)
    }

    pub fn engagement(&self, mission: &str) -> Option<&Engagement> {
        self.engagements.iter().find(|e| e.mission == mission)
    }

    /// The contract's indicator `id` (ids are unique across a contract).
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.engagements.iter().flat_map(|e| &e.indicators).find(|i| &*i.id == id)
    }
}

/// Numbers the indicators of `engagements` in order: their [`Indicator::slot`].
pub(crate) fn number_indicators<'e>(engagements: impl IntoIterator<Item = &'e mut Engagement>) {
    let slots = engagements.into_iter().flat_map(|e| &mut e.indicators);
    for (slot, indicator) in slots.enumerate() {
        indicator.slot = slot;
    }
}
