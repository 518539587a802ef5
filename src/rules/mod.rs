//! The agreement as validated data. `load` parses a rules file (`raw`), `validate` checks it
//! whole and builds a [`RuleSet`] whose invariants hold: tiers cover every population exactly
//! once, every table has a cell per tier, every amount is a non-negative exact decimal with a
//! known source, dates are ordered. The evaluation relies on these and never re-checks them.

mod dated;
pub mod raw;
mod validate;

use crate::calendar::{contract_year_period_with, Date, LeapDay};
use crate::diagnostic::Diagnostic;
use crate::money::Rounding;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

pub use dated::Dated;
pub use raw::{BalanceDue, FirstYearFonctionnement, MissionKind, UpliftPay, UpliftScope};

/// The default rules, embedded in the binary.
pub const DEFAULT_RULES_TEXT: &str = include_str!("../../rules/aci-cpts.yaml");
/// The name under which diagnostics and receipts refer to the embedded rules.
pub const DEFAULT_RULES_NAME: &str = "rules/aci-cpts.yaml";

/// Whether an amount is sourced or a placeholder consistent with the published totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Confirmed,
    Provisional,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Provisional => "provisional",
        }
    }
}

/// One amount with its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub amount: Decimal,
    pub status: Status,
    pub source: String,
    /// Where the cell is written (`missions[0].fixed.values.2019-08-25.t1`).
    pub path: String,
}

/// A dated table of amounts by tier; each entry has one cell per tier, in tier order.
pub type TierTable = Dated<Vec<Cell>>;

/// A text of the agreement (ACI 2019, an avenant) and the date it came into force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub id: String,
    pub label: String,
    pub reference: String,
    pub in_force_from: Date,
}

/// A size tier (taille) as an inclusive integer range of population.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub id: String,
    pub label: String,
    /// Smallest population in the tier (inclusive).
    pub min: u64,
    /// Largest population in the tier (inclusive); `None` for the last, open tier.
    pub max: Option<u64>,
    /// The bounds as written, for explanations (`40000 ≤ population < 80000`).
    pub bounds_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountItem {
    pub label: String,
    pub reference: String,
    pub table: TierTable,
}

/// A dated uplift (`uplifts`, or the older `fonctionnement_uplift`): a payment for the contracts
/// it names, once or every year of its dates. Which contract years it pays is decided by `eval`
/// (the rules know no contract).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uplift {
    /// Its audit line is `uplift.<id>` (the `fonctionnement` line for a replacement).
    pub id: String,
    pub label: String,
    /// The text it comes from (`None` for the older key, which names none).
    pub text: Option<String>,
    pub reference: String,
    pub choice: Option<String>,
    pub contracts: UpliftContracts,
    pub amount: UpliftAmount,
    /// Pays contract years whose value date is on or after `from`…
    pub from: Date,
    /// …and before `until`, if given.
    pub until: Option<Date>,
    pub pay: UpliftPay,
    /// Written under the older key `fonctionnement_uplift` (the rules document shows it there).
    pub legacy: bool,
}

impl Uplift {
    /// Whether a contract year whose values apply on `date` is in the rule's dates.
    pub fn in_force_on(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date < u)
    }

    /// Its table of amounts by tier, for the two table forms.
    pub fn table(&self) -> Option<&TierTable> {
        match &self.amount {
            UpliftAmount::PerTier(t) | UpliftAmount::FonctionnementAmount(t) => Some(t),
            UpliftAmount::ShareOfFonctionnement(_) => None,
        }
    }

    /// The same, to change (variants).
    pub(crate) fn table_mut(&mut self) -> Option<&mut TierTable> {
        match &mut self.amount {
            UpliftAmount::PerTier(t) | UpliftAmount::FonctionnementAmount(t) => Some(t),
            UpliftAmount::ShareOfFonctionnement(_) => None,
        }
    }
}

/// The contracts an uplift is for; `None`: no condition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpliftContracts {
    pub signed_on_or_before: Option<Date>,
    pub signed_after: Option<Date>,
    /// Tier ids of the contract year.
    pub tiers: Option<Vec<String>>,
    /// A mission engaged and started by the end of the contract year.
    pub mission: Option<String>,
}

