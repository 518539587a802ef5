//! Negotiation variants: small YAML overlays that change the base rules by path, from a date
//! (raise an amount, move a tier threshold, change the advance rate, add or remove a mission,
//! scale every variable envelope), each with a title and a rationale. A variant is validated
//! against the rules it applies to (unknown path: "did you mean"; a value of the wrong kind: a
//! located error), and several apply in order.
//!
//! Applying a variant works on the validated [`RuleSet`] (a clone, changed in place: dated table
//! entries added from the change's date, tier bounds dated in `RuleSet::overlay`): no YAML is
//! read again, so a sweep can apply thousands of variants cheaply. Nothing here does IO.
//!
//! Readings declared here (README.md, *Variants*): a change applies to every value in force from
//! its date on (an entry is added on that date); contracts split a mission's variable envelope
//! into indicator maxima, so when a variant changes an envelope each indicator's payout follows
//! it in proportion (`MissionOverlay::variable_factor`); a new mission is deemed engaged by every
//! CPTS from its date: its fixed part, and its variable part only at the attainment the variant
//! assumes (`assumed_attainment`, not prorated, warned W0508), since no contract has indicators
//! for it yet.

mod apply;
mod op;
use op::{op, op_key};
pub mod diff;
pub mod max;
mod path;
/// The variant reports and the sweep chart live in `report`; kept here for their users.
pub use crate::report::{chart::sweep as svg, variant as render};
pub mod sweep;

pub use path::{resolve, MissionTable, PathError, TableRef, Target};

use crate::calendar::{parse_date, Date};
use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::rules::{
    sha256_hex, Cell, Dated, Mission, MissionKind, MissionOverlay, RuleSet, Status, TierTable,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

pub use apply::{apply, apply_all, apply_change, apply_diagnostic, load_applied, ApplyError};

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawVariant {
    format_version: u32,
    id: String,
    title: String,
    rationale: String,
    changes: Vec<RawChange>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawChange {
    path: String,
    from: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    add: Option<String>,
    #[serde(default)]
    scale: Option<String>,
    #[serde(default)]
    remove: Option<bool>,
    #[serde(default)]
    new_mission: Option<RawNewMission>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawNewMission {
    label: String,
    kind: MissionKind,
    reference: String,
    fixed: BTreeMap<String, String>,
    #[serde(default)]
    variable: Option<BTreeMap<String, String>>,
    #[serde(default = "yes")]
    engaged_by_all: bool,
    /// Share of the variable envelope paid to every CPTS deemed engaged (`"0.8"`), a hypothesis.
    #[serde(default)]
    assumed_attainment: Option<String>,
}

fn yes() -> bool {
    true
}

/// What a change does to its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Replace the value.
    Set(Decimal),
    /// Add to the value (negative: lower it).
    Add(Decimal),
    /// Multiply the value.
    Scale(Decimal),
    /// Remove the mission from the date on.
    Remove,
    /// Add a mission.
    NewMission(NewMission),
}

impl Op {
    pub fn describe(&self) -> String {
        use crate::money::format_plain;
        match self {
            Op::Set(v) => format!("= {}", format_plain(*v)),
            Op::Add(v) if v.is_sign_negative() => format!("− {}", format_plain(-*v)),
            Op::Add(v) => format!("+ {}", format_plain(*v)),
            Op::Scale(v) => format!("× {}", format_plain(*v)),
            Op::Remove => "supprimée".into(),
            Op::NewMission(m) => match m.assumed_attainment {
                Some(a) => format!(
                    "nouvelle mission « {} », part variable supposée atteinte à {} %",
                    m.label,
                    format_plain(a.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(a))
                ),
                None => format!("nouvelle mission « {} »", m.label),
            },
        }
    }
}

/// A mission a variant adds: its amounts by tier (in tier order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMission {
    pub label: String,
    pub kind: MissionKind,
    pub reference: String,
    pub fixed: Vec<Decimal>,
    pub variable: Option<Vec<Decimal>>,
    pub engaged_by_all: bool,
    /// The share (0 to 1) of the variable envelope paid to every CPTS deemed engaged: a
    /// hypothesis of the variant (no contract has indicators for the mission yet).
    pub assumed_attainment: Option<Decimal>,
}

/// One change of a variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub from: Date,
    pub op: Op,
    pub note: Option<String>,
    /// The variant's source id (`variant:<id>`), given to the cells it writes.
    pub source: String,
    /// Where it is written (`rules/variants/x.yaml changes[2]`), for cells and messages.
    pub origin: String,
}

impl Change {
    /// `missions.parcours.fixed.t2 + 10000 from 2025-01-01`.
    pub fn describe(&self) -> String {
        format!("{} {} dès le {}", self.path, self.op.describe(), self.from)
    }
}

