//! `cpts-funding`: thin glue over the `cpts_funding` library. Parses arguments, reads files,
//! calls the library, prints what it returns, and maps the outcome to an exit code:
//! 0 ok, 1 invalid rules/input or failed evaluation, 2 usage or I/O error.

use chrono::Datelike;
use clap::{Parser, Subcommand, ValueEnum};
use cpts_funding::calendar::parse_date;
use cpts_funding::diagnostic::Code;
use cpts_funding::diagnostic::{render_json, render_text, Diagnostic, Location};
use cpts_funding::eval::{evaluate, max_per_tier, Breakdown, EvalError};
use cpts_funding::input::Contract;
use cpts_funding::report::{json, text};
use cpts_funding::rules::{RuleSet, DEFAULT_RULES_NAME, DEFAULT_RULES_TEXT};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cpts-funding", version, about = "Computes what the Assurance Maladie pays a CPTS under the ACI CPTS, with an audit trail.", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    /// Markdown (compute, budget, explain): the content of the HTML page.
    Md,
    /// One self-contained, printable HTML page (compute with one contract, budget, explain).
    Html,
    /// CSV (portfolios: compute, diff, sweep): one row per CPTS-year, then the sums.
    Csv,
}

#[derive(clap::Args)]
struct Common {
    /// Rules file (YAML). Default: the rules embedded in the binary (rules/aci-cpts.yaml).
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Output format. With json, diagnostics go to stderr as JSON lines.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Subcommand)]
enum Command {
    /// Compute a CPTS's funding for a contract year: lines, totals, dated payments, warnings.
    #[command(
        after_help = "Example:\n  cpts-funding compute fixtures/ok/t2-first-year-prorata/contract.yaml --year 2024"
    )]
    Compute {
        /// Contract files (YAML), one CPTS each; or a portfolio: a folder of contract files, a
        /// portfolio file (YAML or JSON, `cpts:` list) or a CSV file (one row per CPTS-year).
        #[arg(required = true, value_name = "CONTRACT|PORTFOLIO")]
        contracts: Vec<PathBuf>,
        /// The calendar year in which the contract year starts (e.g. 2024).
        #[arg(long, conflicts_with = "contract_year")]
        year: Option<i32>,
        /// The contract year, 1 to 5 (instead of --year). Without either: every contract year.
        #[arg(long)]
        contract_year: Option<u32>,
        #[command(flatten)]
        variant: cmd_portfolio::VariantArgs,
        #[command(flatten)]
        portfolio: cmd_portfolio::PortfolioArgs,
        #[command(flatten)]
        common: Common,
    },
    /// What a variant of the agreement costs on a portfolio: per CPTS base, variant and delta;
    /// sums per tier and mission; the CPTS that change tier; the delta attributed to each change.
    #[command(
        after_help = "Example:\n  cpts-funding diff --variant rules/variants/tier2-parcours-plus.yaml fixtures/portfolio/sample-800.csv --year 2025"
    )]
    Diff {
        /// The portfolio: contract files, folders, portfolio files or CSV files.
        #[arg(required = true, value_name = "PORTFOLIO")]
        portfolio: Vec<PathBuf>,
        /// The calendar year in which the contract years compared start.
        #[arg(long, conflicts_with = "contract_year")]
        year: Option<i32>,
        /// The contract year, 1 to 5 (instead of --year). Without either: every contract year.
        #[arg(long)]
        contract_year: Option<u32>,
        #[command(flatten)]
        variant: cmd_portfolio::VariantArgs,
        #[command(flatten)]
        options: cmd_portfolio::PortfolioArgs,
        #[command(flatten)]
        common: Common,
    },
    /// The total cost of a portfolio as one value of the rules varies, as CSV (and an SVG chart).
    #[command(
        after_help = "Example:\n  cpts-funding sweep --param tiers.t2.min_population --from 30000 --to 60000 --step 1000 fixtures/portfolio/sample-800.csv --year 2025 --svg sweep.svg"
    )]
    Sweep {
        /// The portfolio: contract files, folders, portfolio files or CSV files.
        #[arg(required = true, value_name = "PORTFOLIO")]
        portfolio: Vec<PathBuf>,
        /// The value swept: a variant path (`missions.parcours.fixed.t2`, `payment.advance_rate`,
        /// `tiers.t2.min_population`, ...), set to each value.
        #[arg(long, value_name = "PATH")]
        param: String,
        /// First value.
        #[arg(long, value_name = "A", allow_hyphen_values = true)]
        from: String,
        /// Last value (included when the steps reach it).
        #[arg(long, value_name = "B", allow_hyphen_values = true)]
        to: String,
        /// Step between values (above 0).
        #[arg(long, value_name = "S")]
        step: String,
        /// The date the value applies from (default: 1 January of --year, or the first text).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Also write the chart (total against value) to this SVG file.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// The calendar year in which the contract years start.
        #[arg(long, conflicts_with = "contract_year")]
        year: Option<i32>,
        /// The contract year, 1 to 5 (instead of --year). Without either: every contract year.
        #[arg(long)]
        contract_year: Option<u32>,
        #[command(flatten)]
        variant: cmd_portfolio::VariantArgs,
        #[command(flatten)]
        options: cmd_portfolio::PortfolioArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Maximum annual funding per tier under the text in force on a date.
    #[command(after_help = "Example:\n  cpts-funding max --date 2019-09-01")]
    Max {
        /// The date (YYYY-MM-DD) whose text and values apply.
        #[arg(long)]
        date: String,
        /// With --variant: the variant's maxima side by side with the base's.
        #[command(flatten)]
        variant: cmd_portfolio::VariantArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Project a contract over its five years: amounts and dated payments per year, a calendar by
    /// month with a running total, minimum/expected/maximum scenarios, and what the next step of
    /// each indicator would add.
    #[command(
        after_help = "Example:\n  cpts-funding budget fixtures/budget/t2-expected-in-contract/contract.yaml --format html > budget.html"
    )]
    Budget {
        /// Contract file (YAML); its optional `expected` section gives the expected scenario.
        #[arg(value_name = "CONTRACT")]
        contract: PathBuf,
        /// Scenario file (YAML): expected values or attainment of the indicators not yet
        /// measured, replacing the contract's `expected` section.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        #[command(flatten)]
        variant: cmd_portfolio::VariantArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Explain each amount of a contract year in plain words: text and tier and why, article,
    /// formula with the numbers, prorata and rounding, payments.
    #[command(
        after_help = "Example:\n  cpts-funding explain fixtures/ok/t2-first-year-prorata/contract.yaml --year 2024 acces_soins.fixed --lang en"
    )]
    Explain {
        /// Contract file (YAML).
        #[arg(value_name = "CONTRACT")]
        contract: PathBuf,
        /// Only this line: a line id (`acces_soins.fixed`), a mission id or an indicator id.
        #[arg(value_name = "LINE")]
        line: Option<String>,
        /// The calendar year in which the contract year starts. Without it or --contract-year:
        /// every contract year.
        #[arg(long, conflicts_with = "contract_year")]
        year: Option<i32>,
        /// The contract year, 1 to 5 (instead of --year).
        #[arg(long)]
        contract_year: Option<u32>,
        /// Language of the explanations.
        #[arg(long, value_enum, default_value = "fr")]
        lang: cmd_budget::LangArg,
        #[command(flatten)]
        variant: cmd_portfolio::VariantArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Validate the rules and contract, portfolio or variant files; print every problem found; exit 0 when clean.
    #[command(
        after_help = "Each input is recognised as compute would: a contract file, a folder of contracts, a portfolio\nfile (YAML/JSON with `cpts:`), a CSV portfolio, or a variant file (`changes:`). Nothing is evaluated.\n\nExamples:\n  cpts-funding check fixtures/ok/*/contract.yaml\n  cpts-funding check fixtures/portfolio/sample-800-synthetic.csv rules/variants/*.yaml\n  cpts-funding check --rules my-rules.yaml"
    )]
    Check {
        /// Contract files, folders, portfolio files (YAML/JSON/CSV) or variant files to validate against the rules.
        #[arg(value_name = "INPUT")]
        contracts: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
}

