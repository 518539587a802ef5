//! Properties over generated contracts and indicators (proptest). Strategies are built from
//! cents, whole populations and dates, never from floats.

use cpts_funding::eval::{evaluate, payout, totals, Category};
use cpts_funding::input::{Contract, Direction, Indicator, Observation, Payout, Step};
use cpts_funding::rules::RuleSet;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("embedded rules are valid").0)
}

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

/// A generated contract: population, signature, which missions start when, indicator maxima and
/// observations, and whether a crisis was recognised. Maxima stay within the smallest envelope.
/// One engaged mission: (index into `MISSIONS`, start offset in days, indicators as
/// (maximum in cents, payout kind, observation)).
type MissionSpec = (usize, i64, Vec<(i64, u8, i64)>);

#[derive(Debug, Clone)]
struct Spec {
    population: u64,
    signature_days: i64,
    missions: Vec<MissionSpec>,
    crisis: bool,
    year: u32,
}

const MISSIONS: [&str; 6] =
    ["acces_soins", "parcours", "prevention", "crise", "qualite", "accompagnement"];

fn spec() -> impl Strategy<Value = Spec> {
    (
        1u64..400_000,
        0i64..2200,
        proptest::collection::btree_map(
            0usize..6,
            (0i64..900, proptest::collection::vec((1i64..250_000, 0u8..3, 0i64..200), 0..3)),
            0..6,
        ),
        any::<bool>(),
        1u32..=5,
    )
        .prop_map(|(population, signature_days, m, crisis, year)| Spec {
            population,
            signature_days,
            missions: m.into_iter().map(|(i, (start, inds))| (i, start, inds)).collect(),
            crisis,
            year,
        })
}

