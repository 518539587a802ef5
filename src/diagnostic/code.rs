//! The registry of diagnostic codes: every code the library and the front-ends emit, with the
//! sentence that says what it means. Codes are stable (users and tests grep for them); control
//! flow compares `Code` values, never strings, and a test keeps the README's table equal to
//! [`Code::ALL`].

use serde::Serialize;
use std::fmt;

/// A stable diagnostic code: `E` errors, `W` warnings; the first two digits name the phase
/// (00 files and arguments, 01 YAML, 02 rules, 03 contracts, 04 evaluation, 05 warnings,
/// 06 variants, 07 portfolios, 08 roll-out scenarios).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// file cannot be read (exit 2)
    E0001,
    /// bad command-line argument (exit 2)
    E0002,
    /// output cannot be written (exit 2; a closed pipe ends quietly, exit 0)
    E0003,
    /// YAML syntax error, empty file
    E0101,
    /// wrong type or unknown value
    E0102,
    /// unknown key (with "did you mean")
    E0103,
    /// missing key
    E0104,
    /// input over a declared limit (size, nesting depth, aliases; README "Limits")
    E0105,
    /// input is not UTF-8 text
    E0106,
    /// tiers overlap
    E0201,
    /// tiers leave a gap, or the last tier is bounded
    E0202,
    /// unknown tier in a table
    E0203,
    /// a tier or a date entry missing
    E0204,
    /// bad date
    E0205,
    /// bad number
    E0206,
    /// negative amount
    E0207,
    /// value dated before the first text
    E0208,
    /// duplicate id
    E0209,
    /// value out of range (rate above 1, deadlines, decimals)
    E0210,
    /// unknown source
    E0211,
    /// texts not in order of entry into force
    E0214,
    /// unknown choice
    E0215,
    /// unsupported `format_version`
    E0216,
    /// empty tier
    E0217,
    /// an uplift rule that cannot pay as written
    E0218,
    /// unknown mission id
    E0301,
    /// mission starts before signature, before it exists, or is deployed before it starts
    E0302,
    /// negative or non-integer population
    E0303,
    /// indicator maxima above the mission's variable envelope
    E0304,
    /// a step pays more than its indicator's maximum
    E0305,
    /// steps missing, without direction, duplicated, or a better step paying less
    E0306,
    /// linear indicator without baseline/target, or target = baseline
    E0307,
    /// mission engaged twice, duplicate indicator id
    E0308,
    /// a key that does not belong to the indicator's kind
    E0309,
    /// observation for an unknown indicator, or of the wrong kind
    E0310,
    /// results for a contract year outside 1–5, or twice
    E0311,
    /// contract signed before the first text in force
    E0312,
    /// an indicator with both an expected value and an expected attainment
    E0313,
    /// a scenario file written for another contract
    E0314,
    /// the asked contract year is outside the contract
    E0401,
    /// a date before the first text in force, or no value in force
    E0402,
    /// arithmetic overflow
    E0403,
    /// `explain`: no such line in the contract year
    E0404,
    /// variant: unknown path (with "did you mean")
    E0601,
    /// variant: no operation, several, or one that does not fit the path
    E0602,
    /// variant: a tier threshold that would leave a tier empty
    E0604,
    /// CSV: unknown or duplicated column, an indicator under two missions
    E0701,
    /// CSV: a required column missing, an indicator without its `.max` column, an empty file
    E0702,
    /// CSV: a row contradicts its CPTS's first row on a contract column
    E0703,
    /// CSV: an indicator's `.scale` cannot be read
    E0704,
    /// portfolio: the same CPTS id in two records
    E0705,
    /// CSV: a row not evaluated because its CPTS's contract is invalid
    E0706,
    /// portfolio: the inputs hold no record (an empty folder, a CSV with only its header)
    E0707,
    /// roll-out scenario: a share outside 0–1, shares that do not add up to 1, or both or neither of `tiers` and `population`
    E0801,
    /// roll-out scenario: a range that cannot be read or is reversed, a population band outside its tier, a key that does not fit the mission
    E0802,
    /// roll-out scenario: a signature period that cannot be read, overlaps another, or ends before the first text in force
    E0803,
    /// a provisional amount was used
    W0501,
    /// missing observation (pays 0)
    W0502,
    /// mission deadline missed (start or full deployment)
    W0503,
    /// tier changed since the previous contract year
    W0504,
    /// indicator maxima below the mission's envelope
    W0505,
    /// mission does not exist in the text in force that year
    W0506,
    /// crisis recognised but no crisis mission running
    W0507,
    /// a variant's new mission pays its variable part at an assumed attainment (a hypothesis, not a contract result)
    W0508,
    /// a mission's variable part capped at the envelope of the year's tier (the indicator maxima exceed it after a change of tier)
    W0509,
    /// an observation for a mission that has not started that contract year (ignored)
    W0510,
    /// budget: contract years without measured results rest on the treasurer's expectations (one line instead of a missing observation per indicator)
    W0511,
}

