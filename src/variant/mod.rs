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
use crate::money::parse_decimal;
use crate::rules::{
    sha256_hex, Cell, Dated, Mission, MissionKind, MissionOverlay, RuleSet, Status, TierTable,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

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

/// The key an operation is written under.
fn op_key(op: &Op) -> &'static str {
    match op {
        Op::Set(_) => "set",
        Op::Add(_) => "add",
        Op::Scale(_) => "scale",
        Op::Remove => "remove",
        Op::NewMission(_) => "new_mission",
    }
}

/// Reads the one operation of a raw change (its value parsed; the kind checked later).
fn op(
    c: &RawChange,
    p: &str,
    rules: &RuleSet,
    loc: &crate::yaml::Locator,
    errors: &mut Vec<Diagnostic>,
) -> Option<Op> {
    let given: Vec<&str> = [
        ("set", c.set.is_some()),
        ("add", c.add.is_some()),
        ("scale", c.scale.is_some()),
        ("remove", c.remove.is_some()),
        ("new_mission", c.new_mission.is_some()),
    ]
    .iter()
    .filter(|(_, g)| *g)
    .map(|(n, _)| *n)
    .collect();
    if given.len() != 1 {
        let msg = if given.is_empty() {
            "a change needs one operation".to_string()
        } else {
            format!("a change takes one operation, not {}", given.join(" and "))
        };
        let at = given.get(1).map_or_else(|| loc.at(p), |k| loc.key(&format!("{p}.{k}")));
        errors.push(Diagnostic::error(Code::E0602, msg, at).with_help("one of: set, add, scale (amounts, rates, tier bounds), remove: true, new_mission: {...}"));
        return None;
    }
    let mut number = |key: &str, text: &str| match parse_decimal(text) {
        Ok(v) => Some(v),
        Err(m) => {
            errors.push(Diagnostic::error(Code::E0206, m, loc.at(&format!("{p}.{key}"))));
            None
        }
    };
    if let Some(v) = &c.set {
        return number("set", v).map(Op::Set);
    }
    if let Some(v) = &c.add {
        return number("add", v).map(Op::Add);
    }
    if let Some(v) = &c.scale {
        return number("scale", v).map(Op::Scale);
    }
    if let Some(r) = c.remove {
        if !r {
            errors.push(Diagnostic::error(
                Code::E0602,
                "`remove: false` does nothing: write `remove: true` or drop the change",
                loc.at(&format!("{p}.remove")),
            ));
            return None;
        }
        return Some(Op::Remove);
    }
    let m = c.new_mission.as_ref()?;
    let ids: Vec<&str> = rules.tiers.iter().map(|t| t.id.as_str()).collect();
    let mut table = |key: &str, values: &BTreeMap<String, String>| -> Option<Vec<Decimal>> {
        let mut row = Vec::new();
        let mut ok = true;
        for k in values.keys().filter(|k| !ids.contains(&k.as_str())) {
            let help = match crate::diagnostic::did_you_mean(k, ids.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? tiers are: {}", ids.join(", ")),
                None => format!("tiers are: {}", ids.join(", ")),
            };
            errors.push(
                Diagnostic::error(
                    Code::E0203,
                    format!("unknown tier `{k}`"),
                    loc.key(&format!("{p}.new_mission.{key}.{k}")),
                )
                .with_help(help),
            );
            ok = false;
        }
        for t in &ids {
            match values.get(*t) {
                None => {
                    errors.push(Diagnostic::error(
                        Code::E0204,
                        format!("no amount for tier `{t}`"),
                        loc.at(&format!("{p}.new_mission.{key}")),
                    ));
                    ok = false;
                }
                Some(v) => match parse_decimal(v) {
                    Ok(a) if a.is_sign_negative() && !a.is_zero() => {
                        errors.push(Diagnostic::error(
                            Code::E0207,
                            format!("amount {a} is negative"),
                            loc.at(&format!("{p}.new_mission.{key}.{t}")),
                        ));
                        ok = false;
                    }
                    Ok(a) => row.push(a),
                    Err(e) => {
                        errors.push(Diagnostic::error(
                            Code::E0206,
                            e,
                            loc.at(&format!("{p}.new_mission.{key}.{t}")),
                        ));
                        ok = false;
                    }
                },
            }
        }
        ok.then_some(row)
    };
    let fixed = table("fixed", &m.fixed);
    let variable = m.variable.as_ref().map(|v| table("variable", v));
    let at = format!("{p}.new_mission.assumed_attainment");
    let assumed_attainment = match &m.assumed_attainment {
        None => Some(None),
        Some(text) => {
            match parse_decimal(text) {
                Ok(a) if a < Decimal::ZERO || a > Decimal::ONE => {
                    errors.push(Diagnostic::error(Code::E0210, format!("assumed attainment {a} is out of range: it must be between 0 and 1"), loc.at(&at)).with_help("a share of the variable envelope: \"0.8\" for 80 %"));
                    None
                }
                Ok(_) if m.variable.is_none() => {
                    errors.push(Diagnostic::error(Code::E0104, "`assumed_attainment` needs a `variable` envelope to apply to", loc.at(&at)).with_help("add `variable: {t1: ..., ...}` to the new mission, or drop `assumed_attainment`"));
                    None
                }
                Ok(a) => Some(Some(a)),
                Err(e) => {
                    errors.push(Diagnostic::error(Code::E0206, e, loc.at(&at)));
                    None
                }
            }
        }
    };
    let (Some(fixed), Some(assumed_attainment)) = (fixed, assumed_attainment) else { return None };
    let variable = match variable {
        Some(None) => return None, // its errors are reported
        v => v.flatten(),
    };
    Some(Op::NewMission(NewMission {
        label: m.label.clone(),
        kind: m.kind,
        reference: m.reference.clone(),
        fixed,
        variable,
        engaged_by_all: m.engaged_by_all,
        assumed_attainment,
    }))
}