/// What an uplift pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpliftAmount {
    /// The rate (as a cell: `amount` is the rate) × the year's base fonctionnement amount, as
    /// its own line.
    ShareOfFonctionnement(Cell),
    /// The tier's amount, as its own line.
    PerTier(TierTable),
    /// The fonctionnement line is paid the tier's amount instead of its own.
    FonctionnementAmount(TierTable),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mission {
    pub id: String,
    pub label: String,
    pub kind: MissionKind,
    pub reference: String,
    pub exists_from: Date,
    /// The date the mission ends (`exists_until`), if a text ends it.
    pub exists_until: Option<Date>,
    pub start_within_months: Option<u32>,
    pub deployed_within_months: Option<u32>,
    pub choice: Option<String>,
    pub fixed_first_year: Option<(Option<String>, TierTable)>,
    pub fixed: (Option<String>, TierTable),
    pub variable: Option<TierTable>,
    pub crisis_envelope: Option<(Option<String>, TierTable)>,
    /// What a negotiation variant changed about the mission (nothing for rules read from a
    /// file); see `crate::variant`.
    pub overlay: MissionOverlay,
}

impl Mission {
    /// Whether the texts fund the mission for a contract year whose values apply on `date`:
    /// on or after `exists_from`, before `exists_until` (if a text ends it), and not removed by
    /// a variant.
    pub fn exists_on(&self, date: Date) -> bool {
        self.exists_from <= date
            && self.exists_until.is_none_or(|u| date < u)
            && self.overlay.until.is_none_or(|u| date < u)
    }
}

/// A mission as changed by a negotiation variant. The default (nothing changed) leaves the
/// evaluation exactly as the rules file says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MissionOverlay {
    /// Removed from this date: not funded for contract years whose value date is on or after it.
    pub until: Option<Date>,
    /// Added by a variant: every CPTS is deemed to engage the mission from this date (or from its
    /// signature if later) and is paid its fixed part; contracts have no indicators for it yet.
    pub deemed_from: Option<Date>,
    /// The variable envelope was changed: contracts split the envelope into indicator maxima, so
    /// each indicator's payout is multiplied by (variant envelope / base envelope) of the tier,
    /// as in force on the value date. Kept as the fraction (variant, base): the evaluation
    /// multiplies first and divides once (no digit cut before rounding).
    pub variable_factor: Option<Dated<Vec<(Decimal, Decimal)>>>,
    /// Added by a variant with `assumed_attainment`: a CPTS deemed to engage the mission is also
    /// paid this share (0 to 1) of its tier's variable envelope, not prorated (a hypothesis of
    /// the variant, not a contract result: warning W0508).
    pub assumed_attainment: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub reference: String,
    pub choice: Option<String>,
    pub advance_rate: Dated<Cell>,
    pub first_year_fonctionnement: FirstYearFonctionnement,
    pub balance_due: BalanceDue,
    pub variable_due: VariableDue,
    pub crisis_due: BalanceDue,
    pub prorata_choice: Option<String>,
}

/// When the variable part of a contract year is paid (choice `due_dates`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableDue {
    /// `months` after the anniversary that closes the year (0: at that anniversary, with the
    /// balance); `source` says where the delay comes from.
    AfterYearEnd { months: u32, source: Option<String> },
    /// The first `month`/`day` after the year: the older rules format, kept loading. A fixed
    /// calendar date makes a cliff for anniversary years (a year ending on 29 April waits a year
    /// more than one ending on 1 May).
    FirstDateAfter { month: u32, day: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub topic: String,
    pub choice: String,
}

/// The validated rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    pub id: String,
    pub title: String,
    pub file: String,
    pub sha256: String,
    pub contract_length_years: u32,
    pub texts: Vec<Text>,
    pub sources: Vec<(String, String)>,
    pub choices: Vec<Choice>,
    pub tiers_reference: String,
    pub tiers: Vec<Tier>,
    pub fonctionnement: AmountItem,
    /// In file order; the older `fonctionnement_uplift` first. At most one replaces the
    /// fonctionnement amount (validated).
    pub uplifts: Vec<Uplift>,
    pub missions: Vec<Mission>,
    pub payment: Payment,
    pub rounding: Rounding,
    /// The anniversary of a 29 February signature in common years (choice
    /// `leap_day_anniversary`; 28 February when the file says nothing).
    pub leap_day: LeapDay,
    /// What negotiation variants changed that the tables cannot say (empty for rules read from a
    /// file); see `crate::variant`.
    pub overlay: RulesOverlay,
}

/// Rule changes made by negotiation variants beyond dated table values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RulesOverlay {
    /// Tier bounds moved from a date on, in date order: the whole tier list in force from that
    /// date (same ids, same order as `RuleSet::tiers`, still covering every population once).
    pub tiers_from: Vec<(Date, Vec<Tier>)>,
}

