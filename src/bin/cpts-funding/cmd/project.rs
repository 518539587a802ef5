//! `project SCENARIO.yaml`: a roll-out projection — the scenario's synthetic contracts, per
//! calendar year: CPTS under contract, signatures, cash paid (by kind, tier and mission), the
//! contract years starting, the published figures with the gap; under `--variant`, base,
//! variant and delta per year.

use crate::args::{CsvArgs, RulesArg, VariantArgs};
use crate::cmd::batch;
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use clap::ValueEnum;
use cpts_funding::project::{self, RolloutScenario};
use cpts_funding::report::project as report;
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLES: &str = "Examples:
  cpts-funding project rules/scenarios/national-2019-2025.yaml
  cpts-funding project rules/scenarios/national-2019-2025.yaml --from 2022 --to 2023 --format json
  cpts-funding project rules/scenarios/national-2019-2025.yaml --variant rules/variants/negotiation-2025.yaml --from 2024 --to 2030
  cpts-funding project rules/scenarios/national-2019-2025.yaml --format csv --excel-fr > projection.csv";

/// `project`'s formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    /// Diagnostics and messages go to stderr as JSON lines.
    Json,
    /// One row per calendar year.
    Csv,
}

#[derive(clap::Args)]
pub struct Args {
    /// The roll-out scenario (YAML, e.g. rules/scenarios/national-2019-2025.yaml; `-`: stdin).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// First calendar year shown (default: the year of the first signatures).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<i32>,
    /// Last calendar year shown (default: the year of the last signatures).
    #[arg(long, value_name = "YEAR")]
    pub to: Option<i32>,
    #[command(flatten)]
    pub variant: VariantArgs,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Threads used to evaluate (1 to 256; default: one per core). The output does not depend
    /// on it.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let opts = a.csv.options()?;
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let input = inputs::read(&a.scenario)?;
    let scenario = RolloutScenario::from_text(&input.name, &input.text, &ruled.base)
        .map_err(|errors| CliError::Invalid(errors, Some(input.text.clone())))?;
    use chrono::Datelike;
    let first = scenario.signatures.first().map(|s| s.first.year());
    let last = scenario.signatures.last().map(|s| s.last.year());
    let from = a.from.or(first).unwrap_or(2019);
    let to = a.to.or(last).unwrap_or(from);
    project::check_years(from, to).map_err(|m| CliError::usage("--to", m))?;
    let under_variants = !ruled.variants.is_empty();
    let (base, variant) = batch::with_jobs(a.jobs, || {
        let portfolio = project::generate(&scenario, &ruled.base);
        let base = project::project(&ruled.base, &portfolio, from, to);
        let variant = under_variants.then(|| project::project(&ruled.rules, &portfolio, from, to));
        (base, variant)
    })?;
    let base = base.map_err(|e| CliError::eval(&e, &ruled.rules.file))?;
    let variant = variant.transpose().map_err(|e| CliError::eval(&e, &ruled.rules.file))?;
    for (_, d) in &base.failures {
        p.diagnostics(d, None);
    }
    let r = report::Report {
        scenario: &scenario,
        base: &base,
        variant: variant.as_ref().map(|v| (ruled.variants.as_slice(), v)),
    };
    match a.format {
        Format::Text => p.out(&report::text(&ruled.base, &r))?,
        Format::Csv => p.out(&report::csv(&ruled.base, &r, opts))?,
        Format::Json => p.out(&report::json(&ruled.base, &r))?,
    }
    p.message(
        "summary",
        &format!(
            "{} contract(s) generated from {}, {} failed; calendar years {from} to {to}",
            base.contracts + base.failures.len(),
            scenario.file,
            base.failures.len()
        ),
    );
    Ok(batch::exit_code(base.failures.len(), false))
}
