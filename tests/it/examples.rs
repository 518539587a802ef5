//! Every example a user can copy runs as documented: the `cargo run --release -- …` lines of the
//! README and the `cpts-funding …` lines of every `--help`, run with the real binary in a
//! scratch folder that sees the repository's `fixtures/` and `rules/`, each with the exit code its
//! comment documents (`exit 1`), 0 otherwise.

use crate::fixtures::run;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One example: the shell command (with `cpts-funding` as the program), where it is written,
/// and the exit code it documents.
struct Example {
    command: String,
    origin: String,
    code: i32,
}

/// The documented exit code of a comment: `exit N`, else 0.
fn documented_code(comment: &str) -> i32 {
    comment
        .split("exit ")
        .nth(1)
        .and_then(|t| t.chars().next())
        .and_then(|c| c.to_digit(10))
        .map_or(0, |d| d as i32)
}

fn readme_examples() -> Vec<Example> {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending: Option<(String, usize)> = None;
    for (n, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            in_sh = line == "```sh" && !in_sh;
            continue;
        }
        if !in_sh {
            continue;
        }
        let (text, start) = match pending.take() {
            Some((before, start)) => (format!("{before} {}", line.trim()), start),
            None => (line.to_string(), n + 1),
        };
        if let Some(joined) = text.strip_suffix('\\') {
            pending = Some((joined.trim_end().to_string(), start));
            continue;
        }
        let Some(rest) = text.strip_prefix("cargo run --release -- ") else { continue };
        let (command, comment) = rest.split_once(" #").unwrap_or((rest, ""));
        // `serve` runs until it is stopped: tests/it/serve.rs starts it (on a free port) and
        // checks its first line and every endpoint.
        if command.trim().starts_with("serve") {
            continue;
        }
        out.push(Example {
            command: format!("cpts-funding {}", command.trim()),
            origin: format!("README.md:{start}"),
            code: documented_code(comment),
        });
    }
    out
}

fn help_examples() -> Vec<Example> {
    let commands =
        ["compute", "diff", "sweep", "cashflow", "project", "max", "budget", "explain", "check"];
    let mut out = Vec::new();
    for c in commands {
        let (code, help, _) = run(&[c, "--help"]);
        assert_eq!(code, 0, "{c} --help");
        for line in help.lines().filter(|l| l.starts_with("  cpts-funding ")) {
            out.push(Example {
                command: line.trim().to_string(),
                origin: format!("{c} --help"),
                code: 0,
            });
        }
        assert!(out.iter().any(|e| e.origin.starts_with(c)), "{c} --help shows no example");
    }
    out
}

/// A scratch folder with links to the repository's inputs: examples that write files write
/// them there.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cpts-funding-examples-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for d in ["fixtures", "rules"] {
        std::os::unix::fs::symlink(Path::new(ROOT).join(d), dir.join(d)).unwrap();
    }
    dir
}

#[test]
fn every_documented_example_runs_with_its_exit_code() {
    let examples: Vec<Example> = readme_examples().into_iter().chain(help_examples()).collect();
    let from_readme = examples.iter().filter(|e| e.origin.starts_with("README")).count();
    assert!(from_readme >= 18, "README examples found: {from_readme}");
    assert!(
        examples.len() >= from_readme + 14,
        "--help examples: {}",
        examples.len() - from_readme
    );
    let dir = scratch();
    let bin = env!("CARGO_BIN_EXE_cpts-funding");
    let mut failures = Vec::new();
    for e in &examples {
        let script = e.command.replacen("cpts-funding", &format!("'{bin}'"), 1);
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{script} > /dev/null"))
            .current_dir(&dir)
            .output()
            .expect("sh runs");
        let code = out.status.code().unwrap_or(-1);
        if code != e.code {
            failures.push(format!(
                "{}: `{}` exited {code}, documented {}:\n{}",
                e.origin,
                e.command,
                e.code,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
