//! The portfolio JSON document (`"kind": "portfolio"`, `format_version` 1; README.md,
//! *Portfolios*): the selection, the rules (and variants) used, the summary, one object per
//! CPTS-year, the sums by tier, mission, region and department, and every failed record with its
//! diagnostics. Amounts are strings with two decimals.

use crate::diagnostic::Diagnostic;
use crate::portfolio::{Aggregates, Portfolio, Row, Run, Selection, Summary, Sums};
use crate::report::amount;
use crate::report::json_parts::{item, split_at_lists, JsonList};
use crate::rules::RuleSet;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// An amount, written as the string `"1234.50"` straight into the document (no `String` per
/// amount).
struct Money(rust_decimal::Decimal);

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&crate::money::TwoDp(self.0))
    }
}

/// A date, written `"YYYY-MM-DD"`.
struct Day(crate::calendar::Date);

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

#[derive(Serialize)]
struct PeriodDoc {
    from: Day,
    to: Day,
}

#[derive(Serialize)]
struct SourceDoc<'a> {
    file: &'a str,
    line: Option<usize>,
    entry: Option<&'a str>,
}

/// One CPTS-year, borrowing from the portfolio and the rules: serialised once, never owned.
#[derive(Serialize)]
struct RowDoc<'a> {
    id: &'a str,
    name: &'a str,
    region: Option<&'a str>,
    department: Option<&'a str>,
    contract_year: u32,
    period: PeriodDoc,
    text: &'a str,
    tier: &'a str,
    population: u64,
    fonctionnement: Money,
    fixed: Money,
    variable: Money,
    crisis: Money,
    total: Money,
    advances: Money,
    /// The part of `total` resting on provisional cells.
    provisional: Money,
    missions: BTreeMap<&'a str, Money>,
    warnings: &'a [crate::diagnostic::Code],
    source: SourceDoc<'a>,
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

fn row_doc<'a>(rules: &'a RuleSet, p: &'a Portfolio, r: &'a Row) -> RowDoc<'a> {
    let c = &p.contracts[r.contract];
    let o = &p.records[r.record].origin;
    RowDoc {
        id: &c.id,
        name: &c.name,
        region: c.region.as_deref(),
        department: c.department.as_deref(),
        contract_year: r.contract_year,
        period: PeriodDoc { from: Day(r.from), to: Day(r.to.pred_opt().unwrap_or(r.to)) },
        text: rules.texts.get(r.text).map_or("", |t| &t.id),
        tier: rules.tiers.get(r.tier).map_or("", |t| &t.id),
        population: r.population,
        fonctionnement: Money(r.totals.fonctionnement),
        fixed: Money(r.totals.fixed),
        variable: Money(r.totals.variable),
        crisis: Money(r.totals.crisis),
        total: Money(r.totals.total),
        advances: Money(r.advances),
        provisional: Money(r.totals.provisional),
        missions: rules
            .missions
            .iter()
            .zip(&r.missions)
            .filter(|(_, a)| a.paid)
            .map(|(m, a)| (m.id.as_str(), Money(a.total())))
            .collect(),
        warnings: &r.warnings,
        source: SourceDoc { file: &o.file, line: o.line, entry: o.entry.as_deref() },
    }
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

