//! The one operation of a change (`set`, `add`, `scale`, `remove`, `new_mission`), read from
//! its raw form with its value parsed and located.

use super::{NewMission, Op, RawChange};
use crate::diagnostic::{Code, Diagnostic};
use crate::money::parse_decimal;
use crate::rules::RuleSet;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The key an operation is written under.
pub(super) fn op_key(op: &Op) -> &'static str {
    match op {
        Op::Set(_) => "set",
        Op::Add(_) => "add",
        Op::Scale(_) => "scale",
        Op::Remove => "remove",
        Op::NewMission(_) => "new_mission",
    }
}

/// Reads the one operation of a raw change (its value parsed; the kind checked later).
pub(super) fn op(
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
