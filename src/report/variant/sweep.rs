//! The `sweep` CSV (one row per value) and JSON document.

use crate::money::format_plain;
use crate::report::amount;
use crate::report::portfolio::csv_out::{CsvOptions, CsvWriter};
use crate::report::portfolio::json_out::RulesDoc;
use crate::rules::RuleSet;
use crate::variant::sweep::Sweep;
use serde::Serialize;

/// The `sweep` CSV: one row per value.
pub fn sweep_csv(rules: &RuleSet, s: &Sweep, opts: CsvOptions) -> String {
    let mut w = CsvWriter::new(opts);
    for c in [
        "param",
        "value",
        "cpts_years",
        "failed",
        "fonctionnement",
        "fixed",
        "variable",
        "crisis",
        "total",
        "delta",
    ] {
        w.field(c);
    }
    for t in &rules.tiers {
        w.field(&format!("total_{}", t.id));
    }
    w.field("note");
    w.end_row();
    for p in &s.points {
        w.field(&s.spec.path);
        w.number(p.value);
        match &p.result {
            Ok(t) => {
                w.count(t.rows);
                w.count(t.failed);
                for v in [
                    t.totals.fonctionnement,
                    t.totals.fixed,
                    t.totals.variable,
                    t.totals.crisis,
                    t.totals.total,
                    t.totals.total - s.base.totals.total,
                ] {
                    w.amount(v);
                }
                for v in &t.by_tier {
                    w.amount(*v);
                }
                w.empty();
            }
            Err(m) => {
                for _ in 0..(8 + rules.tiers.len()) {
                    w.empty();
                }
                w.field(m);
            }
        }
        w.end_row();
    }
    w.finish()
}

#[derive(Serialize)]
struct PointDoc {
    value: String,
    cpts_years: Option<usize>,
    failed: Option<usize>,
    total: Option<String>,
    delta: Option<String>,
    by_tier: Option<std::collections::BTreeMap<String, String>>,
    note: Option<String>,
}

#[derive(Serialize)]
struct SweepDoc {
    format_version: u32,
    kind: &'static str,
    param: String,
    from: String,
    rules: RulesDoc,
    base_total: String,
    points: Vec<PointDoc>,
}

/// The `sweep --format json` document.
pub fn sweep_json(rules: &RuleSet, s: &Sweep) -> String {
    let doc = SweepDoc {
        format_version: 1,
        kind: "sweep",
        param: s.spec.path.clone(),
        from: s.spec.from.to_string(),
        rules: RulesDoc { file: rules.file.clone(), sha256: rules.sha256.clone() },
        base_total: amount(s.base.totals.total),
        points: s
            .points
            .iter()
            .map(|p| match &p.result {
                Ok(t) => PointDoc {
                    value: format_plain(p.value),
                    cpts_years: Some(t.rows),
                    failed: Some(t.failed),
                    total: Some(amount(t.totals.total)),
                    delta: Some(amount(t.totals.total - s.base.totals.total)),
                    by_tier: Some(
                        rules
                            .tiers
                            .iter()
                            .zip(&t.by_tier)
                            .map(|(tier, v)| (tier.id.clone(), amount(*v)))
                            .collect(),
                    ),
                    note: None,
                },
                Err(m) => PointDoc {
                    value: format_plain(p.value),
                    cpts_years: None,
                    failed: None,
                    total: None,
                    delta: None,
                    by_tier: None,
                    note: Some(m.clone()),
                },
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
