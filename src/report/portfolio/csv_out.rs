//! A portfolio as one CSV table that a spreadsheet opens as is: one row per CPTS-year
//! (`level` = `cpts`), then the sums in the same columns (`level` = `tier`, `mission`, `region`,
//! `department`, `total`). Amounts have two decimals, with a point, or with a comma for French
//! Excel (`--decimal-comma`); the separator is `,` or what is asked (`;` for French Excel); a
//! UTF-8 BOM on request. Columns are documented in README.md (*CSV columns*).

use crate::portfolio::{Aggregates, MissionSums, Portfolio, Row, Run, Sums};
use crate::rules::RuleSet;

pub use crate::report::csv_writer::{Count, CsvOptions, CsvWriter};

/// The header of the portfolio CSV.
pub fn columns(rules: &RuleSet) -> Vec<String> {
    let mut v: Vec<String> = [
        "level",
        "group",
        "id",
        "name",
        "region",
        "department",
        "contract_year",
        "from",
        "to",
        "text",
        "tier",
        "population",
        "cpts_years",
        "fonctionnement",
        "fixed",
        "variable",
        "crisis",
        "total",
        "advances",
        "provisional",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(rules.missions.iter().map(|m| m.id.clone()));
    v.extend(["warnings".to_string(), "source".to_string()]);
    v
}

fn row(w: &mut CsvWriter, rules: &RuleSet, p: &Portfolio, r: &Row) {
    w.cpts(&p.contracts[r.contract]);
    w.count(r.contract_year);
    w.date(r.from);
    w.date(r.to.pred_opt().unwrap_or(r.to));
    w.field(rules.texts.get(r.text).map_or("", |t| t.id.as_str()));
    w.field(rules.tiers.get(r.tier).map_or("", |t| t.id.as_str()));
    w.count(r.population);
    w.count(1);
    for v in [
        r.totals.fonctionnement,
        r.totals.fixed,
        r.totals.variable,
        r.totals.crisis,
        r.totals.total,
        r.advances,
        r.totals.provisional,
    ] {
        w.amount(v);
    }
    for m in &r.missions {
        w.amount(m.total());
    }
    w.codes(&r.warnings);
    w.origin(&p.records[r.record].origin);
    w.end_row();
}

fn sums(w: &mut CsvWriter, level: &str, group: &str, tier: &str, s: &Sums) {
    w.field(level);
    w.field(group);
    for _ in 0..8 {
        w.empty();
    }
    w.field(tier);
    w.empty();
    w.count(s.cpts_years);
    for v in [
        s.totals.fonctionnement,
        s.totals.fixed,
        s.totals.variable,
        s.totals.crisis,
        s.totals.total,
        s.advances,
        s.totals.provisional,
    ] {
        w.amount(v);
    }
    for m in &s.missions {
        w.amount(m.total);
    }
    w.empty();
    w.empty();
    w.end_row();
}

fn mission(w: &mut CsvWriter, id: &str, index: usize, count: usize, m: &MissionSums) {
    w.field("mission");
    w.field(id);
    for _ in 0..10 {
        w.empty();
    }
    w.count(m.cpts_years);
    w.empty();
    for v in [m.fixed, m.variable, m.crisis, m.total] {
        w.amount(v);
    }
    w.empty();
    w.empty();
    for j in 0..count {
        if j == index {
            w.amount(m.total);
        } else {
            w.empty();
        }
    }
    w.empty();
    w.empty();
    w.end_row();
}

/// The portfolio CSV: the header, one row per CPTS-year, then (when given) the sums.
pub fn portfolio(
    rules: &RuleSet,
    p: &Portfolio,
    run: &Run,
    aggregates: Option<&Aggregates>,
    opts: CsvOptions,
) -> String {
    let mut o = header(rules, opts);
    o.push_str(&rows(rules, p, run, CsvOptions { bom: false, ..opts }));
    if let Some(a) = aggregates {
        o.push_str(&sums_rows(rules, a, CsvOptions { bom: false, ..opts }));
    }
    o.push_str(&failed_row(rules, run.summary.failed, opts));
    o
}

/// When records failed, a last row says so (`level` = `failed`, their count in `cpts_years`,
/// a sentence in `source`), so that an agent who opens only the spreadsheet sees that it is
/// incomplete; nothing when every record was computed.
pub fn failed_row(rules: &RuleSet, failed: usize, opts: CsvOptions) -> String {
    if failed == 0 {
        return String::new();
    }
    let mut w = CsvWriter::new(CsvOptions { bom: false, ..opts });
    let n = columns(rules).len();
    w.field("failed");
    for _ in 0..11 {
        w.empty();
    }
    w.count(failed);
    for _ in 13..n - 1 {
        w.empty();
    }
    w.field(&format!(
        "{failed} enregistrement(s) en erreur, absents de ce fichier et de ses sommes : voir les diagnostics"
    ));
    w.end_row();
    w.finish()
}

/// The header line (and the byte order mark when asked): the start of a streamed CSV.
pub fn header(rules: &RuleSet, opts: CsvOptions) -> String {
    let mut w = CsvWriter::new(opts);
    for c in columns(rules) {
        w.field(&c);
    }
    w.end_row();
    w.finish()
}

/// The CPTS-year rows of a run (a chunk of a streamed portfolio), without header or BOM.
pub fn rows(rules: &RuleSet, p: &Portfolio, run: &Run, opts: CsvOptions) -> String {
    let mut w = CsvWriter::new(CsvOptions { bom: false, ..opts });
    for r in run.rows() {
        row(&mut w, rules, p, r);
    }
    w.finish()
}

/// The sums' rows (by tier, mission, region, department, total), without header or BOM.
pub fn sums_rows(rules: &RuleSet, a: &Aggregates, opts: CsvOptions) -> String {
    let mut w = CsvWriter::new(CsvOptions { bom: false, ..opts });
    for (t, s) in rules.tiers.iter().zip(&a.by_tier) {
        sums(&mut w, "tier", &t.id, &t.id, s);
    }
    for (i, (m, s)) in rules.missions.iter().zip(&a.total.missions).enumerate() {
        mission(&mut w, &m.id, i, rules.missions.len(), s);
    }
    for (name, s) in &a.by_region {
        sums(&mut w, "region", name, "", s);
    }
    for (name, s) in &a.by_department {
        sums(&mut w, "department", name, "", s);
    }
    sums(&mut w, "total", "", "", &a.total);
    w.finish()
}
