//! Raw contract types: a mirror of a contract file (one CPTS, its tripartite contract and its
//! yearly results). Numbers and dates are text, checked in `validate`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    pub format_version: u32,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    pub population: String,
    #[serde(default)]
    pub population_year: Option<u32>,
    pub signature_date: String,
    #[serde(default)]
    pub missions: Vec<RawEngagement>,
    #[serde(default)]
    pub results: Vec<RawYearResult>,
    /// Optional: the treasurer's expectations for indicators not yet measured (`budget`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expected: Vec<RawExpectation>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawEngagement {
    pub mission: String,
    pub start: String,
    #[serde(default)]
    pub full_deployment: Option<String>,
    #[serde(default)]
    pub indicators: Vec<RawIndicator>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    Binary,
    Steps,
    Linear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub id: String,
    pub label: String,
    pub max: String,
    pub kind: IndicatorKind,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default)]
    pub steps: Option<Vec<RawStep>>,
    #[serde(default)]
    pub baseline: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub threshold: String,
    pub amount: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawYearResult {
    pub contract_year: u32,
    #[serde(default)]
    pub population: Option<String>,
    #[serde(default)]
    pub crisis_recognised: bool,
    #[serde(default)]
    pub observations: BTreeMap<String, String>,
}

/// One entry of the optional `expected` section (contract file or `--scenario` file): for one
/// contract year (or, without `contract_year`, every year without an entry of its own), the
/// expected value of indicators (same syntax as `observations`) or their expected attainment in
/// percent of the indicator's maximum.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawExpectation {
    #[serde(default)]
    pub contract_year: Option<u32>,
    #[serde(default)]
    pub crisis_recognised: Option<bool>,
    #[serde(default)]
    pub observations: BTreeMap<String, String>,
    #[serde(default)]
    pub attainment: BTreeMap<String, String>,
}
