//! `diff --variant FILE PORTFOLIO`: what a variant costs, per CPTS, tier and mission, and the
//! delta attributed to each change.

use crate::args::{CsvArgs, RulesArg, RunArgs, TableFormat, VariantArgs, YearArgs};
use crate::cmd::batch;
use crate::cmd::budget::render_page;
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use crate::progress;
use cpts_funding::report::page;
use cpts_funding::variant::{diff, render};
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLES: &str = "Examples:
  cpts-funding diff --variant rules/variants/tier2-parcours-plus.yaml fixtures/portfolio/sample-800-synthetic.csv --year 2025
  cpts-funding diff --variant rules/variants/negotiation-2025.yaml fixtures/portfolio/sample-800-synthetic.csv --year 2025 --format csv --excel-fr > diff.csv
  cpts-funding diff --variant rules/variants/tier2-parcours-plus.yaml fixtures/portfolio/example.csv --year 2025 --format html > diff.html";

#[derive(clap::Args)]
pub struct Args {
    /// The portfolio: contract files, folders, portfolio files or CSV files (`-`: stdin).
    #[arg(required = true, value_name = "PORTFOLIO")]
    pub portfolio: Vec<PathBuf>,
    #[command(flatten)]
    pub years: YearArgs,
    #[command(flatten)]
    pub variant: VariantArgs,
    #[command(flatten)]
    pub csv: CsvArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: TableFormat,
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    if a.variant.variants.is_empty() {
        return Err(CliError::usage("--variant", "diff needs at least one --variant FILE"));
    }
    let opts = a.csv.options()?;
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let (base, variants, rules) = (&ruled.base, &ruled.variants, &ruled.rules);
    let sel = a.years.selection();
    sel.check(rules).map_err(|e| CliError::eval(&e, "--contract-year"))?;
    let changes: usize = variants.iter().map(|v| v.changes.len()).sum();
    let (read, unreadable) = inputs::read_all(&a.portfolio);
    let (loaded, d) = batch::with_jobs(a.run.jobs, || {
        let loaded = batch::load_checked(read, unreadable, base, &a.portfolio, a.run.strict, p)?;
        let pb = progress::bar(2 * changes, "variante");
        let d = diff::diff(base, variants, rules, &loaded.portfolio, sel, &|| pb.inc(1));
        pb.finish_and_clear();
        Ok::<_, CliError>((loaded, d))
    })??;
    let d = d.map_err(|e| CliError::eval(&e, &rules.file))?;
    let pf = &loaded.portfolio;
    for (_, ds) in &d.failures {
        loaded.print(ds, p);
        if a.run.strict {
            let msg = "stopped (--strict): nothing written";
            p.line("stopped", msg, msg);
            return Err(CliError::Reported(1));
        }
    }
    match a.format {
        TableFormat::Json => p.out(&render::diff_json(base, variants, pf, &d, sel))?,
        TableFormat::Csv => p.out(&render::diff_csv(base, pf, &d, opts))?,
        TableFormat::Text => p.out(&render::diff_text(base, variants, pf, &d, sel))?,
        TableFormat::Md | TableFormat::Html => p.out(&render_page(
            &page::diff(base, variants, pf, &d, sel),
            a.format == TableFormat::Html,
        ))?,
    }
    p.message("summary", &d.base.summary.sentence(sel));
    Ok(batch::exit_code(d.failures.len(), loaded.io_errors))
}
