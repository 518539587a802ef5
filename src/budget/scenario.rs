//! The three scenarios of a budget, as three contracts the engine evaluates unchanged: the
//! measured observations (`results`) are kept in all three; an indicator not yet measured is
//! not reached in the minimum, fully reached in the maximum, and at the treasurer's expectation
//! in the expected scenario (no expectation: no observation, so it pays nothing, as `compute`
//! would). Expectations come from the contract's `expected` section or from a scenario file
//! (`--scenario`), which replaces it.

use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::input::raw::RawExpectation;
use crate::input::{
    Contract, Direction, Expectation, Expectations, Indicator, Observation, Payout, YearResult,
};
use crate::rules::RuleSet;
use rust_decimal::Decimal;
use serde::Deserialize;

/// Where the expectations of the expected scenario come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Neither the contract nor a scenario file gives any.
    None,
    /// The contract file's `expected` section.
    Contract,
    /// A scenario file (`--scenario FILE`).
    File { file: String, sha256: String },
}

/// A scenario file: the `expected` section of a contract, on its own.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawScenario {
    format_version: u32,
    /// Optional: the id of the contract this scenario is written for (checked).
    #[serde(default)]
    contract: Option<String>,
    #[serde(default)]
    expected: Vec<RawExpectation>,
}

/// A validated scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioFile {
    pub file: String,
    pub sha256: String,
    pub expectations: Expectations,
}

/// Parses and validates a scenario file for `contract`; every problem found is returned.
pub fn load_scenario(
    file: &str,
    text: &str,
    contract: &Contract,
    rules: &RuleSet,
) -> Result<ScenarioFile, Vec<Diagnostic>> {
    let (raw, loc) = crate::yaml::parse::<RawScenario>(file, text).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    if raw.format_version != 1 {
        errors.push(Diagnostic::error(
            Code::E0216,
            format!(
                "unsupported format_version {}: this engine reads version 1",
                raw.format_version
            ),
            loc.at("format_version"),
        ));
    }
    if let Some(id) = raw.contract.as_ref().filter(|id| **id != contract.id) {
        errors.push(
            Diagnostic::error(
                Code::E0314,
                format!("this scenario is written for contract `{id}`, not `{}`", contract.id),
                loc.at("contract"),
            )
            .with_help("pass the scenario of this contract, or fix the `contract` key"),
        );
    }
    let indicators: Vec<&Indicator> =
        contract.engagements.iter().flat_map(|e| &e.indicators).collect();
    let expectations = crate::input::validate_expected(
        &raw.expected,
        "expected",
        &loc,
        &indicators,
        rules.contract_length_years,
        &mut errors,
    );
    if !errors.is_empty() {
        // Named as in a contract's own `expected` section: the indicator's and mission's labels.
        crate::input::name_indicator_fields(&mut errors, rules, |id| {
            contract.engagements.iter().find_map(|e| {
                e.indicators.iter().find(|i| *i.id == *id).map(|i| (e.mission.as_str(), &*i.label))
            })
        });
        return Err(errors);
    }
    Ok(ScenarioFile {
        file: file.to_string(),
        sha256: crate::rules::sha256_hex(text.as_bytes()),
        expectations,
    })
}

/// The observation with which an indicator pays nothing: not reached, a value worse than the
/// easiest step, the baseline.
pub fn not_reached(ind: &Indicator) -> Observation {
    match &ind.payout {
        Payout::Binary => Observation::Reached(false),
        Payout::Steps { direction, steps } => {
            let easiest = steps.first().map(|s| s.threshold).unwrap_or_default();
            Observation::Value(match direction {
                Direction::HigherIsBetter => easiest.saturating_sub(Decimal::ONE),
                Direction::LowerIsBetter => easiest.saturating_add(Decimal::ONE),
            })
        }
        Payout::Linear { baseline, .. } => Observation::Value(*baseline),
    }
}

