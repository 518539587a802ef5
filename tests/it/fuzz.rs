//! Fuzzing the readers with proptest: random bytes, and the shipped inputs mutated (bytes
//! flipped, inserted, removed, lines duplicated or cut, text truncated). Every reader — rules,
//! contract, variant, scenario, CSV and JSON/YAML portfolios — must answer with a value or with
//! located diagnostics, never panic, and every location must point inside the text.
//!
//! `cargo test --test it fuzz` runs 64 cases per reader (CI); `CPTS_FUZZ_CASES=20000 cargo test
//! --release --test it fuzz` runs longer (README, Tests).

use cpts_funding::budget::load_scenario;
use cpts_funding::diagnostic::Diagnostic;
use cpts_funding::input::Contract;
use cpts_funding::portfolio::{self, RecordState};
use cpts_funding::rules::RuleSet;
use cpts_funding::variant::Variant;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::embedded().expect("embedded rules").0)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(crate::fixtures::root().join(path)).expect(path)
}

fn cases() -> u32 {
    std::env::var("CPTS_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
}

/// A runner: the same cases on every run by default (CI is reproducible), fresh random ones
/// when `CPTS_FUZZ_CASES` asks for a longer run.
fn new_runner() -> TestRunner {
    let config = Config { cases: cases(), failure_persistence: None, ..Config::default() };
    if std::env::var_os("CPTS_FUZZ_CASES").is_some() {
        TestRunner::new(config)
    } else {
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
    }
}

/// One change to a text.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    DuplicateLine(usize),
    CutLine(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Bytes that matter to YAML, JSON and CSV, and any byte at all.
    let special = prop::sample::select(b":-[]{}&*!|>'\"#,;\n\r\t %@`\\0123456789.e".to_vec());
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), prop::collection::vec(special, 1..8))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Remove(i, n)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::CutLine),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, ms: &[Mutation]) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    for m in ms {
        let n = b.len().max(1);
        match m {
            Mutation::Flip(i, x) => {
                if !b.is_empty() {
                    let i = i % b.len();
                    b[i] = *x;
                }
            }
            Mutation::Insert(i, v) => {
                let i = i % (b.len() + 1);
                b.splice(i..i, v.iter().copied());
            }
            Mutation::Remove(i, k) => {
                let i = i % n;
                let end = (i + k).min(b.len());
                if i < end {
                    b.drain(i..end);
                }
            }
            Mutation::DuplicateLine(i) | Mutation::CutLine(i) => {
                let lines: Vec<&[u8]> = b.split(|c| *c == b'\n').collect();
                let j = i % lines.len();
                let mut out: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
                if matches!(m, Mutation::DuplicateLine(_)) {
                    out.insert(j, lines[j].to_vec());
                } else {
                    out.remove(j);
                }
                b = out.join(&b'\n');
            }
            Mutation::Truncate(i) => b.truncate(i % n),
        }
    }
    b
}

/// Every location inside the text: line 1..=lines+1, column 1..=longest line + 1 (in chars).
fn located_inside(diags: &[Diagnostic], text: &str) -> Result<(), TestCaseError> {
    let lines = text.split(['\n', '\r']).count() + 1;
    let widest = text.split(['\n', '\r']).map(|l| l.chars().count()).max().unwrap_or(0) + 2;
    for d in diags {
        if let Some(l) = d.location.line {
            prop_assert!(l >= 1 && l <= lines, "{d}: line {l} of {lines}");
        }
        if let Some(c) = d.location.column {
            prop_assert!(c >= 1 && c <= widest, "{d}: column {c} of {widest}");
        }
        // The text rendering (with its snippet) works on every diagnostic.
        let _ = cpts_funding::diagnostic::render_text(d, Some(text));
    }
    Ok(())
}

/// Runs `check` on every input `seeds` mutates, and on random bytes.
fn fuzz(seeds: &[&str], check: impl Fn(&str) -> Result<(), TestCaseError>) {
    let mut runner = new_runner();
    let seeds: Vec<String> = seeds.iter().map(|s| read(s)).collect();
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..6));
    runner
        .run(&strategy, |(i, ms)| {
            let bytes = apply(&seeds[i], &ms);
            // Readers take text: invalid UTF-8 is the front-end's to report (tests/it/frontend.rs).
            check(&String::from_utf8_lossy(&bytes))
        })
        .unwrap();
    let mut runner = new_runner();
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..512), |bytes| {
            check(&String::from_utf8_lossy(&bytes))
        })
        .unwrap();
}

#[test]
fn fuzz_the_rules_reader() {
    fuzz(&["rules/aci-cpts.yaml"], |t| match RuleSet::from_text("fuzz.yaml", t) {
        Ok((_, w)) => located_inside(&w, t),
        Err(e) => {
            prop_assert!(!e.is_empty());
            located_inside(&e, t)
        }
    });
}

#[test]
fn fuzz_the_contract_reader() {
    fuzz(
        &[
            "fixtures/ok/t2-first-year-prorata/contract.yaml",
            "fixtures/budget/t2-expected-in-contract/contract.yaml",
            "fixtures/err/contract-many-errors.yaml",
        ],
        |t| match Contract::from_text("fuzz.yaml", t, rules()) {
            Ok((_, w)) => located_inside(&w, t),
            Err(e) => {
                prop_assert!(!e.is_empty());
                located_inside(&e, t)
            }
        },
    );
}

#[test]
fn fuzz_the_variant_and_scenario_readers() {
    let contract = Contract::from_text(
        "c.yaml",
        &read("fixtures/budget/t1-early-signer-scenario-file/contract.yaml"),
        rules(),
    )
    .expect("valid contract")
    .0;
    fuzz(
        &[
            "rules/variants/negotiation-2025.yaml",
            "rules/variants/tier2-threshold-50000.yaml",
            "fixtures/budget/t1-early-signer-scenario-file/scenario.yaml",
        ],
        |t| {
            if let Err(e) = Variant::from_text("fuzz.yaml", t, rules()) {
                prop_assert!(!e.is_empty());
                located_inside(&e, t)?;
            }
            if let Err(e) = load_scenario("fuzz.yaml", t, &contract, rules()) {
                prop_assert!(!e.is_empty());
                located_inside(&e, t)?;
            }
            Ok(())
        },
    );
}

/// A portfolio input loads into records: each failed one with located diagnostics.
fn portfolio_check(name: &'static str) -> impl Fn(&str) -> Result<(), TestCaseError> {
    move |t: &str| {
        let p = portfolio::load(&[(name.to_string(), t.to_string())], rules());
        for r in &p.records {
            if let RecordState::Failed(d) = &r.state {
                prop_assert!(!d.is_empty());
                located_inside(d, t)?;
            }
        }
        Ok(())
    }
}

#[test]
fn fuzz_the_csv_portfolio_reader() {
    fuzz(
        &["fixtures/portfolio/example.csv", "fixtures/portfolio/bad-rows.csv"],
        portfolio_check("fuzz.csv"),
    );
}

#[test]
fn fuzz_the_json_and_yaml_portfolio_readers() {
    fuzz(&["fixtures/portfolio/example.json"], portfolio_check("fuzz.json"));
    fuzz(&["fixtures/portfolio/bad-entries.yaml"], portfolio_check("fuzz.yaml"));
}
