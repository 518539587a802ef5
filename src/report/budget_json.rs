//! The `budget --format json` document (`format_version` 1): the contract years in the three
//! scenarios, the dated payments and the what-it-takes of the expected scenario, the calendar,
//! and a receipt. Amounts are strings with two decimals, like every JSON output. Documented in
//! README.md; changing a key means a new format_version.

use super::json::{CptsDoc, PaymentDoc, PeriodDoc, WarningDoc};
use super::{amount, payment_kind_name, payment_label};
use crate::audit::line_id;
use crate::budget::{Budget, Goal, Lever, Source, Standing};
use crate::eval::Totals;
use crate::input::{Direction, Observation};
use crate::money::format_plain;
use serde::Serialize;

#[derive(Serialize)]
struct BudgetDoc {
    format_version: u32,
    cpts: CptsDoc,
    signature_date: String,
    expectations: ExpectationsDoc,
    totals: ScenarioDoc,
    years: Vec<YearDoc>,
    calendar: CalendarDoc,
    receipt: ReceiptDoc,
}

#[derive(Serialize)]
struct ExpectationsDoc {
    /// `none`, `contract` or `file`.
    source: &'static str,
    file: Option<String>,
}

#[derive(Serialize)]
struct ScenarioDoc {
    minimum: String,
    expected: String,
    maximum: String,
}

#[derive(Serialize)]
struct TotalsDoc {
    total: String,
    fonctionnement: String,
    fixed: String,
    variable: String,
    crisis: String,
}

#[derive(Serialize)]
struct YearDoc {
    contract_year: u32,
    period: PeriodDoc,
    tier: String,
    text: String,
    indicators: usize,
    measured: usize,
    minimum: TotalsDoc,
    expected: TotalsDoc,
    maximum: TotalsDoc,
    payments: Vec<PaymentDoc>,
    what_it_takes: Vec<LeverDoc>,
    warnings: Vec<WarningDoc>,
}

#[derive(Serialize)]
struct LeverDoc {
    line: String,
    mission: String,
    indicator: String,
    label: String,
    /// `measured`, `expected`, `attainment` or `none`.
    standing: &'static str,
    /// The observation used (`"120"`, `"true"`), none when neither measured nor expected.
    observed: Option<String>,
    /// The expected attainment, a fraction of the maximum (`"0.5"`), for `attainment`.
    attainment: Option<String>,
    amount: String,
    next: Vec<NextDoc>,
}

#[derive(Serialize)]
struct NextDoc {
    /// `reached` (binary), `step` or `target` (linear).
    goal: &'static str,
    /// `≤` or `≥` for a step.
    operator: Option<&'static str>,
    /// The threshold of a step, the target of a linear indicator.
    value: Option<String>,
    pays: String,
    gain: String,
}

#[derive(Serialize)]
struct CalendarDoc {
    months: Vec<MonthDoc>,
    years: Vec<CalendarYearDoc>,
}

#[derive(Serialize)]
struct MonthDoc {
    year: i32,
    month: u32,
    amount: String,
    running_total: String,
}

#[derive(Serialize)]
struct CalendarYearDoc {
    year: i32,
    amount: String,
    running_total: String,
}

#[derive(Serialize)]
struct ReceiptDoc {
    engine_version: &'static str,
    rules_file: String,
    rules_sha256: String,
    input_file: String,
    input_sha256: String,
    scenario_file: Option<String>,
    scenario_sha256: Option<String>,
}

fn totals(t: &Totals) -> TotalsDoc {
    TotalsDoc {
        total: amount(t.total),
        fonctionnement: amount(t.fonctionnement),
        fixed: amount(t.fixed),
        variable: amount(t.variable),
        crisis: amount(t.crisis),
    }
}

fn observed(o: Observation) -> String {
    match o {
        Observation::Reached(r) => r.to_string(),
        Observation::Value(v) => format_plain(v),
    }
}

