//! The versioned JSON document of a projection (`"kind": "projection"`).

use super::Report;
use crate::money::format_plain;
use crate::project::{Comparison, Projection};
use crate::report::amount;
use crate::report::portfolio::json_out::RulesDoc;
use crate::rules::RuleSet;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct ComparisonDoc {
    amount: String,
    source: String,
    gap: String,
    gap_percent: Option<String>,
}

#[derive(Serialize)]
struct YearDoc {
    year: i32,
    signatures: usize,
    under_contract: usize,
    cash: String,
    provisional: String,
    by_kind: BTreeMap<String, String>,
    by_tier: BTreeMap<String, String>,
    by_mission: BTreeMap<String, String>,
    contract_years: String,
    contract_years_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<ComparisonDoc>,
}

fn amounts(m: &BTreeMap<String, Decimal>) -> BTreeMap<String, String> {
    m.iter().map(|(k, v)| (k.clone(), amount(*v))).collect()
}

fn years_doc(p: &Projection, cmp: &BTreeMap<i32, Comparison>) -> Vec<YearDoc> {
    p.years
        .iter()
        .map(|y| YearDoc {
            year: y.year,
            signatures: y.signatures,
            under_contract: y.under_contract,
            cash: amount(y.cash),
            provisional: amount(y.provisional),
            by_kind: amounts(&y.by_kind),
            by_tier: amounts(&y.by_tier),
            by_mission: amounts(&y.by_mission),
            contract_years: amount(y.contract_years),
            contract_years_count: y.contract_years_count,
            published: cmp.get(&y.year).map(|c| ComparisonDoc {
                amount: amount(c.published),
                source: c.source.clone(),
                gap: amount(c.gap),
                gap_percent: c.gap_percent.map(format_plain),
            }),
        })
        .collect()
}

#[derive(Serialize)]
struct ScenarioDoc {
    id: String,
    title: String,
    file: String,
    sha256: String,
    seed: u64,
}

#[derive(Serialize)]
struct VariantDoc {
    id: String,
    title: String,
    file: String,
}

#[derive(Serialize)]
struct DeltaDoc {
    year: i32,
    cash: String,
    contract_years: String,
}

#[derive(Serialize)]
struct UnderVariantDoc {
    variants: Vec<VariantDoc>,
    years: Vec<YearDoc>,
    delta: Vec<DeltaDoc>,
}

#[derive(Serialize)]
struct ProjectionDoc {
    format_version: u32,
    kind: &'static str,
    engine_version: &'static str,
    rules: RulesDoc,
    scenario: ScenarioDoc,
    from: i32,
    to: i32,
    contracts: usize,
    failed: usize,
    years: Vec<YearDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<UnderVariantDoc>,
}

/// The projection as the versioned JSON document (`"kind": "projection"`); `rules` are the
/// base rules.
pub fn json(rules: &RuleSet, r: &Report) -> String {
    let (s, p) = (r.scenario, r.base);
    let cmp: BTreeMap<i32, Comparison> =
        p.compare(&s.published).into_iter().map(|c| (c.year, c)).collect();
    let doc = ProjectionDoc {
        format_version: 1,
        kind: "projection",
        engine_version: env!("CARGO_PKG_VERSION"),
        rules: RulesDoc { file: rules.file.clone(), sha256: rules.sha256.clone() },
        scenario: ScenarioDoc {
            id: s.id.clone(),
            title: s.title.clone(),
            file: s.file.clone(),
            sha256: s.sha256.clone(),
            seed: s.seed,
        },
        from: p.from,
        to: p.to,
        contracts: p.contracts,
        failed: p.failures.len(),
        years: years_doc(p, &cmp),
        variant: r.variant.map(|(variants, v)| UnderVariantDoc {
            variants: variants
                .iter()
                .map(|x| VariantDoc {
                    id: x.id.clone(),
                    title: x.title.clone(),
                    file: x.file.clone(),
                })
                .collect(),
            years: years_doc(v, &BTreeMap::new()),
            delta: p
                .years
                .iter()
                .zip(&v.years)
                .map(|(b, x)| DeltaDoc {
                    year: b.year,
                    cash: amount(x.cash - b.cash),
                    contract_years: amount(x.contract_years - b.contract_years),
                })
                .collect(),
        }),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
