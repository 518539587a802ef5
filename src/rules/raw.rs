//! Raw rule types: a one-to-one mirror of `rules/*.yaml`. Every struct denies unknown keys;
//! amounts, rates and dates are text, checked in `validate`. Nothing here is trusted yet.

use crate::money::RoundingMode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawRules {
    pub format_version: u32,
    pub id: String,
    pub title: String,
    pub contract_length_years: u32,
    pub texts: Vec<RawText>,
    pub sources: Vec<RawSource>,
    #[serde(default)]
    pub choices: Vec<RawChoice>,
    pub tiers: RawTiers,
    pub fonctionnement: RawAmountItem,
    #[serde(default)]
    pub fonctionnement_uplift: Option<RawUplift>,
    pub missions: Vec<RawMission>,
    pub payment: RawPayment,
    pub rounding: RawRounding,
    /// Optional (older files have none): the anniversary of a 29 February signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anniversaries: Option<RawAnniversaries>,
}

/// `anniversaries: {leap_day: february_28 | march_1, choice: leap_day_anniversary}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawAnniversaries {
    pub leap_day: crate::calendar::LeapDay,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawText {
    pub id: String,
    pub label: String,
    pub reference: String,
    pub in_force_from: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: String,
    pub citation: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub id: String,
    pub topic: String,
    pub choice: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawTiers {
    pub reference: String,
    #[serde(default)]
    pub choice: Option<String>,
    pub list: Vec<RawTier>,
    /// Optional: bounds that change at a date (an avenant that moves a threshold), each a full
    /// list of the same tiers in the same order, in force for the contract years whose value
    /// date is on or after `from`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<RawTierChange>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawTierChange {
    pub from: String,
    pub reference: String,
    pub list: Vec<RawTier>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    pub id: String,
    pub label: String,
    pub min_population: RawBound,
    #[serde(default)]
    pub max_population: Option<RawBound>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawBound {
    pub value: String,
    pub inclusive: bool,
}

/// One amount of a tier table at one date.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawCell {
    pub amount: String,
    pub status: RawStatus,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RawStatus {
    Confirmed,
    Provisional,
}

/// Dated tier table: `values: {date: {tier: cell}}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawTierTable {
    #[serde(default)]
    pub label: Option<String>,
    pub values: BTreeMap<String, BTreeMap<String, RawCell>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawAmountItem {
    pub label: String,
    pub reference: String,
    pub values: BTreeMap<String, BTreeMap<String, RawCell>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UpliftScope {
    Once,
    Annual,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawUplift {
    pub label: String,
    pub reference: String,
    #[serde(default)]
    pub choice: Option<String>,
    pub signed_on_or_before: String,
    pub scope: UpliftScope,
    pub values: BTreeMap<String, BTreeMap<String, RawCell>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MissionKind {
    Socle,
    Optional,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawMission {
    pub id: String,
    pub label: String,
    pub kind: MissionKind,
    pub reference: String,
    pub exists_from: String,
    /// Optional: the date from which the mission no longer exists (an avenant that ends it):
    /// contract years whose value date is on or after it do not fund it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists_until: Option<String>,
    #[serde(default)]
    pub start_within_months: Option<u32>,
    #[serde(default)]
    pub deployed_within_months: Option<u32>,
    #[serde(default)]
    pub choice: Option<String>,
    #[serde(default)]
    pub fixed_first_year: Option<RawTierTable>,
    pub fixed: RawTierTable,
    #[serde(default)]
    pub variable: Option<RawTierTable>,
    #[serde(default)]
    pub crisis_envelope: Option<RawTierTable>,
}

/// A dated scalar (a rate): `values: {date: cell}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawDatedValue {
    pub values: BTreeMap<String, RawCell>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FirstYearFonctionnement {
    /// Paid in full at signature (ACI 2019, art. 9.1).
    AtSignature,
    /// Paid like later years: advance at the start, balance at the end.
    LikeOtherYears,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BalanceDue {
    YearEnd,
    WithVariable,
}

/// When the variable part is paid: `months_after_year_end` months after the anniversary that
/// closes the contract year (0: at that anniversary, with the balance), with the `source` of
/// that delay. The older form `{month, day}` (the first such calendar date after the year) still
/// loads, for rules files written before; it makes a cliff for anniversary years (issue 12).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawVariableDue {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months_after_year_end: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProrataUnit {
    Days,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawProrata {
    pub unit: ProrataUnit,
    #[serde(default)]
    pub choice: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawPayment {
    pub reference: String,
    #[serde(default)]
    pub choice: Option<String>,
    pub advance_rate: RawDatedValue,
    pub first_year_fonctionnement: FirstYearFonctionnement,
    pub balance_due: BalanceDue,
    pub variable_due: RawVariableDue,
    pub crisis_due: BalanceDue,
    pub prorata: RawProrata,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundingStage {
    PerLine,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawRounding {
    pub decimals: u32,
    pub mode: RoundingMode,
    pub stage: RoundingStage,
    #[serde(default)]
    pub choice: Option<String>,
    pub reference: String,
}
