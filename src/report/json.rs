//! The JSON contract (`format_version` 1): stable keys, amounts as strings with exactly two
//! decimals, a receipt (engine version, SHA-256 of the rules and of the input) so a result can
//! be reproduced. Documented in README.md; changing a key means a new format_version.

use super::{amount, payment_kind_name, payment_label};
use crate::audit::{audit_line, category_name};
use crate::diagnostic::Code;
use crate::eval::{Breakdown, MaxTable};
use serde::Serialize;

pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct ComputeDoc {
    pub format_version: u32,
    pub evaluations: Vec<EvaluationDoc>,
}

#[derive(Serialize)]
pub struct EvaluationDoc {
    pub cpts: CptsDoc,
    pub contract_year: u32,
    pub period: PeriodDoc,
    pub value_date: String,
    pub tier: TierDoc,
    pub text: TextDoc,
    pub total: String,
    pub fonctionnement: String,
    pub fixed: String,
    pub variable: String,
    pub crisis: String,
    /// The part of `total` resting on provisional cells.
    pub provisional_amount: String,
    pub lines: Vec<LineDoc>,
    pub schedule: Vec<PaymentDoc>,
    pub warnings: Vec<WarningDoc>,
    pub receipt: ReceiptDoc,
}

#[derive(Serialize)]
pub struct CptsDoc {
    pub id: String,
    pub name: String,
    pub region: Option<String>,
    pub department: Option<String>,
}

#[derive(Serialize)]
pub struct PeriodDoc {
    pub from: String,
    /// The last day of the contract year (inclusive).
    pub to: String,
}

#[derive(Serialize)]
pub struct TierDoc {
    pub id: String,
    pub label: String,
    pub population: u64,
    pub reason: String,
}

#[derive(Serialize)]
pub struct TextDoc {
    pub id: String,
    pub label: String,
    pub reference: String,
    pub in_force_from: String,
}

#[derive(Serialize)]
pub struct InputDoc {
    pub name: String,
    pub value: String,
}

#[derive(Serialize)]
pub struct RoundingDoc {
    pub decimals: u32,
    pub mode: &'static str,
    pub reference: String,
    pub changed_amount: bool,
}

#[derive(Serialize)]
pub struct LineDoc {
    pub id: String,
    pub label: String,
    pub category: &'static str,
    pub mission: Option<String>,
    pub reference: String,
    pub inputs: Vec<InputDoc>,
    pub formula: String,
    pub amount_before_rounding: String,
    pub rounding: RoundingDoc,
    pub amount: String,
    pub status: Option<&'static str>,
    pub source: Option<String>,
}

#[derive(Serialize)]
pub struct PaymentDoc {
    pub date: String,
    pub kind: &'static str,
    pub line: String,
    pub label: String,
    pub amount: String,
}

#[derive(Serialize)]
pub struct WarningDoc {
    pub code: Code,
    pub message: String,
}

#[derive(Serialize)]
pub struct ReceiptDoc {
    pub engine_version: &'static str,
    pub rules_file: String,
    pub rules_sha256: String,
    pub input_file: String,
    pub input_sha256: String,
}

/// Why the CPTS is in its tier: population and the tier's bounds.
/// Why the CPTS is in its tier, in French (the JSON's `tier.reason`).
pub fn tier_reason(b: &Breakdown) -> String {
    crate::audit::words::tier_reason(b, crate::audit::Lang::Fr)
}

