//! `cashflow PORTFOLIO --from YYYY-MM --to YYYY-MM`: what the CPAM pays each month, quarter or
//! year, per group, with a running total and what rests on assumptions and provisional amounts.

use crate::args::{CsvArgs, RulesArg, RunArgs, StreamArgs, VariantArgs};
use crate::cmd::budget::render_page;
use crate::cmd::{batch, stream};
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use clap::ValueEnum;
use cpts_funding::cashflow::{self, Grouping, Period, Scenario, Spec, YearMonth};
use cpts_funding::diagnostic::Code;
use cpts_funding::report::cashflow as report;
use cpts_funding::variant::render::banner;
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLES: &str = "Examples:
  cpts-funding cashflow fixtures/portfolio/sample-800-synthetic.csv --from 2025-01 --to 2026-12 --by quarter
  cpts-funding cashflow fixtures/portfolio/sample-800-synthetic.csv --from 2025-01 --to 2025-12 --by month --group kind --format csv --excel-fr > cash-2025.csv
  cpts-funding cashflow fixtures/budget/t2-expected-in-contract/contract.yaml --from 2024-01 --to 2029-12 --by year
  cpts-funding cashflow fixtures/portfolio/sample-800-synthetic.csv --from 2025-01 --to 2026-12 --by quarter --format html > cash.html";