/// Whether `op` makes sense for `target`.
/// Whether a YAML text is a variant file (a top-level `changes` key before any contract key),
/// so that `check` can tell it from a contract.
pub fn looks_like_variant(text: &str) -> bool {
    crate::yaml::root_key_comes_first(
        text,
        "changes",
        &["population", "signature_date", "missions", "results", "cpts"],
    )
}

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

/// Why a change cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyError {
    pub code: Code,
    pub message: String,
}

fn fail(code: Code, message: impl Into<String>) -> ApplyError {
    ApplyError { code, message: message.into() }
}

fn compute(op: &Op, v: Decimal) -> Result<Decimal, ApplyError> {
    let r = match op {
        Op::Set(x) => Some(*x),
        Op::Add(x) => v.checked_add(*x),
        Op::Scale(x) => v.checked_mul(*x),
        _ => Some(v),
    };
    r.ok_or_else(|| fail(Code::E0403, "arithmetic overflow"))
}

fn change_table(
    table: &mut TierTable,
    tier: Option<usize>,
    change: &Change,
    what: &str,
) -> Result<(), ApplyError> {
    let mut err = None;
    let found = table.change_from(change.from, |row| {
        for (t, cell) in row.iter_mut().enumerate() {
            if tier.is_some_and(|x| x != t) {
                continue;
            }
            match compute(&change.op, cell.amount) {
                Ok(a) if a.is_sign_negative() && !a.is_zero() => {
                    err = Some(fail(Code::E0207, format!("{what} would become negative ({a})")))
                }
                Ok(a) => {
                    cell.amount = a;
                    cell.source = change.source.clone();
                    cell.path = change.origin.clone();
                }
                Err(e) => err = Some(e),
            }
        }
    });
    if !found {
        let first = table
            .first_date()
            .map(|d| format!(" (its first value is dated {d})"))
            .unwrap_or_default();
        return Err(fail(
            Code::E0402,
            format!("{what} has no value in force on {}{first}", change.from),
        ));
    }
    err.map_or(Ok(()), Err)
}

fn mission_table(m: &mut Mission, t: MissionTable) -> Option<&mut TierTable> {
    match t {
        MissionTable::Fixed => Some(&mut m.fixed.1),
        MissionTable::FixedFirstYear => m.fixed_first_year.as_mut().map(|(_, t)| t),
        MissionTable::Variable => m.variable.as_mut(),
        MissionTable::CrisisEnvelope => m.crisis_envelope.as_mut().map(|(_, t)| t),
    }
}

fn bounds_text(min: u64, max: Option<u64>) -> String {
    match max {
        Some(m) => format!("{min} ≤ population < {}", m.saturating_add(1)),
        None => format!("population ≥ {min}"),
    }
}

