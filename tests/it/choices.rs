//! Each reading the rules declare under `choices` (no source settles them), pinned by a test
//! named after the choice. If one of these fails, a reading changed: update the rules' `choices`
//! text, the README and this test together.

use cpts_funding::eval::{evaluate, Breakdown, Item, PaymentKind};
use cpts_funding::input::Contract;
use cpts_funding::rules::{RuleSet, DEFAULT_RULES_TEXT};
use rust_decimal::Decimal;

pub(crate) fn rules() -> RuleSet {
    RuleSet::embedded().expect("embedded rules").0
}

pub(crate) fn contract(rules: &RuleSet, yaml: &str) -> Contract {
    Contract::from_text("test.yaml", yaml, rules).unwrap_or_else(|e| panic!("{e:?}")).0
}

pub(crate) fn line(b: &Breakdown, id: &str) -> Decimal {
    b.lines
        .iter()
        .find(|l| cpts_funding::report::audit::line_id(l) == id)
        .unwrap_or_else(|| panic!("no line {id}"))
        .amount
}

pub(crate) fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const EARLY_T1: &str = "format_version: 1\nid: early\nname: early\npopulation: 30000\nsignature_date: 2021-06-01\nmissions:\n  - {mission: acces_soins, start: 2021-06-01}\n";

#[test]
fn value_date_is_the_first_day_of_the_contract_year() {
    let r = rules();
    let c = contract(&r, EARLY_T1);
    // Year 1 starts 2021-06-01 (ACI 2019): 55 000; year 2 starts 2022-06-01 (avenant 2): 60 000.
    assert_eq!(line(&evaluate(&r, &c, 1).unwrap(), "acces_soins.fixed"), d("55000"));
    let y2 = evaluate(&r, &c, 2).unwrap();
    assert_eq!(y2.text.id, "avenant_2");
    assert_eq!(line(&y2, "acces_soins.fixed"), d("60000"));
}

#[test]
fn uplift_scope_once_for_early_signers() {
    let r = rules();
    let c = contract(&r, EARLY_T1);
    let f = |k| line(&evaluate(&r, &c, k).unwrap(), "fonctionnement");
    assert_eq!([f(1), f(2), f(3)], [d("50000"), d("87500"), d("50000")]);
    // Signed after 2021-12-31: never.
    let late = contract(&r, &EARLY_T1.replace("2021-06-01", "2022-01-10"));
    assert_eq!(line(&evaluate(&r, &late, 2).unwrap(), "fonctionnement"), d("50000"));
}

#[test]
fn uplift_scope_annual_is_one_data_change_away() {
    let text = DEFAULT_RULES_TEXT.replace("  scope: once\n", "  scope: annual\n");
    let r = RuleSet::from_text("annual.yaml", &text).unwrap().0;
    let c = contract(&r, EARLY_T1);
    assert_eq!(line(&evaluate(&r, &c, 3).unwrap(), "fonctionnement"), d("87500"));
}

#[test]
fn prorata_by_days_to_the_next_anniversary() {
    let r = rules();
    let c = contract(&r, "format_version: 1\nid: p\nname: p\npopulation: 62000\nsignature_date: 2024-03-15\nmissions:\n  - {mission: acces_soins, start: 2024-09-15}\n");
    let b = evaluate(&r, &c, 1).unwrap();
    // 75 000 × 181 / 365 = 37 191.780..., rounded half away from zero to the cent.
    assert_eq!(line(&b, "acces_soins.fixed"), d("37191.78"));
}

#[test]
fn crisis_first_year_is_plan_writing_then_plan_update() {
    let r = rules();
    let c = contract(&r, "format_version: 1\nid: c\nname: c\npopulation: 200000\nsignature_date: 2023-01-01\nmissions:\n  - {mission: crise, start: 2023-01-01}\nresults:\n  - {contract_year: 2, crisis_recognised: true}\n");
    assert_eq!(line(&evaluate(&r, &c, 1).unwrap(), "crise.fixed_first_year"), d("50000"));
    let y2 = evaluate(&r, &c, 2).unwrap();
    assert_eq!(line(&y2, "crise.fixed"), d("25000"));
    assert_eq!(line(&y2, "crise.crisis_envelope"), d("75000"));
}

