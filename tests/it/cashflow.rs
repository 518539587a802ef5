//! `cashflow`: money by calendar period. Properties over generated contracts (the generator of
//! `budget.rs`): for one contract the months are exactly `budget`'s calendar, and over a window
//! that covers the whole contract the sum is its five-year budget in each scenario; groups add
//! up to their period; the result does not depend on the thread count. Then CLI runs.

use crate::budget::{rules, spec, yaml};
use crate::fixtures::run;
use cpts_funding::budget::{project, Scenarios};
use cpts_funding::cashflow::{cashflow, CashFlow, Grouping, Period, Scenario, Spec, YearMonth};
use cpts_funding::portfolio;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn flow(text: &str, spec: Spec) -> Result<CashFlow, TestCaseError> {
    let p = portfolio::load(&[("prop.yaml".to_string(), text.to_string())], rules());
    let f = cashflow(rules(), &p, spec).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(f.failures.is_empty(), "{:?}\n{text}", f.failures);
    Ok(f)
}

/// A window wide enough for every payment of a contract signed in 2019–2026.
fn whole(by: Period, group: Option<Grouping>, scenario: Scenario) -> Spec {
    Spec {
        from: YearMonth { year: 2019, month: 1 },
        to: YearMonth { year: 2034, month: 12 },
        by,
        group,
        scenario,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn months_are_the_budget_calendar_and_the_window_is_the_five_year_budget(s in spec()) {
        let (text, _) = yaml(&s);
        let (c, _) = cpts_funding::input::Contract::from_text("prop.yaml", &text, rules())
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let scenarios = Scenarios::new(&c, None, rules().contract_length_years);
        let b = project(rules(), &scenarios).map_err(|e| TestCaseError::fail(e.to_string()))?;

        let f = flow(&text, whole(Period::Month, None, Scenario::Expected))?;
        // Every month with a payment in the budget is a month of the cash flow with the same
        // amount; every other month of the window is empty.
        let budget_months: Vec<(String, Decimal)> =
            b.months.iter().map(|m| (format!("{}-{:02}", m.year, m.month), m.amount)).collect();
        let flow_months: Vec<(String, Decimal)> = f
            .periods
            .iter()
            .filter(|p| p.total.payments > 0)
            .map(|p| (p.period.clone(), p.total.amount))
            .collect();
        prop_assert_eq!(flow_months, budget_months);
        prop_assert_eq!(f.total.amount, b.totals.expected);
        prop_assert_eq!(f.periods.last().map(|p| p.running_total), Some(b.totals.expected));
        prop_assert!(f.total.assumed <= f.total.amount && f.total.provisional <= f.total.amount);

        for (scenario, total) in [(Scenario::Minimum, b.totals.minimum), (Scenario::Maximum, b.totals.maximum)] {
            let f = flow(&text, whole(Period::Quarter, None, scenario))?;
            prop_assert_eq!(f.total.amount, total, "{:?}", scenario);
        }
        // Years: the budget's calendar years.
        let f = flow(&text, whole(Period::Year, None, Scenario::Expected))?;
        let years: Vec<(String, Decimal)> = f.periods.iter().filter(|p| p.total.payments > 0).map(|p| (p.period.clone(), p.total.amount)).collect();
        let budget_years: Vec<(String, Decimal)> = b.calendar_years.iter().map(|y| (y.year.to_string(), y.amount)).collect();
        prop_assert_eq!(years, budget_years);
    }

    #[test]
    fn groups_add_up_to_their_period(s in spec(), g in 0usize..5) {
        let (text, _) = yaml(&s);
        let group = [Grouping::Tier, Grouping::Mission, Grouping::Department, Grouping::Region, Grouping::Kind][g];
        let f = flow(&text, whole(Period::Quarter, Some(group), Scenario::Expected))?;
        for p in &f.periods {
            let sum: Decimal = p.groups.values().map(|s| s.amount).sum();
            prop_assert_eq!(sum, p.total.amount, "{}", p.period);
            let n: usize = p.groups.values().map(|s| s.payments).sum();
            prop_assert_eq!(n, p.total.payments);
        }
        let sum: Decimal = f.groups.values().map(|s| s.amount).sum();
        prop_assert_eq!(sum, f.total.amount);
    }
}

#[test]
fn a_portfolio_cash_flow_does_not_depend_on_the_thread_count() {
    let text = std::fs::read_to_string(
        crate::fixtures::root().join("fixtures/portfolio/sample-800-synthetic.csv"),
    )
    .unwrap();
    let p = portfolio::load(&[("sample.csv".to_string(), text)], rules());
    let spec = Spec {
        from: YearMonth { year: 2025, month: 1 },
        to: YearMonth { year: 2026, month: 12 },
        by: Period::Month,
        group: Some(Grouping::Mission),
        scenario: Scenario::Expected,
    };
    let on = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| cashflow(rules(), &p, spec).unwrap())
    };
    assert_eq!(on(1), on(4));
}

#[test]
fn the_cli_writes_the_documented_json_and_refuses_a_bad_window() {
    let (code, out, err) = run(&[
        "cashflow",
        "fixtures/budget/t2-expected-in-contract/contract.yaml",
        "--from",
        "2024-01",
        "--to",
        "2029-12",
        "--by",
        "quarter",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["by"], "quarter");
    assert_eq!(doc["periods"][0]["period"], "2024-Q1");
    assert_eq!(doc["periods"].as_array().unwrap().len(), 24);
    // The five-year budget of this contract (README, Budget): 997 044,29 €.
    assert_eq!(doc["total"], "997044.29");
    let (code, budget, _) = run(&[
        "budget",
        "fixtures/budget/t2-expected-in-contract/contract.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let budget: serde_json::Value = serde_json::from_str(&budget).unwrap();
    assert_eq!(doc["total"], budget["totals"]["expected"]);

    let (code, _, err) = run(&["cashflow", "x.csv", "--from", "2025-13", "--to", "2026-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("--from: error[E0002]"), "{err}");
    let (code, _, err) = run(&["cashflow", "x.csv", "--from", "2026-01", "--to", "2025-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("is before --from"), "{err}");
}
