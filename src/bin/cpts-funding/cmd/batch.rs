//! What the portfolio commands share: the inputs read once and loaded as one portfolio (in
//! parallel, on `--jobs` threads), `--strict`, the diagnostics of failed records with snippets of
//! their own files, the exit code of a batch; and `compute` on a portfolio.

use crate::args::{self, ComputeFormat};
use crate::cmd::compute;
use crate::error::CliError;
use crate::inputs::Input;
use crate::load;
use crate::output::Printer;
use crate::progress;
use cpts_funding::diagnostic::{Code, Diagnostic};
use cpts_funding::portfolio::{
    self, aggregate, csv_out, json_out, text_out, Portfolio, Record, RecordState,
};
use cpts_funding::rules::RuleSet;
use cpts_funding::source::LineIndex;
use std::collections::HashMap;
use std::process::ExitCode;

/// The portfolio read and validated against the rules, with the source texts (for snippets).
pub struct Loaded {
    pub portfolio: Portfolio,
    pub texts: HashMap<String, String>,
    /// Where each line of an input starts, built the first time one of its diagnostics is
    /// printed (a text is read once for all its diagnostics, not once for each).
    lines: std::cell::RefCell<HashMap<String, LineIndex>>,
    /// Some input could not be read at all (exit 2).
    pub io_errors: bool,
}

impl Loaded {
    /// Prints diagnostics, each with a snippet of its own file.
    pub fn print(&self, diags: &[Diagnostic], p: &Printer) {
        p.diagnostics_by_line(diags, |d| {
            let text = self.texts.get(&d.location.file)?;
            let n = d.location.line?;
            let mut lines = self.lines.borrow_mut();
            let index =
                lines.entry(d.location.file.clone()).or_insert_with(|| LineIndex::new(text));
            index.line(text, n)
        });
    }

    /// With `--strict`, the first failed record (in input order) stops the run.
    pub fn strict_stop(&self, p: &Printer) -> Result<(), CliError> {
        let Some(r) = self.portfolio.records.iter().find(|r| failed(r).is_some()) else {
            return Ok(());
        };
        let d = failed(r).unwrap_or_default();
        self.print(d, p);
        let msg = format!("stopped (--strict) at {}: nothing written", r.origin);
        p.line("stopped", &msg, &msg);
        Err(CliError::Reported(if d.iter().any(|d| d.code == Code::E0001) { 2 } else { 1 }))
    }

    /// Prints the diagnostics of every record that could not be read or validated; their count.
    pub fn print_failed(&self, p: &Printer) -> usize {
        let mut n = 0;
        for d in self.portfolio.records.iter().filter_map(failed) {
            self.print(d, p);
            n += 1;
        }
        n
    }
}

fn failed(r: &Record) -> Option<&[Diagnostic]> {
    match &r.state {
        RecordState::Failed(d) => Some(d),
        RecordState::Loaded { .. } => None,
    }
}

/// The help of E0707 (no record at all), for whole and streamed inputs alike.
pub const NO_RECORD_HELP: &str =
    "a folder is read for its .yaml files; a CSV needs a row per CPTS-year under its header";

impl Loaded {
    /// No record at all is an error, said (an empty folder or a header-only CSV is not an
    /// empty result: something is missing).
    pub fn require_records(&self, what: &[std::path::PathBuf]) -> Result<(), CliError> {
        if !self.portfolio.records.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = what.iter().map(|p| crate::inputs::name_of(p)).collect();
        Err(CliError::Invalid(
            vec![Diagnostic::error(
                Code::E0707,
                format!("no CPTS in {}: nothing to compute", names.join(", ")),
                cpts_funding::diagnostic::Location::file(
                    names.first().cloned().unwrap_or_default(),
                ),
            )
            .with_help(NO_RECORD_HELP)],
            None,
        ))
    }
}

/// Loads `inputs` (already read) as one portfolio; `unreadable` are the inputs that could not be.
/// The inputs are hashed only if `hash` (their receipts are printed).
pub fn load_with(
    inputs: Vec<Input>,
    unreadable: Vec<Record>,
    rules: &RuleSet,
    hash: bool,
) -> Loaded {
    let io_errors = unreadable
        .iter()
        .any(|r| failed(r).is_some_and(|d| d.iter().any(|d| d.code == Code::E0001)));
    let pairs: Vec<(String, String)> = inputs.into_iter().map(|i| (i.name, i.text)).collect();
    let mut portfolio = portfolio::load_with(&pairs, rules, portfolio::LoadOptions { hash });
    portfolio.records.extend(unreadable);
    Loaded { portfolio, texts: pairs.into_iter().collect(), lines: Default::default(), io_errors }
}

