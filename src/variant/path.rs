//! Paths into the rules that a variant may change, resolved against a [`RuleSet`] with a "did
//! you mean" for every unknown segment:
//!
//! | path | what |
//! |---|---|
//! | `fonctionnement[.TIER]` | the fonctionnement amount (of one tier, or of all) |
//! | `fonctionnement_uplift[.TIER]` | the avenant-2 uplifted amount (the older key) |
//! | `uplifts.UPLIFT[.TIER]` | the table of an uplift rule (`per_tier` or `fonctionnement_amount`) |
//! | `missions.MISSION.TABLE[.TIER]` | a mission's `fixed`, `fixed_first_year`, `variable` or `crisis_envelope` |
//! | `missions.*.TABLE[.TIER]` | that table of every mission that has it |
//! | `missions.MISSION` | a mission (`remove`, or `new_mission` for a new id) |
//! | `tiers.TIER.min_population` | a tier's lower bound (inclusive); the previous tier ends just below |
//! | `payment.advance_rate` | the advance rate (0 to 1) |

use crate::diagnostic::did_you_mean;
use crate::rules::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissionTable {
    Fixed,
    FixedFirstYear,
    Variable,
    CrisisEnvelope,
}

impl MissionTable {
    pub const ALL: [(&'static str, MissionTable); 4] = [
        ("fixed", MissionTable::Fixed),
        ("fixed_first_year", MissionTable::FixedFirstYear),
        ("variable", MissionTable::Variable),
        ("crisis_envelope", MissionTable::CrisisEnvelope),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, t)| *t == self).map_or("", |(n, _)| n)
    }
}

/// Which table of amounts by tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableRef {
    Fonctionnement,
    /// The table of the uplift with this id (`fonctionnement_uplift` for the older key).
    Uplift(String),
    /// A mission's table; `None`: every mission that has it.
    Mission(Option<String>, MissionTable),
}

/// What a path designates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Amounts by tier; `tier`: one tier (its index), or all.
    Table {
        table: TableRef,
        tier: Option<usize>,
    },
    /// The lower bound of a tier (index, never the first).
    TierMin(usize),
    AdvanceRate,
    /// A mission of the rules (to remove).
    Mission(String),
    /// An id that is not a mission yet (to add).
    NewMission(String),
}

/// An unresolvable path: which segment (0-based), why, and a suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub message: String,
    pub help: String,
}

fn unknown(what: &str, seg: &str, candidates: &[&str]) -> PathError {
    let list = candidates.join(", ");
    PathError {
        message: format!("unknown {what} `{seg}`"),
        help: match did_you_mean(seg, candidates.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? expected one of: {list}"),
            None => format!("expected one of: {list}"),
        },
    }
}

fn tier(rules: &RuleSet, seg: Option<&str>) -> Result<Option<usize>, PathError> {
    match seg {
        None => Ok(None),
        Some(s) => {
            let ids: Vec<&str> = rules.tiers.iter().map(|t| t.id.as_str()).collect();
            ids.iter().position(|t| *t == s).map(Some).ok_or_else(|| unknown("tier", s, &ids))
        }
    }
}

fn too_long(path: &str, rest: &[&str]) -> PathError {
    PathError {
        message: format!("`{path}` goes too deep: nothing under `{}`", rest.join(".")),
        help: "see the paths a variant can change in README.md (Variants)".into(),
    }
}

