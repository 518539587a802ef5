//! Turns a structured [`Line`] into an audit line a treasurer can read: id, label, legal
//! reference, the inputs used with their values, the formula in words (French, like the
//! agreement), the amount before rounding, the rounding applied, and the amount.

use crate::eval::{Breakdown, Category, Formula, Item, Line};
use crate::input::{Direction, Payout};
use crate::money::{format_2dp, format_eur};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    pub id: String,
    pub label: String,
    pub category: Category,
    pub mission: Option<String>,
    pub reference: String,
    pub inputs: Vec<(String, String)>,
    pub formula: String,
    pub before_rounding: Decimal,
    pub rounding_applied: bool,
    pub amount: Decimal,
    pub status: Option<&'static str>,
    pub source: Option<String>,
}

pub fn category_name(c: Category) -> &'static str {
    match c {
        Category::Fonctionnement => "fonctionnement",
        Category::Fixed => "fixed",
        Category::Variable => "variable",
        Category::Crisis => "crisis",
    }
}

/// The stable id of a line: `fonctionnement`, `parcours.fixed`, `crise.fixed_first_year`,
/// `acces_soins.variable.ald_sans_mt`, `crise.crisis_envelope`.
pub fn line_id(line: &Line) -> String {
    match line.item {
        Item::Fonctionnement { .. } => "fonctionnement".into(),
        Item::Fixed { mission, first_year: true } => format!("{}.fixed_first_year", mission.id),
        Item::Fixed { mission, .. } => format!("{}.fixed", mission.id),
        Item::Variable { mission, indicator } => format!("{}.variable.{}", mission.id, indicator.id),
        Item::Crisis { mission } => format!("{}.crisis_envelope", mission.id),
    }
}

pub fn line_label(b: &Breakdown, line: &Line) -> String {
    match line.item {
        Item::Fonctionnement { uplift: true } => b.rules.uplift.as_ref().map(|u| u.label.clone()).unwrap_or_default(),
        Item::Fonctionnement { uplift: false } => b.rules.fonctionnement.label.clone(),
        Item::Fixed { mission, first_year } => {
            let table_label = if first_year { mission.fixed_first_year.as_ref().and_then(|(l, _)| l.as_ref()) } else { mission.fixed.0.as_ref() };
            match table_label {
                Some(l) => format!("{}: part fixe ({l})", mission.label),
                None => format!("{}: part fixe", mission.label),
            }
        }
        Item::Variable { mission, indicator } => format!("{}: {}", mission.label, indicator.label),
        Item::Crisis { mission } => {
            let l = mission.crisis_envelope.as_ref().and_then(|(l, _)| l.clone()).unwrap_or_else(|| "enveloppe crise".into());
            format!("{}: {l}", mission.label)
        }
    }
}

fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

fn steps_text(direction: Direction, steps: &[crate::input::Step]) -> String {
    let op = match direction {
        Direction::HigherIsBetter => "≥",
        Direction::LowerIsBetter => "≤",
    };
    steps.iter().map(|s| format!("{op} {} → {}", num(s.threshold), format_eur(s.amount))).collect::<Vec<_>>().join("; ")
}