fn contract_yaml(s: &Spec) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(2019, 9, 1).unwrap();
    let signature = base + chrono::Duration::days(s.signature_days);
    let avenant2 = chrono::NaiveDate::from_ymd_opt(2022, 3, 31).unwrap();
    let mut y = format!("format_version: 1\nid: prop\nname: prop\npopulation: {}\nsignature_date: {signature}\nmissions:\n", s.population);
    let mut obs = String::new();
    for (i, start, inds) in &s.missions {
        let mut start = signature + chrono::Duration::days(*start);
        if MISSIONS[*i] == "crise" && start < avenant2 {
            start = avenant2;
        }
        y += &format!("  - mission: {}\n    start: {start}\n    indicators:\n", MISSIONS[*i]);
        // The crisis mission has no variable envelope: no indicators.
        let inds: &[(i64, u8, i64)] = if MISSIONS[*i] == "crise" { &[] } else { inds };
        if inds.is_empty() {
            y.truncate(y.len() - "    indicators:\n".len());
        }
        for (j, (max_cents, kind, value)) in inds.iter().enumerate() {
            // Two indicators of at most 2 500 € each fit every variable envelope of the rules.
            let max = cents(max_cents % 250_000 + 1);
            let id = format!("i{i}_{j}");
            match kind {
                0 => {
                    y += &format!("      - {{id: {id}, label: b, max: \"{max}\", kind: binary}}\n");
                    obs += &format!("      {id}: {}\n", value % 2 == 0);
                }
                1 => {
                    y += &format!("      - {{id: {id}, label: s, max: \"{max}\", kind: steps, direction: lower_is_better, steps: [{{threshold: 50, amount: \"{max}\"}}, {{threshold: 100, amount: \"{}\"}}]}}\n", (max / Decimal::TWO).round_dp(2));
                    obs += &format!("      {id}: {value}\n");
                }
                _ => {
                    y += &format!("      - {{id: {id}, label: l, max: \"{max}\", kind: linear, baseline: 20, target: 150}}\n");
                    obs += &format!("      {id}: {value}\n");
                }
            }
        }
    }
    if s.missions.is_empty() {
        y = y.replace("missions:\n", "missions: []\n");
    }
    y += &format!("results:\n  - contract_year: {}\n    crisis_recognised: {}\n", s.year, s.crisis);
    if !obs.is_empty() {
        y += &format!("    observations:\n{obs}");
    }
    y
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn totals_equal_the_sum_of_lines_and_of_payments(s in spec()) {
        let text = contract_yaml(&s);
        let (c, _) = Contract::from_text("prop.yaml", &text, rules()).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        let b = evaluate(rules(), &c, s.year).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let sum: Decimal = b.lines.iter().map(|l| l.amount).sum();
        prop_assert_eq!(sum, b.totals.total);
        let by_cat = |cat| b.lines.iter().filter(|l| l.item.category() == cat).map(|l| l.amount).sum::<Decimal>();
        prop_assert_eq!(by_cat(Category::Fonctionnement), b.totals.fonctionnement);
        prop_assert_eq!(by_cat(Category::Fixed), b.totals.fixed);
        prop_assert_eq!(by_cat(Category::Variable), b.totals.variable);
        prop_assert_eq!(by_cat(Category::Crisis), b.totals.crisis);
        let paid: Decimal = b.schedule.iter().map(|p| p.amount).sum();
        prop_assert_eq!(paid, b.totals.total);
        for l in &b.lines {
            prop_assert!(l.amount.scale() <= 2, "more than 2 decimals: {}", l.amount);
            prop_assert!(!l.amount.is_sign_negative() || l.amount.is_zero());
        }
        for p in &b.schedule {
            prop_assert!(p.amount.scale() <= 2);
            prop_assert!(p.date >= c.signature);
        }
    }

    /// The totals alone are the whole evaluation's, amount and scale, or the same error, in
    /// every contract year.
    #[test]
    fn totals_alone_are_the_whole_evaluations(s in spec()) {
        let text = contract_yaml(&s);
        let (c, _) = Contract::from_text("prop.yaml", &text, rules()).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        for k in 0..=6 {
            let whole = evaluate(rules(), &c, k).map(|b| b.totals);
            prop_assert_eq!(format!("{:?}", totals(rules(), &c, k)), format!("{whole:?}"));
        }
    }

    #[test]
    fn first_year_fixed_part_never_exceeds_the_full_year(s in spec()) {
        let text = contract_yaml(&s);
        let (c, _) = Contract::from_text("prop.yaml", &text, rules()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let b = evaluate(rules(), &c, s.year).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for l in &b.lines {
            if let (cpts_funding::eval::Item::Fixed { .. }, Some(cell)) = (l.item, l.cell) {
                prop_assert!(l.amount <= cell.amount, "{} > {}", l.amount, cell.amount);
            }
        }
    }

    #[test]
    fn exactly_one_tier_per_population(p in 0u64..10_000_000) {
        let n = rules().tiers.iter().filter(|t| p >= t.min && t.max.is_none_or(|m| p <= m)).count();
        prop_assert_eq!(n, 1);
        let t = &rules().tiers[rules().tier_index(p)];
        prop_assert!(p >= t.min && t.max.is_none_or(|m| p <= m));
    }

    #[test]
    fn stepped_payout_never_decreases_with_attainment_and_is_capped(
        thresholds in proptest::collection::btree_set(-10_000i64..10_000, 1..5),
        amounts in proptest::collection::vec(0i64..1_000_000, 5),
        max_cents in 0i64..1_000_000,
        higher in any::<bool>(),
        a in -20_000i64..20_000, b in -20_000i64..20_000,
    ) {
        let direction = if higher { Direction::HigherIsBetter } else { Direction::LowerIsBetter };
        let mut th: Vec<i64> = thresholds.into_iter().collect();
        if !higher { th.reverse(); }
        let mut am: Vec<i64> = amounts[..th.len()].to_vec();
        am.sort();
        let steps = th.iter().zip(&am).map(|(t, a)| Step { threshold: cents(*t), amount: cents(*a) }).collect();
        let ind = Indicator { id: "x".into(), label: "x".into(), max: cents(max_cents), payout: Payout::Steps { direction, steps }, slot: 0 };
        let (worse, better) = match direction {
            Direction::HigherIsBetter => (a.min(b), a.max(b)),
            Direction::LowerIsBetter => (a.max(b), a.min(b)),
        };
        let pay = |v| payout(&ind, Some(Observation::Value(cents(v)))).unwrap().0;
        prop_assert!(pay(worse) <= pay(better));
        prop_assert!(pay(better) <= ind.max);
        prop_assert!(pay(worse) >= Decimal::ZERO);
    }

    #[test]
    fn linear_payout_never_decreases_with_attainment_and_is_capped(
        baseline in -10_000i64..10_000, span in 1i64..10_000, lower in any::<bool>(),
        max_cents in 0i64..10_000_000, a in -30_000i64..30_000, b in -30_000i64..30_000,
    ) {
        let target = if lower { baseline - span } else { baseline + span };
        let ind = Indicator { id: "x".into(), label: "x".into(), max: cents(max_cents), payout: Payout::Linear { baseline: cents(baseline), target: cents(target) }, slot: 0 };
        let (worse, better) = if lower { (a.max(b), a.min(b)) } else { (a.min(b), a.max(b)) };
        let pay = |v| payout(&ind, Some(Observation::Value(cents(v)))).unwrap().0;
        prop_assert!(pay(worse) <= pay(better));
        prop_assert!(pay(better) <= ind.max);
        prop_assert!(pay(worse) >= Decimal::ZERO);
    }
}

/// Integer oracle for a rounded linear payout, in cents: `max × done / span` clamped to
/// [0, max], rounded half away from zero, by i128 arithmetic only (no ratio, no `Decimal`).
/// All values are in hundredths; the result is in cents.
fn linear_oracle_cents(max_c: i128, baseline: i128, target: i128, observed: i128) -> i128 {
    let (span, done) = (target - baseline, observed - baseline);
    let (num, den) = if span < 0 { (-(max_c * done), -span) } else { (max_c * done, span) };
    if num <= 0 {
        return 0;
    }
    if num >= max_c * den {
        return max_c;
    }
    // Round num / den half away from zero (num > 0): floor((2 num + den) / (2 den)).
    (2 * num + den) / (2 * den)
}

