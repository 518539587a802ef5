//! The treasurer's budget: contract years 1 to 5 of one contract, each evaluated by the engine
//! in three scenarios (minimum, expected, maximum: see [`Scenarios`]), the dated payments of the
//! expected scenario gathered by calendar year and month with a running total, and for each
//! indicator what reaching a better result would add ([`Lever`]). Pure, like `eval`: no IO, no
//! clock, no words (those are in `report`).

mod levers;
mod scenario;

pub use levers::{Goal, Lever, NextStep, Standing};
/// The JSON Schema of a scenario file (see `crate::schema`).
#[cfg(feature = "schema")]
pub use scenario::json_schema as scenario_json_schema;
pub use scenario::{
    attainment_observation, fully_reached, load_scenario, not_reached, ScenarioFile, Scenarios,
    Source,
};

use crate::calendar::Date;
use crate::eval::{evaluate, Breakdown, EvalError, Payment};
use crate::rules::RuleSet;
use chrono::Datelike;
use rust_decimal::Decimal;

/// One contract year in the three scenarios.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearBudget<'a> {
    pub contract_year: u32,
    pub minimum: Breakdown<'a>,
    pub expected: Breakdown<'a>,
    pub maximum: Breakdown<'a>,
    /// Indicators paying this year, and how many of them are measured (`results`).
    pub indicators: usize,
    pub measured: usize,
    pub levers: Vec<Lever<'a>>,
}

/// A dated payment of the expected scenario: `years[contract_year - 1].expected.schedule[index]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentRef {
    pub contract_year: u32,
    pub index: usize,
}

/// What arrives in one calendar month (expected scenario), and the running total after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    pub month: u32,
    pub amount: Decimal,
    pub running_total: Decimal,
    pub payments: Vec<PaymentRef>,
}

/// What arrives in one calendar year (expected scenario).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarYear {
    pub year: i32,
    pub amount: Decimal,
    /// Running total at the end of the year.
    pub running_total: Decimal,
}

/// Totals of the whole contract per scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScenarioTotals {
    pub minimum: Decimal,
    pub expected: Decimal,
    pub maximum: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget<'a> {
    pub rules: &'a RuleSet,
    pub scenarios: &'a Scenarios,
    pub years: Vec<YearBudget<'a>>,
    /// Every dated payment of the expected scenario, by date (then contract year).
    pub payments: Vec<PaymentRef>,
    /// The months in which something arrives, in order.
    pub months: Vec<Month>,
    pub calendar_years: Vec<CalendarYear>,
    pub totals: ScenarioTotals,
}

impl<'a> Budget<'a> {
    /// The year and the payment a [`PaymentRef`] points at.
    pub fn payment(&self, r: PaymentRef) -> Option<(&Breakdown<'a>, &Payment)> {
        let y = self.years.get(usize::try_from(r.contract_year).ok()?.checked_sub(1)?)?;
        Some((&y.expected, y.expected.schedule.get(r.index)?))
    }

