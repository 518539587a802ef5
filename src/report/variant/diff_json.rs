//! The `diff --format json` document (`"kind": "diff"`).

use super::{variant_docs, VariantDoc};
use crate::portfolio::{Portfolio, Selection};
use crate::report::amount;
use crate::report::json_parts::{item, split_at_lists, JsonList};
use crate::report::portfolio::json_out::{selection_doc, RulesDoc, SelectionDoc, SummaryDoc};
use crate::rules::RuleSet;
use crate::variant::diff::{Delta, Diff, DiffRow, DiffSums, NamedDelta};
use crate::variant::Variant;
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

/// The `diff --format json` document. A streamed file is written in the same parts: the
/// [`diff_json_parts`] around its three lists, each list a [`JsonList`] of the chunks'
/// [`diff_json_rows`], [`diff_json_tier_changes`] and [`diff_json_failures`].
pub fn diff_json(
    base: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    d: &Diff,
    selection: Selection,
) -> String {
    let s = DiffSums::of(d, p, 0);
    let [head, after_rows, after_tiers, tail] = diff_json_parts(base, variants, &s, selection);
    let mut o = head;
    o.push_str(&JsonList::whole(&diff_json_rows(base, p, &d.rows)));
    o.push_str(&after_rows);
    o.push_str(&JsonList::whole(&diff_json_tier_changes(base, p, &d.rows)));
    o.push_str(&after_tiers);
    o.push_str(&JsonList::whole(&diff_json_failures(p, &d.failures)));
    o.push_str(&tail);
    o
}

/// The rows of the document, one item per CPTS-year of `rows` (of `p`).
pub fn diff_json_rows(base: &RuleSet, p: &Portfolio, rows: &[DiffRow]) -> Vec<String> {
    let side = |tier: usize, t: &crate::eval::Totals| SideDoc {
        tier: base.tiers[tier].id.clone(),
        total: amount(t.total),
        fonctionnement: amount(t.fonctionnement),
        fixed: amount(t.fixed),
        variable: amount(t.variable),
        crisis: amount(t.crisis),
    };
    rows.iter()
        .map(|r| {
            let c = &p.contracts[r.contract];
            item(&DiffRowDoc {
                id: c.id.clone(),
                name: c.name.clone(),
                contract_year: r.contract_year,
                population: r.population,
                base: side(r.base_tier, &r.base),
                variant: side(r.variant_tier, &r.variant),
                delta: amount(r.delta),
            })
        })
        .collect()
}

/// The tier changes of the document, one item per CPTS-year of `rows` whose tier changes.
pub fn diff_json_tier_changes(base: &RuleSet, p: &Portfolio, rows: &[DiffRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| r.base_tier != r.variant_tier)
        .map(|r| {
            item(&TierChangeDoc {
                id: p.contracts[r.contract].id.clone(),
                contract_year: r.contract_year,
                population: r.population,
                from: base.tiers[r.base_tier].id.clone(),
                to: base.tiers[r.variant_tier].id.clone(),
            })
        })
        .collect()
}

/// The records not compared, one item each (of `p`).
pub fn diff_json_failures(
    p: &Portfolio,
    failures: &[(usize, Vec<crate::diagnostic::Diagnostic>)],
) -> Vec<String> {
    failures
        .iter()
        .map(|(i, ds)| {
            let o = &p.records[*i].origin;
            item(&FailureDoc {
                file: o.file.clone(),
                line: o.line,
                entry: o.entry.clone(),
                diagnostics: ds.clone(),
            })
        })
        .collect()
}

/// The document around its three lists (`rows`, `tier_changes`, `failures`): four texts, each
/// list to be written between two of them.
pub fn diff_json_parts(
    base: &RuleSet,
    variants: &[Variant],
    s: &DiffSums,
    selection: Selection,
) -> [String; 4] {
    let sm = s.summary;
    let doc = DiffDoc {
        format_version: 1,
        kind: "diff",
        selection: selection_doc(selection),
        rules: RulesDoc { file: base.file.clone(), sha256: base.sha256.clone() },
        variants: variant_docs(variants),
        summary: SummaryDoc { read: sm.read, evaluated: s.compared, failed: s.failed, not_selected: sm.not_selected, rows: s.rows },
        rows: Vec::new(),
        by_tier: base.tiers.iter().zip(&s.by_tier).map(|(t, x)| delta_doc(Some(t.id.clone()), x)).collect(),
        by_mission: s.by_mission.iter().map(|(id, _, x)| delta_doc(Some(id.clone()), x)).collect(),
        by_region: s.by_region.iter().map(|(g, x)| delta_doc(Some(g.clone()), x)).collect(),
        by_department: s.by_department.iter().map(|(g, x)| delta_doc(Some(g.clone()), x)).collect(),
        total: delta_doc(None, &s.total),
        advances: delta_doc(None, &s.advances),
        gains: {
            let named = |l: &[NamedDelta]| {
                l.iter()
                    .map(|c| CptsDeltaDoc { id: c.id.clone(), name: c.name.clone(), delta: amount(c.delta) })
                    .collect()
            };
            GainsDoc {
                gain: s.gains.gain,
                lose: s.gains.lose,
                unchanged: s.gains.unchanged,
                largest_gains: named(&s.gains.largest_gains),
                largest_losses: named(&s.gains.largest_losses),
            }
        },
        cash_by_year: s
            .cash
            .iter()
            .map(|c| CashYearDoc {
                year: c.year,
                base: amount(c.delta.base),
                variant: amount(c.delta.variant),
                delta: amount(c.delta.delta),
            })
            .collect(),
        tier_changes: Vec::new(),
        attribution: AttributionDoc {
            method: "one_at_a_time: each change applied alone to the base, interaction = total - their sum; sequential: changes applied in order, each credited with what it adds to the previous ones (adds up exactly, depends on the order)",
            changes: s.attribution.effects.iter().map(|e| EffectDoc { variant: variants.get(e.variant).map_or_else(String::new, |v| v.id.clone()), change: e.change + 1, description: e.describe.clone(), one_at_a_time: e.alone.map(amount), sequential: amount(e.sequential) }).collect(),
            interaction: amount(s.attribution.interaction),
            total: amount(s.attribution.total),
        },
        failures: Vec::new(),
    };
    let mut parts = split_at_lists(&doc, &["rows", "tier_changes", "failures"]).into_iter();
    let mut next = || parts.next().unwrap_or_default();
    [next(), next(), next(), next()]
}