/// [`item`] of a row, written by hand: the bytes `serde_json`'s pretty printer gives (the test
/// `row_items_are_the_pretty_printers_bytes` compares them), at a tenth of its cost, as the rows
/// are most of the document.
fn row_item(d: &RowDoc) -> String {
    let mut o = String::with_capacity(768);
    let key = |o: &mut String, k: &str| {
        o.push_str("      \"");
        o.push_str(k);
        o.push_str("\": ");
    };
    let text = |o: &mut String, k: &str, v: Option<&str>| {
        key(o, k);
        match v {
            Some(v) => push_json_str(o, v),
            None => o.push_str("null"),
        }
        o.push_str(",\n");
    };
    let money = |o: &mut String, k: &str, v: &Money| {
        key(o, k);
        o.push('"');
        crate::money::push_2dp(o, v.0);
        o.push_str("\",\n");
    };
    o.push_str("    {\n");
    text(&mut o, "id", Some(d.id));
    text(&mut o, "name", Some(d.name));
    text(&mut o, "region", d.region);
    text(&mut o, "department", d.department);
    key(&mut o, "contract_year");
    o.push_str(&format!("{},\n", d.contract_year));
    key(&mut o, "period");
    o.push_str(&format!(
        "{{\n        \"from\": \"{}\",\n        \"to\": \"{}\"\n      }},\n",
        d.period.from.0, d.period.to.0
    ));
    text(&mut o, "text", Some(d.text));
    text(&mut o, "tier", Some(d.tier));
    key(&mut o, "population");
    o.push_str(&format!("{},\n", d.population));
    money(&mut o, "fonctionnement", &d.fonctionnement);
    money(&mut o, "fixed", &d.fixed);
    money(&mut o, "variable", &d.variable);
    money(&mut o, "crisis", &d.crisis);
    money(&mut o, "total", &d.total);
    money(&mut o, "advances", &d.advances);
    money(&mut o, "provisional", &d.provisional);
    key(&mut o, "missions");
    if d.missions.is_empty() {
        o.push_str("{},\n");
    } else {
        o.push_str("{\n");
        for (i, (m, v)) in d.missions.iter().enumerate() {
            o.push_str(if i == 0 { "        " } else { ",\n        " });
            push_json_str(&mut o, m);
            o.push_str(": \"");
            crate::money::push_2dp(&mut o, v.0);
            o.push('"');
        }
        o.push_str("\n      },\n");
    }
    key(&mut o, "warnings");
    if d.warnings.is_empty() {
        o.push_str("[],\n");
    } else {
        o.push_str("[\n");
        for (i, w) in d.warnings.iter().enumerate() {
            o.push_str(if i == 0 { "        " } else { ",\n        " });
            push_json_str(&mut o, w.as_str());
        }
        o.push_str("\n      ],\n");
    }
    key(&mut o, "source");
    o.push_str("{\n        \"file\": ");
    push_json_str(&mut o, d.source.file);
    o.push_str(",\n        \"line\": ");
    match d.source.line {
        Some(l) => o.push_str(&l.to_string()),
        None => o.push_str("null"),
    }
    o.push_str(",\n        \"entry\": ");
    match d.source.entry {
        Some(e) => push_json_str(&mut o, e),
        None => o.push_str("null"),
    }
    o.push_str("\n      }\n    }");
    o
}

/// `s` as a JSON string, escaped as `serde_json` escapes it: `"` and `\\`, the control
/// characters (`\\n`, `\\t`... or `\\u00xx`); nothing else.
fn push_json_str(o: &mut String, s: &str) {
    o.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        o.push_str(&s[plain..i]);
        if escape.is_empty() {
            o.push_str(&format!("\\u{b:04x}"));
        } else {
            o.push_str(escape);
        }
        plain = i + 1;
    }
    o.push_str(&s[plain..]);
    o.push('"');
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;
    use crate::diagnostic::Code;
    use crate::portfolio::{self, Selection};
    use rust_decimal::Decimal;

    /// The hand-written row is the pretty printer's: on every row of the shipped portfolios
    /// (names with commas and accents, regions, warnings, several missions), and on rows with
    /// every string escape, nulls and empty lists.
    #[test]
    fn row_items_are_the_pretty_printers_bytes() {
        let rules = RuleSet::embedded().expect("embedded rules").0;
        let mut rows = 0;
        for file in ["example.csv", "sample-800-synthetic.csv", "example.json"] {
            let path = format!("{}/fixtures/portfolio/{file}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).expect("a shipped portfolio");
            let p = portfolio::load(&[(file.to_string(), text)], &rules);
            let run = portfolio::evaluate(&rules, &p, Selection::All, &|| ());
            for r in run.rows() {
                let d = row_doc(&rules, &p, r);
                assert_eq!(row_item(&d), item(&d), "{file}: {}", d.id);
                rows += 1;
            }
        }
        assert!(rows > 800, "{rows} rows");
        let day = |s| Day(parse_date(s).expect("a date"));
        let amount = |s: &str| Money(s.parse::<Decimal>().expect("an amount"));
        let odd = "q\"b\\s/n\nr\rt\tb\u{8}f\u{c}u\u{1}\u{1f}\u{7f}é€ end";
        let warnings = [Code::W0502, Code::W0509];
        for (name, region, missions, warnings, line, entry) in [
            (odd, None, BTreeMap::new(), &warnings[..0], None, None),
            (
                "",
                Some(odd),
                BTreeMap::from([(odd, amount("-0.5"))]),
                &warnings[..],
                Some(7),
                Some(odd),
            ),
        ] {
            let d = RowDoc {
                id: odd,
                name,
                region,
                department: region,
                contract_year: 5,
                period: PeriodDoc { from: day("2024-02-29"), to: day("2025-02-27") },
                text: odd,
                tier: "",
                population: u64::MAX,
                fonctionnement: amount("79228162514264337593543950335"),
                fixed: amount("0"),
                variable: amount("-1234.565"),
                crisis: amount("0.000"),
                total: amount("1e3"),
                advances: amount("12.3"),
                provisional: amount("-0"),
                missions,
                warnings,
                source: SourceDoc { file: odd, line, entry },
            };
            assert_eq!(row_item(&d), item(&d));
        }
    }
}
