//! The rules in force at a date as French text (`rules`, `rules --provisional`), from the same
//! document as the JSON.

use super::*;

/// One uplift in French: what it pays, when, for which contracts (the `rules` text and page).
pub(super) fn uplift_sentence(u: &UpliftRuleDoc) -> String {
    let what = match (&u.share_of_fonctionnement, &u.per_tier) {
        (Some(r), _) => format!(
            "{} % du fonctionnement de l'année ({}{}, source : {})",
            r.amount
                .parse::<rust_decimal::Decimal>()
                .ok()
                .and_then(|d| d.checked_mul(rust_decimal::Decimal::ONE_HUNDRED))
                .map_or_else(|| r.amount.clone(), crate::money::format_plain),
            if r.status == "provisional" { "provisoire" } else { "confirmé" },
            if r.status == "provisional" { " *" } else { "" },
            r.citation.as_deref().unwrap_or(&r.source)
        ),
        (None, Some(_)) => "un montant par taille (tableau des montants)".into(),
        (None, None) => "le fonctionnement payé au montant par taille du tableau".into(),
    };
    let until = u.until.as_ref().map_or_else(String::new, |d| format!(" et avant le {d}"));
    let when = match u.pay {
        crate::rules::UpliftPay::Once => format!(
            "une fois, la première année de contrat commençant à partir du {}{until}",
            u.from
        ),
        crate::rules::UpliftPay::Yearly => {
            format!("chaque année de contrat commençant à partir du {}{until}", u.from)
        }
    };
    let c = &u.contracts;
    let mut who = Vec::new();
    if let Some(d) = &c.signed_on_or_before {
        who.push(format!("signés au plus tard le {d}"));
    }
    if let Some(d) = &c.signed_after {
        who.push(format!("signés après le {d}"));
    }
    if let Some(t) = &c.tiers {
        who.push(format!("tailles {}", t.join(", ")));
    }
    if let Some(m) = &c.mission {
        who.push(format!("engageant la mission {m}"));
    }
    let who = if who.is_empty() { "tous".to_string() } else { who.join(", ") };
    let choice = u.choice.as_ref().map_or_else(String::new, |c| format!(" ; choix déclaré : {c}"));
    format!("{} — {} ({}) : {what} ; {when} ; contrats : {who}{choice}", u.id, u.label, u.reference)
}

pub(super) fn eur_text(amount: &str) -> String {
    amount.parse().map(crate::money::format_eur).unwrap_or_else(|_| amount.to_string())
}

/// Every table of the document with its row label: fonctionnement, the uplift, then each
/// mission's tables.
pub(super) fn tables(d: &RulesDoc) -> Vec<(Option<&str>, &TableDoc)> {
    let mut out = vec![(None, &d.fonctionnement)];
    if let Some(u) = &d.fonctionnement_uplift {
        out.push((None, &u.table));
    }
    for u in d.uplifts.iter().filter(|u| u.in_force) {
        for t in [&u.per_tier, &u.fonctionnement_amount].into_iter().flatten() {
            out.push((Some(UPLIFTS_GROUP), t));
        }
    }
    for m in d.missions.iter().filter(|m| m.in_force) {
        let parts = [
            Some(&m.fixed),
            m.fixed_first_year.as_ref(),
            m.variable.as_ref(),
            m.crisis_envelope.as_ref(),
        ];
        for t in parts.into_iter().flatten() {
            out.push((Some(m.label.as_str()), t));
        }
    }
    out
}

