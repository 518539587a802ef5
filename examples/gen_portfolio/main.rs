//! Writes a SYNTHETIC portfolio (fictitious CPTS) to stdout, deterministically: the sample
//! shipped in `fixtures/portfolio/` is
//!
//! ```sh
//! cargo run --release --example gen_portfolio > fixtures/portfolio/sample-800-synthetic.csv
//! ```
//!
//! Options: `--cpts N` (default 800), `--seed S` (default 2025), `--all-years` (rows for the five
//! contract years; default: the years started by 2025-12-31), `--format csv|yaml` (a CSV file,
//! one row per CPTS and contract year, or one YAML portfolio file).

#[path = "synth.rs"]
mod synth;

use cpts_funding::rules::RuleSet;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut opts = synth::Options::default();
    let mut yaml = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let r: Result<(), String> = match a.as_str() {
            "--cpts" => value("--cpts")
                .and_then(|v| v.parse().map_err(|e| format!("--cpts: {e}")))
                .map(|n| opts.cpts = n),
            "--seed" => value("--seed")
                .and_then(|v| v.parse().map_err(|e| format!("--seed: {e}")))
                .map(|n| opts.seed = n),
            "--all-years" => {
                opts.as_of = None;
                Ok(())
            }
            "--format" => value("--format").and_then(|v| match v.as_str() {
                "csv" => Ok(()),
                "yaml" => {
                    yaml = true;
                    Ok(())
                }
                _ => Err(format!("--format {v}: csv or yaml")),
            }),
            _ => Err(format!(
                "unknown argument `{a}` (see the doc comment of examples/gen_portfolio/main.rs)"
            )),
        };
        if let Err(m) = r {
            eprintln!("error: {m}");
            return ExitCode::from(2);
        }
    }
    let rules = match RuleSet::embedded() {
        Ok((r, _)) => r,
        Err(e) => {
            eprintln!("error: embedded rules: {e:?}");
            return ExitCode::from(1);
        }
    };
    let cpts = synth::generate(&rules, &opts);
    if yaml {
        print!(
            "{}",
            synth::yaml(
                &cpts,
                &format!(
                    "Portefeuille SYNTHÉTIQUE de {} CPTS fictives (seed {})",
                    opts.cpts, opts.seed
                )
            )
        );
    } else {
        print!("{}", synth::csv(&cpts));
    }
    ExitCode::SUCCESS
}