/// A validated variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub id: String,
    pub title: String,
    pub rationale: String,
    pub file: String,
    pub sha256: String,
    pub changes: Vec<Change>,
}

impl Variant {
    /// Parses and validates a variant against `rules` (the rules it will apply to: the base, or
    /// the base with earlier variants). Every problem found is returned, located.
    pub fn from_text(file: &str, text: &str, rules: &RuleSet) -> Result<Variant, Vec<Diagnostic>> {
        let (raw, loc) = crate::yaml::parse::<RawVariant>(file, text).map_err(|d| vec![d])?;
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
        if raw.changes.is_empty() {
            errors.push(Diagnostic::error(
                Code::E0602,
                "a variant needs at least one change",
                loc.at("changes"),
            ));
        }
        let source = format!("variant:{}", raw.id);
        let mut work = rules.clone();
        let first_text = rules.texts.first().map(|t| t.in_force_from);
        let mut changes = Vec::new();
        for (i, c) in raw.changes.iter().enumerate() {
            let p = format!("changes[{i}]");
            let from = match parse_date(&c.from) {
                Ok(d) if first_text.is_some_and(|f| d < f) => {
                    errors.push(Diagnostic::error(
                        Code::E0208,
                        format!(
                            "change dated {d} is before the first text in force ({})",
                            first_text.unwrap_or(d)
                        ),
                        loc.at(&format!("{p}.from")),
                    ));
                    None
                }
                Ok(d) => Some(d),
                Err(m) => {
                    errors.push(Diagnostic::error(Code::E0205, m, loc.at(&format!("{p}.from"))));
                    None
                }
            };
            let target = match resolve(&c.path, &work) {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.push(
                        Diagnostic::error(
                            Code::E0601,
                            format!("{} in path `{}`", e.message, c.path),
                            loc.at(&format!("{p}.path")),
                        )
                        .with_label("not a path of the rules")
                        .with_help(e.help),
                    );
                    None
                }
            };
            let op = op(c, &p, &work, &loc, &mut errors);
            let (Some(from), Some(target), Some(op)) = (from, target, op) else { continue };
            if let Err(m) = check_op(&target, &op) {
                errors.push(Diagnostic::error(
                    Code::E0602,
                    m,
                    loc.key(&format!("{p}.{}", op_key(&op))),
                ));
                continue;
            }
            let change = Change {
                path: c.path.trim().to_string(),
                from,
                op,
                note: c.note.clone(),
                source: source.clone(),
                origin: format!("{file} {p}"),
            };
            match apply_change(&mut work, &change) {
                Ok(()) => changes.push(change),
                Err(e) => errors.push(Diagnostic::error(
                    e.code,
                    e.message,
                    loc.at(&format!("{p}.{}", op_key(&change.op))),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Variant {
            id: raw.id,
            title: raw.title,
            rationale: raw.rationale,
            file: file.to_string(),
            sha256: sha256_hex(text.as_bytes()),
            changes,
        })
    }
}

/// Whether a YAML text is a variant file (a top-level `changes` key before any contract key),
/// so that `check` can tell it from a contract.
pub fn looks_like_variant(text: &str) -> bool {
    crate::yaml::root_key_comes_first(
        text,
        "changes",
        &["population", "signature_date", "missions", "results", "cpts"],
    )
}

/// Whether `op` makes sense for `target`.
pub fn check_op(target: &Target, op: &Op) -> Result<(), String> {
    match (target, op) {
        (Target::Table { .. } | Target::AdvanceRate | Target::TierMin(_), Op::Set(_) | Op::Add(_) | Op::Scale(_)) => Ok(()),
        (Target::Mission(_), Op::Remove) | (Target::NewMission(_), Op::NewMission(_)) => Ok(()),
        (Target::Mission(id), Op::NewMission(_)) => Err(format!("mission `{id}` already exists: `new_mission` adds a mission with a new id")),
        (Target::NewMission(id), _) => Err(format!("no mission `{id}` in the rules: only `new_mission` can use this path")),
        (Target::Mission(id), _) => Err(format!("a whole mission (`missions.{id}`) can only be removed (`remove: true`); to change an amount, name its table (`missions.{id}.fixed.t2`)")),
        (_, Op::Remove) => Err("`remove` applies to a mission (`missions.<id>`)".into()),
        (_, Op::NewMission(_)) => Err("`new_mission` applies to a new mission id (`missions.<new id>`)".into()),
    }
}

/// The JSON Schema of a variant file (see `crate::schema`).
#[cfg(feature = "schema")]
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(RawVariant)
}
