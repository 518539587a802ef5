//! `check`: validates the rules and each input (contract, folder, portfolio file, CSV, variant)
//! as `compute` would read it, and reports every problem; nothing is evaluated.

use super::{cmd_portfolio, load_contract, load_rules, read, Common, Format};
use std::path::PathBuf;
use std::process::ExitCode;

/// `check --format json`: what was read and whether all of it is valid.
#[derive(serde::Serialize)]
struct CheckDoc<'a> {
    format_version: u32,
    valid: bool,
    rules: &'a str,
    contract_files: Count,
    variant_files: Count,
    portfolio_records: Count,
    unreadable_inputs: bool,
}

#[derive(serde::Serialize)]
struct Count {
    read: usize,
    valid: usize,
    invalid: usize,
}

impl Count {
    fn new(read: usize, invalid: usize) -> Count {
        Count { read, valid: read - invalid, invalid }
    }
}

pub fn check(inputs: &[PathBuf], common: &Common) -> ExitCode {
    let rules = match load_rules(common) {
        Ok(r) => r,
        Err(code) => {
            // The inputs cannot be checked without rules; say so.
            if !inputs.is_empty() && common.format == Format::Text {
                eprintln!("note: {} input(s) not checked: the rules are invalid", inputs.len());
            }
            return code;
        }
    };
    let mut worst = 0u8;
    let (mut contracts, mut variants, mut portfolio) = (0usize, 0usize, Vec::new());
    let (mut bad_contracts, mut bad_variants) = (0usize, 0usize);
    for path in inputs {
        if path.is_dir() {
            portfolio.push(path.clone()); // a folder of contracts
            continue;
        }
        let t = match read(path, common.format) {
            Ok(t) => t,
            Err(code) => {
                worst = worst.max(if code == ExitCode::from(2) { 2 } else { 1 });
                continue;
            }
        };
        let kind = cpts_funding::portfolio::input_kind(&path.display().to_string(), &t);
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json || kind != cpts_funding::portfolio::InputKind::Contract {
            portfolio.push(path.clone());
        } else if cpts_funding::variant::looks_like_variant(&t) {
            variants += 1;
            if !cmd_portfolio::check_variant(path, &t, &rules, common.format) {
                worst = worst.max(1);
                bad_variants += 1;
            }
        } else {
            contracts += 1;
            if let Err(code) = load_contract(path, &rules, common.format) {
                worst = worst.max(if code == ExitCode::from(2) { 2 } else { 1 });
                bad_contracts += 1;
            }
        }
    }
    let mut records = None;
    if !portfolio.is_empty() {
        let c = cmd_portfolio::check(&portfolio, &rules, common.format);
        if c.io_errors {
            worst = 2;
        } else if c.failed > 0 {
            worst = worst.max(1);
        }
        if common.format == Format::Text {
            eprintln!(
                "portfolio records: {} read = {} valid + {} invalid",
                c.records,
                c.records - c.failed,
                c.failed
            );
        }
        records = Some((c.records, c.failed));
    }
    if common.format == Format::Json {
        // One summary object on stdout, whatever the outcome (the diagnostics are on stderr).
        let (r, f) = records.unwrap_or((0, 0));
        let doc = CheckDoc {
            format_version: 1,
            valid: worst == 0,
            rules: &rules.file,
            contract_files: Count::new(contracts, bad_contracts),
            variant_files: Count::new(variants, bad_variants),
            portfolio_records: Count::new(r, f),
            unreadable_inputs: worst == 2,
        };
        println!("{}", serde_json::to_string(&doc).unwrap_or_default());
    }
    if worst == 0 && common.format == Format::Text {
        let mut parts = vec![rules.file.clone()];
        if contracts > 0 {
            parts.push(format!("{contracts} contract file(s)"));
        }
        if variants > 0 {
            parts.push(format!("{variants} variant file(s)"));
        }
        if let Some((n, _)) = records {
            parts.push(format!("{n} portfolio record(s)"));
        }
        println!("ok: {} {} valid", parts.join(", "), if parts.len() == 1 { "is" } else { "are" });
    }
    ExitCode::from(worst)
}
