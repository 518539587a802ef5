//! `rules [--date D]`: the agreement in force at a date — text, tiers, every table's cells per
//! tier with their status and source, payment policy, declared choices, maxima — in French or
//! as the JSON document of `GET /api/v1/rules`; `--provisional` lists the cells to confirm.

use crate::args::{PageFormat, RulesArg};
use crate::cmd::budget::render_page;
use crate::error::CliError;
use crate::load;
use crate::output::Printer;
use cpts_funding::calendar::{parse_date, Date};
use cpts_funding::diagnostic::Code;
use cpts_funding::report::rules_json::{rules_at, rules_page, rules_text};
use std::process::ExitCode;

pub const EXAMPLES: &str = "Examples:
  cpts-funding rules --date 2025-01-01
  cpts-funding rules --date 2019-09-01 --format json
  cpts-funding rules --provisional
  cpts-funding rules --date 2025-01-01 --format html > regles-2025.html";

#[derive(clap::Args)]
pub struct Args {
    /// The date (YYYY-MM-DD) whose text and values apply (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Only the cells still marked provisional, with their sources: what to confirm from the
    /// Journal officiel.
    #[arg(long)]
    pub provisional: bool,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format (md and html: a printable page).
    #[arg(long, value_enum, default_value_t)]
    pub format: PageFormat,
}

/// Today (UTC), from the system clock: the front-end may read it, the library never does.
fn today() -> Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let rules = load::rules(&a.rules, p)?;
    let date = match &a.date {
        Some(d) => parse_date(d).map_err(|m| CliError::usage_code(Code::E0205, "--date", m))?,
        None => today(),
    };
    let out = match a.format {
        PageFormat::Json => rules_at(&rules, date),
        PageFormat::Text => rules_text(&rules, date, a.provisional),
        PageFormat::Md | PageFormat::Html => {
            rules_page(&rules, date).map(|page| render_page(&page, a.format == PageFormat::Html))
        }
    }
    .map_err(|e| CliError::eval(&e, &rules.file))?;
    p.out(&out)?;
    Ok(ExitCode::SUCCESS)
}
