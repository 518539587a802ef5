//! Golden cases: one layout and one runner for every command. A case is a folder holding a file
//! `args` (the arguments after `cpts-funding`, separated by whitespace, run from the repository
//! root) and the golden files `expected.stdout`, `expected.stderr` and `expected.code` (the exit
//! code). The runner walks a folder of `fixtures/` for every folder with `args` (it does not
//! look inside a case); a case's inputs may sit in its folder or elsewhere under `fixtures/`.
//!
//! - `fixtures/ok/<contract>/{text,json}/`: `compute` of `<contract>/contract.yaml` in each
//!   format (hand computations in `fixtures/ok/README.md`);
//! - `fixtures/err/<case>/`: `check` of the bad contract `fixtures/err/<case>.yaml` or, when the
//!   name starts with `rules-`, of the bad rules file `check --rules fixtures/err/<case>.yaml`;
//! - `fixtures/budget/<contract>/{budget-text,budget-json,budget-md,explain-fr,explain-en}/`;
//! - `fixtures/portfolio/cases/<case>/`: portfolios and variants;
//! - `fixtures/project/cases/<case>/`: roll-out projections of the shipped scenario and bad
//!   scenario files (`fixtures/project/bad-*.yaml`).
//!
//! Hashes are redacted on both sides ([`redact`]); `UPDATE_EXPECT=1 cargo test` writes the
//! golden files of every case from the binary's output (review the diff). Every failure names
//! its case; a golden file outside a case, a case without its golden files and a panic of the
//! binary are failures too.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cpts-funding"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn updating() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some()
}

/// What golden files hold in place of a hash: the full SHA-256 of rules, inputs and variants
/// (64 hex digits) and its 12-digit short form in text outputs (`sha256 91f7ebb7f7b4`) change
/// with every edit of a rules file, so golden comparisons leave them out;
/// `cli::the_receipt_holds_the_real_hashes` checks the real ones.
pub const REDACTED: &str = "<sha256>";

/// `text` with every hash replaced by [`REDACTED`]: a run of exactly 64 lowercase hex digits, or
/// of exactly 12 after `sha256 `, not inside a longer word.
pub fn redact(text: &str) -> String {
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let word_before = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
        let run = bytes[i..].iter().take_while(|b| hex(**b)).count();
        if run == 0 {
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&text[i..i + len]);
            i += len;
            continue;
        }
        let word_after = bytes.get(i + run).is_some_and(|b| b.is_ascii_alphanumeric());
        let short = run == 12 && text[..i].ends_with("sha256 ");
        if (run == 64 || short) && !word_before && !word_after {
            out.push_str(REDACTED);
        } else {
            out.push_str(&text[i..i + run]);
        }
        i += run;
    }
    out
}

/// Compares `actual` with the golden file, hashes redacted on both sides, or writes it
/// (redacted) under UPDATE_EXPECT=1.
fn expect(case: &str, golden: &Path, actual: &str, failures: &mut Vec<String>) {
    let actual = &redact(actual);
    let file = golden.file_name().unwrap_or_default().to_string_lossy();
    if updating() {
        std::fs::write(golden, actual).expect("write golden");
        return;
    }
    match std::fs::read_to_string(golden).map(|w| redact(&w)) {
        Ok(want) if want == *actual => {}
        Ok(want) => {
            let line = want
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .map(|i| i + 1)
                .unwrap_or(want.lines().count().min(actual.lines().count()) + 1);
            failures.push(format!("{case}: {file} differs from the output at line {line}\n--- expected\n{want}\n--- actual\n{actual}"));
        }
        Err(_) => {
            failures.push(format!("{case}: missing golden file {file} (run with UPDATE_EXPECT=1)"))
        }
    }
}

/// The case folders under `dir` (sorted), and the golden files found outside a case.
fn walk(dir: &Path, cases: &mut Vec<PathBuf>, strays: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    if entries.iter().any(|p| p.ends_with("args")) {
        cases.push(dir.to_path_buf());
        return;
    }
    for p in entries {
        if p.is_dir() {
            walk(&p, cases, strays);
        } else if p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("expected")) {
            strays.push(p);
        }
    }
}

/// Runs every case under `fixtures/<group>` (at least `min` of them) against its golden files.
fn golden(group: &str, min: usize) {
    let fixtures = root().join("fixtures");
    let (mut cases, mut strays) = (Vec::new(), Vec::new());
    walk(&fixtures.join(group), &mut cases, &mut strays);
    let name = |p: &Path| p.strip_prefix(&fixtures).unwrap_or(p).display().to_string();
    let mut failures: Vec<String> = strays
        .iter()
        .map(|p| format!("{}: a golden file outside a case (no `args`)", name(p)))
        .collect();
    assert!(
        cases.len() >= min,
        "fixtures/{group}: {} case(s), expected at least {min}",
        cases.len()
    );
    for dir in &cases {
        let case = name(dir);
        let args = std::fs::read_to_string(dir.join("args")).expect("args");
        let args: Vec<&str> = args.split_whitespace().collect();
        if args.is_empty() {
            failures.push(format!("{case}: `args` is empty"));
            continue;
        }
        let (code, out, err) = run(&args);
        if err.contains("panicked") {
            failures.push(format!("{case}: the binary panicked\n{err}"));
        }
        expect(&case, &dir.join("expected.stdout"), &out, &mut failures);
        expect(&case, &dir.join("expected.stderr"), &err, &mut failures);
        expect(&case, &dir.join("expected.code"), &format!("{code}\n"), &mut failures);
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn golden_portfolio_and_variants() {
    golden("portfolio", 20);
}

#[test]
fn golden_ok_compute() {
    golden("ok", 40);
}

#[test]
fn golden_err_diagnostics() {
    golden("err", 30);
}

#[test]
fn golden_budget_and_explain() {
    golden("budget", 10);
}

#[test]
fn golden_test_cases_and_cash_flows() {
    golden("cases", 4);
}

#[test]
fn golden_project() {
    golden("project", 6);
}
