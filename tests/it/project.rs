//! `project`: roll-out projections. Properties over generated scenarios (the signatures and the
//! CPTS under contract per year are the scenario's counts; a variant that raises envelopes never
//! lowers a year), every generated contract is a valid contract file that pays its drawn share,
//! located errors for bad scenario files, and CLI runs (byte-identical across runs and thread
//! counts). The golden runs of the shipped scenario are cases of `fixtures/project/`.

use crate::budget::rules;
use crate::fixtures::run;
use cpts_funding::eval::{evaluate, Item};
use cpts_funding::input::Contract;
use cpts_funding::project::{self, indicator_id, RolloutScenario};
use cpts_funding::rules::RuleSet;
use cpts_funding::variant::{self, Variant};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

const NATIONAL: &str = "rules/scenarios/national-2019-2025.yaml";

fn national() -> RolloutScenario {
    let path = crate::fixtures::root().join(NATIONAL);
    let text = std::fs::read_to_string(path).expect("the shipped scenario");
    RolloutScenario::from_text(NATIONAL, &text, rules()).expect("the shipped scenario is valid")
}

/// A scenario text: `years` (year, count, by quarter?) and a seed. 2019 is always written as a
/// year (its first half predates the agreement).
fn scenario_text(seed: u64, years: &[(i32, u64, bool)]) -> String {
    let mut s =
        format!("format_version: 1\nid: prop\ntitle: \"Propriété\"\nseed: {seed}\nsignatures:\n");
    for &(y, count, quarters) in years {
        if quarters && y > 2019 {
            // The count split over the four quarters, the remainder in the first.
            for q in 1..=4u64 {
                let c = count / 4 + if q == 1 { count % 4 } else { 0 };
                s.push_str(&format!("  {y}-Q{q}: {c}\n"));
            }
        } else {
            s.push_str(&format!("  {y}: {count}\n"));
        }
    }
    s.push_str(
        "tiers:
  t1: {share: \"0.25\", min_population: 12000}
  t2: {share: \"0.25\"}
  t3: {share: \"0.25\"}
  t4: {share: \"0.25\", max_population: 300000}
missions:
  - {mission: acces_soins, start_after_months: \"0..6\", variable_share: \"0..1\"}
  - {mission: parcours, start_after_months: \"12\", variable_share: \"0.5\"}
  - {mission: crise, start_after_months: \"0..6\"}
  - {mission: qualite, engaged: \"0.5\", start_after_months: \"12..24\", variable_share: \"0.2..0.9\"}
crisis_years: [2023]
",
    );
    s
}

fn load(text: &str) -> Result<RolloutScenario, TestCaseError> {
    RolloutScenario::from_text("prop.yaml", text, rules())
        .map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))
}

fn years_strategy() -> impl Strategy<Value = Vec<(i32, u64, bool)>> {
    proptest::collection::vec((0u64..12, any::<bool>()), 8).prop_map(|v| {
        v.into_iter().enumerate().map(|(i, (c, q))| (2019 + i as i32, c, q)).collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Signatures per year are the scenario's counts; the CPTS under contract on 31 December
    /// are those signed in the last five years (contracts of five years, none renewed).
    #[test]
    fn signatures_and_cpts_under_contract_follow_the_scenario(
        seed in any::<u64>(),
        years in years_strategy(),
    ) {
        let s = load(&scenario_text(seed, &years))?;
        let p = project::generate(&s, rules());
        let total: u64 = years.iter().map(|y| y.1).sum();
        prop_assert_eq!(p.contracts.len() as u64, total);
        let proj = project::project(rules(), &p, 2018, 2032)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(proj.failures.is_empty());
        let count = |y: i32| years.iter().find(|x| x.0 == y).map_or(0, |x| x.1);
        for row in &proj.years {
            prop_assert_eq!(row.signatures as u64, count(row.year), "year {}", row.year);
            let live: u64 = (row.year - 4..=row.year).map(count).sum();
            prop_assert_eq!(row.under_contract as u64, live, "year {}", row.year);
        }
        // Every contract year of every contract starts inside 2019..2032.
        let years_started: usize = proj.years.iter().map(|y| y.contract_years_count).sum();
        prop_assert_eq!(years_started as u64, total * 5);
    }

    /// A variant that multiplies every table (fonctionnement, its uplift, fixed parts, variable
    /// envelopes, crisis envelopes) by a factor ≥ 1 from any date never lowers a year's cash or
    /// contract-year total.
    #[test]
    fn a_variant_raising_every_envelope_never_lowers_any_year(
        seed in any::<u64>(),
        years in years_strategy(),
        percent in 100u32..=150,
        from_year in 2020i32..=2027,
    ) {
        let s = load(&scenario_text(seed, &years))?;
        let p = project::generate(&s, rules());
        let raised = raise_everything(rules(), percent, from_year);
        let base = project::project(rules(), &p, 2019, 2032)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let var = project::project(&raised, &p, 2019, 2032)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (b, v) in base.years.iter().zip(&var.years) {
            prop_assert!(v.cash >= b.cash, "{}: cash {} < {}", b.year, v.cash, b.cash);
            prop_assert!(v.contract_years >= b.contract_years, "{}: contract years", b.year);
        }
    }
}

/// Every table of the rules × `percent` / 100 from 1 January of `from_year`.
fn raise_everything(rules: &RuleSet, percent: u32, from_year: i32) -> RuleSet {
    let factor = Decimal::from(percent) / Decimal::ONE_HUNDRED;
    // The crisis mission's tables and the uplift start with avenant 2 (2022-03-31): a change of
    // them cannot be dated before.
    let date = |path: &str| {
        let late = path.contains("uplift") || path.contains("fixed") || path.contains("crisis");
        if late && from_year <= 2022 {
            "2022-04-01".to_string()
        } else {
            format!("{from_year}-01-01")
        }
    };
    let mut text = String::from(
        "format_version: 1\nid: raise\ntitle: \"Tout augmente\"\nrationale: \"test\"\nchanges:\n",
    );
    for path in [
        "fonctionnement",
        "fonctionnement_uplift",
        "missions.*.fixed",
        "missions.*.fixed_first_year",
        "missions.*.variable",
        "missions.*.crisis_envelope",
    ] {
        let from = date(path);
        text.push_str(&format!("  - {{path: {path}, from: {from}, scale: \"{factor}\"}}\n"));
    }
    let v = Variant::from_text("raise.yaml", &text, rules).expect("a valid variant");
    variant::apply_all(rules, &[v]).expect("applies")
}

#[test]
fn the_shipped_variant_raising_variable_envelopes_never_lowers_a_year_of_the_national_scenario() {
    let s = national();
    let p = project::generate(&s, rules());
    let text = std::fs::read_to_string(
        crate::fixtures::root().join("rules/variants/variable-envelopes-plus-10.yaml"),
    )
    .unwrap();
    let v = Variant::from_text("plus-10.yaml", &text, rules()).expect("valid");
    let raised = variant::apply_all(rules(), &[v]).expect("applies");
    let base = project::project(rules(), &p, 2019, 2030).unwrap();
    let var = project::project(&raised, &p, 2019, 2030).unwrap();
    let mut higher = 0;
    for (b, v) in base.years.iter().zip(&var.years) {
        assert!(v.cash >= b.cash && v.contract_years >= b.contract_years, "{}", b.year);
        higher += usize::from(v.cash > b.cash);
        if b.year < 2025 {
            // The variant applies from 2025-01-01: earlier cash is unchanged.
            assert_eq!(v.cash, b.cash, "{}", b.year);
        }
    }
    assert!(higher >= 3, "the variant raises the cash of the years after 2025");
}

/// Every generated contract, written out as a contract file, reads back through
/// `Contract::from_text` into the contract the projection used; each variable line pays the
/// drawn share of the indicator's maximum (max × observed / 100, to the cent), which is at most
/// the mission's variable envelope.
fn check_contracts(s: &RolloutScenario) {
    let r = rules();
    let raws = project::raw_contracts(s, r);
    let p = project::generate(s, r);
    assert_eq!(raws.len(), p.contracts.len(), "every generated contract validates");
    for (g, used) in raws.iter().zip(&p.contracts) {
        let text = serde_yaml::to_string(&g.raw).expect("serialises");
        let (c, _) = Contract::from_text("generated.yaml", &text, r)
            .unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        assert_eq!(
            (&c.id, c.population, c.signature, &c.engagements, &c.results),
            (&used.id, used.population, used.signature, &used.engagements, &used.results)
        );
        let observed: BTreeMap<(u32, String), Decimal> = g
            .raw
            .results
            .iter()
            .flat_map(|y| {
                y.observations
                    .iter()
                    .map(move |(k, v)| ((y.contract_year, k.clone()), v.parse().unwrap()))
            })
            .collect();
        for k in 1..=r.contract_length_years {
            let b = evaluate(r, &c, k).expect("evaluates");
            for l in &b.lines {
                if let Item::Variable { mission, indicator } = l.item {
                    assert_eq!(*indicator.id, indicator_id(&mission.id));
                    let obs = observed[&(k, indicator.id.to_string())];
                    let want = (indicator.max * obs / Decimal::ONE_HUNDRED)
                        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                    assert_eq!(l.amount, want, "{} year {k} {}", c.id, indicator.id);
                    let envelope = mission.variable.as_ref().unwrap().at(b.from).unwrap().1
                        [b.tier_index]
                        .amount;
                    assert!(indicator.max <= envelope);
                }
            }
        }
    }
}

#[test]
fn every_generated_contract_is_a_valid_contract_file_paying_its_drawn_share() {
    check_contracts(&national());
    let years: Vec<(i32, u64, bool)> = (2019..=2026).map(|y| (y, 9, y % 2 == 0)).collect();
    check_contracts(&load(&scenario_text(7, &years)).unwrap());
}

#[test]
fn the_national_scenario_signs_its_published_counts() {
    // 173 signed by the end of 2021 and 508 by the end of 2023 (aci-cpts.md).
    let s = national();
    let p = project::generate(&s, rules());
    let proj = project::project(rules(), &p, 2019, 2025).unwrap();
    let signed_by =
        |y: i32| -> usize { proj.years.iter().filter(|r| r.year <= y).map(|r| r.signatures).sum() };
    assert_eq!((signed_by(2021), signed_by(2023)), (173, 508));
    let under: Vec<usize> = proj.years.iter().map(|r| r.under_contract).collect();
    assert_eq!(&under[..5], &[20, 80, 173, 343, 508]);
    // The published figures are compared in their years only.
    let cmp = proj.compare(&s.published);
    assert_eq!(cmp.iter().map(|c| c.year).collect::<Vec<_>>(), vec![2022, 2023]);
    for c in &cmp {
        assert_eq!(c.gap, c.projected - c.published);
    }
}

#[test]
fn the_seed_decides_the_draws() {
    let years: Vec<(i32, u64, bool)> = (2019..=2022).map(|y| (y, 10, false)).collect();
    let a = project::raw_contracts(&load(&scenario_text(1, &years)).unwrap(), rules());
    let b = project::raw_contracts(&load(&scenario_text(1, &years)).unwrap(), rules());
    let c = project::raw_contracts(&load(&scenario_text(2, &years)).unwrap(), rules());
    let pops = |v: &[project::Generated]| -> Vec<String> {
        v.iter().map(|g| format!("{} {}", g.raw.population, g.raw.signature_date)).collect()
    };
    assert_eq!(pops(&a), pops(&b));
    assert_ne!(pops(&a), pops(&c));
}

/// `text` (a whole scenario) gives exactly these (code, line, column) diagnostics.
fn errors_of(text: &str) -> Vec<(String, Option<usize>, Option<usize>)> {
    match RolloutScenario::from_text("bad.yaml", text, rules()) {
        Ok(_) => Vec::new(),
        Err(d) => {
            d.iter().map(|d| (d.code.to_string(), d.location.line, d.location.column)).collect()
        }
    }
}

#[test]
fn bad_scenarios_give_located_errors() {
    let head = "format_version: 1\nid: bad\ntitle: \"x\"\nseed: 1\n";
    let tiers = "tiers:\n  t1: {share: \"1\"}\n";
    let ok_missions = "missions:\n  - {mission: acces_soins, start_after_months: \"6\", variable_share: \"0.5\"}\n";
    let case = |body: &str| errors_of(&format!("{head}{body}"));
    // A share above 1 (line 10, column 15: its value); the sum is not judged then.
    assert_eq!(
        case(&format!(
            "signatures: {{2020: 3}}\n{ok_missions}tiers:\n  t1: {{share: \"0.5\"}}\n  t2: {{share: \"1.5\"}}\n"
        )),
        vec![("E0801".into(), Some(10), Some(15))]
    );
    // Shares adding up to 0.9: at `tiers` (line 8, column 1).
    assert_eq!(
        case(&format!(
            "signatures: {{2020: 3}}\n{ok_missions}tiers:\n  t1: {{share: \"0.5\"}}\n  t2: {{share: \"0.4\"}}\n"
        )),
        vec![("E0801".into(), Some(8), Some(1))]
    );
    // A reversed range and a period before the agreement, each where it is written.
    assert_eq!(
        case(&format!(
            "signatures: {{2019-Q1: 3}}\n{tiers}missions:\n  - {{mission: acces_soins, start_after_months: \"9..3\", variable_share: \"0.5\"}}\n"
        )),
        vec![("E0803".into(), Some(5), Some(23)), ("E0802".into(), Some(9), Some(48))]
    );
    // An unknown key, with its "did you mean".
    let d = RolloutScenario::from_text(
        "bad.yaml",
        &format!("{head}signatures: {{2020: 3}}\n{tiers}{ok_missions}crisis_year: [2022]\n"),
        rules(),
    )
    .unwrap_err();
    assert_eq!((d[0].code.to_string(), d[0].location.line), ("E0103".into(), Some(10)));
    assert!(d[0].help.as_deref().unwrap_or("").contains("crisis_years"), "{:?}", d[0]);
    // A socle mission without its variable share, an unknown tier.
    assert_eq!(
        case("signatures: {2020: 3}\ntiers:\n  t9: {share: \"1\"}\nmissions:\n  - {mission: parcours, start_after_months: \"6\"}\n"),
        vec![("E0203".into(), Some(7), Some(7)), ("E0104".into(), Some(9), Some(5))]
    );
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    for format in ["text", "json", "csv"] {
        let args = |jobs: &'static str| {
            vec![
                "project", NATIONAL, "--jobs", jobs, "--format", format, "--from", "2019", "--to",
                "2027",
            ]
        };
        let (c1, one, _) = run(&args("1"));
        let (c4, four, _) = run(&args("4"));
        let (_, again, _) = run(&args("4"));
        assert_eq!((c1, c4), (0, 0), "{format}");
        assert!(one.len() > 1000, "{format}: {one}");
        assert!(one == four && four == again, "{format}: outputs differ");
    }
}

#[test]
fn a_bad_scenario_file_exits_1_with_its_location() {
    let (code, out, err) = run(&["project", "fixtures/project/bad-shares.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("fixtures/project/bad-shares.yaml:"), "{err}");
    assert!(err.contains("error[E0801]"), "{err}");
}

#[test]
fn population_bands_draw_within_their_bounds_in_their_shares() {
    let text = "format_version: 1\nid: bands\ntitle: \"b\"\nseed: 3\nsignatures: {2024: 400}\n\
population:\n  - {min: 12000, max: 20000, share: \"0.25\"}\n  - {min: 150000, max: 250000, share: \"0.75\"}\n\
missions:\n  - {mission: acces_soins, start_after_months: \"6\", variable_share: \"0.5\"}\n";
    let s = load(text).unwrap();
    let p = project::generate(&s, rules());
    assert_eq!(p.contracts.len(), 400);
    let small = p.contracts.iter().filter(|c| (12000..=20000).contains(&c.population)).count();
    let large = p.contracts.iter().filter(|c| (150000..=250000).contains(&c.population)).count();
    assert_eq!(small + large, 400, "every population within a band");
    // 100 expected in the first band; 400 draws stay well within ±40 of it.
    assert!((60..=140).contains(&small), "{small} in the 25 % band");
}