pub fn evaluation_doc(b: &Breakdown) -> EvaluationDoc {
    let rounding = &b.rules.rounding;
    EvaluationDoc {
        cpts: CptsDoc {
            id: b.contract.id.clone(),
            name: b.contract.name.clone(),
            region: b.contract.region.clone(),
            department: b.contract.department.clone(),
        },
        contract_year: b.contract_year,
        period: PeriodDoc {
            from: b.from.to_string(),
            to: b.to.pred_opt().unwrap_or(b.to).to_string(),
        },
        value_date: b.value_date.to_string(),
        tier: TierDoc {
            id: b.tier.id.clone(),
            label: b.tier.label.clone(),
            population: b.population,
            reason: tier_reason(b),
        },
        text: TextDoc {
            id: b.text.id.clone(),
            label: b.text.label.clone(),
            reference: b.text.reference.clone(),
            in_force_from: b.text.in_force_from.to_string(),
        },
        total: amount(b.totals.total),
        fonctionnement: amount(b.totals.fonctionnement),
        fixed: amount(b.totals.fixed),
        variable: amount(b.totals.variable),
        crisis: amount(b.totals.crisis),
        provisional_amount: amount(b.totals.provisional),
        lines: b
            .lines
            .iter()
            .map(|l| {
                let a = audit_line(b, l);
                LineDoc {
                    id: a.id.into_owned(),
                    label: a.label.into_owned(),
                    category: category_name(a.category),
                    mission: a.mission.map(str::to_string),
                    reference: a.reference.to_string(),
                    inputs: a
                        .inputs
                        .into_iter()
                        .map(|(name, value)| InputDoc {
                            name: name.to_string(),
                            value: value.to_string(),
                        })
                        .collect(),
                    formula: a.formula,
                    amount_before_rounding: a.before_rounding.normalize().to_string(),
                    rounding: RoundingDoc {
                        decimals: rounding.decimals,
                        mode: rounding.mode.name(),
                        reference: rounding.reference.clone(),
                        changed_amount: a.rounding_applied,
                    },
                    amount: amount(a.amount),
                    status: a.status,
                    source: a.source.map(str::to_string),
                }
            })
            .collect(),
        schedule: b
            .schedule
            .iter()
            .map(|p| PaymentDoc {
                date: p.date.to_string(),
                kind: payment_kind_name(p.kind),
                line: crate::audit::line_id(&b.lines[p.line]),
                label: payment_label(b, p),
                amount: amount(p.amount),
            })
            .collect(),
        warnings: b
            .warnings
            .iter()
            .map(|w| WarningDoc { code: w.code(), message: w.message() })
            .collect(),
        receipt: ReceiptDoc {
            engine_version: env!("CARGO_PKG_VERSION"),
            rules_file: b.rules.file.clone(),
            rules_sha256: b.rules.sha256.clone(),
            input_file: b.contract.file.clone(),
            input_sha256: b.contract.sha256.clone(),
        },
    }
}

/// The `compute --format json` document.
pub fn compute(breakdowns: &[Breakdown]) -> String {
    let doc = ComputeDoc {
        format_version: FORMAT_VERSION,
        evaluations: breakdowns.iter().map(evaluation_doc).collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[derive(Serialize)]
struct MaxDoc {
    format_version: u32,
    date: String,
    text: TextDoc,
    has_crisis_envelope: bool,
    provisional_cells: usize,
    rules_sha256: String,
    tiers: Vec<MaxTierDoc>,
}

#[derive(Serialize)]
struct MaxTierDoc {
    tier: String,
    label: String,
    fonctionnement: String,
    fixed: String,
    variable: String,
    crisis: String,
    total: String,
    total_with_crisis: String,
}

/// The `max --format json` document.
pub fn max(table: &MaxTable, rules_sha256: &str) -> String {
    let t = table.text;
    let doc = MaxDoc {
        format_version: FORMAT_VERSION,
        date: table.date.to_string(),
        text: TextDoc {
            id: t.id.clone(),
            label: t.label.clone(),
            reference: t.reference.clone(),
            in_force_from: t.in_force_from.to_string(),
        },
        has_crisis_envelope: table.has_crisis,
        provisional_cells: table.provisional_cells,
        rules_sha256: rules_sha256.to_string(),
        tiers: table
            .rows
            .iter()
            .map(|r| MaxTierDoc {
                tier: r.tier.id.clone(),
                label: r.tier.label.clone(),
                fonctionnement: amount(r.fonctionnement),
                fixed: amount(r.fixed),
                variable: amount(r.variable),
                crisis: amount(r.crisis),
                total: amount(r.total),
                total_with_crisis: amount(r.total_with_crisis),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
