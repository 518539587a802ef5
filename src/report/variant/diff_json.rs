//! The `diff --format json` document (`"kind": "diff"`).

use super::{variant_docs, VariantDoc};
use crate::portfolio::{Portfolio, Selection};
use crate::report::amount;
use crate::report::portfolio::json_out::{selection_doc, RulesDoc, SelectionDoc, SummaryDoc};
use crate::rules::RuleSet;
use crate::variant::diff::{Delta, Diff};
use crate::variant::Variant;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Serialize)]
struct SideDoc {
    tier: String,
    total: String,
    fonctionnement: String,
    fixed: String,
    variable: String,
    crisis: String,
}

#[derive(Serialize)]
struct DiffRowDoc {
    id: String,
    name: String,
    contract_year: u32,
    population: u64,
    base: SideDoc,
    variant: SideDoc,
    delta: String,
}

#[derive(Serialize)]
struct GainsDoc {
    gain: usize,
    lose: usize,
    unchanged: usize,
    largest_gains: Vec<CptsDeltaDoc>,
    largest_losses: Vec<CptsDeltaDoc>,
}

#[derive(Serialize)]
struct CptsDeltaDoc {
    id: String,
    name: String,
    delta: String,
}

#[derive(Serialize)]
struct CashYearDoc {
    year: i32,
    base: String,
    variant: String,
    delta: String,
}

#[derive(Serialize)]
struct DeltaDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    cpts_years: usize,
    base: String,
    variant: String,
    delta: String,
}

fn delta_doc(group: Option<String>, d: &Delta) -> DeltaDoc {
    DeltaDoc {
        group,
        cpts_years: d.cpts_years,
        base: amount(d.base),
        variant: amount(d.variant),
        delta: amount(d.delta),
    }
}

#[derive(Serialize)]
struct TierChangeDoc {
    id: String,
    contract_year: u32,
    population: u64,
    from: String,
    to: String,
}

#[derive(Serialize)]
struct EffectDoc {
    variant: String,
    change: usize,
    description: String,
    one_at_a_time: Option<String>,
    sequential: String,
}

#[derive(Serialize)]
struct AttributionDoc {
    method: &'static str,
    changes: Vec<EffectDoc>,
    interaction: String,
    total: String,
}

#[derive(Serialize)]
struct FailureDoc {
    file: String,
    line: Option<usize>,
    entry: Option<String>,
    diagnostics: Vec<crate::diagnostic::Diagnostic>,
}

#[derive(Serialize)]
struct DiffDoc {
    format_version: u32,
    kind: &'static str,
    selection: SelectionDoc,
    rules: RulesDoc,
    variants: Vec<VariantDoc>,
    summary: SummaryDoc,
    rows: Vec<DiffRowDoc>,
    by_tier: Vec<DeltaDoc>,
    by_mission: Vec<DeltaDoc>,
    by_region: Vec<DeltaDoc>,
    by_department: Vec<DeltaDoc>,
    total: DeltaDoc,
    advances: DeltaDoc,
    gains: GainsDoc,
    cash_by_year: Vec<CashYearDoc>,
    tier_changes: Vec<TierChangeDoc>,
    attribution: AttributionDoc,
    failures: Vec<FailureDoc>,
}

/// The `diff --format json` document.
pub fn diff_json(
    base: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    d: &Diff,
    selection: Selection,
) -> String {
    let side = |tier: usize, t: &crate::eval::Totals| SideDoc {
        tier: base.tiers[tier].id.clone(),
        total: amount(t.total),
        fonctionnement: amount(t.fonctionnement),
        fixed: amount(t.fixed),
        variable: amount(t.variable),
        crisis: amount(t.crisis),
    };
    let s = d.base.summary;
    let doc = DiffDoc {
        format_version: 1,
        kind: "diff",
        selection: selection_doc(selection),
        rules: RulesDoc { file: base.file.clone(), sha256: base.sha256.clone() },
        variants: variant_docs(variants),
        summary: SummaryDoc { read: s.read, evaluated: d.rows.iter().map(|r| r.record).collect::<std::collections::BTreeSet<_>>().len(), failed: d.failures.len(), not_selected: s.not_selected, rows: d.rows.len() },
        rows: d
            .rows
            .iter()
            .map(|r| {
                let c = &p.contracts[r.contract];
                DiffRowDoc { id: c.id.clone(), name: c.name.clone(), contract_year: r.contract_year, population: r.population, base: side(r.base_tier, &r.base), variant: side(r.variant_tier, &r.variant), delta: amount(r.delta) }
            })
            .collect(),
        by_tier: base.tiers.iter().zip(&d.by_tier).map(|(t, x)| delta_doc(Some(t.id.clone()), x)).collect(),
        by_mission: d.by_mission.iter().map(|(id, _, x)| delta_doc(Some(id.clone()), x)).collect(),
        by_region: d.by_region.iter().map(|(g, x)| delta_doc(Some(g.clone()), x)).collect(),
        by_department: d.by_department.iter().map(|(g, x)| delta_doc(Some(g.clone()), x)).collect(),
        total: delta_doc(None, &d.total),
        advances: delta_doc(None, &d.advances),
        gains: {
            let named = |l: &[(usize, Decimal)]| {
                l.iter()
                    .map(|(c, x)| CptsDeltaDoc {
                        id: p.contracts[*c].id.clone(),
                        name: p.contracts[*c].name.clone(),
                        delta: amount(*x),
                    })
                    .collect()
            };
            GainsDoc {
                gain: d.gains.gain,
                lose: d.gains.lose,
                unchanged: d.gains.unchanged,
                largest_gains: named(&d.gains.largest_gains),
                largest_losses: named(&d.gains.largest_losses),
            }
        },
        cash_by_year: d
            .cash
            .iter()
            .map(|c| CashYearDoc {
                year: c.year,
                base: amount(c.delta.base),
                variant: amount(c.delta.variant),
                delta: amount(c.delta.delta),
            })
            .collect(),
        tier_changes: d
            .tier_changes
            .iter()
            .map(|&i| {
                let r = &d.rows[i];
                TierChangeDoc { id: p.contracts[r.contract].id.clone(), contract_year: r.contract_year, population: r.population, from: base.tiers[r.base_tier].id.clone(), to: base.tiers[r.variant_tier].id.clone() }
            })
            .collect(),
        attribution: AttributionDoc {
            method: "one_at_a_time: each change applied alone to the base, interaction = total - their sum; sequential: changes applied in order, each credited with what it adds to the previous ones (adds up exactly, depends on the order)",
            changes: d.attribution.effects.iter().map(|e| EffectDoc { variant: variants[e.variant].id.clone(), change: e.change + 1, description: e.describe.clone(), one_at_a_time: e.alone.map(amount), sequential: amount(e.sequential) }).collect(),
            interaction: amount(d.attribution.interaction),
            total: amount(d.attribution.total),
        },
        failures: d
            .failures
            .iter()
            .map(|(i, ds)| {
                let o = &p.records[*i].origin;
                FailureDoc { file: o.file.clone(), line: o.line, entry: o.entry.clone(), diagnostics: ds.clone() }
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