/// `cashflow`'s formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    /// Diagnostics and messages go to stderr as JSON lines.
    Json,
    /// One row per period (and group), then the total.
    Csv,
    /// Markdown: the content of the HTML page.
    Md,
    /// One self-contained, printable HTML page with the chart of the months.
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Month,
    Quarter,
    Year,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupArg {
    /// The tier of the contract year paid.
    Tier,
    /// The mission paid (or fonctionnement).
    Mission,
    Department,
    Region,
    /// The kind of payment: at_signature, advance, balance, variable, crisis.
    Kind,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioArg {
    /// Indicators not yet measured: not reached.
    Min,
    /// Indicators not yet measured: at the contract's expectations (`expected`), else not paid.
    Expected,
    /// Indicators not yet measured: fully reached.
    Max,
}

#[derive(clap::Args)]
pub struct Args {
    /// The portfolio: contract files, folders, portfolio files or CSV files (`-`: stdin).
    #[arg(required = true, value_name = "PORTFOLIO")]
    pub portfolio: Vec<PathBuf>,
    /// First month of the window (YYYY-MM), included.
    #[arg(long, value_name = "YYYY-MM")]
    pub from: String,
    /// Last month of the window (YYYY-MM), included.
    #[arg(long, value_name = "YYYY-MM")]
    pub to: String,
    /// Sum by month, quarter or year.
    #[arg(long, value_enum, default_value = "month")]
    pub by: ByArg,
    /// Also split each period by tier, mission, department, region or kind of payment.
    #[arg(long, value_enum)]
    pub group: Option<GroupArg>,
    /// What the years without measures assume.
    #[arg(long, value_enum, default_value = "expected")]
    pub scenario: ScenarioArg,
    #[command(flatten)]
    pub variant: VariantArgs,
    #[command(flatten)]
    pub csv: CsvArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub stream: StreamArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The most months a window may span (a century): beyond, nothing is paid anyway.
const MAX_MONTHS: i64 = 1200;

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let opts = a.csv.options()?;
    let from = YearMonth::parse(&a.from).map_err(|m| CliError::usage("--from", m))?;
    let to = YearMonth::parse(&a.to).map_err(|m| CliError::usage("--to", m))?;
    let months = (i64::from(to.year) - i64::from(from.year)) * 12 + i64::from(to.month)
        - i64::from(from.month)
        + 1;
    if months < 1 {
        return Err(CliError::usage("--to", format!("--to {to} is before --from {from}")));
    }
    if months > MAX_MONTHS {
        return Err(CliError::usage(
            "--to",
            format!("{months} months: a window spans at most {MAX_MONTHS}"),
        ));
    }
    let spec = Spec {
        from,
        to,
        by: match a.by {
            ByArg::Month => Period::Month,
            ByArg::Quarter => Period::Quarter,
            ByArg::Year => Period::Year,
        },
        group: a.group.map(|g| match g {
            GroupArg::Tier => Grouping::Tier,
            GroupArg::Mission => Grouping::Mission,
            GroupArg::Department => Grouping::Department,
            GroupArg::Region => Grouping::Region,
            GroupArg::Kind => Grouping::Kind,
        }),
        scenario: match a.scenario {
            ScenarioArg::Min => Scenario::Minimum,
            ScenarioArg::Expected => Scenario::Expected,
            ScenarioArg::Max => Scenario::Maximum,
        },
    };
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    // A page charts the months, whatever the periods of its table.
    let page = matches!(a.format, Format::Md | Format::Html);
    let eval = |e: cpts_funding::eval::EvalError| CliError::eval(&e, &ruled.rules.file);
    let (flow, monthly, io_errors) = batch::with_jobs(a.run.jobs, || {
        if stream::applies(&a.portfolio, &a.stream) {
            return streamed(a, &ruled, spec, page, p);
        }
        let (read, unreadable) = inputs::read_all(&a.portfolio);
        let loaded =
            batch::load_checked(read, unreadable, &ruled.base, &a.portfolio, a.run.strict, p)?;
        let flow = cashflow::cashflow(&ruled.rules, &loaded.portfolio, spec).map_err(eval)?;
        let monthly = page
            .then(|| cashflow::cashflow(&ruled.rules, &loaded.portfolio, monthly_spec(spec)))
            .transpose()
            .map_err(eval)?;
        for (_, d) in &flow.failures {
            loaded.print(d, p);
        }
        Ok::<_, CliError>((flow, monthly, loaded.io_errors))
    })??;
    if a.run.strict && !flow.failures.is_empty() {
        let msg = "stopped (--strict): nothing written";
        p.line("stopped", msg, msg);
        return Err(CliError::Reported(1));
    }
    match (a.format, &monthly) {
        (Format::Json, _) => p.out(&report::json(&ruled.rules, &flow))?,
        (Format::Csv, _) => p.out(&report::csv(&flow, opts))?,
        (Format::Md | Format::Html, Some(m)) => {
            let page = crate::cmd::budget::under_variants(
                report::page(&ruled.rules, &flow, m),
                &ruled.variants,
            );
            p.out(&render_page(&page, a.format == Format::Html))?
        }
        (Format::Text | Format::Md | Format::Html, _) => {
            p.out(&banner(&ruled.variants))?;
            p.out(&report::text(&flow))?;
        }
    }
    p.message(
        "summary",
        &format!(
            "{} contract(s) projected, {} record(s) failed; {} payment(s) in the window",
            flow.contracts,
            flow.failures.len(),
            flow.total.payments
        ),
    );
    Ok(batch::exit_code(flow.failures.len(), io_errors))
}

/// The spec of the chart of a page: the months, no group.
fn monthly_spec(spec: Spec) -> Spec {
    Spec { by: Period::Month, group: None, ..spec }
}

/// The cash flow of one large CSV file, chunk by chunk (each chunk's failures printed as it
/// comes), the sums merged.
fn streamed(
    a: &Args,
    ruled: &load::Ruled,
    spec: Spec,
    page: bool,
    p: &Printer,
) -> Result<(cashflow::CashFlow, Option<cashflow::CashFlow>, bool), CliError> {
    let eval = |e: cpts_funding::eval::EvalError| CliError::eval(&e, &ruled.rules.file);
    let mut chunks = stream::Chunks::open(&a.portfolio[0], &a.stream, &ruled.base, false)?;
    let (mut flow, mut monthly): (Option<cashflow::CashFlow>, Option<cashflow::CashFlow>) =
        (None, None);
    let (mut records, mut io) = (0usize, false);
    // --strict: the failed evaluations, said when the whole file is known to load.
    let mut held = Vec::new();
    // Each chunk is summed while the next is read and loaded.
    chunks.each(|chunk| {
        let pf = &chunk.portfolio;
        let part = cashflow::cashflow(&ruled.rules, pf, spec).map_err(eval)?;
        if a.run.strict {
            // A record failing to load stops the run at once, as on a whole file; failed
            // evaluations are said once the whole file is known to load, and the run stops
            // after them, as on a whole file.
            chunk.strict_stop(p)?;
            held.extend(part.failures.iter().map(|(_, d)| stream::Held::of(chunk, d)));
        } else {
            for (_, d) in &part.failures {
                chunk.print(p, d);
            }
        }
        io |= part.failures.iter().flat_map(|(_, d)| d).any(|d| d.code == Code::E0001);
        if chunk.header_broken {
            return Err(stream::header_stop(p));
        }
        if page {
            let m = cashflow::cashflow(&ruled.rules, pf, monthly_spec(spec)).map_err(eval)?;
            match monthly.as_mut() {
                Some(all) => all.merge(m, records).map_err(eval)?,
                None => monthly = Some(m),
            }
        }
        match flow.as_mut() {
            Some(all) => all.merge(part, records).map_err(eval)?,
            None => flow = Some(part),
        }
        records += pf.records.len();
        Ok(())
    })?;
    let flow = flow.filter(|_| records > 0);
    let flow = flow.ok_or_else(|| stream::no_record(chunks.name()))?;
    for h in held {
        h.print(p);
    }
    Ok((flow, monthly, io))
}