/// Applies one change to `rules` in place (the target resolved again: a change may name a
/// mission an earlier change added).
pub fn apply_change(rules: &mut RuleSet, change: &Change) -> Result<(), ApplyError> {
    let target = resolve(&change.path, rules)
        .map_err(|e| fail(Code::E0601, format!("{} in path `{}`", e.message, change.path)))?;
    check_op(&target, &change.op).map_err(|m| fail(Code::E0602, m))?;
    if !rules.sources.iter().any(|(id, _)| *id == change.source) {
        rules
            .sources
            .push((change.source.clone(), format!("Variante de négociation ({})", change.origin)));
    }
    match target {
        Target::Table { table: TableRef::Fonctionnement, tier } => {
            change_table(&mut rules.fonctionnement.table, tier, change, "fonctionnement")
        }
        Target::Table { table: TableRef::Uplift(id), tier } => {
            let u = rules.uplifts.iter_mut().find(|u| u.id == id);
            let what = match &u {
                Some(u) if u.legacy => "fonctionnement_uplift".to_string(),
                _ => format!("uplifts.{id}"),
            };
            match u.and_then(|u| u.table_mut()) {
                Some(t) => change_table(t, tier, change, &what),
                None => Err(fail(Code::E0601, format!("these rules have no `{what}` table"))),
            }
        }
        Target::Table { table: TableRef::Mission(id, t), tier } => {
            let mut touched = 0;
            for m in rules.missions.iter_mut().filter(|m| id.as_deref().is_none_or(|i| i == m.id)) {
                let what = format!("missions.{}.{}", m.id, t.name());
                if let Some(table) = mission_table(m, t) {
                    change_table(table, tier, change, &what)?;
                    touched += 1;
                }
            }
            if touched == 0 {
                return Err(fail(Code::E0601, format!("no mission has a `{}` table", t.name())));
            }
            Ok(())
        }
        Target::AdvanceRate => {
            let mut err = None;
            let found =
                rules.payment.advance_rate.change_from(
                    change.from,
                    |cell: &mut Cell| match compute(&change.op, cell.amount) {
                        Ok(a) if a < Decimal::ZERO || a > Decimal::ONE => {
                            err = Some(fail(
                                Code::E0210,
                                format!(
                                    "the advance rate would be {a}: it must be between 0 and 1"
                                ),
                            ))
                        }
                        Ok(a) => {
                            cell.amount = a;
                            cell.source = change.source.clone();
                            cell.path = change.origin.clone();
                        }
                        Err(e) => err = Some(e),
                    },
                );
            if !found {
                return Err(fail(
                    Code::E0402,
                    format!("no advance rate in force on {}", change.from),
                ));
            }
            err.map_or(Ok(()), Err)
        }
        Target::TierMin(i) => {
            let history = &mut rules.overlay.tiers_from;
            if !history.iter().any(|(d, _)| *d == change.from) {
                let current = history
                    .iter()
                    .rev()
                    .find(|(d, _)| *d <= change.from)
                    .map_or_else(|| rules.tiers.clone(), |(_, t)| t.clone());
                let at = history.partition_point(|(d, _)| *d < change.from);
                history.insert(at, (change.from, current));
            }
            for (_, tiers) in history.iter_mut().filter(|(d, _)| *d >= change.from) {
                let old = Decimal::from(tiers[i].min);
                let new = compute(&change.op, old)?;
                let v = u64::try_from(new.trunc()).ok().filter(|_| new.fract().is_zero()).ok_or_else(|| fail(Code::E0206, format!("tier `{}` would start at {new}: a population is a whole, non-negative number", tiers[i].id)))?;
                let prev_min = tiers[i - 1].min;
                if v <= prev_min {
                    return Err(fail(Code::E0604, format!("tier `{}` would start at {v}, leaving tier `{}` (from {prev_min}) empty", tiers[i].id, tiers[i - 1].id)));
                }
                if tiers[i].max.is_some_and(|m| v > m) {
                    return Err(fail(
                        Code::E0604,
                        format!(
                            "tier `{}` would start at {v}, above its own upper bound {}",
                            tiers[i].id,
                            tiers[i].max.unwrap_or(v)
                        ),
                    ));
                }
                tiers[i].min = v;
                tiers[i - 1].max = Some(v - 1);
                for t in [i - 1, i] {
                    tiers[t].bounds_text = bounds_text(tiers[t].min, tiers[t].max);
                    // The label states the base's bounds: say that the variant moved them.
                    let base =
                        tiers[t].label.split(" [variante").next().unwrap_or_default().to_string();
                    tiers[t].label = format!("{base} [variante : {}]", tiers[t].bounds_text);
                }
            }
            Ok(())
        }
        Target::Mission(id) => {
            if let Some(m) = rules.missions.iter_mut().find(|m| m.id == id) {
                m.overlay.until = Some(m.overlay.until.map_or(change.from, |u| u.min(change.from)));
            }
            Ok(())
        }
        Target::NewMission(id) => {
            let Op::NewMission(n) = &change.op else {
                return Err(fail(Code::E0602, "`new_mission` expected"));
            };
            let table = |amounts: &[Decimal], what: &str| -> TierTable {
                let row = amounts
                    .iter()
                    .map(|a| Cell {
                        amount: *a,
                        status: Status::Provisional,
                        source: change.source.clone(),
                        path: format!("{} {what}", change.origin),
                    })
                    .collect();
                Dated::new(vec![(change.from, row)])
            };
            rules.missions.push(Mission {
                exists_until: None,
                id,
                label: n.label.clone(),
                kind: n.kind,
                reference: n.reference.clone(),
                exists_from: change.from,
                start_within_months: None,
                deployed_within_months: None,
                choice: None,
                fixed_first_year: None,
                fixed: (None, table(&n.fixed, "fixed")),
                variable: n.variable.as_ref().map(|v| table(v, "variable")),
                crisis_envelope: None,
                overlay: MissionOverlay {
                    deemed_from: n.engaged_by_all.then_some(change.from),
                    assumed_attainment: n.assumed_attainment,
                    ..MissionOverlay::default()
                },
            });
            Ok(())
        }
    }
}

