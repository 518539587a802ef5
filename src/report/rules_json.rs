//! The rules in force at a date as one JSON document (`format_version` 1): the text, the tiers,
//! every table's cells for that date (amount, status, source), the payment policy, the declared
//! choices and the maxima per tier. It is what the web rules page and `GET /api/v1/rules` show; it
//! reads the validated `RuleSet` only and computes nothing but the maxima (through `eval::max`).

use crate::audit::amount;
use crate::calendar::Date;
use crate::eval::{max_per_tier, EvalError};
use crate::rules::{Cell, RuleSet, TierTable};
use serde::Serialize;

mod page;
mod text;

pub use page::rules_page;
pub use text::rules_text;

#[derive(Serialize)]
struct RulesDoc {
    format_version: u32,
    date: String,
    title: String,
    rules_sha256: String,
    text: TextDoc,
    tiers: Vec<TierDoc>,
    fonctionnement: TableDoc,
    #[serde(skip_serializing_if = "Option::is_none")]
    fonctionnement_uplift: Option<UpliftDoc>,
    /// The rules of `uplifts` (the older key is shown as `fonctionnement_uplift`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    uplifts: Vec<UpliftRuleDoc>,
    missions: Vec<MissionDoc>,
    payment: PaymentDoc,
    choices: Vec<ChoiceDoc>,
    maxima: Vec<MaxDoc>,
}

#[derive(Serialize)]
struct TextDoc {
    id: String,
    label: String,
    reference: String,
    in_force_from: String,
}

#[derive(Serialize)]
struct TierDoc {
    id: String,
    label: String,
    min_population: u64,
    max_population: Option<u64>,
    bounds: String,
}

/// One table at the date: the date its values took effect and one cell per tier.
#[derive(Serialize)]
struct TableDoc {
    label: String,
    reference: String,
    in_force_from: Option<String>,
    cells: Vec<CellDoc>,
}

#[derive(Serialize)]
struct CellDoc {
    tier: String,
    amount: String,
    status: &'static str,
    source: String,
    citation: Option<String>,
}

#[derive(Serialize)]
struct UpliftDoc {
    table: TableDoc,
    signed_on_or_before: String,
    scope: crate::rules::UpliftScope,
}

/// One uplift rule: which contracts, what it pays (a share of the fonctionnement with its status
/// and source, or a table by tier), when.
#[derive(Serialize)]
struct UpliftRuleDoc {
    id: String,
    label: String,
    text: Option<String>,
    reference: String,
    choice: Option<String>,
    /// Whether a contract year whose values apply on the date is in its dates.
    in_force: bool,
    contracts: UpliftContractsDoc,
    from: String,
    until: Option<String>,
    pay: crate::rules::UpliftPay,
    /// The rate, as a cell (`amount` is the rate).
    #[serde(skip_serializing_if = "Option::is_none")]
    share_of_fonctionnement: Option<CellDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_tier: Option<TableDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fonctionnement_amount: Option<TableDoc>,
}

#[derive(Serialize)]
struct UpliftContractsDoc {
    signed_on_or_before: Option<String>,
    signed_after: Option<String>,
    tiers: Option<Vec<String>>,
    mission: Option<String>,
}

#[derive(Serialize)]
struct MissionDoc {
    id: String,
    label: String,
    kind: crate::rules::MissionKind,
    reference: String,
    exists_from: String,
    in_force: bool,
    start_within_months: Option<u32>,
    deployed_within_months: Option<u32>,
    fixed: TableDoc,
    fixed_first_year: Option<TableDoc>,
    variable: Option<TableDoc>,
    crisis_envelope: Option<TableDoc>,
}

#[derive(Serialize)]
struct PaymentDoc {
    reference: String,
    advance_rate: Option<CellDoc>,
    first_year_fonctionnement: crate::rules::FirstYearFonctionnement,
    balance_due: crate::rules::BalanceDue,
    variable_due: VariableDueDoc,
    crisis_due: crate::rules::BalanceDue,
}

