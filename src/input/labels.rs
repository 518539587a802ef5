//! Diagnostics as treasurers read them: a diagnostic located in a mission or an indicator also
//! names it by its labels (the rules' mission label, the contract's indicator label).

use super::raw::*;
use super::*;

/// Treasurers read labels, not ids or paths (issue 12): a diagnostic located in a mission or an
/// indicator (`missions[0].indicators[2]…`, or an observation or expectation of an indicator id)
/// also names it as the contract and the rules label it. Code and location are unchanged.
pub(super) fn name_fields(errors: &mut [Diagnostic], raw: &RawContract, rules: &RuleSet) {
    let mission_label =
        |id: &str| rules.mission(id).map_or_else(|| id.to_string(), |m| m.label.clone());
    let indicator_by_id = |id: &str| {
        raw.missions.iter().find_map(|e| {
            e.indicators.iter().find(|i| i.id == id).map(|i| (e.mission.as_str(), i.label.as_str()))
        })
    };
    for d in errors.iter_mut() {
        let Some(path) = d.location.path.as_deref() else { continue };
        let index = |s: &str, key: &str| -> Option<usize> {
            s.strip_prefix(key)?.split(']').next()?.parse().ok()
        };
        let note = if let Some(i) = index(path, "missions[") {
            let Some(e) = raw.missions.get(i) else { continue };
            let rest = path.split_once("].").map_or("", |(_, r)| r);
            match index(rest, "indicators[").and_then(|j| e.indicators.get(j)) {
                Some(ind) if ind.label != ind.id => format!(
                    "indicator « {} » (`{}`) of mission « {} »",
                    ind.label,
                    ind.id,
                    mission_label(&e.mission)
                ),
                _ if rules.mission(&e.mission).is_some() => {
                    format!("mission « {} »", mission_label(&e.mission))
                }
                _ => continue,
            }
        } else {
            let Some(note) = indicator_note(path, rules, indicator_by_id) else { continue };
            note
        };
        append_note(d, &note);
    }
}

/// [`name_fields`] for a document that names indicators by id only, as a budget's scenario file
/// does (`expected[0].observations.<id>`): `indicator` gives an indicator id's mission id and
/// label (the contract's), or `None` for an id the contract does not have.
pub(crate) fn name_indicator_fields<'a>(
    errors: &mut [Diagnostic],
    rules: &RuleSet,
    indicator: impl Fn(&str) -> Option<(&'a str, &'a str)>,
) {
    for d in errors.iter_mut() {
        let Some(path) = d.location.path.as_deref() else { continue };
        if let Some(note) = indicator_note(path, rules, &indicator) {
            append_note(d, &note);
        }
    }
}

/// The note of a diagnostic located at an observation or an expectation of an indicator id
/// (`….observations.<id>`, `….attainment.<id>`): its label (when it is not the id) and its
/// mission's label from the rules.
fn indicator_note<'a>(
    path: &str,
    rules: &RuleSet,
    indicator: impl Fn(&str) -> Option<(&'a str, &'a str)>,
) -> Option<String> {
    let (_, id) = path.split_once(".observations.").or_else(|| path.split_once(".attainment."))?;
    let (mission, label) = indicator(id)?;
    let mission = rules.mission(mission).map_or(mission, |m| m.label.as_str());
    Some(if label == id {
        format!("mission « {mission} »")
    } else {
        format!("indicator « {label} » of mission « {mission} »")
    })
}

fn append_note(d: &mut Diagnostic, note: &str) {
    if !d.message.contains(note) {
        d.message = format!("{} ({note})", d.message);
    }
}
