//! `check`: validates the rules and each input (contract, folder, portfolio file, CSV, variant)
//! as `compute` would read it, and reports every problem; nothing is evaluated.

use crate::args::{PlainFormat, RulesArg, StreamArgs};
use crate::cmd::{batch, stream};
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use cpts_funding::diagnostic::Code;
use cpts_funding::input::Contract;
use cpts_funding::portfolio::{self, input_kind, is_portfolio_input, InputKind, RecordState};
use cpts_funding::variant;
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLES: &str = "Each input is recognised as compute would: a contract file, a folder of contracts, a portfolio
file (YAML/JSON with `cpts:`), a CSV portfolio, or a variant file (`changes:`). Nothing is evaluated.

A CSV file whose CPTS each have their rows together (a quick look first says), one over 32 MiB,
or any with --stream, is read chunk by chunk, in memory that does not grow with the file; over
32 MiB or with --stream, the rows of one CPTS must be together (else E0705 on the later ones).

Examples:
  cpts-funding check fixtures/ok/*/contract.yaml
  cpts-funding check fixtures/portfolio/sample-800-synthetic.csv rules/variants/*.yaml
  cpts-funding check --rules rules/aci-cpts.yaml";

#[derive(clap::Args)]
pub struct Args {
    /// Contract files, folders, portfolio files (YAML/JSON/CSV) or variant files to validate
    /// against the rules (`-`: standard input).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format (json: a summary object on stdout, diagnostics as JSON lines on stderr).
    #[arg(long, value_enum, default_value_t)]
    pub format: PlainFormat,
    #[command(flatten)]
    pub stream: StreamArgs,
}

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

#[derive(serde::Serialize, Default)]
struct Count {
    read: usize,
    valid: usize,
    invalid: usize,
}

impl Count {
    fn add(&mut self, ok: bool) {
        self.read += 1;
        if ok {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
    }
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let rules = match load::rules(&a.rules, p) {
        Ok(r) => r,
        Err(e) => {
            // The inputs cannot be checked without rules; say so.
            if !a.inputs.is_empty() {
                p.fail(e);
                let n = a.inputs.len();
                p.message("note", &format!("{n} input(s) not checked: the rules are invalid"));
                return Err(CliError::Reported(1));
            }
            return Err(e);
        }
    };
    // Each input is read once; folders and portfolio inputs are checked as one portfolio.
    let (mut contracts, mut variants) = (Count::default(), Count::default());
    let (mut portfolio, mut from_portfolio, mut io) = (Vec::new(), false, false);
    let mut seen = std::collections::HashMap::new();
    let mut records = Count::default();
    let mut empty = false;
    let streamed = stream::applies(&a.inputs, &a.stream);
    if streamed {
        // One large CSV file, chunk by chunk (its rows are records of a portfolio).
        from_portfolio = true;
        let mut chunks = stream::Chunks::open(&a.inputs[0], &a.stream, &rules, false)?;
        while let Some(chunk) = chunks.next_chunk()? {
            for r in &chunk.portfolio.records {
                match &r.state {
                    RecordState::Failed(d) => {
                        chunk.print(p, d);
                        io |= d.iter().any(|d| d.code == Code::E0001);
                        records.add(false);
                    }
                    RecordState::Loaded { .. } => records.add(true),
                }
            }
            if chunk.header_broken {
                // The header is the same for every chunk: said once.
                break;
            }
        }
        if records.read == 0 {
            if let CliError::Invalid(d, _) = stream::no_record(chunks.name()) {
                p.diagnostics(&d, None);
            }
            empty = true;
        }
    }
    for path in a.inputs.iter().filter(|_| !streamed) {
        let (read, unreadable) = inputs::read_all(std::slice::from_ref(path));
        for r in &unreadable {
            if let RecordState::Failed(d) = &r.state {
                p.diagnostics(d, None);
                if d.iter().any(|d| d.code == Code::E0001) {
                    io = true;
                } else {
                    contracts.add(false);
                }
            }
        }
        if path.is_dir() {
            // The files of a folder are records of a portfolio, whatever they hold.
            from_portfolio = true;
            portfolio.extend(read);
            continue;
        }
        for i in read {
            if is_portfolio_input(&i.name, &i.text) {
                from_portfolio = true;
                portfolio.push(i);
                continue;
            }
            match input_kind(&i.name, &i.text) {
                InputKind::Variant => variants.add(check_variant(&i.name, &i.text, &rules, p)),
                _ => match Contract::from_text(&i.name, &i.text, &rules) {
                    Ok((c, warnings)) => {
                        p.diagnostics(&warnings, Some(&i.text));
                        match duplicate(&mut seen, &c) {
                            Some(d) => {
                                p.diagnostics(&[d], None);
                                contracts.add(false);
                            }
                            None => contracts.add(true),
                        }
                    }
                    Err(errors) => {
                        p.diagnostics(&errors, Some(&i.text));
                        contracts.add(false);
                    }
                },
            }
        }
    }
    if from_portfolio && !streamed {
        // check prints no receipt: the inputs are not hashed.
        let loaded = batch::load_with(portfolio, Vec::new(), &rules, false);
        if let Err(CliError::Invalid(d, _)) = loaded.require_records(&a.inputs) {
            p.diagnostics(&d, None);
            empty = true;
        }
        let failed = loaded.print_failed(p);
        let n = loaded.portfolio.records.len();
        records = Count { read: n, valid: n - failed, invalid: failed };
    }
    if from_portfolio && !p.is_json() {
        let (n, valid, failed) = (records.read, records.valid, records.invalid);
        p.message("portfolio records", &format!("{n} read = {valid} valid + {failed} invalid"));
    }
    let invalid = contracts.invalid + variants.invalid + records.invalid + usize::from(empty);
    let worst: u8 = if io {
        2
    } else if invalid > 0 {
        1
    } else {
        0
    };
    if p.is_json() {
        // One summary object on stdout, whatever the outcome (the diagnostics are on stderr).
        let doc = CheckDoc {
            format_version: 1,
            valid: worst == 0,
            rules: &rules.file,
            contract_files: contracts,
            variant_files: variants,
            portfolio_records: records,
            unreadable_inputs: io,
        };
        p.out(&format!("{}\n", serde_json::to_string(&doc).unwrap_or_default()))?;
    } else if worst == 0 {
        let mut parts = vec![rules.file.clone()];
        if contracts.read > 0 {
            parts.push(format!("{} contract file(s)", contracts.read));
        }
        if variants.read > 0 {
            parts.push(format!("{} variant file(s)", variants.read));
        }
        if from_portfolio {
            parts.push(format!("{} portfolio record(s)", records.read));
        }
        let verb = if parts.len() == 1 { "is" } else { "are" };
        p.out(&format!("ok: {} {verb} valid\n", parts.join(", ")))?;
    }
    Ok(ExitCode::from(worst))
}

/// The same CPTS id in a second contract file is the error a portfolio gives (E0705): its
/// amounts would be counted twice.
pub fn duplicate(
    seen: &mut std::collections::HashMap<String, String>,
    c: &Contract,
) -> Option<cpts_funding::diagnostic::Diagnostic> {
    match seen.get(&c.id) {
        Some(first) => {
            let loc = cpts_funding::diagnostic::Location {
                file: c.file.clone(),
                path: Some("id".into()),
                line: None,
                column: None,
            };
            Some(portfolio::duplicate_diagnostic(&c.id, first, loc, portfolio::ONE_RECORD_HELP))
        }
        None => {
            seen.insert(c.id.clone(), c.file.clone());
            None
        }
    }
}

/// A variant file: read and validated against `rules`, then applied to them.
fn check_variant(
    name: &str,
    text: &str,
    rules: &cpts_funding::rules::RuleSet,
    p: &Printer,
) -> bool {
    match variant::load_applied(name, text, rules) {
        Ok(_) => true,
        Err(errors) => {
            p.diagnostics(&errors, Some(text));
            false
        }
    }
}