/// Prints diagnostics to stderr in the chosen format, with a source snippet in text.
fn report(diags: &[Diagnostic], source: Option<&str>, format: Format) {
    for d in diags {
        match format {
            Format::Json => eprintln!("{}", render_json(d)),
            _ => eprint!("{}", render_text(d, source)),
        }
    }
}

fn read(path: &PathBuf, format: Format) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        let d = Diagnostic::error(
            Code::E0001,
            format!("cannot read {}: {e}", path.display()),
            Location::file(path.display().to_string()),
        );
        report(&[d], None, format);
        ExitCode::from(2)
    })
}

fn load_rules(common: &Common) -> Result<RuleSet, ExitCode> {
    let (name, text) = match &common.rules {
        Some(p) => (p.display().to_string(), read(p, common.format)?),
        None => (DEFAULT_RULES_NAME.to_string(), DEFAULT_RULES_TEXT.to_string()),
    };
    match RuleSet::from_text(&name, &text) {
        Ok((rules, warnings)) => {
            report(&warnings, Some(&text), common.format);
            Ok(rules)
        }
        Err(errors) => {
            report(&errors, Some(&text), common.format);
            Err(ExitCode::from(1))
        }
    }
}

fn load_contract(path: &PathBuf, rules: &RuleSet, format: Format) -> Result<Contract, ExitCode> {
    let text = read(path, format)?;
    match Contract::from_text(&path.display().to_string(), &text, rules) {
        Ok((c, warnings)) => {
            report(&warnings, Some(&text), format);
            Ok(c)
        }
        Err(errors) => {
            report(&errors, Some(&text), format);
            Err(ExitCode::from(1))
        }
    }
}