#[test]
fn crisis_first_year_waits_for_the_first_year_the_mission_is_funded() {
    let r = rules();
    // Year 1 (from 2021-06-01) is under ACI 2019, where the crisis mission does not exist.
    let c = contract(&r, "format_version: 1\nid: c\nname: c\npopulation: 30000\nsignature_date: 2021-06-01\nmissions:\n  - {mission: crise, start: 2022-04-15}\n");
    let y1 = evaluate(&r, &c, 1).unwrap();
    assert!(!y1.lines.iter().any(|l| matches!(l.item, Item::Fixed { .. })));
    assert!(y1.warnings.iter().any(|w| w.code() == "W0506"));
    assert_eq!(line(&evaluate(&r, &c, 2).unwrap(), "crise.fixed_first_year"), d("25000"));
    assert_eq!(line(&evaluate(&r, &c, 3).unwrap(), "crise.fixed"), d("12500"));
}

#[test]
fn missing_observation_pays_nothing_and_warns() {
    let r = rules();
    let c = contract(&r, "format_version: 1\nid: m\nname: m\npopulation: 30000\nsignature_date: 2023-01-01\nmissions:\n  - mission: parcours\n    start: 2023-01-01\n    indicators: [{id: x, label: x, max: 1000, kind: binary}]\n");
    let b = evaluate(&r, &c, 1).unwrap();
    assert_eq!(line(&b, "parcours.variable.x"), Decimal::ZERO);
    assert!(b.warnings.iter().any(|w| w.code() == "W0502"));
}

#[test]
fn due_dates_advance_balance_and_variable() {
    let r = rules();
    let c = contract(&r, "format_version: 1\nid: s\nname: s\npopulation: 30000\nsignature_date: 2023-05-10\nmissions:\n  - mission: parcours\n    start: 2023-05-10\n    indicators: [{id: x, label: x, max: 1000, kind: binary}]\nresults:\n  - {contract_year: 2, observations: {x: true}}\n");
    let b = evaluate(&r, &c, 2).unwrap();
    let at = |kind, line_id: &str| {
        b.schedule
            .iter()
            .find(|p| {
                p.kind == kind && cpts_funding::report::audit::line_id(&b.lines[p.line]) == line_id
            })
            .map(|p| (p.date.to_string(), p.amount))
    };
    assert_eq!(
        at(PaymentKind::Advance, "fonctionnement"),
        Some(("2024-05-10".into(), d("37500.00")))
    );
    assert_eq!(
        at(PaymentKind::Balance, "fonctionnement"),
        Some(("2025-05-10".into(), d("12500.00")))
    );
    assert_eq!(
        at(PaymentKind::Variable, "parcours.variable.x"),
        Some(("2025-05-10".into(), d("1000")))
    );
    // Year 1: the fonctionnement is paid in full at signature.
    let y1 = evaluate(&r, &c, 1).unwrap();
    assert_eq!(y1.schedule[0].kind, PaymentKind::AtSignature);
    assert_eq!(
        (y1.schedule[0].date.to_string(), y1.schedule[0].amount),
        ("2023-05-10".into(), d("50000"))
    );
}

#[test]
fn rounding_to_the_cent_half_away_from_zero_per_line() {
    let r = rules();
    // A linear indicator paying 1 000 × 1/8 = 125.000 and 10.01 × 1/2 = 5.005 -> 5.01.
    let c = contract(&r, "format_version: 1\nid: r\nname: r\npopulation: 30000\nsignature_date: 2023-01-01\nmissions:\n  - mission: parcours\n    start: 2023-01-01\n    indicators: [{id: x, label: x, max: \"10.01\", kind: linear, baseline: 0, target: 2}]\nresults:\n  - {contract_year: 1, observations: {x: 1}}\n");
    let b = evaluate(&r, &c, 1).unwrap();
    let l = b
        .lines
        .iter()
        .find(|l| cpts_funding::report::audit::line_id(l) == "parcours.variable.x")
        .unwrap();
    assert_eq!(l.before_rounding, d("5.005"));
    assert_eq!(l.amount, d("5.01"));
}

#[test]
fn tier_bounds_at_the_thresholds() {
    let r = rules();
    let ids: Vec<&str> = [39_999, 40_000, 80_000, 175_000, 175_001]
        .iter()
        .map(|p| r.tiers[r.tier_index(*p)].id.as_str())
        .collect();
    assert_eq!(ids, ["t1", "t2", "t3", "t3", "t4"]);
}

