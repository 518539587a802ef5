//! `cpts-funding`: the command-line front-end over the `cpts_funding` library. It parses the
//! arguments, reads the files, calls the library, and writes what it returns; it holds no rule
//! and no arithmetic. Errors are handled once, here: each kind has its exit code (0 ok, 1 invalid
//! rules or input or a failed evaluation, 2 usage or I/O), and a closed pipe ends quietly.

mod args;
mod cmd;
mod error;
mod inputs;
mod load;
mod output;
mod progress;
mod serve;
mod spill;

use clap::{Parser, Subcommand};

/// A batch allocates and frees many small values (cells, ids, rows); mimalloc does it in a
/// fraction of glibc's time (measured: README, Benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use error::CliError;
use output::Printer;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "cpts-funding",
    version,
    about = "Computes what the Assurance Maladie pays a CPTS under the ACI CPTS, with an audit trail.",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compute a CPTS's funding for a contract year: lines, totals, dated payments, warnings;
    /// or every CPTS of a portfolio, with the sums.
    #[command(after_help = cmd::compute::EXAMPLES)]
    Compute(cmd::compute::Args),
    /// What a variant of the agreement costs on a portfolio: per CPTS base, variant and delta;
    /// sums per tier and mission; the CPTS that change tier; the delta attributed to each change.
    #[command(after_help = cmd::diff::EXAMPLES)]
    Diff(cmd::diff::Args),
    /// The total cost of a portfolio as one value of the rules varies, as CSV (and an SVG chart).
    #[command(after_help = cmd::sweep::EXAMPLES)]
    Sweep(cmd::sweep::Args),
    /// What a portfolio is paid each month, quarter or year (every dated payment in a window of
    /// months), per tier, mission, department, region or kind, with a running total.
    #[command(after_help = cmd::cashflow::EXAMPLES)]
    Cashflow(cmd::cashflow::Args),
    /// A roll-out projection: a scenario of signatures made into synthetic contracts, per
    /// calendar year the CPTS under contract, the signatures, the cash paid (by kind, tier and
    /// mission) and the contract years, beside the published figures; with a variant, the delta.
    #[command(after_help = cmd::project::EXAMPLES)]
    Project(cmd::project::Args),
    /// Maximum annual funding per tier under the text in force on a date.
    #[command(after_help = cmd::max::EXAMPLES)]
    Max(cmd::max::Args),
    /// Project a contract over its five years: amounts and dated payments per year, a calendar by
    /// month with a running total, minimum/expected/maximum scenarios, and what the next step of
    /// each indicator would add.
    #[command(after_help = cmd::budget::EXAMPLES)]
    Budget(cmd::budget::Args),
    /// Explain each amount of a contract year in plain words: text and tier and why, article,
    /// formula with the numbers, prorata and rounding, payments.
    #[command(after_help = cmd::explain::EXAMPLES)]
    Explain(cmd::explain::Args),
    /// The agreement in force at a date: tiers, every table's cells per tier with status and
    /// source, payment policy, declared choices, maxima; `--provisional`: the cells to confirm.
    #[command(after_help = cmd::rules::EXAMPLES)]
    Rules(cmd::rules::Args),
    /// Run test cases written in YAML (a contract year or the maxima at a date, and the amounts
    /// expected): every difference is printed; exit 1 if any case fails.
    #[command(after_help = cmd::test::EXAMPLES)]
    Test(cmd::test::Args),
    /// Validate the rules and contract, portfolio or variant files; print every problem found;
    /// exit 0 when clean.
    #[command(after_help = cmd::check::EXAMPLES)]
    Check(cmd::check::Args),
    /// Serve the treasurer's simulator page and the JSON API (`/api/v1`) over HTTP, on
    /// loopback unless `--addr` says otherwise.
    #[command(after_help = serve::EXAMPLES)]
    Serve(serve::Args),
}

impl Command {
    /// Whether messages are JSON lines (`--format json`).
    fn json(&self) -> bool {
        use args::*;
        match self {
            Command::Compute(a) => a.format == ComputeFormat::Json,
            Command::Diff(a) => a.format == TableFormat::Json,
            Command::Sweep(a) => a.format == SweepFormat::Json,
            Command::Cashflow(a) => a.format == cmd::cashflow::Format::Json,
            Command::Project(a) => a.format == cmd::project::Format::Json,
            Command::Max(a) => a.format == MaxFormat::Json,
            Command::Budget(a) => a.format == PageFormat::Json,
            Command::Explain(a) => a.format == PageFormat::Json,
            Command::Check(a) => a.format == PlainFormat::Json,
            Command::Test(a) => a.format == PlainFormat::Json,
            Command::Rules(a) => a.format == PageFormat::Json,
            Command::Serve(_) => false,
        }
    }
}

fn run(command: &Command, p: &mut Printer) -> Result<ExitCode, CliError> {
    let code = match command {
        Command::Compute(a) => cmd::compute::run(a, p)?,
        Command::Diff(a) => cmd::diff::run(a, p)?,
        Command::Sweep(a) => cmd::sweep::run(a, p)?,
        Command::Cashflow(a) => cmd::cashflow::run(a, p)?,
        Command::Project(a) => cmd::project::run(a, p)?,
        Command::Max(a) => cmd::max::run(a, p)?,
        Command::Budget(a) => cmd::budget::run(a, p)?,
        Command::Explain(a) => cmd::explain::run(a, p)?,
        Command::Check(a) => cmd::check::run(a, p)?,
        Command::Test(a) => cmd::test::run(a, p)?,
        Command::Rules(a) => cmd::rules::run(a, p)?,
        Command::Serve(a) => serve::run(a, p)?,
    };
    p.flush()?;
    Ok(code)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut printer = Printer::new(cli.command.json());
    match run(&cli.command, &mut printer) {
        Ok(code) => code,
        Err(e) => {
            // What was written before the error still goes out (a batch's good records); if that
            // fails too, the error that stopped the run is the one to report.
            let _ = printer.flush();
            printer.fail(e)
        }
    }
}