fn years(
    rules: &RuleSet,
    c: &Contract,
    year: Option<i32>,
    contract_year: Option<u32>,
) -> Result<Vec<u32>, EvalError> {
    match (year, contract_year) {
        (Some(y), _) => {
            let first = c.signature.year();
            let last = first + rules.contract_length_years as i32 - 1;
            match c.year_starting_in(y).filter(|k| *k <= rules.contract_length_years) {
                Some(k) => Ok(vec![k]),
                None => Err(EvalError::NoYearStartingIn {
                    year: y,
                    signature: c.signature,
                    first,
                    last,
                }),
            }
        }
        (None, Some(k)) => Ok(vec![k]),
        (None, None) => Ok((1..=rules.contract_length_years).collect()),
    }
}

fn compute(
    contracts: &[PathBuf],
    year: Option<i32>,
    contract_year: Option<u32>,
    common: &Common,
    variant: &cmd_portfolio::VariantArgs,
    portfolio: &cmd_portfolio::PortfolioArgs,
) -> ExitCode {
    if cmd_portfolio::is_portfolio(contracts, common.format) {
        return cmd_portfolio::compute(contracts, year, contract_year, common, variant, portfolio);
    }
    if let Err(code) = cmd_budget::single_contract_pages(contracts.len(), common.format) {
        return code;
    }
    let (variants, rules) = match cmd_portfolio::rules(common, variant) {
        Ok((_, v, r)) => (v, r),
        Err(code) => return code,
    };
    let mut worst = 0u8;
    let mut loaded = Vec::new();
    for path in contracts {
        match load_contract(path, &rules, common.format) {
            Ok(c) => loaded.push(c),
            Err(code) => worst = worst.max(if code == ExitCode::from(2) { 2 } else { 1 }),
        }
    }
    let mut breakdowns: Vec<Breakdown> = Vec::new();
    for c in &loaded {
        let ks = match years(&rules, c, year, contract_year) {
            Ok(ks) => ks,
            Err(e) => {
                report(&[e.to_diagnostic(&c.file)], None, common.format);
                worst = worst.max(1);
                continue;
            }
        };
        for k in ks {
            match evaluate(&rules, c, k) {
                Ok(b) => breakdowns.push(b),
                Err(e) => {
                    report(&[e.to_diagnostic(&c.file)], None, common.format);
                    worst = worst.max(1);
                }
            }
        }
    }
    match common.format {
        Format::Json => print!("{}", json::compute(&breakdowns)),
        Format::Text | Format::Csv => {
            let pages: Vec<String> = breakdowns.iter().map(text::breakdown).collect();
            print!("{}", cmd_portfolio::variant_banner(&variants));
            print!("{}", pages.join(&format!("\n{}\n\n", "─".repeat(78))));
        }
        Format::Md | Format::Html => print!(
            "{}",
            cmd_budget::render_page(
                &cmd_budget::under_variants(
                    cpts_funding::report::page::compute(&breakdowns),
                    &variants
                ),
                common.format
            )
        ),
    }
    ExitCode::from(worst)
}

