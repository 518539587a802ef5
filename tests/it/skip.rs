//! Skipped checks. A check that needs a tool the machine lacks (headless Chromium, util-linux
//! `script`) may skip outside CI, visibly; under `CI=true` a skip is a failure, so CI cannot
//! pass without running it.

use std::io::Write;

/// Whether the tests run under CI (`CI=true`, as `.ci/run` sets).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Records that `test` did not check `what` because of `why`: under `CI=true` it panics (the
/// test fails); otherwise it prints a banner on stderr and the caller returns. The banner goes
/// through `eprintln!` (kept with the test's output) and straight to the process's stderr too,
/// because the test harness swallows the `eprintln!` output of a test that passes.
pub fn skip(test: &str, what: &str, why: &str) {
    let msg = format!("SKIPPED {test}: {what} was NOT checked: {why}");
    if in_ci() {
        panic!("CI=true, and a skip under CI is a failure: {msg}");
    }
    eprintln!("{msg}");
    let _ = writeln!(std::io::stderr(), "\n!!!!!!!!!! {msg} !!!!!!!!!!\n");
}
