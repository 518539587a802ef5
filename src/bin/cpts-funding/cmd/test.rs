//! `test FILE...`: runs the cases of YAML case files (tests as data for rule authors): each case
//! computes a contract year or the maxima at a date, under optional rules and variants, and is
//! compared with its expected amounts; every difference is printed; exit 1 if any case fails.

use crate::args::{PlainFormat, RulesArg};
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use cpts_funding::cases::{self, Case, Outcome, Subject};
use cpts_funding::rules::RuleSet;
use cpts_funding::variant::{self, Variant};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const EXAMPLES: &str =
    "Paths in a case file (contract_file, rules, variants) are relative to the case file.

Examples:
  cpts-funding test rules/tests/published-checks.yaml
  cpts-funding test rules/tests/*.yaml --format json";

#[derive(clap::Args)]
pub struct Args {
    /// Case files (YAML).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Rules for the cases that name none (default: the embedded rules).
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format (json: one object per case on stdout).
    #[arg(long, value_enum, default_value_t)]
    pub format: PlainFormat,
}

#[derive(Serialize)]
struct CaseDoc<'a> {
    file: &'a str,
    case: &'a str,
    outcome: &'static str,
    mismatches: Vec<MismatchDoc<'a>>,
}

#[derive(Serialize)]
struct MismatchDoc<'a> {
    what: &'a str,
    expected: &'a str,
    actual: &'a str,
}

/// Rules read once per path (the default under the empty path), then with variants applied.
struct Rules<'p> {
    printer: &'p Printer,
    default: RulesArg,
    loaded: HashMap<PathBuf, RuleSet>,
}

impl Rules<'_> {
    fn get(&mut self, path: Option<PathBuf>) -> Result<&RuleSet, CliError> {
        let key = path.clone().unwrap_or_default();
        if !self.loaded.contains_key(&key) {
            let arg = match path {
                Some(p) => RulesArg { rules: Some(p) },
                None => self.default.clone(),
            };
            let r = load::rules(&arg, self.printer)?;
            self.loaded.insert(key.clone(), r);
        }
        Ok(&self.loaded[&key])
    }
}

fn under(dir: &Path, p: &str) -> PathBuf {
    dir.join(p)
}

/// The rules of a case: its own or the default, with its variants applied.
fn rules_of(case: &Case, dir: &Path, rules: &mut Rules) -> Result<RuleSet, CliError> {
    let base = rules.get(case.rules.as_deref().map(|p| under(dir, p)))?.clone();
    let mut variants: Vec<Variant> = Vec::new();
    for v in &case.variants {
        let i = inputs::read_document(&under(dir, v))?;
        let current = variant::apply_all(&base, &variants).map_err(|(_, e)| {
            CliError::Invalid(vec![variant::apply_diagnostic(&e, &i.name)], None)
        })?;
        let var = Variant::from_text(&i.name, &i.text, &current)
            .map_err(|e| CliError::Invalid(e, Some(i.text.clone())))?;
        variants.push(var);
    }
    variant::apply_all(&base, &variants)
        .map_err(|(_, e)| CliError::Invalid(vec![variant::apply_diagnostic(&e, "variants")], None))
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut docs = Vec::new();
    let mut text = String::new();
    let mut rules = Rules { printer: p, default: a.rules.clone(), loaded: HashMap::new() };
    for path in &a.files {
        let input = inputs::read_document(path)?;
        let file = cases::parse(&input.name, &input.text)
            .map_err(|e| CliError::Invalid(e, Some(input.text.clone())))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        text.push_str(&format!(
            "{}{}\n",
            file.file,
            file.title.as_deref().map(|t| format!(" — {t}")).unwrap_or_default()
        ));
        for case in &file.cases {
            let outcome = match rules_of(case, dir, &mut rules) {
                Err(CliError::Invalid(ds, src)) => {
                    rules.printer.diagnostics(&ds, src.as_deref());
                    Outcome::Error(ds)
                }
                Err(e) => return Err(e),
                Ok(r) => {
                    let contract = match &case.subject {
                        Subject::Max(_) => Ok(None),
                        Subject::ContractFile(f) => {
                            let i = inputs::read_document(&under(dir, f))?;
                            cases::contract_of(case, &file.file, &r, Some((&i.name, &i.text)))
                                .map(Some)
                                .inspect_err(|ds| rules.printer.diagnostics(ds, Some(&i.text)))
                        }
                        Subject::Inline { .. } => cases::contract_of(case, &file.file, &r, None)
                            .map(Some)
                            .inspect_err(|ds| rules.printer.diagnostics(ds, Some(&input.text))),
                    };
                    match contract {
                        Ok(c) => {
                            let o = cases::run(case, &r, c.as_ref());
                            if let Outcome::Error(ds) = &o {
                                rules.printer.diagnostics(ds, None);
                            }
                            o
                        }
                        // Printed above, with the snippet of their text.
                        Err(ds) => Outcome::Error(ds),
                    }
                }
            };
            let (word, mismatches) = match &outcome {
                Outcome::Pass => ("ok", Vec::new()),
                Outcome::Fail(m) => ("FAIL", m.clone()),
                Outcome::Error(_) => ("ERROR", Vec::new()),
            };
            if word == "ok" {
                passed += 1;
            } else {
                failed += 1;
            }
            text.push_str(&format!("  {word:<5} {}\n", case.name));
            for m in &mismatches {
                text.push_str(&format!(
                    "        {}: expected {}, got {}\n",
                    m.what, m.expected, m.actual
                ));
            }
            if !mismatches.is_empty() {
                if let Some(s) = &case.source {
                    text.push_str(&format!("        (source of the expected figures: {s})\n"));
                }
            }
            docs.push((file.file.clone(), case.name.clone(), word, mismatches));
        }
    }
    if p.is_json() {
        for (f, c, w, ms) in &docs {
            let doc = CaseDoc {
                file: f,
                case: c,
                outcome: match *w {
                    "ok" => "pass",
                    "FAIL" => "fail",
                    _ => "error",
                },
                mismatches: ms
                    .iter()
                    .map(|m| MismatchDoc {
                        what: &m.what,
                        expected: &m.expected,
                        actual: &m.actual,
                    })
                    .collect(),
            };
            p.out(&format!("{}\n", serde_json::to_string(&doc).unwrap_or_default()))?;
        }
    } else {
        p.out(&text)?;
        p.out(&format!("{passed} passed, {failed} failed\n"))?;
    }
    Ok(ExitCode::from(u8::from(failed > 0)))
}
