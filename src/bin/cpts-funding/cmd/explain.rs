//! `explain CONTRACT [LINE]`: each amount of a contract year in plain French (or English).

use crate::args::{LangArg, PageFormat, RulesArg, VariantArgs, YearArgs};
use crate::cmd::budget::{render_page, under_variants};
use crate::error::CliError;
use crate::load;
use crate::output::Printer;
use cpts_funding::eval::evaluate;
use cpts_funding::explain::{explain_year, render_json, render_text, select, Lang};
use cpts_funding::report::page;
use cpts_funding::variant::render::banner;
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLES: &str = "Examples:
  cpts-funding explain fixtures/ok/t2-first-year-prorata/contract.yaml --year 2024
  cpts-funding explain fixtures/ok/t2-first-year-prorata/contract.yaml --year 2024 acces_soins.fixed --lang en";

#[derive(clap::Args)]
pub struct Args {
    /// Contract file (YAML, or `-`).
    #[arg(value_name = "CONTRACT")]
    pub contract: PathBuf,
    /// Only this line: a line id (`acces_soins.fixed`), a mission id or an indicator id.
    #[arg(value_name = "LINE")]
    pub line: Option<String>,
    #[command(flatten)]
    pub years: YearArgs,
    /// Language of the explanations.
    #[arg(long, value_enum, default_value = "fr")]
    pub lang: LangArg,
    #[command(flatten)]
    pub variant: VariantArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: PageFormat,
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let rules = &ruled.rules;
    let contract = load::contract(&a.contract, rules, p)?;
    let lang = match a.lang {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    };
    let ks = a
        .years
        .selection()
        .years(rules, &contract)
        .map_err(|e| CliError::eval(&e, &contract.file))?;
    let mut out = Vec::new();
    for k in ks {
        let b = evaluate(rules, &contract, k).map_err(|e| CliError::eval(&e, &contract.file))?;
        let which = select(&b, a.line.as_deref()).map_err(|d| CliError::Invalid(vec![d], None))?;
        out.push(explain_year(&b, &which, lang));
    }
    match a.format {
        PageFormat::Text => {
            p.out(&banner(&ruled.variants))?;
            p.out(&render_text(&out))?;
        }
        PageFormat::Json => p.out(&render_json(&out))?,
        PageFormat::Md | PageFormat::Html => p.out(&render_page(
            &under_variants(page::explain(&out, rules, &contract), &ruled.variants),
            a.format == PageFormat::Html,
        ))?,
    }
    Ok(ExitCode::SUCCESS)
}
