//! `compute`: one or more contract files, each contract year as text, JSON or a printable page;
//! or a portfolio (a folder, a portfolio file, a CSV file) with its sums (see `batch`).

use crate::args::{ComputeFormat, CsvArgs, RulesArg, RunArgs, StreamArgs, VariantArgs, YearArgs};
use crate::cmd::{batch, budget};
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use cpts_funding::diagnostic::{Code, Diagnostic, Location};
use cpts_funding::eval::{evaluate, Breakdown};
use cpts_funding::portfolio::is_portfolio_input;
use cpts_funding::report::{json, page, text};
use cpts_funding::variant::render::banner;
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLES: &str = "A CSV file whose CPTS each have their rows together (a quick look first says), one over 32 MiB,
or any with --stream, is read chunk by chunk, in memory that does not grow with the file; over
32 MiB or with --stream, the rows of one CPTS must be together (else E0705 on the later ones). The text, JSON and CSV reports
(with --strict or not) are those of the whole-file run, byte for byte (the CSV rows are written as
they come; the lists under counts of the whole file wait in temporary files). A printable page
(--format md|html) of a portfolio reads the file whole.

Examples:
  cpts-funding compute fixtures/ok/t2-first-year-prorata/contract.yaml --year 2024
  cpts-funding compute fixtures/ok/t2-first-year-prorata/contract.yaml --year 2024 --format html > compute.html
  cpts-funding compute fixtures/portfolio/sample-800-synthetic.csv --year 2025 --format csv --excel-fr > cpam.csv
  cpts-funding compute fixtures/portfolio/example.csv --year 2025 --format html > portfolio.html
  cpts-funding compute fixtures/portfolio/sample-800-synthetic.csv --format json --stream > portfolio.json";

#[derive(clap::Args)]
pub struct Args {
    /// Contract files (YAML, or `-` for standard input), one CPTS each; or a portfolio: a folder
    /// of contract files, a portfolio file (YAML or JSON, `cpts:` list) or a CSV file (one row
    /// per CPTS-year).
    #[arg(required = true, value_name = "CONTRACT|PORTFOLIO")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub years: YearArgs,
    #[command(flatten)]
    pub variant: VariantArgs,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// CSV: the CPTS-year rows only, without the sums.
    #[arg(long)]
    pub no_sums: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub stream: StreamArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: ComputeFormat,
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    if crate::cmd::compute_streamed::applies(a) {
        return crate::cmd::compute_streamed::run(a, p);
    }
    // Each input is read once; what it holds decides whether this is a portfolio run.
    let (read, unreadable) = inputs::read_all(&a.inputs);
    let portfolio = a.format == ComputeFormat::Csv
        || a.inputs.iter().any(|i| i.is_dir())
        || read.iter().any(|i| is_portfolio_input(&i.name, &i.text));
    if portfolio {
        return batch::compute(a, read, unreadable, p);
    }
    if matches!(a.format, ComputeFormat::Md | ComputeFormat::Html) && a.inputs.len() != 1 {
        // Several contract files are not a portfolio; a folder or a portfolio file is, and gets
        // one page with its sums.
        let f = if a.format == ComputeFormat::Html { "html" } else { "md" };
        return Err(CliError::Usage(
            Diagnostic::error(
                Code::E0002,
                format!(
                    "--format {f} renders one page: for one contract file, or for a portfolio \
                     (a folder, a portfolio file or a CSV); got {} contract files",
                    a.inputs.len()
                ),
                Location::file("--format"),
            )
            .with_help(
                "pass one contract file for its page, or put the contracts in a folder and pass \
                 the folder for the portfolio page",
            ),
        ));
    }
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let rules = &ruled.rules;
    let selection = a.years.selection();
    selection.check(rules).map_err(|e| CliError::eval(&e, "--contract-year"))?;
    let mut worst = 0u8;
    for r in &unreadable {
        if let cpts_funding::portfolio::RecordState::Failed(d) = &r.state {
            p.diagnostics(d, None);
            let io = d.iter().any(|d| d.code == cpts_funding::diagnostic::Code::E0001);
            worst = worst.max(if io { 2 } else { 1 });
        }
    }
    let mut loaded = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for i in &read {
        match cpts_funding::input::Contract::from_text(&i.name, &i.text, rules) {
            Ok((c, warnings)) => {
                p.diagnostics(&warnings, Some(&i.text));
                match crate::cmd::check::duplicate(&mut seen, &c) {
                    Some(d) => {
                        p.diagnostics(&[d], None);
                        worst = worst.max(1);
                    }
                    None => loaded.push(c),
                }
            }
            Err(errors) => {
                p.diagnostics(&errors, Some(&i.text));
                worst = worst.max(1);
            }
        }
    }
    let mut breakdowns: Vec<Breakdown> = Vec::new();
    for c in &loaded {
        let ks = match selection.years(rules, c) {
            Ok(ks) => ks,
            Err(e) => {
                p.diagnostics(&[e.to_diagnostic(&c.file)], None);
                worst = worst.max(1);
                continue;
            }
        };
        for k in ks {
            match evaluate(rules, c, k) {
                Ok(b) => breakdowns.push(b),
                Err(e) => {
                    p.diagnostics(&[e.to_diagnostic(&c.file)], None);
                    worst = worst.max(1);
                }
            }
        }
    }
    match a.format {
        ComputeFormat::Json => p.out(&json::compute(&breakdowns))?,
        ComputeFormat::Text | ComputeFormat::Csv => {
            let pages: Vec<String> = breakdowns.iter().map(text::breakdown).collect();
            p.out(&banner(&ruled.variants))?;
            p.out(&pages.join(&format!("\n{}\n\n", "─".repeat(78))))?;
        }
        ComputeFormat::Md | ComputeFormat::Html => {
            let page = budget::under_variants(page::compute(&breakdowns), &ruled.variants);
            p.out(&budget::render_page(&page, a.format == ComputeFormat::Html))?;
        }
    }
    Ok(ExitCode::from(worst))
}
