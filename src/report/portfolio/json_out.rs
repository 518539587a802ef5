//! The portfolio JSON document (`"kind": "portfolio"`, `format_version` 1; README.md,
//! *Portfolios*): the selection, the rules (and variants) used, the summary, one object per
//! CPTS-year, the sums by tier, mission, region and department, and every failed record with its
//! diagnostics. Amounts are strings with two decimals.

use super::json_row::{row_doc, row_item, RowDoc};
use crate::diagnostic::Diagnostic;
use crate::portfolio::{Aggregates, Portfolio, Row, Run, Selection, Summary, Sums};
use crate::report::amount;
use crate::report::json_parts::{item, split_at_lists, JsonList};
use crate::rules::RuleSet;
use serde::Serialize;

#[derive(Serialize)]
pub struct RulesDoc {
    pub file: String,
    pub sha256: String,
}

#[derive(Serialize)]
pub struct InputDoc {
    pub file: String,
    pub sha256: String,
}

#[derive(Serialize)]
pub struct SelectionDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_year: Option<u32>,
}

pub fn selection_doc(s: Selection) -> SelectionDoc {
    match s {
        Selection::Year(y) => SelectionDoc { year: Some(y), contract_year: None },
        Selection::ContractYear(k) => SelectionDoc { year: None, contract_year: Some(k) },
        Selection::All => SelectionDoc { year: None, contract_year: None },
    }
}

#[derive(Serialize)]
pub struct SummaryDoc {
    pub read: usize,
    pub evaluated: usize,
    pub failed: usize,
    pub not_selected: usize,
    pub rows: usize,
}

#[derive(Serialize)]
struct SumsDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    tier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    cpts_years: usize,
    fonctionnement: String,
    fixed: String,
    variable: String,
    crisis: String,
    total: String,
    advances: String,
    provisional: String,
}

#[derive(Serialize)]
struct MissionDoc {
    mission: String,
    label: String,
    cpts_years: usize,
    fixed: String,
    variable: String,
    crisis: String,
    total: String,
}

#[derive(Serialize)]
struct AggregatesDoc {
    by_tier: Vec<SumsDoc>,
    by_mission: Vec<MissionDoc>,
    by_region: Vec<SumsDoc>,
    by_department: Vec<SumsDoc>,
    total: SumsDoc,
}

#[derive(Serialize)]
struct FailureDoc {
    file: String,
    line: Option<usize>,
    entry: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct PortfolioDoc {
    format_version: u32,
    kind: &'static str,
    selection: SelectionDoc,
    rules: RulesDoc,
    /// Every input read, with the SHA-256 of its text: the receipt of the run.
    inputs: Vec<InputDoc>,
    summary: SummaryDoc,
    rows: Vec<RowDoc<'static>>,
    aggregates: AggregatesDoc,
    failures: Vec<FailureDoc>,
}

fn sums_doc(tier: Option<String>, group: Option<String>, s: &Sums) -> SumsDoc {
    SumsDoc {
        tier,
        group,
        cpts_years: s.cpts_years,
        fonctionnement: amount(s.totals.fonctionnement),
        fixed: amount(s.totals.fixed),
        variable: amount(s.totals.variable),
        crisis: amount(s.totals.crisis),
        total: amount(s.totals.total),
        advances: amount(s.advances),
        provisional: amount(s.totals.provisional),
    }
}

/// The sums as JSON values (shared with the diff document).
fn aggregates_doc(rules: &RuleSet, a: &Aggregates) -> AggregatesDoc {
    AggregatesDoc {
        by_tier: rules
            .tiers
            .iter()
            .zip(&a.by_tier)
            .map(|(t, s)| sums_doc(Some(t.id.clone()), None, s))
            .collect(),
        by_mission: rules
            .missions
            .iter()
            .zip(&a.total.missions)
            .map(|(m, s)| MissionDoc {
                mission: m.id.clone(),
                label: m.label.clone(),
                cpts_years: s.cpts_years,
                fixed: amount(s.fixed),
                variable: amount(s.variable),
                crisis: amount(s.crisis),
                total: amount(s.total),
            })
            .collect(),
        by_region: a.by_region.iter().map(|(g, s)| sums_doc(None, Some(g.clone()), s)).collect(),
        by_department: a
            .by_department
            .iter()
            .map(|(g, s)| sums_doc(None, Some(g.clone()), s))
            .collect(),
        total: sums_doc(None, None, &a.total),
    }
}

/// The `compute PORTFOLIO --format json` document. A streamed file is written in the same
/// parts: the [`portfolio_json_parts`] around its two lists, each a
/// [`JsonList`](crate::report::json_parts::JsonList) of the chunks' [`portfolio_json_rows`] and
/// [`portfolio_json_failures`].
pub fn portfolio(rules: &RuleSet, p: &Portfolio, run: &Run, a: &Aggregates) -> String {
    let [head, after_rows, tail] =
        portfolio_json_parts(rules, &p.inputs, &run.summary, run.selection, a);
    let mut o = head;
    o.push_str(&JsonList::whole(&portfolio_json_rows(rules, p, run.rows())));
    o.push_str(&after_rows);
    o.push_str(&JsonList::whole(&portfolio_json_failures(p, run.failures())));
    o.push_str(&tail);
    o
}

/// The document around its two lists (`rows`, `failures`): three texts, each list to be
/// written between two of them. `inputs`: each input's name and SHA-256.
pub fn portfolio_json_parts(
    rules: &RuleSet,
    inputs: &[(String, String)],
    s: &Summary,
    selection: Selection,
    a: &Aggregates,
) -> [String; 3] {
    let doc = PortfolioDoc {
        format_version: 1,
        kind: "portfolio",
        selection: selection_doc(selection),
        rules: RulesDoc { file: rules.file.clone(), sha256: rules.sha256.clone() },
        inputs: inputs
            .iter()
            .map(|(file, sha256)| InputDoc { file: file.clone(), sha256: sha256.clone() })
            .collect(),
        summary: SummaryDoc {
            read: s.read,
            evaluated: s.evaluated,
            failed: s.failed,
            not_selected: s.not_selected,
            rows: s.rows,
        },
        rows: Vec::new(),
        aggregates: aggregates_doc(rules, a),
        failures: Vec::new(),
    };
    let mut parts = split_at_lists(&doc, &["rows", "failures"]).into_iter();
    let mut next = || parts.next().unwrap_or_default();
    [next(), next(), next()]
}

/// The rows of the document, one item per CPTS-year of `rows` (of `p`), written in parallel
/// (in order: the bytes do not depend on the threads).
pub fn portfolio_json_rows<'r>(
    rules: &RuleSet,
    p: &Portfolio,
    rows: impl IntoIterator<Item = &'r Row>,
) -> Vec<String> {
    use rayon::prelude::*;
    let rows: Vec<&Row> = rows.into_iter().collect();
    rows.par_iter().with_min_len(64).map(|r| row_item(&row_doc(rules, p, r))).collect()
}

/// The failed records of the document, one item each (of `p`, by record index).
pub fn portfolio_json_failures<'d>(
    p: &Portfolio,
    failures: impl IntoIterator<Item = (usize, &'d [Diagnostic])>,
) -> Vec<String> {
    failures
        .into_iter()
        .map(|(i, d)| {
            let o = &p.records[i].origin;
            item(&FailureDoc {
                file: o.file.clone(),
                line: o.line,
                entry: o.entry.clone(),
                diagnostics: d.to_vec(),
            })
        })
        .collect()
}