/// The observation with which an indicator pays its most: reached, the best step, the target.
pub fn fully_reached(ind: &Indicator) -> Observation {
    match &ind.payout {
        Payout::Binary => Observation::Reached(true),
        Payout::Steps { steps, .. } => steps
            .last()
            .map(|s| Observation::Value(s.threshold))
            .unwrap_or(Observation::Value(Decimal::ZERO)),
        Payout::Linear { target, .. } => Observation::Value(*target),
    }
}

/// The observation standing for an expected attainment `a` (0 to 1) of the indicator's maximum:
/// exact for a linear indicator (baseline + a × (target − baseline)); for a stepped one the best
/// step paying at most a × maximum (prudent: never more than expected); a binary indicator
/// counts as reached only at 100 %.
pub fn attainment_observation(ind: &Indicator, a: Decimal) -> Observation {
    match &ind.payout {
        Payout::Binary => Observation::Reached(a >= Decimal::ONE),
        Payout::Steps { steps, .. } => {
            let budget = ind.max.saturating_mul(a);
            match steps.iter().rposition(|s| s.amount.min(ind.max) <= budget) {
                Some(i) => Observation::Value(steps[i].threshold),
                None => not_reached(ind),
            }
        }
        Payout::Linear { baseline, target } => {
            // Overflow needs absurd bounds; it then falls back to the prudent baseline.
            let v = target
                .checked_sub(*baseline)
                .and_then(|span| a.checked_mul(span))
                .and_then(|x| x.checked_add(*baseline));
            Observation::Value(v.unwrap_or(*baseline))
        }
    }
}

/// The three contracts of a budget and where the expectations came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenarios {
    /// The contract as written (its `results` are what is measured).
    pub contract: Contract,
    pub minimum: Contract,
    pub expected: Contract,
    pub maximum: Contract,
    /// The expectations used (from the scenario file if one was given, else the contract's).
    pub expectations: Expectations,
    pub source: Source,
}

impl Scenarios {
    /// Builds the scenarios of `contract`; `scenario`, when given, replaces its `expected`.
    pub fn new(contract: &Contract, scenario: Option<&ScenarioFile>, years: u32) -> Scenarios {
        let (expectations, source) = match scenario {
            Some(s) => (
                s.expectations.clone(),
                Source::File { file: s.file.clone(), sha256: s.sha256.clone() },
            ),
            None if contract.expected.is_empty() => (Expectations::new(), Source::None),
            None => (contract.expected.clone(), Source::Contract),
        };
        let none = Expectation::default();
        let mut out = Scenarios {
            contract: contract.clone(),
            minimum: contract.clone(),
            expected: contract.clone(),
            maximum: contract.clone(),
            expectations,
            source,
        };
        for k in 1..=years {
            let measured = contract.results.get(&k);
            let exp = out.expectations.get(&k).unwrap_or(&none);
            let mut base = measured.cloned().unwrap_or_default();
            // A results entry is a fact, crisis included; otherwise the expectation, else none.
            if measured.is_none() {
                base.crisis_recognised = exp.crisis_recognised.unwrap_or(false);
            }
            let (mut min, mut mid, mut max): (YearResult, YearResult, YearResult) =
                (base.clone(), base.clone(), base);
            for ind in contract.engagements.iter().flat_map(|e| &e.indicators) {
                if measured.is_some_and(|r| r.observations.contains(ind)) {
                    continue;
                }
                min.observations.insert(ind, not_reached(ind));
                max.observations.insert(ind, fully_reached(ind));
                let expected = exp.observations.get(&*ind.id).copied().or_else(|| {
                    exp.attainment.get(&*ind.id).map(|a| attainment_observation(ind, *a))
                });
                if let Some(o) = expected {
                    mid.observations.insert(ind, o);
                    mid.expected.insert(ind.id.to_string());
                }
            }
            out.minimum.results.insert(k, min);
            out.expected.results.insert(k, mid);
            out.maximum.results.insert(k, max);
        }
        out
    }
}

/// The JSON Schema of a scenario file (see `crate::schema`).
#[cfg(feature = "schema")]
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(RawScenario)
}
