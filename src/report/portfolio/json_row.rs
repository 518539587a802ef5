//! One CPTS-year of the portfolio JSON document: [`RowDoc`] borrows it from the portfolio and
//! the rules, [`row_item`] writes it by hand as `serde_json`'s pretty printer would (the rows are
//! most of the document), and the derived `Serialize` is the printer the test compares it with.

use crate::portfolio::{Portfolio, Row};
use crate::rules::RuleSet;
use serde::Serialize;
use std::collections::BTreeMap;

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
pub(super) struct RowDoc<'a> {
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

pub(super) fn row_doc<'a>(rules: &'a RuleSet, p: &'a Portfolio, r: &'a Row) -> RowDoc<'a> {
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

/// [`item`] of a row, written by hand: the bytes `serde_json`'s pretty printer gives (the test
/// `row_items_are_the_pretty_printers_bytes` compares them), at a tenth of its cost, as the rows
/// are most of the document.
pub(super) fn row_item(d: &RowDoc) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;
    use crate::diagnostic::Code;
    use crate::portfolio::{self, Selection};
    use crate::report::json_parts::item;
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
