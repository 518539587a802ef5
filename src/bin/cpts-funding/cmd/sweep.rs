//! `sweep --param PATH --from A --to B --step S PORTFOLIO`: the portfolio's total cost as one
//! value of the rules varies, as CSV or JSON, and an SVG chart; or a printable page (Markdown,
//! HTML) holding both.

use crate::args::{CsvArgs, RulesArg, RunArgs, SweepFormat, VariantArgs, YearArgs};
use crate::cmd::batch;
use crate::cmd::budget::render_page;
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use crate::progress;
use cpts_funding::calendar::{parse_date, Date};
use cpts_funding::diagnostic::Code;
use cpts_funding::money::parse_decimal;
use cpts_funding::report::page;
use cpts_funding::variant::{render, svg, sweep};
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLES: &str = "Examples:
  cpts-funding sweep --param tiers.t2.min_population --from 30000 --to 60000 --step 1000 fixtures/portfolio/sample-800-synthetic.csv --year 2025 --svg sweep.svg
  cpts-funding sweep --param missions.parcours.fixed.t2 --from 30000 --to 50000 --step 5000 fixtures/portfolio/example.csv --year 2025 --format html > sweep.html";

#[derive(clap::Args)]
pub struct Args {
    /// The portfolio: contract files, folders, portfolio files or CSV files (`-`: stdin).
    #[arg(required = true, value_name = "PORTFOLIO")]
    pub portfolio: Vec<PathBuf>,
    /// The value swept: a variant path (`missions.parcours.fixed.t2`, `payment.advance_rate`,
    /// `tiers.t2.min_population`, ...), set to each value.
    #[arg(long, value_name = "PATH")]
    pub param: String,
    /// First value.
    #[arg(long, value_name = "A", allow_hyphen_values = true)]
    pub from: String,
    /// Last value (included when the steps reach it).
    #[arg(long, value_name = "B", allow_hyphen_values = true)]
    pub to: String,
    /// Step between values (above 0; at most 100 000 values).
    #[arg(long, value_name = "S")]
    pub step: String,
    /// The date the value applies from (default: 1 January of --year, or the first text).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Also write the chart (total against value) to this SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
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
    pub format: SweepFormat,
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let opts = a.csv.options()?;
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let (base, variants, rules) = (&ruled.base, &ruled.variants, &ruled.rules);
    let mut nums = Vec::new();
    for (flag, text) in [("--from", &a.from), ("--to", &a.to), ("--step", &a.step)] {
        let n = parse_decimal(&text.replace(',', "."))
            .map_err(|m| CliError::usage_code(Code::E0206, flag, m))?;
        nums.push(n);
    }
    let date: Date = match (&a.date, a.years.year) {
        (Some(d), _) => {
            parse_date(d).map_err(|m| CliError::usage_code(Code::E0205, "--date", m))?
        }
        (None, Some(y)) => chrono::NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(|| {
            CliError::usage_code(Code::E0205, "--year", format!("{y} is not a year"))
        })?,
        (None, None) => {
            base.texts.first().map_or_else(chrono::NaiveDate::default, |t| t.in_force_from)
        }
    };
    let spec = sweep::SweepSpec {
        path: a.param.clone(),
        from: date,
        start: nums[0],
        end: nums[1],
        step: nums[2],
    };
    let points = sweep::values(spec.start, spec.end, spec.step)
        .map_err(|m| CliError::usage_code(Code::E0210, "--step", m))?
        .len();
    sweep::check(&spec, rules).map_err(|d| CliError::Invalid(vec![d], None))?;
    let sel = a.years.selection();
    sel.check(rules).map_err(|e| CliError::eval(&e, "--contract-year"))?;
    let (read, unreadable) = inputs::read_all(&a.portfolio);
    let (loaded, sw) = batch::with_jobs(a.run.jobs, || {
        let loaded = batch::load_checked(read, unreadable, base, &a.portfolio, a.run.strict, p)?;
        let pb = progress::bar(points, "balayage");
        let r = sweep::sweep(base, variants, &spec, &loaded.portfolio, sel, &|| pb.inc(1));
        pb.finish_and_clear();
        Ok::<_, CliError>((loaded, r))
    })??;
    let sw = sw.map_err(|e| CliError::eval(&e, &rules.file))?;
    // Records that could not be read are reported once; every point leaves them out.
    let failed = loaded.print_failed(p);
    let impossible = sw.points.iter().filter(|p| p.result.is_err()).count();
    match a.format {
        SweepFormat::Json => p.out(&render::sweep_json(rules, &sw))?,
        SweepFormat::Csv => p.out(&render::sweep_csv(rules, &sw, opts))?,
        SweepFormat::Md | SweepFormat::Html => p.out(&render_page(
            &page::sweep(rules, variants, &loaded.portfolio, &sw),
            a.format == SweepFormat::Html,
        ))?,
    }
    if let Some(file) = &a.svg {
        let title = format!("Coût total du portefeuille selon {}", spec.path);
        match svg::chart(&sw, &title) {
            Some(chart) => std::fs::write(file, chart)
                .map_err(|e| CliError::unwritable(&file.display().to_string(), &e))?,
            None => p.message("warning", "no point could be computed: no chart written"),
        }
    }
    p.message(
        "summary",
        &format!(
            "{} point(s), {impossible} impossible; {} record(s) read, {failed} failed",
            sw.points.len(),
            loaded.portfolio.records.len()
        ),
    );
    Ok(batch::exit_code(failed + impossible, loaded.io_errors))
}
