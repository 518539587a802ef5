//! Roll-out scenario files: a deployment described instead of listed — how many contracts are
//! signed per year or quarter, how they split by tier (or a population distribution), when each
//! mission starts after signature and which optional ones are engaged, the share of each
//! variable envelope reached, the years the ARS recognises a sanitary crisis, and published
//! figures to compare with. Parsed through `crate::yaml` (located errors, unknown keys refused)
//! and validated whole against a [`RuleSet`]: every problem is reported, none stops the others.
//!
//! A range is written `"A"` (fixed) or `"A..B"` (uniform between A and B, both included), as
//! text like every amount: `start_after_months: "3..12"`, `variable_share: "0.3..0.8"`.

use crate::calendar::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::money::parse_decimal;
use crate::rules::RuleSet;
use crate::yaml::Locator;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

mod check;

use check::Check;

/// The most contracts a scenario may generate (about ten times the number of CPTS France could
/// have): a bound on the work an untrusted file can ask for.
pub const MAX_CONTRACTS: u64 = 20_000;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    format_version: u32,
    id: String,
    title: String,
    #[serde(default)]
    description: Option<String>,
    seed: u64,
    /// Period (`2019` or `2021-Q3`) → contracts signed in it.
    signatures: BTreeMap<String, u64>,
    #[serde(default)]
    tiers: Option<BTreeMap<String, RawTierShare>>,
    #[serde(default)]
    population: Option<Vec<RawBand>>,
    #[serde(default)]
    missions: Vec<RawMissionPlan>,
    #[serde(default)]
    crisis_years: Vec<i32>,
    #[serde(default)]
    published: Vec<RawPublished>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTierShare {
    share: String,
    #[serde(default)]
    min_population: Option<u64>,
    #[serde(default)]
    max_population: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    min: u64,
    max: u64,
    share: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMissionPlan {
    mission: String,
    /// Share of the contracts that engage it (default 1).
    #[serde(default)]
    engaged: Option<String>,
    start_after_months: String,
    #[serde(default)]
    variable_share: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublished {
    year: i32,
    amount: String,
    source: String,
}

/// A period in which contracts are signed: its label and its days (both included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignaturePeriod {
    pub label: String,
    pub first: Date,
    pub last: Date,
    pub count: u64,
}

/// A band of populations drawn uniformly (both bounds included), with its share of signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub min: u64,
    pub max: u64,
    pub share: Decimal,
}

/// When and how often a mission is engaged, and how much of its variable envelope it reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissionPlan {
    pub mission: String,
    pub engaged: Decimal,
    /// Months after signature (or after the mission's entry into force, if later), min..=max.
    pub start_after_months: (u32, u32),
    /// Share of the variable envelope reached each contract year, min..=max (None: the mission
    /// has no variable envelope).
    pub variable_share: Option<(Decimal, Decimal)>,
}

/// A published figure to hold the projection against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub amount: Decimal,
    pub source: String,
}

/// A validated roll-out scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutScenario {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub file: String,
    pub sha256: String,
    pub seed: u64,
    /// In time order, not overlapping.
    pub signatures: Vec<SignaturePeriod>,
    /// Shares adding up to 1.
    pub bands: Vec<Band>,
    pub missions: Vec<MissionPlan>,
    pub crisis_years: BTreeSet<i32>,
    pub published: BTreeMap<i32, Published>,
}

impl RolloutScenario {
    /// Parses and validates a scenario file against `rules`; every problem found is returned.
    pub fn from_text(file: &str, text: &str, rules: &RuleSet) -> Result<Self, Vec<Diagnostic>> {
        let (raw, loc) = crate::yaml::parse::<RawScenario>(file, text).map_err(|d| vec![d])?;
        let mut v = Check { loc: &loc, errors: Vec::new() };
        let s = v.scenario(&raw, rules);
        if !v.errors.is_empty() {
            return Err(v.errors);
        }
        Ok(RolloutScenario {
            file: file.to_string(),
            sha256: crate::rules::sha256_hex(text.as_bytes()),
            ..s
        })
    }

    /// Contracts signed in all periods.
    pub fn contracts(&self) -> u64 {
        self.signatures.iter().map(|p| p.count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::check::period_days;

    #[test]
    fn periods_are_years_and_quarters() {
        let (a, b) = period_days("2021-Q3").unwrap();
        assert_eq!((a.to_string(), b.to_string()), ("2021-07-01".into(), "2021-09-30".into()));
        let (a, b) = period_days("2020").unwrap();
        assert_eq!((a.to_string(), b.to_string()), ("2020-01-01".into(), "2020-12-31".into()));
        assert!(period_days("2021-Q5").is_none() && period_days("x").is_none());
    }
}
