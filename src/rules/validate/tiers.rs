//! Tiers: their bounds, the list in force at the first text, and the dated changes of bounds
//! (`tiers.changes`), each validated as a whole cover of the populations.

use super::*;
fn bound(ctx: &mut Ctx, path: &str, b: &RawBound) -> Option<u64> {
    match b.value.trim().parse::<u64>() {
        Ok(v) => Some(v),
        Err(_) => {
            ctx.err(
                Code::E0206,
                &format!("{path}.value"),
                format!("`{}` is not a whole, non-negative population", b.value),
            );
            None
        }
    }
}

pub(super) fn tiers(ctx: &mut Ctx, raw: &RawTiers) -> Vec<Tier> {
    tier_list(ctx, &raw.list, "tiers.list")
}

/// The tiers changed at dates (`tiers.changes`): each list validated as the base one, with the
/// same ids in the same order (the amount tables have one cell per tier), dates in order.
pub(super) fn tier_changes(ctx: &mut Ctx, raw: &RawTiers, base: &[Tier]) -> Vec<(Date, Vec<Tier>)> {
    let mut out: Vec<(Date, Vec<Tier>)> = Vec::new();
    for (c, ch) in raw.changes.iter().enumerate() {
        let path = format!("tiers.changes[{c}]");
        let from = ctx.value_date(&format!("{path}.from"), &ch.from);
        let list = tier_list(ctx, &ch.list, &format!("{path}.list"));
        let ids: Vec<&str> = list.iter().map(|t| t.id.as_str()).collect();
        let base_ids: Vec<&str> = base.iter().map(|t| t.id.as_str()).collect();
        if ids.len() == ch.list.len() && ids != base_ids {
            ctx.err(
                Code::E0203,
                &format!("{path}.list"),
                format!(
                    "tiers {ids:?} changed at a date must be the tiers {base_ids:?}, in that order"
                ),
            );
            continue;
        }
        let Some(from) = from else { continue };
        if out.last().is_some_and(|(d, _)| *d >= from) {
            ctx.err(
                Code::E0214,
                &format!("{path}.from"),
                "tier changes must be in date order, one per date",
            );
            continue;
        }
        out.push((from, list));
    }
    out
}

fn tier_list(ctx: &mut Ctx, list: &[RawTier], at: &str) -> Vec<Tier> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let n = list.len();
    if n == 0 {
        ctx.err(Code::E0202, at, "no tiers: at least one is needed");
    }
    for (i, t) in list.iter().enumerate() {
        let path = format!("{at}[{i}]");
        if !seen.insert(t.id.clone()) {
            ctx.err(Code::E0209, &format!("{path}.id"), format!("duplicate tier id `{}`", t.id));
        }
        let lo = bound(ctx, &format!("{path}.min_population"), &t.min_population).map(|v| {
            if t.min_population.inclusive {
                v
            } else {
                v + 1
            }
        });
        let hi = match &t.max_population {
            None => {
                if i + 1 != n {
                    ctx.err(
                        Code::E0202,
                        &path,
                        format!("tier `{}` has no max_population but is not the last tier", t.id),
                    );
                }
                Some(None)
            }
            Some(b) => match bound(ctx, &format!("{path}.max_population"), b) {
                Some(v) if !b.inclusive && v == 0 => {
                    ctx.err(
                        Code::E0217,
                        &format!("{path}.max_population"),
                        format!("tier `{}` is empty", t.id),
                    );
                    None
                }
                Some(v) => Some(Some(if b.inclusive { v } else { v - 1 })),
                None => None,
            },
        };
        if i + 1 == n && hi.is_some_and(|h| h.is_some()) {
            ctx.err(Code::E0202, &format!("{path}.max_population"), format!("the last tier `{}` must be open-ended (no max_population) so that every population has a tier", t.id));
        }
        let (Some(lo), Some(hi)) = (lo, hi) else { continue };
        if let Some(h) = hi {
            if lo > h {
                ctx.err(
                    Code::E0217,
                    &path,
                    format!("tier `{}` is empty: its lower bound is above its upper bound", t.id),
                );
                continue;
            }
        }
        // Written with symbols so that it reads the same in French and English reports.
        let op = |b: &RawBound| if b.inclusive { "≤" } else { "<" };
        let bounds_text = match &t.max_population {
            Some(m) => format!(
                "{} {} population {} {}",
                t.min_population.value,
                op(&t.min_population),
                op(m),
                m.value
            ),
            None => format!(
                "population {} {}",
                if t.min_population.inclusive { "≥" } else { ">" },
                t.min_population.value
            ),
        };
        out.push((
            i,
            Tier { id: t.id.clone(), label: t.label.clone(), min: lo, max: hi, bounds_text },
        ));
    }
    // Coverage: the first starts at 0, each starts right after the previous one.
    let mut expected = Some(0u64);
    let mut prev_id: Option<String> = None;
    for (i, t) in &out {
        let path = format!("{at}[{i}].min_population.value");
        match expected {
            Some(e) if t.min > e => {
                let d = ctx.err(Code::E0202, &path, match &prev_id {
                    Some(p) if e + 1 == t.min => format!("gap between tier `{p}` and tier `{}`: population {e} has no tier", t.id),
                    Some(p) => format!("gap between tier `{p}` and tier `{}`: populations {e} to {} have no tier", t.id, t.min - 1),
                    None => format!("populations 0 to {} have no tier: the first tier `{}` must start at 0", t.min - 1, t.id),
                });
                d.label = Some("leaves a gap".into());
            }
            Some(e) if t.min < e => {
                let p = prev_id.clone().unwrap_or_default();
                let d = ctx.err(
                    Code::E0201,
                    &path,
                    format!("tier `{}` overlaps tier `{p}`: population {} is in both", t.id, t.min),
                );
                d.label = Some("starts inside the previous tier".into());
                d.help = Some("make one of the two bounds exclusive (`inclusive: false`)".into());
            }
            None => {
                ctx.err(
                    Code::E0201,
                    &path,
                    format!("tier `{}` comes after an open-ended tier", t.id),
                );
            }
            _ => {}
        }
        expected = t.max.map(|m| m + 1);
        prev_id = Some(t.id.clone());
    }
    out.into_iter().map(|(_, t)| t).collect()
}
