//! The real binary, as a user runs it: stdout, stderr, exit codes.

use crate::fixtures::run;

#[test]
fn max_2019_gives_the_published_maxima() {
    let (code, out, _) = run(&["max", "--date", "2019-09-01", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let totals: Vec<&str> = doc["tiers"].as_array().unwrap().iter().map(|t| t["total"].as_str().unwrap()).collect();
    // Le Quotidien du médecin, 21 Nov 2019.
    assert_eq!(totals, ["220000.00", "287000.00", "370000.00", "450000.00"]);
}

#[test]
fn max_after_avenant_2_reaches_580000_for_tier_4_with_a_crisis() {
    let (code, out, _) = run(&["max", "--date", "2023-01-01", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["tiers"][3]["total_with_crisis"], "580000.00");
    assert_eq!(doc["text"]["id"], "avenant_2");
}

#[test]
fn max_before_the_first_text_is_an_error() {
    let (code, _, err) = run(&["max", "--date", "2019-01-01"]);
    assert_eq!(code, 1);
    assert!(err.contains("error[E0402]"), "{err}");
}

#[test]
fn missing_file_is_an_io_error_with_exit_2() {
    let (code, _, err) = run(&["compute", "no/such/file.yaml", "--year", "2024"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("no/such/file.yaml: error[E0001]: cannot read"), "{err}");
}

#[test]
fn year_without_a_contract_year_is_an_error() {
    let (code, _, err) = run(&["compute", "fixtures/ok/t2-first-year-prorata/contract.yaml", "--year", "2031"]);
    assert_eq!(code, 1);
    assert!(err.contains("error[E0401]: no contract year starts in 2031"), "{err}");
}

#[test]
fn check_is_clean_on_shipped_fixtures() {
    let (code, out, err) = run(&["check", "fixtures/ok/t2-first-year-prorata/contract.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ok:"), "{out}");
}

#[test]
fn usage_error_exits_2() {
    let (code, _, err) = run(&["compute"]);
    assert_eq!(code, 2);
    assert!(err.contains("Usage"), "{err}");
}