impl Code {
    /// Every code, in order (the README lists them in this order).
    pub const ALL: &'static [Code] = &[
        Code::E0001,
        Code::E0002,
        Code::E0003,
        Code::E0101,
        Code::E0102,
        Code::E0103,
        Code::E0104,
        Code::E0105,
        Code::E0106,
        Code::E0201,
        Code::E0202,
        Code::E0203,
        Code::E0204,
        Code::E0205,
        Code::E0206,
        Code::E0207,
        Code::E0208,
        Code::E0209,
        Code::E0210,
        Code::E0211,
        Code::E0214,
        Code::E0215,
        Code::E0216,
        Code::E0217,
        Code::E0218,
        Code::E0301,
        Code::E0302,
        Code::E0303,
        Code::E0304,
        Code::E0305,
        Code::E0306,
        Code::E0307,
        Code::E0308,
        Code::E0309,
        Code::E0310,
        Code::E0311,
        Code::E0312,
        Code::E0313,
        Code::E0314,
        Code::E0401,
        Code::E0402,
        Code::E0403,
        Code::E0404,
        Code::E0601,
        Code::E0602,
        Code::E0604,
        Code::E0701,
        Code::E0702,
        Code::E0703,
        Code::E0704,
        Code::E0705,
        Code::E0706,
        Code::E0707,
        Code::E0801,
        Code::E0802,
        Code::E0803,
        Code::W0501,
        Code::W0502,
        Code::W0503,
        Code::W0504,
        Code::W0505,
        Code::W0506,
        Code::W0507,
        Code::W0508,
        Code::W0509,
        Code::W0510,
        Code::W0511,
    ];

    /// The code as written in diagnostics: `E0103`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::E0001 => "E0001",
            Code::E0002 => "E0002",
            Code::E0003 => "E0003",
            Code::E0101 => "E0101",
            Code::E0102 => "E0102",
            Code::E0103 => "E0103",
            Code::E0104 => "E0104",
            Code::E0105 => "E0105",
            Code::E0106 => "E0106",
            Code::E0201 => "E0201",
            Code::E0202 => "E0202",
            Code::E0203 => "E0203",
            Code::E0204 => "E0204",
            Code::E0205 => "E0205",
            Code::E0206 => "E0206",
            Code::E0207 => "E0207",
            Code::E0208 => "E0208",
            Code::E0209 => "E0209",
            Code::E0210 => "E0210",
            Code::E0211 => "E0211",
            Code::E0214 => "E0214",
            Code::E0215 => "E0215",
            Code::E0216 => "E0216",
            Code::E0217 => "E0217",
            Code::E0218 => "E0218",
            Code::E0301 => "E0301",
            Code::E0302 => "E0302",
            Code::E0303 => "E0303",
            Code::E0304 => "E0304",
            Code::E0305 => "E0305",
            Code::E0306 => "E0306",
            Code::E0307 => "E0307",
            Code::E0308 => "E0308",
            Code::E0309 => "E0309",
            Code::E0310 => "E0310",
            Code::E0311 => "E0311",
            Code::E0312 => "E0312",
            Code::E0313 => "E0313",
            Code::E0314 => "E0314",
            Code::E0401 => "E0401",
            Code::E0402 => "E0402",
            Code::E0403 => "E0403",
            Code::E0404 => "E0404",
            Code::E0601 => "E0601",
            Code::E0602 => "E0602",
            Code::E0604 => "E0604",
            Code::E0701 => "E0701",
            Code::E0702 => "E0702",
            Code::E0703 => "E0703",
            Code::E0704 => "E0704",
            Code::E0705 => "E0705",
            Code::E0706 => "E0706",
            Code::E0707 => "E0707",
            Code::E0801 => "E0801",
            Code::E0802 => "E0802",
            Code::E0803 => "E0803",
            Code::W0501 => "W0501",
            Code::W0502 => "W0502",
            Code::W0503 => "W0503",
            Code::W0504 => "W0504",
            Code::W0505 => "W0505",
            Code::W0506 => "W0506",
            Code::W0507 => "W0507",
            Code::W0508 => "W0508",
            Code::W0509 => "W0509",
            Code::W0510 => "W0510",
            Code::W0511 => "W0511",
        }
    }

    /// What the code means, as the README's table says it.
    pub fn meaning(self) -> &'static str {
        match self {
            Code::E0001 => "file cannot be read (exit 2)",
            Code::E0002 => "bad command-line argument (exit 2)",
            Code::E0003 => "output cannot be written (exit 2; a closed pipe ends quietly, exit 0)",
            Code::E0101 => "YAML syntax error, empty file",
            Code::E0102 => "wrong type or unknown value",
            Code::E0103 => "unknown key (with \"did you mean\")",
            Code::E0104 => "missing key",
            Code::E0105 => "input over a declared limit (size, nesting depth, aliases; README \"Limits\")",
            Code::E0106 => "input is not UTF-8 text",
            Code::E0201 => "tiers overlap",
            Code::E0202 => "tiers leave a gap, or the last tier is bounded",
            Code::E0203 => "unknown tier in a table",
            Code::E0204 => "a tier or a date entry missing (a table starting after the text or mission it serves)",
            Code::E0205 => "bad date",
            Code::E0206 => "bad number",
            Code::E0207 => "negative amount",
            Code::E0208 => "value dated before the first text",
            Code::E0209 => "duplicate id",
            Code::E0210 => "value out of range (rate above 1, deadlines, decimals)",
            Code::E0211 => "unknown source",
            Code::E0214 => "texts not in order of entry into force",
            Code::E0215 => "unknown choice",
            Code::E0216 => "unsupported `format_version`",
            Code::E0217 => "empty tier",
            Code::E0218 => "an uplift rule that cannot pay as written (no amount or two, unknown text or mission, dates out of order, two rules replacing the fonctionnement)",
            Code::E0301 => "unknown mission id",
            Code::E0302 => "mission starts before signature, before it exists, or is deployed before it starts",
            Code::E0303 => "negative or non-integer population",
            Code::E0304 => "indicator maxima above the mission's variable envelope",
            Code::E0305 => "a step pays more than its indicator's maximum",
            Code::E0306 => "steps missing, without direction, duplicated, or a better step paying less",
            Code::E0307 => "linear indicator without baseline/target, or target = baseline",
            Code::E0308 => "mission engaged twice, duplicate indicator id",
            Code::E0309 => "a key that does not belong to the indicator's kind",
            Code::E0310 => "observation for an unknown indicator, or of the wrong kind",
            Code::E0311 => "results for a contract year outside 1–5, or twice",
            Code::E0312 => "contract signed before the first text in force",
            Code::E0313 => "an indicator with both an expected value and an expected attainment",
            Code::E0314 => "a scenario file written for another contract",
            Code::E0401 => "the asked contract year is outside the contract",
            Code::E0402 => "a date before the first text in force, or no value in force",
            Code::E0403 => "arithmetic overflow",
            Code::E0404 => "`explain`: no such line in the contract year",
            Code::E0601 => "variant: unknown path (with \"did you mean\")",
            Code::E0602 => "variant: no operation, several, or one that does not fit the path",
            Code::E0604 => "variant: a tier threshold that would leave a tier empty",
            Code::E0701 => "CSV: unknown or duplicated column, an indicator under two missions",
            Code::E0702 => "CSV: a required column missing, an indicator without its `.max` column, an empty file",
            Code::E0703 => "CSV: a row contradicts its CPTS's first row on a contract column",
            Code::E0704 => "CSV: an indicator's `.scale` cannot be read",
            Code::E0705 => "portfolio: the same CPTS id in two records",
            Code::E0706 => "CSV: a row not evaluated because its CPTS's contract is invalid",
            Code::E0707 => "portfolio: the inputs hold no record (an empty folder, a CSV with only its header)",
            Code::E0801 => "roll-out scenario: a share outside 0–1, shares that do not add up to 1, or both or neither of `tiers` and `population`",
            Code::E0802 => "roll-out scenario: a range that cannot be read or is reversed, a population band outside its tier, a key that does not fit the mission",
            Code::E0803 => "roll-out scenario: a signature period that cannot be read, overlaps another, or ends before the first text in force",
            Code::W0501 => "a provisional amount was used",
            Code::W0502 => "missing observation (pays 0)",
            Code::W0503 => "mission deadline missed (start or full deployment)",
            Code::W0504 => "tier changed since the previous contract year",
            Code::W0505 => "indicator maxima below the mission's envelope",
            Code::W0506 => "mission does not exist in the text in force that year",
            Code::W0507 => "crisis recognised but no crisis mission running",
            Code::W0508 => "a variant's new mission pays its variable part at an assumed attainment (a hypothesis, not a contract result)",
            Code::W0509 => "a mission's variable part capped at the envelope of the year's tier (the indicator maxima exceed it after a change of tier)",
            Code::W0510 => "an observation for a mission that has not started that contract year (ignored)",
            Code::W0511 => "budget: contract years without measured results rest on the treasurer's expectations (one line instead of a missing observation per indicator)",
        }
    }

    /// Whether diagnostics of this code are warnings (`W…`).
    pub fn is_warning(self) -> bool {
        self.as_str().starts_with('W')
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
