//! `budget CONTRACT`: the treasurer's budget over the contract years (text, JSON, or a printable
//! Markdown/HTML page), and the page helpers `compute` and `explain` share.

use crate::args::{PageFormat, RulesArg, VariantArgs};
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use cpts_funding::budget::{load_scenario, project, Scenarios};
use cpts_funding::report::page::{self, Page};
use cpts_funding::report::{budget_json, html, md};
use cpts_funding::variant::render::{banner, banner_lines};
use cpts_funding::variant::Variant;
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLES: &str = "Examples:
  cpts-funding budget fixtures/budget/t2-expected-in-contract/contract.yaml
  cpts-funding budget fixtures/budget/t2-expected-in-contract/contract.yaml --format html > budget.html";

#[derive(clap::Args)]
pub struct Args {
    /// Contract file (YAML, or `-`); its optional `expected` section gives the expected scenario.
    #[arg(value_name = "CONTRACT")]
    pub contract: PathBuf,
    /// Scenario file (YAML): expected values or attainment of the indicators not yet
    /// measured, replacing the contract's `expected` section.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub variant: VariantArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: PageFormat,
}

/// `p` with a first subtitle line per variant (a page under a variant says so at the top).
pub fn under_variants(mut p: Page, variants: &[Variant]) -> Page {
    p.subtitle.splice(0..0, banner_lines(variants));
    p
}

/// A page as HTML, or as Markdown.
pub fn render_page(p: &Page, html: bool) -> String {
    if html {
        html::render(p)
    } else {
        md::render(p)
    }
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let rules = &ruled.rules;
    let contract = load::contract(&a.contract, rules, p)?;
    let scenario = match &a.scenario {
        None => None,
        Some(path) => {
            let i = inputs::read_document(path)?;
            let s = load_scenario(&i.name, &i.text, &contract, rules)
                .map_err(|errors| CliError::Invalid(errors, Some(i.text.clone())))?;
            Some(s)
        }
    };
    let scenarios = Scenarios::new(&contract, scenario.as_ref(), rules.contract_length_years);
    let budget = project(rules, &scenarios).map_err(|e| CliError::eval(&e, &contract.file))?;
    match a.format {
        PageFormat::Text => {
            p.out(&banner(&ruled.variants))?;
            p.out(&cpts_funding::report::budget::text(&budget))?;
        }
        PageFormat::Json => p.out(&budget_json::budget(&budget))?,
        PageFormat::Md | PageFormat::Html => p.out(&render_page(
            &under_variants(page::budget(&budget), &ruled.variants),
            a.format == PageFormat::Html,
        ))?,
    }
    Ok(ExitCode::SUCCESS)
}
