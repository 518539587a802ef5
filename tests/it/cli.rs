//! The real binary, as a user runs it: stdout, stderr, exit codes.

use crate::fixtures::run;

#[test]
fn max_2019_gives_the_published_maxima() {
    let (code, out, _) = run(&["max", "--date", "2019-09-01", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let totals: Vec<&str> =
        doc["tiers"].as_array().unwrap().iter().map(|t| t["total"].as_str().unwrap()).collect();
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
    let (code, _, err) =
        run(&["compute", "fixtures/ok/t2-first-year-prorata/contract.yaml", "--year", "2031"]);
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
fn check_reads_every_kind_of_input_as_compute_does() {
    // A folder, a CSV portfolio, a JSON portfolio file with one bad entry, a variant, a contract.
    let (code, out, err) = run(&[
        "check",
        "fixtures/ok",
        "fixtures/portfolio/sample-800-synthetic.csv",
        "fixtures/portfolio/example.json",
        "rules/variants/tier2-threshold-50000.yaml",
        "fixtures/ok/t1-full-year/contract.yaml",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.is_empty(), "no ok line when a record is invalid: {out}");
    assert!(
        err.contains(
            "fixtures/portfolio/example.json:24:21: error[E0303]: population -12 is negative"
        ),
        "{err}"
    );
    assert_eq!(err.matches("error[").count(), 1, "only the bad entry is reported: {err}");
    // 23 contracts in fixtures/ok, 2791 CSV rows, 2 JSON entries.
    assert!(err.contains("portfolio records: 2816 read = 2815 valid + 1 invalid"), "{err}");
}

#[test]
fn check_of_clean_portfolio_and_variants_says_what_it_read() {
    let (code, out, err) = run(&[
        "check",
        "fixtures/portfolio/sample-800-synthetic.csv",
        "rules/variants/advance-rate-90.yaml",
        "rules/variants/negotiation-2025.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "ok: rules/aci-cpts.yaml, 2 variant file(s), 2791 portfolio record(s) are valid\n"
    );
    let (code, out, _) = run(&["check"]);
    assert_eq!((code, out.as_str()), (0, "ok: rules/aci-cpts.yaml is valid\n"));
}

#[test]
fn check_json_gives_a_summary_on_stdout_and_diagnostics_on_stderr() {
    let (code, out, err) = run(&[
        "check",
        "--format",
        "json",
        "fixtures/portfolio/example.json",
        "fixtures/err/contract-bad-date.yaml",
        "fixtures/ok/t1-full-year/contract.yaml",
    ]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["contract_files"], serde_json::json!({"read": 2, "valid": 1, "invalid": 1}));
    assert_eq!(doc["portfolio_records"], serde_json::json!({"read": 2, "valid": 1, "invalid": 1}));
    let codes: Vec<String> = err
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON lines")["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(codes, ["E0205", "E0303"]);
}

#[test]
fn check_of_a_bad_variant_points_at_its_path() {
    let dir = std::env::temp_dir().join(format!("cpts-check-variant-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("v.yaml");
    std::fs::write(&file, "format_version: 1\nid: v\ntitle: t\nrationale: r\nchanges:\n  - path: missions.acces_soin.fixed.t2\n    from: 2025-01-01\n    add: \"1000\"\n").unwrap();
    let (code, _, err) = run(&["check", file.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(":6:11: error[E0601]: unknown mission `acces_soin`"), "{err}");
    assert!(err.contains("did you mean `acces_soins`?"), "{err}");
}

#[test]
fn usage_error_exits_2() {
    let (code, _, err) = run(&["compute"]);
    assert_eq!(code, 2);
    assert!(err.contains("Usage"), "{err}");
}

/// The golden files redact hashes (`fixtures::redact`): here the real ones are checked, against
/// SHA-256 computed by the test from the files' bytes.
#[test]
fn the_receipt_holds_the_real_hashes() {
    use sha2::{Digest, Sha256};
    let sha = |path: &str| {
        let bytes = std::fs::read(crate::fixtures::root().join(path)).expect(path);
        Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let contract = "fixtures/ok/t1-full-year/contract.yaml";
    let (code, out, err) = run(&["compute", contract, "--year", "2024", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("compute json");
    let receipt = &doc["evaluations"][0]["receipt"];
    assert_eq!(receipt["rules_file"], "rules/aci-cpts.yaml");
    let rules = sha("rules/aci-cpts.yaml");
    assert_eq!(receipt["rules_sha256"].as_str(), Some(rules.as_str()), "{receipt}");
    assert_eq!(receipt["input_sha256"].as_str(), Some(sha(contract).as_str()), "{receipt}");
    // The text output names the same rules by the hash's first 12 digits.
    let (code, text, err) = run(&["compute", contract, "--year", "2024"]);
    assert_eq!(code, 0, "{err}");
    let short = format!("rules/aci-cpts.yaml (sha256 {})", &rules[..12]);
    assert!(text.contains(&short), "no `{short}` in:\n{text}");
}

#[test]
fn golden_comparisons_redact_hashes_and_nothing_else() {
    use crate::fixtures::redact;
    let h = "91f7ebb7f7b4c87b155649452f8ae98bb1ca413335ab8fea68cb974036062a6c";
    assert_eq!(redact(&format!("\"rules_sha256\": \"{h}\",")), "\"rules_sha256\": \"<sha256>\",");
    assert_eq!(redact("x.yaml (sha256 91f7ebb7f7b4) ; é"), "x.yaml (sha256 <sha256>) ; é");
    for kept in [
        "196721311475409836065574".to_string(), // a long amount is not a hash
        format!("{h}0"),                        // 65 digits
        format!("g{h}"),                        // inside a word
        "sha256 91f7ebb7f7b".to_string(),       // 11 digits
        "id 91f7ebb7f7b4".to_string(),          // 12 digits not after `sha256 `
    ] {
        assert_eq!(redact(&kept), kept);
    }
}