/// `base` with `changes` applied in order, then the variable envelopes compared with `base`'s
/// (the envelopes the contracts were written against) to scale indicator payouts.
pub fn apply(base: &RuleSet, changes: &[&Change]) -> Result<RuleSet, (usize, ApplyError)> {
    let mut rules = base.clone();
    for (i, c) in changes.iter().enumerate() {
        apply_change(&mut rules, c).map_err(|e| (i, e))?;
    }
    for m in rules.missions.iter_mut() {
        let Some(b) = base.mission(&m.id) else { continue };
        m.overlay.variable_factor = match (&m.variable, &b.variable) {
            (Some(new), Some(old)) if new != old => Some(factors(new, old)),
            _ => None,
        };
    }
    Ok(rules)
}

/// Per date of `new`, per tier: the fraction (new amount, old amount in force then), (1, 1)
/// where the old is 0. Kept as a fraction so that the evaluation divides once, last.
fn factors(new: &TierTable, old: &TierTable) -> Dated<Vec<(Decimal, Decimal)>> {
    let entries = new
        .entries()
        .iter()
        .map(|(d, row)| {
            let base = old.at(*d).map(|(_, r)| r);
            let f = row.iter().enumerate().map(|(t, c)| match base.map(|r| r[t].amount) {
                Some(o) if !o.is_zero() => (c.amount, o),
                _ => (Decimal::ONE, Decimal::ONE),
            });
            (*d, f.collect())
        })
        .collect();
    Dated::new(entries)
}

/// The rules with every change of `variants` applied in order, named after the files used (the
/// receipt: its SHA-256 covers the base and every variant).
pub fn apply_all(base: &RuleSet, variants: &[Variant]) -> Result<RuleSet, (usize, ApplyError)> {
    let changes: Vec<&Change> = variants.iter().flat_map(|v| &v.changes).collect();
    let mut rules = apply(base, &changes)?;
    if !variants.is_empty() {
        rules.file = std::iter::once(base.file.as_str())
            .chain(variants.iter().map(|v| v.file.as_str()))
            .collect::<Vec<_>>()
            .join(" + ");
        let joined: String = std::iter::once(base.sha256.as_str())
            .chain(variants.iter().map(|v| v.sha256.as_str()))
            .collect::<Vec<_>>()
            .join("\n");
        rules.sha256 = sha256_hex(joined.as_bytes());
    }
    Ok(rules)
}

/// A located diagnostic for a change that failed to apply (e.g. a sweep's `--param`).
pub fn apply_diagnostic(e: &ApplyError, what: &str) -> Diagnostic {
    Diagnostic::error(e.code, e.message.clone(), Location::file(what))
}

/// One variant read from `text`, validated against `base`, then applied to it: the variant and
/// the rules under it, or every problem found (the `check` command and the web API's `diff` both
/// read a variant this way).
pub fn load_applied(
    file: &str,
    text: &str,
    base: &RuleSet,
) -> Result<(Variant, RuleSet), Vec<Diagnostic>> {
    let v = Variant::from_text(file, text, base)?;
    match apply_all(base, std::slice::from_ref(&v)) {
        Ok(rules) => Ok((v, rules)),
        Err((_, e)) => Err(vec![apply_diagnostic(&e, file)]),
    }
}

/// The JSON Schema of a variant file (see `crate::schema`).
#[cfg(feature = "schema")]
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(RawVariant)
}