fn lever(b: &crate::eval::Breakdown, l: &Lever) -> LeverDoc {
    let (standing, obs, attainment) = match l.standing {
        Standing::Measured(o) => ("measured", Some(observed(o)), None),
        Standing::Expected(o) => ("expected", Some(observed(o)), None),
        Standing::Attainment { fraction, observation } => {
            ("attainment", Some(observed(observation)), Some(format_plain(fraction)))
        }
        Standing::Unknown => ("none", None, None),
    };
    LeverDoc {
        line: line_id(&b.lines[l.line]),
        mission: l.mission.id.clone(),
        indicator: l.indicator.id.to_string(),
        label: l.indicator.label.to_string(),
        standing,
        observed: obs,
        attainment,
        amount: amount(l.amount),
        next: l
            .next
            .iter()
            .map(|n| {
                let (goal, operator, value) = match n.goal {
                    Goal::Reached => ("reached", None, None),
                    Goal::Step { threshold, direction, .. } => (
                        "step",
                        Some(if direction == Direction::HigherIsBetter { "≥" } else { "≤" }),
                        Some(format_plain(threshold)),
                    ),
                    Goal::Target { target } => ("target", None, Some(format_plain(target))),
                };
                NextDoc { goal, operator, value, pays: amount(n.pays), gain: amount(n.gain) }
            })
            .collect(),
    }
}

/// The `budget --format json` document.
pub fn budget(budget: &Budget) -> String {
    let c = &budget.scenarios.contract;
    let (source, file, sha) = match &budget.scenarios.source {
        Source::None => ("none", None, None),
        Source::Contract => ("contract", None, None),
        Source::File { file, sha256 } => ("file", Some(file.clone()), Some(sha256.clone())),
    };
    let years = budget
        .years
        .iter()
        .map(|y| {
            let b = &y.expected;
            YearDoc {
                contract_year: y.contract_year,
                period: PeriodDoc {
                    from: b.from.to_string(),
                    to: b.to.pred_opt().unwrap_or(b.to).to_string(),
                },
                tier: b.tier.id.clone(),
                text: b.text.id.clone(),
                indicators: y.indicators,
                measured: y.measured,
                minimum: totals(&y.minimum.totals),
                expected: totals(&b.totals),
                maximum: totals(&y.maximum.totals),
                payments: b
                    .schedule
                    .iter()
                    .map(|p| PaymentDoc {
                        date: p.date.to_string(),
                        kind: payment_kind_name(p.kind),
                        line: line_id(&b.lines[p.line]),
                        label: payment_label(b, p),
                        amount: amount(p.amount),
                    })
                    .collect(),
                what_it_takes: y.levers.iter().map(|l| lever(b, l)).collect(),
                warnings: b
                    .warnings
                    .iter()
                    .map(|w| WarningDoc { code: w.code(), message: w.message() })
                    .collect(),
            }
        })
        .collect();
    let doc = BudgetDoc {
        format_version: super::json::FORMAT_VERSION,
        cpts: CptsDoc {
            id: c.id.clone(),
            name: c.name.clone(),
            region: c.region.clone(),
            department: c.department.clone(),
        },
        signature_date: c.signature.to_string(),
        expectations: ExpectationsDoc { source, file: file.clone() },
        totals: ScenarioDoc {
            minimum: amount(budget.totals.minimum),
            expected: amount(budget.totals.expected),
            maximum: amount(budget.totals.maximum),
        },
        years,
        calendar: CalendarDoc {
            months: budget
                .months
                .iter()
                .map(|m| MonthDoc {
                    year: m.year,
                    month: m.month,
                    amount: amount(m.amount),
                    running_total: amount(m.running_total),
                })
                .collect(),
            years: budget
                .calendar_years
                .iter()
                .map(|c| CalendarYearDoc {
                    year: c.year,
                    amount: amount(c.amount),
                    running_total: amount(c.running_total),
                })
                .collect(),
        },
        receipt: ReceiptDoc {
            engine_version: env!("CARGO_PKG_VERSION"),
            rules_file: budget.rules.file.clone(),
            rules_sha256: budget.rules.sha256.clone(),
            input_file: c.file.clone(),
            input_sha256: c.sha256.clone(),
            scenario_file: file,
            scenario_sha256: sha,
        },
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
