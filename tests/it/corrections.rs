//! Regression tests for the corrections of issue 12 ("The agreement, exactly"), each against
//! an amount computed by hand in its comment, never against the engine's own arithmetic.

use cpts_funding::eval::evaluate;
use cpts_funding::variant::{apply_all, Variant};

// The helpers of the choices tests: the embedded rules, a contract from YAML, a line's amount.
use crate::choices::{contract, d, line, rules};

/// Correction 1, variant factors: a variant that changes an envelope scales each indicator by
/// (variant envelope / base envelope). With the t2 parcours envelope 35 000 set to 1 005, an
/// indicator of maximum 35 pays 35 × 1 005 / 35 000 = 1.005 exactly → 1.01 (half away from
/// zero). The factor computed first, 0.0287142857142857142857142857 (cut), gave 1.00.
#[test]
fn a_variant_factor_is_applied_by_multiplying_first() {
    let base = rules();
    let variant = Variant::from_text(
        "v.yaml",
        "format_version: 1\nid: v\ntitle: v\nrationale: test\nchanges:\n  - {path: missions.parcours.variable.t2, from: 2022-01-01, set: \"1005\"}\n",
        &base,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let r = apply_all(&base, &[variant]).unwrap_or_else(|e| panic!("{e:?}"));
    let c = contract(
        &base,
        "format_version: 1\nid: c\nname: c\npopulation: 60000\nsignature_date: 2022-05-02\nmissions:\n  - mission: parcours\n    start: 2022-05-02\n    indicators: [{id: p, label: p, max: 35, kind: binary}]\nresults:\n  - {contract_year: 1, observations: {p: true}}\n",
    );
    assert_eq!(line(&evaluate(&r, &c, 1).unwrap(), "parcours.variable.p"), d("1.01"));
}

/// Correction 5: an observation for a mission that starts after the contract year is not paid
/// and no longer dropped silently: W0510 names the mission, its start and the indicator.
#[test]
fn an_observation_before_the_mission_starts_is_warned() {
    let r = rules();
    let c = contract(
        &r,
        "format_version: 1\nid: c\nname: c\npopulation: 60000\nsignature_date: 2024-01-10\nmissions:\n  - {mission: acces_soins, start: 2024-01-10}\n  - mission: parcours\n    start: 2025-03-01\n    indicators: [{id: p, label: p, max: 35000, kind: binary}]\nresults:\n  - {contract_year: 1, observations: {p: true}}\n",
    );
    let b = evaluate(&r, &c, 1).unwrap();
    assert!(b
        .lines
        .iter()
        .all(|l| cpts_funding::report::audit::line_id(l) != "parcours.variable.p"));
    let w: Vec<String> =
        b.warnings.iter().filter(|w| w.code().as_str() == "W0510").map(|w| w.message()).collect();
    assert_eq!(
        w,
        ["observed value(s) for `p` ignored: mission `parcours` starts on 2025-03-01, after this contract year"]
    );
    // Year 2 (the mission runs): no such warning.
    assert!(evaluate(&r, &c, 2).unwrap().warnings.iter().all(|w| w.code().as_str() != "W0510"));
}