pub fn audit_line(b: &Breakdown, line: &Line) -> AuditLine {
    let rules = b.rules;
    let mut inputs: Vec<(String, String)> = Vec::new();
    let mut push = |k: &str, v: String| inputs.push((k.to_string(), v));
    let (mission, reference) = match line.item {
        Item::Fonctionnement { uplift } => {
            push("tier", b.tier.id.clone());
            push("population", b.population.to_string());
            push("value_date", b.value_date.to_string());
            if uplift {
                push("signature_date", b.contract.signature.to_string());
                if let Some(u) = &rules.uplift {
                    push("signed_on_or_before", u.signed_on_or_before.to_string());
                }
            }
            let r = match (&rules.uplift, uplift) {
                (Some(u), true) => u.reference.clone(),
                _ => rules.fonctionnement.reference.clone(),
            };
            (None, r)
        }
        Item::Fixed { mission, .. } => {
            push("tier", b.tier.id.clone());
            push("value_date", b.value_date.to_string());
            if let Some(e) = b.contract.engagement(&mission.id) {
                push("mission_start", e.start.to_string());
            }
            (Some(mission), mission.reference.clone())
        }
        Item::Variable { mission, indicator } => {
            push("indicator", indicator.id.clone());
            push("max", format_2dp(indicator.max));
            match &indicator.payout {
                Payout::Binary => push("kind", "binary".into()),
                Payout::Steps { direction, steps } => {
                    push("kind", "steps".into());
                    push("steps", steps_text(*direction, steps));
                }
                Payout::Linear { baseline, target } => {
                    push("kind", "linear".into());
                    push("baseline", num(*baseline));
                    push("target", num(*target));
                }
            }
            let observed = b.contract.results.get(&b.contract_year).and_then(|r| r.observations.get(&indicator.id));
            push("observed", match observed {
                Some(crate::input::Observation::Reached(r)) => r.to_string(),
                Some(crate::input::Observation::Value(v)) => num(*v),
                None => "(none)".into(),
            });
            (Some(mission), mission.reference.clone())
        }
        Item::Crisis { mission } => {
            push("tier", b.tier.id.clone());
            push("value_date", b.value_date.to_string());
            push("crisis_recognised", "true".into());
            (Some(mission), mission.reference.clone())
        }
    };
    if let Some(c) = line.cell {
        push("tier_amount", format_2dp(c.amount));
    }
    AuditLine {
        id: line_id(line),
        label: line_label(b, line),
        category: line.item.category(),
        mission: mission.map(|m| m.id.clone()),
        reference,
        inputs,
        formula: formula_words(b, line),
        before_rounding: line.before_rounding,
        rounding_applied: line.before_rounding != line.amount,
        amount: line.amount,
        status: line.cell.map(|c| c.status.name()),
        source: line.cell.map(|c| c.source.clone()),
    }
}

/// The formula with its numbers, in French.
pub fn formula_words(b: &Breakdown, line: &Line) -> String {
    let tier = &b.tier.id;
    match (&line.formula, line.item) {
        (Formula::TierAmount, Item::Fonctionnement { uplift: true }) => format!(
            "montant majoré de la taille {tier} en vigueur au {}, contrat signé le {} (au plus tard le {}): {}",
            b.value_date, b.contract.signature, b.rules.uplift.as_ref().map(|u| u.signed_on_or_before.to_string()).unwrap_or_default(), format_eur(line.before_rounding)),
        (Formula::TierAmount, Item::Crisis { .. }) => format!("crise sanitaire grave reconnue par l'ARS: enveloppe de la taille {tier} en vigueur au {} = {}", b.value_date, format_eur(line.before_rounding)),
        (Formula::TierAmount, _) => format!("montant de la taille {tier} en vigueur au {} = {}", b.value_date, format_eur(line.before_rounding)),
        (Formula::Prorata { full, start, days, year_days }, _) => format!(
            "prorata au jour près: {} × {days} j (du démarrage le {start} à l'anniversaire du {}) / {year_days} j = {}",
            format_eur(*full), b.to, format_eur(b.rules.rounding.apply(line.before_rounding))),
        (Formula::Binary { reached: true }, _) => format!("objectif atteint: maximum {}", format_eur(line.before_rounding)),
        (Formula::Binary { reached: false }, _) => "objectif non atteint: 0,00 €".into(),
        (Formula::Steps { observed, reached }, Item::Variable { indicator, .. }) => match (reached, &indicator.payout) {
            (Some(i), Payout::Steps { direction, steps }) => format!(
                "valeur observée {}: palier {} {} atteint → {}",
                num(*observed), if *direction == Direction::HigherIsBetter { "≥" } else { "≤" }, num(steps[*i].threshold), format_eur(line.before_rounding)),
            _ => format!("valeur observée {}: aucun palier atteint → 0,00 €", num(*observed)),
        },
        (Formula::Linear { observed, ratio }, Item::Variable { indicator, .. }) => match indicator.payout {
            Payout::Linear { baseline, target } => format!(
                "{} × ({} − {}) / ({} − {}), borné entre 0 et 1 (= {}) → {}",
                format_eur(indicator.max), num(*observed), num(baseline), num(target), num(baseline), num(ratio.round_dp(6)), format_eur(b.rules.rounding.apply(line.before_rounding))),
            _ => String::new(),
        },
        (Formula::Missing, _) => "pas de valeur observée pour l'année: 0,00 € (choix `missing_observation`)".into(),
        _ => String::new(),
    }
}
