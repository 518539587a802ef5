//! `max --date D`: the maximum annual funding per tier under the text in force on a date; with
//! `--variant`, the variant's maxima beside the base's.

use crate::args::{MaxFormat, RulesArg, VariantArgs};
use crate::cmd::budget::render_page;
use crate::error::CliError;
use crate::load;
use crate::output::Printer;
use cpts_funding::calendar::parse_date;
use cpts_funding::diagnostic::Code;
use cpts_funding::eval::max_per_tier;
use cpts_funding::report::{json, page, text};
use cpts_funding::variant::{max::max_pair, render};
use std::process::ExitCode;

pub const EXAMPLES: &str = "Examples:
  cpts-funding max --date 2019-09-01
  cpts-funding max --date 2023-01-01 --format json
  cpts-funding max --date 2025-01-01 --variant rules/variants/tier2-parcours-plus.yaml
  cpts-funding max --date 2025-01-01 --variant rules/variants/negotiation-2025.yaml --format html > max.html";

#[derive(clap::Args)]
pub struct Args {
    /// The date (YYYY-MM-DD) whose text and values apply.
    #[arg(long)]
    pub date: String,
    /// With --variant: the variant's maxima side by side with the base's.
    #[command(flatten)]
    pub variant: VariantArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: MaxFormat,
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let date = parse_date(&a.date).map_err(|m| CliError::usage_code(Code::E0205, "--date", m))?;
    if ruled.variants.is_empty() {
        let rules = &ruled.rules;
        let t = max_per_tier(rules, date).map_err(|e| CliError::eval(&e, &rules.file))?;
        match a.format {
            MaxFormat::Json => p.out(&json::max(&t, &rules.sha256))?,
            MaxFormat::Text => p.out(&text::max_table(&t))?,
            MaxFormat::Md | MaxFormat::Html => {
                p.out(&render_page(&page::max(&t, rules), a.format == MaxFormat::Html))?
            }
        }
    } else {
        let pair = max_pair(&ruled.base, &ruled.rules, date)
            .map_err(|e| CliError::eval(&e, &ruled.rules.file))?;
        match a.format {
            MaxFormat::Json => p.out(&render::max_json(&pair, &ruled.base, &ruled.variants))?,
            MaxFormat::Text => p.out(&render::max_text(&pair, &ruled.variants))?,
            MaxFormat::Md | MaxFormat::Html => p.out(&render_page(
                &page::max_pair(&pair, &ruled.base, &ruled.variants),
                a.format == MaxFormat::Html,
            ))?,
        }
    }
    Ok(ExitCode::SUCCESS)
}