/// Issue 12, correction 2: the variable part is paid at the anniversary that closes the year
/// plus the declared delay (0 months), never on a fixed calendar date. Before, "the first
/// 30 April after the year" paid a year closing on 2025-04-28 on 2025-04-30 (2 days) and one
/// closing on 2025-04-29 (anniversary 2025-04-30: the year ends on its eve) a year later.
#[test]
fn due_dates_variable_part_at_the_closing_anniversary_plus_the_declared_delay() {
    let yaml = |sig: &str| {
        format!("format_version: 1\nid: s\nname: s\npopulation: 30000\nsignature_date: {sig}\nmissions:\n  - mission: parcours\n    start: {sig}\n    indicators: [{{id: x, label: x, max: 1000, kind: binary}}]\nresults:\n  - {{contract_year: 1, observations: {{x: true}}}}\n")
    };
    let variable_date = |r: &RuleSet, sig: &str| {
        let c = contract(r, &yaml(sig));
        let b = evaluate(r, &c, 1).unwrap();
        b.schedule.iter().find(|p| p.kind == PaymentKind::Variable).unwrap().date.to_string()
    };
    let r = rules();
    // Years 2024-04-29 → 2025-04-28 and 2024-04-30 → 2025-04-29: paid one day apart.
    assert_eq!(variable_date(&r, "2024-04-29"), "2025-04-29");
    assert_eq!(variable_date(&r, "2024-04-30"), "2025-04-30");
    // A CPAM's practice is one data change: 3 months after the year.
    let key = "  variable_due: {months_after_year_end: 0, source: declared_choice}\n";
    assert!(DEFAULT_RULES_TEXT.contains(key));
    let late = DEFAULT_RULES_TEXT
        .replace(key, "  variable_due: {months_after_year_end: 3, source: declared_choice}\n");
    let late = RuleSet::from_text("late.yaml", &late).unwrap().0;
    assert_eq!(variable_date(&late, "2024-04-30"), "2025-07-30");
    // Rules files in the older `{month, day}` form still load and keep their meaning (the cliff).
    let old = DEFAULT_RULES_TEXT.replace(key, "  variable_due: {month: 4, day: 30}\n");
    let old = RuleSet::from_text("old.yaml", &old).unwrap().0;
    assert_eq!(variable_date(&old, "2024-04-29"), "2025-04-30");
    assert_eq!(variable_date(&old, "2024-04-30"), "2026-04-30");
}

/// Issue 12, correction 3: a contract signed on 29 February. Declared reading: the anniversary
/// in a common year is 28 February (year 1 of 365 days); `anniversaries.leap_day: march_1`
/// selects the other (year 1 of 366 days). acces_soins (t2, 75 000) starting 2024-08-29:
/// 75 000 × 183 / 365 = 37 602.74 against 75 000 × 184 / 366 = 37 704.92.
#[test]
fn leap_day_anniversary_is_28_february_and_1_march_is_selectable() {
    let yaml = "format_version: 1\nid: l\nname: l\npopulation: 62000\nsignature_date: 2024-02-29\nmissions:\n  - {mission: acces_soins, start: 2024-08-29}\n";
    let r = rules();
    let rc = contract(&r, yaml);
    let b = evaluate(&r, &rc, 1).unwrap();
    assert_eq!((b.from.to_string(), b.to.to_string()), ("2024-02-29".into(), "2025-02-28".into()));
    assert_eq!(line(&b, "acces_soins.fixed"), d("37602.74"));
    let key = "  leap_day: february_28\n";
    assert!(DEFAULT_RULES_TEXT.contains(key));
    let text = DEFAULT_RULES_TEXT.replace(key, "  leap_day: march_1\n");
    let m = RuleSet::from_text("march.yaml", &text).unwrap().0;
    let c = contract(&m, yaml);
    let b = evaluate(&m, &c, 1).unwrap();
    assert_eq!((b.from.to_string(), b.to.to_string()), ("2024-02-29".into(), "2025-03-01".into()));
    assert_eq!(line(&b, "acces_soins.fixed"), d("37704.92"));
    // Year 4 ends on the leap anniversary 2028-02-29 under both readings.
    assert_eq!(evaluate(&m, &c, 4).unwrap().to.to_string(), "2028-02-29");
    assert_eq!(evaluate(&r, &rc, 4).unwrap().to.to_string(), "2028-02-29");
    // A rules file without `anniversaries` (the older format) reads 28 February.
    let start = DEFAULT_RULES_TEXT.find("\nanniversaries:").unwrap();
    let old = RuleSet::from_text("old.yaml", &DEFAULT_RULES_TEXT[..start + 1]).unwrap().0;
    let oc = contract(&old, yaml);
    assert_eq!(evaluate(&old, &oc, 1).unwrap().to.to_string(), "2025-02-28");
}
