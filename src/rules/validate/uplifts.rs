//! Uplifts: the rules of `uplifts` (which contracts, which amount, once or yearly) and the older
//! `fonctionnement_uplift` read as one of them.

use super::*;
/// The older `fonctionnement_uplift` as one uplift rule: it replaces the fonctionnement amount
/// from its table's first date, for contracts signed on or before its date.
pub(super) fn legacy_uplift(ctx: &mut Ctx, u: &RawUplift) -> Option<Uplift> {
    ctx.choice("fonctionnement_uplift.choice", &u.choice);
    let signed = ctx.date("fonctionnement_uplift.signed_on_or_before", &u.signed_on_or_before);
    let table = ctx.table("fonctionnement_uplift", &u.values);
    let from = table.first_date()?;
    Some(Uplift {
        id: "fonctionnement_uplift".into(),
        label: u.label.clone(),
        text: None,
        reference: u.reference.clone(),
        choice: u.choice.clone(),
        contracts: UpliftContracts { signed_on_or_before: signed, ..UpliftContracts::default() },
        amount: UpliftAmount::FonctionnementAmount(table),
        from,
        until: None,
        pay: match u.scope {
            UpliftScope::Once => UpliftPay::Once,
            UpliftScope::Annual => UpliftPay::Yearly,
        },
        legacy: true,
    })
}

/// One rule of `uplifts`, every field checked and located (E0218 for what only an uplift can
/// get wrong: its text, its amount forms, its mission, its dates).
pub(super) fn uplift_rule(
    ctx: &mut Ctx,
    path: &str,
    u: &RawUpliftRule,
    texts: &[Text],
    mission_ids: &[&str],
) -> Option<Uplift> {
    ctx.choice(&format!("{path}.choice"), &u.choice);
    let text = texts.iter().find(|t| t.id == u.text);
    if text.is_none() {
        let hint = did_you_mean(&u.text, texts.iter().map(|t| t.id.as_str())).map(str::to_string);
        let all: Vec<&str> = texts.iter().map(|t| t.id.as_str()).collect();
        let d = ctx.err(
            Code::E0218,
            &format!("{path}.text"),
            format!("uplift `{}`: unknown text `{}`: not listed under `texts`", u.id, u.text),
        );
        d.help = Some(match hint {
            Some(h) => format!("did you mean `{h}`? texts are: {}", all.join(", ")),
            None => format!("texts are: {}", all.join(", ")),
        });
    }
    let from = ctx.value_date(&format!("{path}.when.from"), &u.when.from);
    let until =
        u.when.until.as_ref().and_then(|d| ctx.value_date(&format!("{path}.when.until"), d));
    if let (Some(f), Some(t)) = (from, text) {
        if f < t.in_force_from {
            ctx.err(
                Code::E0218,
                &format!("{path}.when.from"),
                format!(
                    "uplift `{}` pays from {f}, before its text `{}` comes into force ({})",
                    u.id, t.id, t.in_force_from
                ),
            );
        }
    }
    if let (Some(f), Some(t)) = (from, until) {
        if t <= f {
            ctx.err(
                Code::E0218,
                &format!("{path}.when.until"),
                format!("uplift `{}` ends on {t}, not after it starts ({f})", u.id),
            );
        }
    }
    let contracts = match &u.contracts {
        None => UpliftContracts::default(),
        Some(c) => uplift_contracts(ctx, &format!("{path}.contracts"), &u.id, c, mission_ids),
    };
    let a = &u.amount;
    let apath = format!("{path}.amount");
    let given = [
        a.share_of_fonctionnement.is_some(),
        a.per_tier.is_some(),
        a.fonctionnement_amount.is_some(),
    ];
    let amount = match given.iter().filter(|g| **g).count() {
        0 => {
            let d = ctx.err(Code::E0218, &apath, format!("uplift `{}` says no amount", u.id));
            d.help = Some(
                "give one of `share_of_fonctionnement`, `per_tier`, `fonctionnement_amount`".into(),
            );
            None
        }
        1 => {
            if let Some(r) = &a.share_of_fonctionnement {
                let rpath = format!("{apath}.share_of_fonctionnement");
                let c = ctx.rate(&rpath, r);
                c.map(UpliftAmount::ShareOfFonctionnement)
            } else {
                let (form, t, make): (&str, &RawTierTable, fn(TierTable) -> UpliftAmount) =
                    match (&a.per_tier, &a.fonctionnement_amount) {
                        (Some(t), _) => ("per_tier", t, UpliftAmount::PerTier),
                        (None, Some(t)) => {
                            ("fonctionnement_amount", t, UpliftAmount::FonctionnementAmount)
                        }
                        (None, None) => return None,
                    };
                let tpath = format!("{apath}.{form}");
                let table = ctx.table(&tpath, &t.values);
                if let (Some(f), Some(first)) = (from, table.first_date()) {
                    if first > f {
                        ctx.err(
                            Code::E0218,
                            &format!("{tpath}.values"),
                            format!(
                                "uplift `{}` pays from {f} but its first amount is dated {first}",
                                u.id
                            ),
                        );
                    }
                }
                Some(make(table))
            }
        }
        _ => {
            ctx.err(
                Code::E0218,
                &apath,
                format!(
                    "uplift `{}` gives more than one amount: keep one of `share_of_fonctionnement`, `per_tier`, `fonctionnement_amount`",
                    u.id
                ),
            );
            None
        }
    };
    Some(Uplift {
        id: u.id.clone(),
        label: u.label.clone(),
        text: Some(u.text.clone()),
        reference: u.reference.clone(),
        choice: u.choice.clone(),
        contracts,
        amount: amount?,
        from: from?,
        until,
        pay: u.when.pay,
        legacy: false,
    })
}