/// [`load_with`] (hashed), then what every portfolio command asks of the result: some record at all
/// (E0707), and with `--strict` none failed (the first failure printed, nothing written).
pub fn load_checked(
    inputs: Vec<Input>,
    unreadable: Vec<Record>,
    rules: &RuleSet,
    paths: &[std::path::PathBuf],
    strict: bool,
    p: &Printer,
) -> Result<Loaded, CliError> {
    load_checked_with(inputs, unreadable, rules, paths, strict, true, p)
}

/// [`load_checked`], the inputs hashed only if `hash`.
pub fn load_checked_with(
    inputs: Vec<Input>,
    unreadable: Vec<Record>,
    rules: &RuleSet,
    paths: &[std::path::PathBuf],
    strict: bool,
    hash: bool,
    p: &Printer,
) -> Result<Loaded, CliError> {
    let loaded = load_with(inputs, unreadable, rules, hash);
    loaded.require_records(paths)?;
    if strict {
        loaded.strict_stop(p)?;
    }
    Ok(loaded)
}

/// Runs `f` on a pool of `jobs` threads (the global pool when not given).
pub fn with_jobs<T: Send>(
    jobs: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> Result<T, CliError> {
    match args::jobs(jobs)? {
        None => Ok(f()),
        Some(n) => match rayon::ThreadPoolBuilder::new().num_threads(n).build() {
            Ok(pool) => Ok(pool.install(f)),
            Err(e) => Err(CliError::usage("--jobs", format!("cannot start {n} threads: {e}"))),
        },
    }
}

/// A batch's exit code: 2 when an input could not be read, 1 when a record failed, else 0.
pub fn exit_code(failed: usize, io: bool) -> ExitCode {
    ExitCode::from(if io {
        2
    } else if failed > 0 {
        1
    } else {
        0
    })
}

/// `compute` on a portfolio.
pub fn compute(
    a: &compute::Args,
    inputs: Vec<Input>,
    unreadable: Vec<Record>,
    p: &mut Printer,
) -> Result<ExitCode, CliError> {
    let opts = a.csv.options()?;
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let (base, rules) = (&ruled.base, &ruled.rules);
    let sel = a.years.selection();
    sel.check(rules).map_err(|e| CliError::eval(&e, "--contract-year"))?;
    let (loaded, run) = with_jobs(a.run.jobs, || {
        // A CSV table prints no input hash: none is computed.
        let hash = a.format != ComputeFormat::Csv;
        let loaded = load_checked_with(inputs, unreadable, base, &a.inputs, a.run.strict, hash, p)?;
        let pb = progress::bar(loaded.portfolio.records.len(), "évaluation");
        let run = portfolio::evaluate(rules, &loaded.portfolio, sel, &|| pb.inc(1));
        pb.finish_and_clear();
        Ok::<_, CliError>((loaded, run))
    })??;
    let pf = &loaded.portfolio;
    for (_, d) in run.failures() {
        loaded.print(d, p);
        if a.run.strict {
            let msg = "stopped (--strict): nothing written";
            p.line("stopped", msg, msg);
            return Err(CliError::Reported(1));
        }
    }
    let sums = aggregate(rules, pf, run.rows()).map_err(|e| CliError::eval(&e, &rules.file))?;
    match a.format {
        ComputeFormat::Json => p.out(&json_out::portfolio(rules, pf, &run, &sums))?,
        ComputeFormat::Csv => {
            p.out(&csv_out::portfolio(rules, pf, &run, (!a.no_sums).then_some(&sums), opts))?
        }
        ComputeFormat::Md | ComputeFormat::Html => p.out(&crate::cmd::budget::render_page(
            &cpts_funding::report::page::portfolio(rules, &ruled.variants, pf, &run, &sums),
            a.format == ComputeFormat::Html,
        ))?,
        ComputeFormat::Text => {
            p.out(&text_out::portfolio(rules, &ruled.variants, pf, &run, &sums))?
        }
    }
    p.message("summary", &run.summary.sentence(sel));
    let code = exit_code(run.summary.failed, loaded.io_errors);
    // The process ends after this command: its memory goes back to the system at once rather
    // than freed contract by contract (7 % of a 10 000-row run).
    std::mem::forget((loaded, run));
    Ok(code)
}
