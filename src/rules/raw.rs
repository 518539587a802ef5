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
    /// The older form of the avenant-2 +75 %, kept loading: validated as one rule of `uplifts`
    /// (the first), which replaces the fonctionnement amount.
    #[serde(default)]
    pub fonctionnement_uplift: Option<RawUplift>,
    /// Dated uplifts: payments on top of (or instead of) the fonctionnement for the contracts a
    /// rule names, once or every year of its validity (README, *Rules format: uplifts*).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uplifts: Vec<RawUpliftRule>,
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

/// One rule of `uplifts`: which contracts, which amount, when.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawUpliftRule {
    /// The rule's id: its audit line is `uplift.<id>`.
    pub id: String,
    pub label: String,
    /// The text it comes from (an id of `texts`).
    pub text: String,
    /// The article (legal reference), as for every other rule.
    pub reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    /// Which contracts; every contract when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts: Option<RawUpliftContracts>,
    pub amount: RawUpliftAmount,
    pub when: RawUpliftWhen,
}

/// The contracts an uplift is for: every condition given must hold.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawUpliftContracts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_on_or_before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_after: Option<String>,
    /// The tiers of the contract year (their ids); every tier when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<String>>,
    /// A mission the contract engages and has started by the end of the contract year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mission: Option<String>,
}

/// What an uplift pays: exactly one of the three forms.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawUpliftAmount {
    /// A share of the year's fonctionnement amount (`"0.75"`: +75 %), as its own line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_of_fonctionnement: Option<RawRate>,
    /// An amount per tier (a dated table), as its own line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_tier: Option<RawTierTable>,
    /// The fonctionnement line paid this amount per tier instead of its own (the form of the
    /// older `fonctionnement_uplift`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fonctionnement_amount: Option<RawTierTable>,
}

/// A rate with its provenance.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawRate {
    pub rate: String,
    pub status: RawStatus,
    pub source: String,
}

/// When an uplift pays: from a date (the value date of a contract year on or after it), until
/// a date (exclusive) if given, once (the first such contract year) or every such year.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawUpliftWhen {
    pub from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    pub pay: UpliftPay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UpliftPay {
    /// In one contract year: the first whose value date is in the rule's dates.
    Once,
    /// In every contract year whose value date is in the rule's dates.
    Yearly,
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