/// Resolves `path` against `rules`.
pub fn resolve(path: &str, rules: &RuleSet) -> Result<Target, PathError> {
    let segs: Vec<&str> = path.trim().split('.').collect();
    let mut top = vec!["fonctionnement", "fonctionnement_uplift", "missions", "tiers", "payment"];
    // Named only where the rules have such rules, so that older messages stay as they were.
    let listed: Vec<&str> =
        rules.uplifts.iter().filter(|u| !u.legacy).map(|u| u.id.as_str()).collect();
    if !listed.is_empty() {
        top.insert(2, "uplifts");
    }
    match segs.as_slice() {
        ["uplifts"] => Err(PathError {
            message: "`uplifts` needs an uplift id".into(),
            help: format!("uplifts are: {}", listed.join(", ")),
        }),
        ["uplifts", id, rest @ ..] => {
            if rest.len() > 1 {
                return Err(too_long(path, &rest[1..]));
            }
            let Some(u) = rules.uplifts.iter().find(|u| !u.legacy && u.id == *id) else {
                return Err(unknown("uplift", id, &listed));
            };
            if u.table().is_none() {
                return Err(PathError {
                    message: format!(
                        "uplift `{id}` is a share of the fonctionnement: it has no amounts by tier"
                    ),
                    help: "change `fonctionnement`, which the share follows".into(),
                });
            }
            Ok(Target::Table {
                table: TableRef::Uplift(u.id.clone()),
                tier: tier(rules, rest.first().copied())?,
            })
        }
        ["fonctionnement", rest @ ..] | ["fonctionnement_uplift", rest @ ..] => {
            if rest.len() > 1 {
                return Err(too_long(path, &rest[1..]));
            }
            let table = if segs[0] == "fonctionnement" {
                TableRef::Fonctionnement
            } else {
                match rules.uplifts.iter().find(|u| u.legacy) {
                    Some(u) => TableRef::Uplift(u.id.clone()),
                    None => {
                        return Err(PathError {
                            message: "these rules have no `fonctionnement_uplift`".into(),
                            help: "change `fonctionnement` instead".into(),
                        })
                    }
                }
            };
            Ok(Target::Table { table, tier: tier(rules, rest.first().copied())? })
        }
        ["missions"] => Err(PathError {
            message: "`missions` needs a mission id (or `*`)".into(),
            help: format!(
                "e.g. `missions.parcours.fixed.t2`; missions are: {}",
                mission_ids(rules).join(", ")
            ),
        }),
        ["missions", id] if *id == "*" => Err(PathError {
            message: "`missions.*` needs a table".into(),
            help: "e.g. `missions.*.variable` (every variable envelope)".into(),
        }),
        ["missions", id] => Ok(if rules.mission(id).is_some() {
            Target::Mission(id.to_string())
        } else {
            Target::NewMission(id.to_string())
        }),
        ["missions", id, table, rest @ ..] => {
            if rest.len() > 1 {
                return Err(too_long(path, &rest[1..]));
            }
            let ids = mission_ids(rules);
            let mission = if *id == "*" {
                None
            } else if rules.mission(id).is_some() {
                Some(id.to_string())
            } else {
                let mut c = ids.clone();
                c.push("*");
                return Err(unknown("mission", id, &c));
            };
            let names: Vec<&str> = MissionTable::ALL.iter().map(|(n, _)| *n).collect();
            let Some((_, t)) = MissionTable::ALL.iter().find(|(n, _)| n == table) else {
                return Err(unknown("mission table", table, &names));
            };
            if let Some(m) = mission.as_deref().and_then(|m| rules.mission(m)) {
                let has = match t {
                    MissionTable::Fixed => true,
                    MissionTable::FixedFirstYear => m.fixed_first_year.is_some(),
                    MissionTable::Variable => m.variable.is_some(),
                    MissionTable::CrisisEnvelope => m.crisis_envelope.is_some(),
                };
                if !has {
                    return Err(PathError { message: format!("mission `{}` has no `{table}` table", m.id), help: "a variant changes amounts the rules have; add a mission with `new_mission` instead".into() });
                }
            }
            Ok(Target::Table {
                table: TableRef::Mission(mission, *t),
                tier: tier(rules, rest.first().copied())?,
            })
        }
        ["tiers", t, field, rest @ ..] => {
            if !rest.is_empty() {
                return Err(too_long(path, rest));
            }
            let i = tier(rules, Some(t))?.unwrap_or(0);
            if *field != "min_population" {
                return Err(unknown("tier field", field, &["min_population"]));
            }
            if i == 0 {
                return Err(PathError {
                    message: format!(
                        "the first tier `{t}` starts at 0: its lower bound cannot move"
                    ),
                    help: "move the next tier's `min_population` instead".into(),
                });
            }
            Ok(Target::TierMin(i))
        }
        ["tiers", ..] => Err(PathError {
            message: "`tiers` needs a tier and `min_population`".into(),
            help: format!(
                "e.g. `tiers.t2.min_population`; tiers are: {}",
                rules.tiers.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }),
        ["payment", field, rest @ ..] => {
            if !rest.is_empty() {
                return Err(too_long(path, rest));
            }
            if *field != "advance_rate" {
                return Err(unknown("payment field", field, &["advance_rate"]));
            }
            Ok(Target::AdvanceRate)
        }
        ["payment"] => Err(PathError {
            message: "`payment` needs a field".into(),
            help: "the variant can change `payment.advance_rate`".into(),
        }),
        [first, ..] => Err(unknown("rules section", first, &top)),
        [] => Err(unknown("rules section", "", &top)),
    }
}

fn mission_ids(rules: &RuleSet) -> Vec<&str> {
    rules.missions.iter().map(|m| m.id.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::embedded().expect("valid").0
    }

    #[test]
    fn resolves_and_suggests() {
        let r = rules();
        assert_eq!(
            resolve("missions.parcours.fixed.t2", &r),
            Ok(Target::Table {
                table: TableRef::Mission(Some("parcours".into()), MissionTable::Fixed),
                tier: Some(1)
            })
        );
        assert_eq!(resolve("tiers.t2.min_population", &r), Ok(Target::TierMin(1)));
        let e = resolve("missions.parcour.fixed", &r).unwrap_err();
        assert!(e.help.starts_with("did you mean `parcours`"), "{e:?}");
        let e = resolve("fonctionement.t2", &r).unwrap_err();
        assert!(e.help.starts_with("did you mean `fonctionnement`"), "{e:?}");
        let e = resolve("missions.*.varaible", &r).unwrap_err();
        assert!(e.help.starts_with("did you mean `variable`"), "{e:?}");
        assert_eq!(
            resolve("missions.sante_mentale", &r),
            Ok(Target::NewMission("sante_mentale".into()))
        );
        assert!(resolve("tiers.t1.min_population", &r).is_err());
    }
}