fn max(date: &str, common: &Common) -> ExitCode {
    let rules = match load_rules(common) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let date = match parse_date(date) {
        Ok(d) => d,
        Err(m) => {
            report(
                &[Diagnostic::error(Code::E0205, m, Location::file("--date"))],
                None,
                common.format,
            );
            return ExitCode::from(2);
        }
    };
    match max_per_tier(&rules, date) {
        Ok(t) => {
            match common.format {
                Format::Json => print!("{}", json::max(&t, &rules.sha256)),
                Format::Text => print!("{}", text::max_table(&t)),
                Format::Md | Format::Html | Format::Csv => {
                    eprintln!("error: --format md, html and csv are for other commands; max gives text or json");
                    return ExitCode::from(2);
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&[e.to_diagnostic(&rules.file)], None, common.format);
            ExitCode::from(1)
        }
    }
}

mod cmd_budget;
mod cmd_check;
mod cmd_portfolio;

/// `--format csv` is for portfolio commands only.
fn csv_refused(common: &Common) -> Option<ExitCode> {
    (common.format == Format::Csv).then(|| {
        eprintln!("error: --format csv is for portfolios (compute, diff, sweep)");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Compute { contracts, year, contract_year, variant, portfolio, common } => {
            compute(contracts, *year, *contract_year, common, variant, portfolio)
        }
        Command::Diff { portfolio, year, contract_year, variant, options, common } => {
            cmd_portfolio::diff(portfolio, *year, *contract_year, common, variant, options)
        }
        Command::Sweep {
            portfolio,
            param,
            from,
            to,
            step,
            date,
            svg,
            year,
            contract_year,
            variant,
            options,
            common,
        } => {
            let s = cmd_portfolio::SweepArgs {
                param,
                from,
                to,
                step,
                date: date.as_deref(),
                svg: svg.as_ref(),
            };
            cmd_portfolio::sweep(portfolio, *year, *contract_year, &s, common, variant, options)
        }
        Command::Max { date, variant, common } if !variant.variants.is_empty() => {
            cmd_portfolio::max(date, common, variant)
        }
        Command::Max { date, common, .. } => max(date, common),
        Command::Check { common, .. }
        | Command::Budget { common, .. }
        | Command::Explain { common, .. }
            if csv_refused(common).is_some() =>
        {
            ExitCode::from(2)
        }
        Command::Check { contracts, common } => cmd_check::check(contracts, common),
        Command::Budget { contract, scenario, variant, common } => {
            cmd_budget::budget(contract, scenario.as_ref(), variant, common)
        }
        Command::Explain { contract, line, year, contract_year, lang, variant, common } => {
            cmd_budget::explain(
                contract,
                line.as_deref(),
                *year,
                *contract_year,
                *lang,
                variant,
                common,
            )
        }
    }
}