/// The rules in force on `date` in French, for an agent or a treasurer: the text, the tiers, each
/// table's cells per tier (`*` marks a provisional cell), the payment policy, the declared
/// choices and the maxima. With `only_provisional`, the cells still to confirm, each with its
/// source and what would confirm it.
pub fn rules_text(
    rules: &RuleSet,
    date: Date,
    only_provisional: bool,
) -> Result<String, EvalError> {
    use std::fmt::Write;
    let d = doc(rules, date)?;
    let mut o = String::new();
    let _ = writeln!(o, "Règles en vigueur au {} : {}", d.date, d.title);
    let _ = writeln!(
        o,
        "Texte : {} ({}), en vigueur depuis le {}",
        d.text.label, d.text.reference, d.text.in_force_from
    );
    if only_provisional {
        let _ = writeln!(o, "\nCellules provisoires (à confirmer par le Journal officiel : le tableau du texte en vigueur, taille par taille)");
        let mut n = 0;
        for (mission, t) in tables(&d) {
            let label = mission.map_or(t.label.clone(), |m| format!("{m} : {}", t.label));
            for c in t.cells.iter().filter(|c| c.status == "provisional") {
                n += 1;
                let _ = writeln!(
                    o,
                    "  {label} — {} : {} (depuis le {}) ; source : {}",
                    c.tier,
                    eur_text(&c.amount),
                    t.in_force_from.as_deref().unwrap_or("?"),
                    c.citation.as_deref().unwrap_or(&c.source)
                );
            }
        }
        for u in d.uplifts.iter().filter(|u| u.in_force) {
            for r in u.share_of_fonctionnement.iter().filter(|r| r.status == "provisional") {
                n += 1;
                let _ = writeln!(
                    o,
                    "  {UPLIFTS_GROUP} : {} — taux {} (depuis le {}) ; source : {}",
                    u.label,
                    r.amount,
                    u.from,
                    r.citation.as_deref().unwrap_or(&r.source)
                );
            }
        }
        let _ = writeln!(o, "{n} cellule(s) provisoire(s) ; une correction est une ligne du fichier de règles (`status: confirmed` et sa `source`), et `cpts-funding test rules/tests/*.yaml` dit ce qu'elle change.");
        return Ok(o);
    }
    let _ = writeln!(o, "\nTailles");
    for t in &d.tiers {
        let _ = writeln!(o, "  {} — {} ({})", t.id, t.label, t.bounds);
    }
    let tiers: Vec<&str> = d.tiers.iter().map(|t| t.id.as_str()).collect();
    let _ = writeln!(o, "\nMontants par taille (* : provisoire)");
    let mut head = format!("  {:<48}", "");
    for t in &tiers {
        let _ = write!(head, "{:>16}", t);
    }
    let _ = writeln!(o, "{}", head.trim_end());
    let mut current: Option<&str> = None;
    for (mission, t) in tables(&d) {
        if mission.is_some() && mission != current {
            let _ = writeln!(o, "  {}", mission.unwrap_or_default());
        }
        current = mission;
        let indent = if mission.is_some() { "    " } else { "" };
        let name: String = format!("{indent}{}", t.label).chars().take(48).collect();
        let mut line = format!("  {name:<48}");
        for tier in &tiers {
            let cell = t.cells.iter().find(|c| c.tier == *tier);
            let v = cell.map_or_else(String::new, |c| {
                format!(
                    "{}{}",
                    eur_text(&c.amount),
                    if c.status == "provisional" { "*" } else { " " }
                )
            });
            let _ = write!(line, "{v:>16}");
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }
    let in_force: Vec<&UpliftRuleDoc> = d.uplifts.iter().filter(|u| u.in_force).collect();
    if !in_force.is_empty() {
        let _ = writeln!(o, "\n{UPLIFTS_GROUP} (versés comme le fonctionnement de l'année)");
        for u in in_force {
            let _ = writeln!(o, "  {}", uplift_sentence(u));
        }
    }
    let p = &d.payment;
    let _ = writeln!(o, "\nVersements ({})", p.reference);
    if let Some(a) = &p.advance_rate {
        let rate: rust_decimal::Decimal = a.amount.parse().unwrap_or_default();
        let _ = writeln!(o, "  avance : {} % au début de chaque année de contrat, le solde à l'anniversaire qui la clôt", crate::money::format_plain(rate * rust_decimal::Decimal::ONE_HUNDRED));
    }
    let _ = writeln!(
        o,
        "  part variable : {}",
        match &p.variable_due {
            VariableDueDoc::MonthsAfterYearEnd(0) =>
                "avec le solde, à l'anniversaire qui clôt l'année".to_string(),
            VariableDueDoc::MonthsAfterYearEnd(m) =>
                format!("{m} mois après l'anniversaire qui clôt l'année"),
            VariableDueDoc::FirstDateAfter(md) => format!("le {md} (mois-jour) suivant l'année"),
        }
    );
    let _ = writeln!(o, "\nChoix déclarés (lectures qu'aucune source ne tranche)");
    for c in &d.choices {
        let _ = writeln!(o, "  {} — {} : {}", c.id, c.topic, c.choice);
    }
    let _ = writeln!(
        o,
        "\nMaxima annuels par taille (toutes missions déployées, indicateurs atteints)"
    );
    for m in &d.maxima {
        let _ = writeln!(
            o,
            "  {} : {} (avec une crise reconnue : {})",
            m.tier,
            eur_text(&m.total),
            eur_text(&m.total_with_crisis)
        );
    }
    Ok(o)
}