/// A loaded rule set and the warnings its validation produced.
pub type Loaded = (RuleSet, Vec<Diagnostic>);

impl RuleSet {
    /// The period of contract year `k` of a contract signed on `signature`, under the rules'
    /// reading of a 29 February anniversary (from inclusive, to exclusive).
    pub fn contract_year_period(&self, signature: Date, k: u32) -> Option<(Date, Date)> {
        contract_year_period_with(signature, k, self.leap_day)
    }

    /// Parses and validates a rules document. On failure, every problem found is returned.
    pub fn from_text(file: &str, text: &str) -> Result<Loaded, Vec<Diagnostic>> {
        let (raw, locator) =
            crate::yaml::parse::<raw::RawRules>(file, text).map_err(|d| vec![d])?;
        let mut rules = validate::validate(&raw, &locator)?;
        rules.0.sha256 = sha256_hex(text.as_bytes());
        Ok(rules)
    }

    /// Writes the raw form of a rules document back as YAML text.
    pub fn save_raw(raw: &raw::RawRules) -> Result<String, String> {
        crate::yaml::to_string(raw)
    }

    /// Parses a rules document into its raw (unvalidated) form.
    pub fn load_raw(file: &str, text: &str) -> Result<raw::RawRules, Diagnostic> {
        crate::yaml::parse::<raw::RawRules>(file, text).map(|(r, _)| r)
    }

    /// The rules embedded in the binary (`rules/aci-cpts.yaml`).
    pub fn embedded() -> Result<Loaded, Vec<Diagnostic>> {
        RuleSet::from_text(DEFAULT_RULES_NAME, DEFAULT_RULES_TEXT)
    }

    /// The text in force on `date`, if any.
    pub fn text_at(&self, date: Date) -> Option<&Text> {
        self.texts.iter().rev().find(|t| t.in_force_from <= date)
    }

    /// The index of the tier of `population` (exactly one exists, by validation).
    pub fn tier_index(&self, population: u64) -> usize {
        self.tiers
            .iter()
            .position(|t| population >= t.min && t.max.is_none_or(|m| population <= m))
            .unwrap_or(self.tiers.len() - 1)
    }

    /// The tiers in force on `date`: the rules' tiers unless a variant moved their bounds.
    pub fn tiers_at(&self, date: Date) -> &[Tier] {
        self.overlay
            .tiers_from
            .iter()
            .rev()
            .find(|(d, _)| *d <= date)
            .map(|(_, t)| t.as_slice())
            .unwrap_or(&self.tiers)
    }

    /// The index of the tier of `population` under the bounds in force on `date`.
    pub fn tier_index_at(&self, population: u64, date: Date) -> usize {
        let tiers = self.tiers_at(date);
        tiers
            .iter()
            .position(|t| population >= t.min && t.max.is_none_or(|m| population <= m))
            .unwrap_or(tiers.len() - 1)
    }

    /// The uplift that replaces the fonctionnement amount, if any (at most one, by validation).
    pub fn fonctionnement_replacement(&self) -> Option<&Uplift> {
        self.uplifts.iter().find(|u| matches!(u.amount, UpliftAmount::FonctionnementAmount(_)))
    }

    pub fn mission(&self, id: &str) -> Option<&Mission> {
        self.missions.iter().find(|m| m.id == id)
    }

    pub fn source_citation(&self, id: &str) -> Option<&str> {
        self.sources.iter().find(|(s, _)| s == id).map(|(_, c)| c.as_str())
    }
}

/// Lowercase hex SHA-256 of `bytes`, for receipts.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The SHA-256 of a text read in parts (a streamed file): the hex [`sha256_hex`] gives of the
/// whole.
#[derive(Debug, Clone, Default)]
pub struct Sha256Parts(Sha256);

impl Sha256Parts {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn hex(&self) -> String {
        format!("{:x}", self.0.clone().finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_validate() {
        let (rules, _) = RuleSet::embedded().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(rules.tiers.len(), 4);
        assert_eq!(rules.missions.len(), 6);
        // Declared bounds (choice `tier_bounds`).
        let tier = |p| rules.tiers[rules.tier_index(p)].id.as_str();
        assert_eq!(
            [tier(39_999), tier(40_000), tier(80_000), tier(175_000), tier(175_001)],
            ["t1", "t2", "t3", "t3", "t4"]
        );
    }
}