    /// The first and last payment dates (none when nothing is paid).
    pub fn span(&self) -> Option<(Date, Date)> {
        let first = self.payments.first().and_then(|p| self.payment(*p))?.1.date;
        let last = self.payments.last().and_then(|p| self.payment(*p))?.1.date;
        Some((first, last))
    }
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, EvalError> {
    a.checked_add(b).ok_or(EvalError::Overflow)
}

/// Projects every contract year of the scenarios' contract.
pub fn project<'a>(rules: &'a RuleSet, s: &'a Scenarios) -> Result<Budget<'a>, EvalError> {
    let mut years = Vec::new();
    let mut totals = ScenarioTotals::default();
    for k in 1..=rules.contract_length_years {
        let expected = evaluate(rules, &s.expected, k)?;
        let minimum = evaluate(rules, &s.minimum, k)?;
        let maximum = evaluate(rules, &s.maximum, k)?;
        totals.minimum = add(totals.minimum, minimum.totals.total)?;
        totals.expected = add(totals.expected, expected.totals.total)?;
        totals.maximum = add(totals.maximum, maximum.totals.total)?;
        let levers = levers::levers(rules, s, &expected)?;
        let measured_ids = s.contract.results.get(&k).map(|r| &r.observations);
        let measured =
            levers.iter().filter(|l| measured_ids.is_some_and(|m| m.contains(l.indicator))).count();
        years.push(YearBudget {
            contract_year: k,
            indicators: levers.len(),
            measured,
            minimum,
            expected,
            maximum,
            levers,
        });
    }
    let mut payments: Vec<(Date, PaymentRef)> = Vec::new();
    for y in &years {
        for (index, p) in y.expected.schedule.iter().enumerate() {
            payments.push((p.date, PaymentRef { contract_year: y.contract_year, index }));
        }
    }
    payments.sort_by_key(|(d, r)| (*d, r.contract_year, r.index));
    let mut months: Vec<Month> = Vec::new();
    let mut calendar_years: Vec<CalendarYear> = Vec::new();
    let mut running = Decimal::ZERO;
    for (date, r) in &payments {
        let amount = years[(r.contract_year - 1) as usize].expected.schedule[r.index].amount;
        running = add(running, amount)?;
        match months.last_mut() {
            Some(m) if (m.year, m.month) == (date.year(), date.month()) => {
                m.amount = add(m.amount, amount)?;
                m.running_total = running;
                m.payments.push(*r);
            }
            _ => months.push(Month {
                year: date.year(),
                month: date.month(),
                amount,
                running_total: running,
                payments: vec![*r],
            }),
        }
        match calendar_years.last_mut() {
            Some(c) if c.year == date.year() => {
                c.amount = add(c.amount, amount)?;
                c.running_total = running;
            }
            _ => calendar_years.push(CalendarYear {
                year: date.year(),
                amount,
                running_total: running,
            }),
        }
    }
    Ok(Budget {
        rules,
        scenarios: s,
        years,
        payments: payments.into_iter().map(|(_, r)| r).collect(),
        months,
        calendar_years,
        totals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Contract;

    const CONTRACT: &str = "format_version: 1\nid: b\nname: b\npopulation: 62000\nsignature_date: 2024-03-15\nmissions:\n  - mission: acces_soins\n    start: 2024-09-15\n    indicators:\n      - {id: mt, label: mt, max: 2000, kind: binary}\n      - {id: ald, label: ald, max: 9000, kind: steps, direction: lower_is_better, steps: [{threshold: 50, amount: 9000}, {threshold: 100, amount: 6000}, {threshold: 219, amount: 3000}]}\nresults:\n  - {contract_year: 1, observations: {ald: 120}}\nexpected:\n  - {attainment: {mt: \"100\"}}\n";

    #[test]
    fn scenarios_keep_measures_and_bracket_the_expectation() {
        let (rules, _) = RuleSet::embedded().unwrap();
        let (c, _) = Contract::from_text("b.yaml", CONTRACT, &rules).unwrap();
        let s = Scenarios::new(&c, None, rules.contract_length_years);
        let b = project(&rules, &s).unwrap();
        let y1 = &b.years[0];
        // ald measured at 120 (3 000 €) in all three; mt: 0 / 2 000 / 2 000.
        assert_eq!(y1.minimum.totals.variable, Decimal::from(3000));
        assert_eq!(y1.expected.totals.variable, Decimal::from(5000));
        assert_eq!(y1.maximum.totals.variable, Decimal::from(5000));
        assert_eq!((y1.indicators, y1.measured), (2, 1));
        let ald = y1.levers.iter().find(|l| &*l.indicator.id == "ald").unwrap();
        let gains: Vec<Decimal> = ald.next.iter().map(|n| n.gain).collect();
        assert_eq!(gains, [Decimal::from(3000), Decimal::from(6000)]);
        let paid: Decimal = b.months.iter().map(|m| m.amount).sum();
        assert_eq!(paid, b.totals.expected);
        assert_eq!(b.months.last().unwrap().running_total, b.totals.expected);
    }
}
