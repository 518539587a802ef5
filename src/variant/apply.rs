//! Applying changes: each change made on a clone of the validated `RuleSet` (a table's cells,
//! tier bounds, a mission added or ended, a variable envelope's factors), every invariant of a
//! validated rule set kept; why a change cannot apply is an [`ApplyError`].

use super::*;
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
