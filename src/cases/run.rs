//! Running a case: its contract (inline or a file), its evaluation, and every difference from
//! what it expects.

use super::{Case, Expect, Subject};
use crate::calendar::Date;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::eval::{evaluate, max_per_tier, Breakdown, EvalError};
use crate::input::Contract;
use crate::rules::RuleSet;
use rust_decimal::Decimal;

/// One difference between what a case expects and what the engine computes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// What differs: `total`, `lines.acces_soins.fixed`, `payments[2]`, `maxima.t4.total`, …
    pub what: String,
    pub expected: String,
    pub actual: String,
}

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// The engine computed something else: every difference.
    Fail(Vec<Mismatch>),
    /// The case could not be computed (its contract is invalid, the year is outside it, …).
    Error(Vec<Diagnostic>),
}

fn mismatch(what: impl Into<String>, expected: impl ToString, actual: impl ToString) -> Mismatch {
    Mismatch { what: what.into(), expected: expected.to_string(), actual: actual.to_string() }
}

fn amount(d: Decimal) -> String {
    crate::money::format_2dp(d)
}

/// Moves the diagnostics of an inline contract to where its text is in the case file.
fn relocate(mut ds: Vec<Diagnostic>, file: &str, line: usize, column: usize) -> Vec<Diagnostic> {
    for d in &mut ds {
        d.location.file = file.to_string();
        if let Some(l) = d.location.line {
            d.location.line = Some(l + line - 1);
            d.location.column = d.location.column.map(|c| c + column - 1);
        }
    }
    ds
}

/// Validates the contract of a case against `rules`: a file's text, or the inline text.
pub fn contract_of(
    case: &Case,
    case_file: &str,
    rules: &RuleSet,
    file_text: Option<(&str, &str)>,
) -> Result<Contract, Vec<Diagnostic>> {
    match (&case.subject, file_text) {
        (Subject::ContractFile(_), Some((name, text))) => {
            Contract::from_text(name, text, rules).map(|(c, _)| c)
        }
        (Subject::Inline { text, line, column }, _) => {
            let name = format!("{case_file} (cases[{}].contract)", case.index);
            Contract::from_text(&name, text, rules)
                .map(|(c, _)| c)
                .map_err(|ds| relocate(ds, case_file, *line, *column))
        }
        (Subject::ContractFile(_), None) | (Subject::Max(_), _) => Err(vec![Diagnostic::error(
            Code::E0001,
            format!("case `{}`: no contract to read", case.name),
            Location::file(case_file),
        )]),
    }
}

/// Runs a case under `rules` (variants already applied) on `contract` (none for a `max` case).
pub fn run(case: &Case, rules: &RuleSet, contract: Option<&Contract>) -> Outcome {
    let mut out = Vec::new();
    match (&case.subject, contract) {
        (Subject::Max(date), _) => match max_per_tier(rules, *date) {
            Ok(t) => {
                for (tier, total, with) in &case.expect.maxima {
                    let Some(row) = t.rows.iter().find(|r| r.tier.id == *tier) else {
                        out.push(mismatch(format!("maxima.{tier}"), "a tier", "no such tier"));
                        continue;
                    };
                    if let Some(e) = total.filter(|e| *e != row.total) {
                        out.push(mismatch(
                            format!("maxima.{tier}.total"),
                            amount(e),
                            amount(row.total),
                        ));
                    }
                    if let Some(e) = with.filter(|e| *e != row.total_with_crisis) {
                        out.push(mismatch(
                            format!("maxima.{tier}.total_with_crisis"),
                            amount(e),
                            amount(row.total_with_crisis),
                        ));
                    }
                }
            }
            Err(e) => return Outcome::Error(vec![e.to_diagnostic(&rules.file)]),
        },
        (Subject::ContractFile(_) | Subject::Inline { .. }, Some(c)) => {
            let years = match case.selection.years(rules, c) {
                Ok(ks) => ks,
                Err(e) => return Outcome::Error(vec![e.to_diagnostic(&c.file)]),
            };
            if years.len() != 1 {
                return Outcome::Error(vec![Diagnostic::error(
                    Code::E0401,
                    format!(
                        "case `{}`: give `year` or `contract_year` (one contract year)",
                        case.name
                    ),
                    Location::file(&c.file),
                )]);
            }
            match evaluate(rules, c, years[0]) {
                Ok(b) => compare(&case.expect, &b, &mut out),
                Err(e) => return Outcome::Error(vec![eval_diagnostic(&e, c)]),
            }
        }
        (Subject::ContractFile(_) | Subject::Inline { .. }, None) => {
            return Outcome::Error(vec![Diagnostic::error(
                Code::E0001,
                format!("case `{}`: its contract could not be read", case.name),
                Location::file(&rules.file),
            )])
        }
    }
    if out.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail(out)
    }
}

fn eval_diagnostic(e: &EvalError, c: &Contract) -> Diagnostic {
    e.to_diagnostic(&c.file)
}

fn compare(e: &Expect, b: &Breakdown, out: &mut Vec<Mismatch>) {
    if let Some(t) = e.tier.as_ref().filter(|t| **t != b.tier.id) {
        out.push(mismatch("tier", t, &b.tier.id));
    }
    let t = &b.totals;
    for (name, expected) in &e.totals {
        let actual = match *name {
            "total" => t.total,
            "fonctionnement" => t.fonctionnement,
            "fixed" => t.fixed,
            "variable" => t.variable,
            _ => t.crisis,
        };
        if *expected != actual {
            out.push(mismatch(*name, amount(*expected), amount(actual)));
        }
    }
    for (id, expected) in &e.lines {
        let actual: Option<Decimal> = b
            .lines
            .iter()
            .filter(|l| crate::audit::line_id(l) == *id)
            .map(|l| l.amount)
            .reduce(|a, x| a + x);
        match actual {
            Some(a) if a == *expected => {}
            Some(a) => out.push(mismatch(format!("lines.{id}"), amount(*expected), amount(a))),
            None => out.push(mismatch(format!("lines.{id}"), amount(*expected), "no such line")),
        }
    }
    if !e.payments.is_empty() {
        let actual: Vec<(Date, Decimal)> = b.schedule.iter().map(|p| (p.date, p.amount)).collect();
        for (j, (d, a)) in e.payments.iter().enumerate() {
            match actual.get(j) {
                Some(x) if x == &(*d, *a) => {}
                Some((ad, aa)) => out.push(mismatch(
                    format!("payments[{j}]"),
                    format!("{d} {}", amount(*a)),
                    format!("{ad} {}", amount(*aa)),
                )),
                None => out.push(mismatch(
                    format!("payments[{j}]"),
                    format!("{d} {}", amount(*a)),
                    "none",
                )),
            }
        }
        for (j, (ad, aa)) in actual.iter().enumerate().skip(e.payments.len()) {
            out.push(mismatch(format!("payments[{j}]"), "none", format!("{ad} {}", amount(*aa))));
        }
    }
    for w in &e.warnings {
        if !b.warnings.iter().any(|x| x.code().as_str() == w) {
            out.push(mismatch(format!("warnings.{w}"), "present", "absent"));
        }
    }
}