proptest! {
    /// Issue 12, correction 1 (a regression guard): a linear payout that is exactly half a cent
    /// rounds half away from zero. Before, the ratio was computed first and cut to 28 digits
    /// (1/3, 1/12, 5/24 …), and such amounts rounded down. The engine's rounded payout must
    /// equal an integer computation of the exact rational amount.
    #[test]
    fn linear_payout_rounds_like_the_exact_rational_amount(
        baseline in -10_000i64..10_000, span in 1i64..5_000, lower in any::<bool>(),
        max_cents in 0i64..5_000_000, observed in -20_000i64..20_000,
    ) {
        let target = if lower { baseline - span } else { baseline + span };
        let ind = Indicator { id: "x".into(), label: "x".into(), max: cents(max_cents), payout: Payout::Linear { baseline: cents(baseline), target: cents(target) }, slot: 0 };
        let engine = rules().rounding.apply(payout(&ind, Some(Observation::Value(cents(observed)))).unwrap().0);
        let oracle = linear_oracle_cents(max_cents.into(), baseline.into(), target.into(), observed.into());
        prop_assert_eq!(engine, Decimal::from_i128_with_scale(oracle, 2));
    }
}

proptest! {
    /// The same oracle on amounts built to be exactly half a cent: span = 2·d·a hundredths,
    /// done = d hundredths, max = h·a cents with h odd, so max × done / span = h / 2 cents; the
    /// ratio 1 / (2a) has no finite decimal form whenever a has a prime factor other than 2, 5.
    #[test]
    fn linear_payout_on_exact_half_cents_rounds_away_from_zero(
        a in 1i64..2_000, d in 1i64..50, h in 0i64..100_000, baseline in -5_000i64..5_000,
        lower in any::<bool>(),
    ) {
        let (h, span) = (2 * h + 1, 2 * d * a);
        let max_cents = h * a;
        let (target, observed) =
            if lower { (baseline - span, baseline - d) } else { (baseline + span, baseline + d) };
        let ind = Indicator { id: "x".into(), label: "x".into(), max: cents(max_cents), payout: Payout::Linear { baseline: cents(baseline), target: cents(target) }, slot: 0 };
        let engine = rules().rounding.apply(payout(&ind, Some(Observation::Value(cents(observed)))).unwrap().0);
        let oracle = linear_oracle_cents(max_cents.into(), baseline.into(), target.into(), observed.into());
        prop_assert_eq!(oracle, i128::from(h / 2 + 1));
        prop_assert_eq!(engine, Decimal::from_i128_with_scale(oracle, 2));
    }
}

/// Issue 12, correction 1: the cases the issue names, each exactly half a cent (before: the
/// ratio 1/3, 1/12 or 5/24 was cut first and the amount rounded down by one cent).
#[test]
fn linear_half_cents_round_up() {
    // (max, baseline, target, observed, expected)
    let cases = [
        ("4995", "40", "70", "40.01", "1.67"), // 4 995 × 0.01 / 30 = 1.665
        ("100.05", "0", "3", "1", "33.35"),    // 100.05 / 3 = 33.35 exactly, ratio 1/3
        ("1000.02", "0", "12", "1", "83.34"),  // 1 000.02 / 12 = 83.335, ratio 1/12
        ("0.12", "0", "24", "5", "0.03"),      // 0.12 × 5 / 24 = 0.025, ratio 5/24
    ];
    for (max, baseline, target, observed, expected) in cases {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let ind = Indicator {
            id: "x".into(),
            label: "x".into(),
            max: d(max),
            payout: Payout::Linear { baseline: d(baseline), target: d(target) },
            slot: 0,
        };
        let paid = payout(&ind, Some(Observation::Value(d(observed)))).unwrap().0;
        assert_eq!(
            rules().rounding.apply(paid),
            d(expected),
            "{max} × ({observed} − {baseline}) / ({target} − {baseline})"
        );
    }
}

#[test]
fn binary_payout_is_all_or_nothing() {
    let ind = Indicator {
        id: "x".into(),
        label: "x".into(),
        max: cents(200_000),
        payout: Payout::Binary,
        slot: 0,
    };
    assert_eq!(payout(&ind, Some(Observation::Reached(true))).unwrap().0, cents(200_000));
    assert_eq!(payout(&ind, Some(Observation::Reached(false))).unwrap().0, Decimal::ZERO);
    assert_eq!(payout(&ind, None).unwrap().0, Decimal::ZERO);
}

#[test]
fn rules_survive_load_save_load() {
    let raw =
        RuleSet::load_raw("rules/aci-cpts.yaml", cpts_funding::rules::DEFAULT_RULES_TEXT).unwrap();
    let saved = RuleSet::save_raw(&raw).unwrap();
    let (again, _) =
        RuleSet::from_text("rules/aci-cpts.yaml", &saved).unwrap_or_else(|e| panic!("{e:?}"));
    let mut original = rules().clone();
    original.sha256 = again.sha256.clone();
    assert_eq!(original, again);
}