fn uplift_contracts(
    ctx: &mut Ctx,
    path: &str,
    id: &str,
    c: &RawUpliftContracts,
    mission_ids: &[&str],
) -> UpliftContracts {
    let before = c
        .signed_on_or_before
        .as_ref()
        .and_then(|d| ctx.date(&format!("{path}.signed_on_or_before"), d));
    let after = c.signed_after.as_ref().and_then(|d| ctx.date(&format!("{path}.signed_after"), d));
    if let (Some(b), Some(a)) = (before, after) {
        if b <= a {
            ctx.err(
                Code::E0218,
                &format!("{path}.signed_after"),
                format!("uplift `{id}`: no contract is signed after {a} and on or before {b}"),
            );
        }
    }
    if let Some(tiers) = &c.tiers {
        if tiers.is_empty() {
            ctx.err(
                Code::E0218,
                &format!("{path}.tiers"),
                format!("uplift `{id}` names no tier: leave `tiers` out for every tier"),
            );
        }
        for (j, t) in tiers.iter().enumerate() {
            if !ctx.tier_ids.contains(t) {
                let hint =
                    did_you_mean(t, ctx.tier_ids.iter().map(String::as_str)).map(str::to_string);
                let all = ctx.tier_ids.join(", ");
                let d = ctx.err(
                    Code::E0203,
                    &format!("{path}.tiers[{j}]"),
                    format!("unknown tier `{t}`"),
                );
                d.help = Some(match hint {
                    Some(h) => format!("did you mean `{h}`? tiers are: {all}"),
                    None => format!("tiers are: {all}"),
                });
            } else if tiers[..j].contains(t) {
                ctx.err(
                    Code::E0209,
                    &format!("{path}.tiers[{j}]"),
                    format!("tier `{t}` named twice"),
                );
            }
        }
    }
    if let Some(m) = &c.mission {
        if !mission_ids.contains(&m.as_str()) {
            let hint = did_you_mean(m, mission_ids.iter().copied()).map(str::to_string);
            let d = ctx.err(
                Code::E0218,
                &format!("{path}.mission"),
                format!("uplift `{id}`: unknown mission `{m}`"),
            );
            d.help = Some(match hint {
                Some(h) => format!("did you mean `{h}`? missions are: {}", mission_ids.join(", ")),
                None => format!("missions are: {}", mission_ids.join(", ")),
            });
        }
    }
    UpliftContracts {
        signed_on_or_before: before,
        signed_after: after,
        tiers: c.tiers.clone(),
        mission: c.mission.clone(),
    }
}