/// When the variable part is paid: `{"months_after_year_end": 0}` (with the balance, at the
/// anniversary that closes the year, plus a delay), or the older `{"first_date_after": "04-30"}`.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum VariableDueDoc {
    MonthsAfterYearEnd(u32),
    FirstDateAfter(String),
}

#[derive(Serialize)]
struct ChoiceDoc {
    id: String,
    topic: String,
    choice: String,
}

#[derive(Serialize)]
struct MaxDoc {
    tier: String,
    fonctionnement: String,
    fixed: String,
    variable: String,
    crisis: String,
    total: String,
    total_with_crisis: String,
}

fn cell(rules: &RuleSet, tier: &str, c: &Cell, value: String) -> CellDoc {
    CellDoc {
        tier: tier.to_string(),
        amount: value,
        status: c.status.name(),
        source: c.source.clone(),
        citation: rules.source_citation(&c.source).map(str::to_string),
    }
}

fn table(rules: &RuleSet, label: &str, reference: &str, t: &TierTable, date: Date) -> TableDoc {
    let tiers = rules.tiers_at(date);
    let (from, cells) = match t.at(date) {
        Some((from, cells)) => (
            Some(from.to_string()),
            cells
                .iter()
                .zip(tiers)
                .map(|(c, tier)| cell(rules, &tier.id, c, amount(c.amount)))
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    TableDoc {
        label: label.to_string(),
        reference: reference.to_string(),
        in_force_from: from,
        cells,
    }
}

/// The rules in force on `date`, as pretty JSON. Fails (E0402) before the first text in force.
pub fn rules_at(rules: &RuleSet, date: Date) -> Result<String, EvalError> {
    let doc = doc(rules, date)?;
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n")
}

fn doc(rules: &RuleSet, date: Date) -> Result<RulesDoc, EvalError> {
    let max = max_per_tier(rules, date)?;
    let t = max.text;
    let sub = |r: &Option<String>, fallback: &str| r.clone().unwrap_or_else(|| fallback.into());
    let missions = rules
        .missions
        .iter()
        .map(|m| MissionDoc {
            id: m.id.clone(),
            label: m.label.clone(),
            kind: m.kind,
            reference: m.reference.clone(),
            exists_from: m.exists_from.to_string(),
            in_force: m.exists_on(date),
            start_within_months: m.start_within_months,
            deployed_within_months: m.deployed_within_months,
            fixed: table(rules, "part fixe", &sub(&m.fixed.0, &m.reference), &m.fixed.1, date),
            fixed_first_year: m.fixed_first_year.as_ref().map(|(r, t)| {
                table(rules, "part fixe de la première année", &sub(r, &m.reference), t, date)
            }),
            variable: m
                .variable
                .as_ref()
                .map(|t| table(rules, "part variable (enveloppe)", &m.reference, t, date)),
            crisis_envelope: m.crisis_envelope.as_ref().map(|(r, t)| {
                table(rules, "enveloppe crise sanitaire grave", &sub(r, &m.reference), t, date)
            }),
        })
        .collect();
    let p = &rules.payment;
    let doc = RulesDoc {
        format_version: 1,
        date: date.to_string(),
        title: rules.title.clone(),
        rules_sha256: rules.sha256.clone(),
        text: TextDoc {
            id: t.id.clone(),
            label: t.label.clone(),
            reference: t.reference.clone(),
            in_force_from: t.in_force_from.to_string(),
        },
        tiers: rules
            .tiers_at(date)
            .iter()
            .map(|t| TierDoc {
                id: t.id.clone(),
                label: t.label.clone(),
                min_population: t.min,
                max_population: t.max,
                bounds: t.bounds_text.clone(),
            })
            .collect(),
        fonctionnement: table(
            rules,
            &rules.fonctionnement.label,
            &rules.fonctionnement.reference,
            &rules.fonctionnement.table,
            date,
        ),
        fonctionnement_uplift: rules.uplifts.iter().find(|u| u.legacy).and_then(|u| {
            Some(UpliftDoc {
                table: table(rules, &u.label, &u.reference, u.table()?, date),
                signed_on_or_before: u.contracts.signed_on_or_before?.to_string(),
                scope: match u.pay {
                    crate::rules::UpliftPay::Once => crate::rules::UpliftScope::Once,
                    crate::rules::UpliftPay::Yearly => crate::rules::UpliftScope::Annual,
                },
            })
        }),
        uplifts: rules
            .uplifts
            .iter()
            .filter(|u| !u.legacy)
            .map(|u| uplift_doc(rules, u, date))
            .collect(),
        missions,
        payment: PaymentDoc {
            reference: p.reference.clone(),
            advance_rate: p
                .advance_rate
                .at(date)
                .map(|(_, c)| cell(rules, "*", c, c.amount.to_string())),
            first_year_fonctionnement: p.first_year_fonctionnement,
            balance_due: p.balance_due,
            variable_due: match &p.variable_due {
                crate::rules::VariableDue::AfterYearEnd { months, .. } => {
                    VariableDueDoc::MonthsAfterYearEnd(*months)
                }
                crate::rules::VariableDue::FirstDateAfter { month, day } => {
                    VariableDueDoc::FirstDateAfter(format!("{month:02}-{day:02}"))
                }
            },
            crisis_due: p.crisis_due,
        },
        choices: rules
            .choices
            .iter()
            .map(|c| ChoiceDoc {
                id: c.id.clone(),
                topic: c.topic.clone(),
                choice: c.choice.clone(),
            })
            .collect(),
        maxima: max
            .rows
            .iter()
            .map(|r| MaxDoc {
                tier: r.tier.id.clone(),
                fonctionnement: amount(r.fonctionnement),
                fixed: amount(r.fixed),
                variable: amount(r.variable),
                crisis: amount(r.crisis),
                total: amount(r.total),
                total_with_crisis: amount(r.total_with_crisis),
            })
            .collect(),
    };
    Ok(doc)
}

fn uplift_doc(rules: &RuleSet, u: &crate::rules::Uplift, date: Date) -> UpliftRuleDoc {
    use crate::rules::UpliftAmount;
    let c = &u.contracts;
    let t = |t: &TierTable| table(rules, &u.label, &u.reference, t, date);
    UpliftRuleDoc {
        id: u.id.clone(),
        label: u.label.clone(),
        text: u.text.clone(),
        reference: u.reference.clone(),
        choice: u.choice.clone(),
        in_force: u.in_force_on(date),
        contracts: UpliftContractsDoc {
            signed_on_or_before: c.signed_on_or_before.map(|d| d.to_string()),
            signed_after: c.signed_after.map(|d| d.to_string()),
            tiers: c.tiers.clone(),
            mission: c.mission.clone(),
        },
        from: u.from.to_string(),
        until: u.until.map(|d| d.to_string()),
        pay: u.pay,
        share_of_fonctionnement: match &u.amount {
            UpliftAmount::ShareOfFonctionnement(r) => {
                Some(cell(rules, "*", r, r.amount.to_string()))
            }
            UpliftAmount::PerTier(_) | UpliftAmount::FonctionnementAmount(_) => None,
        },
        per_tier: match &u.amount {
            UpliftAmount::PerTier(x) => Some(t(x)),
            UpliftAmount::ShareOfFonctionnement(_) | UpliftAmount::FonctionnementAmount(_) => None,
        },
        fonctionnement_amount: match &u.amount {
            UpliftAmount::FonctionnementAmount(x) => Some(t(x)),
            UpliftAmount::ShareOfFonctionnement(_) | UpliftAmount::PerTier(_) => None,
        },
    }
}

/// The group under which the uplifts' tables are listed.
const UPLIFTS_GROUP: &str = "Majorations et versements ponctuels";
