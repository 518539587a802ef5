//! Tests as data, for rule authors (in the spirit of OpenFisca's YAML tests): a case file lists
//! cases, each naming what to compute — a contract (a file, or inline) for a contract year or
//! the year starting in a calendar year, or the maxima per tier at a date — optional rules and
//! variants, and the amounts expected (total, per category, per line id, dated payments, the
//! tier, the maxima). [`run`] compares and lists every mismatch; nothing stops at the first.
//!
//! The library reads no file: [`parse`] gives each case with the paths it names (relative to the
//! case file), the front-end loads them and calls [`run`] with what they hold.

use crate::calendar::{parse_date, Date};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::Selection;
use crate::money::parse_decimal;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

mod run;
pub use run::{contract_of, run, Mismatch, Outcome};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaseFile {
    format_version: u32,
    #[serde(default)]
    title: Option<String>,
    cases: Vec<RawCase>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    /// Where the expected figures come from (a publication, a declared choice, a hand
    /// computation).
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    rules: Option<String>,
    #[serde(default)]
    variants: Vec<String>,
    #[serde(default)]
    contract_file: Option<String>,
    /// A contract written in the case, as a YAML block (`contract: |`).
    #[serde(default)]
    contract: Option<String>,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    contract_year: Option<u32>,
    /// A `max` case: the maxima per tier under the text in force on this date.
    #[serde(default)]
    max_date: Option<String>,
    expect: RawExpect,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    fonctionnement: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    variable: Option<String>,
    #[serde(default)]
    crisis: Option<String>,
    #[serde(default)]
    lines: BTreeMap<String, String>,
    #[serde(default)]
    payments: Vec<RawPayment>,
    #[serde(default)]
    warnings: Vec<String>,
    #[serde(default)]
    maxima: BTreeMap<String, RawMax>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPayment {
    date: String,
    amount: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMax {
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    total_with_crisis: Option<String>,
}

/// What a case computes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A contract: a file (relative to the case file) or its text inline, with the line of the
    /// case file where the inline text starts (to locate its diagnostics).
    ContractFile(String),
    Inline {
        text: String,
        line: usize,
        column: usize,
    },
    /// The maxima per tier on a date.
    Max(Date),
}

/// One case, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub index: usize,
    pub name: String,
    pub source: Option<String>,
    pub rules: Option<String>,
    pub variants: Vec<String>,
    pub subject: Subject,
    pub selection: Selection,
    pub expect: Expect,
}

/// The expected figures of a case (amounts exact, as written).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expect {
    pub tier: Option<String>,
    /// `total`, `fonctionnement`, `fixed`, `variable`, `crisis`, in that order when given.
    pub totals: Vec<(&'static str, Decimal)>,
    pub lines: Vec<(String, Decimal)>,
    pub payments: Vec<(Date, Decimal)>,
    pub warnings: Vec<String>,
    /// Per tier id: the maximum without and with a recognised crisis.
    pub maxima: Vec<(String, Option<Decimal>, Option<Decimal>)>,
}

/// A case file, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    pub file: String,
    pub title: Option<String>,
    pub cases: Vec<Case>,
}

/// Parses and validates a case file; every problem is returned, located.
pub fn parse(file: &str, text: &str) -> Result<CaseFile, Vec<Diagnostic>> {
    let (raw, loc) = crate::yaml::parse::<RawCaseFile>(file, text).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    if raw.format_version != 1 {
        errors.push(Diagnostic::error(
            Code::E0216,
            format!("format_version {} is not supported (this engine reads 1)", raw.format_version),
            loc.at("format_version"),
        ));
    }
    let mut cases = Vec::new();
    for (i, c) in raw.cases.iter().enumerate() {
        let at = |p: &str| loc.at(&format!("cases[{i}].{p}"));
        let mut bad =
            |code: Code, p: &str, m: String| errors.push(Diagnostic::error(code, m, at(p)));
        let subject = match (&c.contract_file, &c.contract, &c.max_date) {
            (Some(f), None, None) => Some(Subject::ContractFile(f.clone())),
            (None, Some(t), None) => {
                let l = at("contract");
                // A block (`contract: |`) starts on the line after its indicator.
                let line = l.line.map_or(1, |n| n + 1);
                let column = text
                    .lines()
                    .nth(line.saturating_sub(1))
                    .map_or(1, |s| s.len() - s.trim_start().len() + 1);
                Some(Subject::Inline { text: t.clone(), line, column })
            }
            (None, None, Some(d)) => match parse_date(d) {
                Ok(d) => Some(Subject::Max(d)),
                Err(m) => {
                    bad(Code::E0205, "max_date", m);
                    None
                }
            },
            _ => {
                bad(
                    Code::E0104,
                    "name",
                    format!(
                        "case `{}`: give exactly one of `contract_file`, `contract` or `max_date`",
                        c.name
                    ),
                );
                None
            }
        };
        let mut money = |p: String, v: &str| match parse_decimal(v) {
            Ok(d) => Some(d),
            Err(m) => {
                errors.push(Diagnostic::error(Code::E0206, m, loc.at(&format!("cases[{i}].{p}"))));
                None
            }
        };
        let e = &c.expect;
        let mut expect =
            Expect { tier: e.tier.clone(), warnings: e.warnings.clone(), ..Expect::default() };
        for (name, v) in [
            ("total", &e.total),
            ("fonctionnement", &e.fonctionnement),
            ("fixed", &e.fixed),
            ("variable", &e.variable),
            ("crisis", &e.crisis),
        ] {
            if let Some(v) = v {
                if let Some(d) = money(format!("expect.{name}"), v) {
                    expect.totals.push((name, d));
                }
            }
        }
        for (id, v) in &e.lines {
            if let Some(d) = money(format!("expect.lines.{id}"), v) {
                expect.lines.push((id.clone(), d));
            }
        }
        let mut date_errors = Vec::new();
        for (j, p) in e.payments.iter().enumerate() {
            let date = match parse_date(&p.date) {
                Ok(d) => Some(d),
                Err(m) => {
                    date_errors.push(Diagnostic::error(
                        Code::E0205,
                        m,
                        loc.at(&format!("cases[{i}].expect.payments[{j}].date")),
                    ));
                    None
                }
            };
            let amount = money(format!("expect.payments[{j}].amount"), &p.amount);
            if let (Some(d), Some(a)) = (date, amount) {
                expect.payments.push((d, a));
            }
        }
        for (tier, m) in &e.maxima {
            let total =
                m.total.as_deref().and_then(|v| money(format!("expect.maxima.{tier}.total"), v));
            let with = m
                .total_with_crisis
                .as_deref()
                .and_then(|v| money(format!("expect.maxima.{tier}.total_with_crisis"), v));
            expect.maxima.push((tier.clone(), total, with));
        }
        errors.extend(date_errors);
        if let Some(subject) = subject {
            cases.push(Case {
                index: i,
                name: c.name.clone(),
                source: c.source.clone(),
                rules: c.rules.clone(),
                variants: c.variants.clone(),
                subject,
                selection: Selection::new(c.year, c.contract_year),
                expect,
            });
        }
    }
    if errors.is_empty() {
        Ok(CaseFile { file: file.to_string(), title: raw.title, cases })
    } else {
        Err(errors)
    }
}
