//! Part of the binary (not of the library): the `budget` and `explain` commands and the
//! Markdown/HTML pages of `compute`. Glue only: read files, call the library, print, exit code.

use super::cmd_portfolio::VariantArgs;
use super::{load_contract, read, report, Common, Format};
use clap::ValueEnum;
use cpts_funding::budget::{load_scenario, project, Scenarios};
use cpts_funding::eval::evaluate;
use cpts_funding::explain::{explain_year, render_json, render_text, select, Lang};
use cpts_funding::report::page::Page;
use cpts_funding::report::{budget_json, html, md, page};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Français
    Fr,
    /// English
    En,
}

/// A page in the chosen format (Markdown or HTML).
/// `p` with a first subtitle line per variant (a page under a variant says so at the top).
pub fn under_variants(mut p: Page, variants: &[cpts_funding::variant::Variant]) -> Page {
    p.subtitle.splice(0..0, super::cmd_portfolio::variant_lines(variants));
    p
}

pub fn render_page(p: &Page, format: Format) -> String {
    match format {
        Format::Html => html::render(p),
        _ => md::render(p),
    }
}

/// `--format html|md` shows one contract per page.
pub fn single_contract_pages(contracts: usize, format: Format) -> Result<(), ExitCode> {
    if matches!(format, Format::Html | Format::Md) && contracts != 1 {
        eprintln!("error: --format {} renders one page for one contract; pass a single contract file (got {contracts})", if format == Format::Html { "html" } else { "md" });
        return Err(ExitCode::from(2));
    }
    Ok(())
}

pub fn budget(
    contract: &PathBuf,
    scenario: Option<&PathBuf>,
    variant: &VariantArgs,
    common: &Common,
) -> ExitCode {
    let (variants, rules) = match super::cmd_portfolio::rules(common, variant) {
        Ok((_, v, r)) => (v, r),
        Err(code) => return code,
    };
    let contract = match load_contract(contract, &rules, common.format) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let scenario = match scenario {
        None => None,
        Some(path) => {
            let text = match read(path, common.format) {
                Ok(t) => t,
                Err(code) => return code,
            };
            match load_scenario(&path.display().to_string(), &text, &contract, &rules) {
                Ok(s) => Some(s),
                Err(errors) => {
                    report(&errors, Some(&text), common.format);
                    return ExitCode::from(1);
                }
            }
        }
    };
    let scenarios = Scenarios::new(&contract, scenario.as_ref(), rules.contract_length_years);
    let budget = match project(&rules, &scenarios) {
        Ok(b) => b,
        Err(e) => {
            report(&[e.to_diagnostic(&contract.file)], None, common.format);
            return ExitCode::from(1);
        }
    };
    match common.format {
        Format::Text => print!(
            "{}{}",
            super::cmd_portfolio::variant_banner(&variants),
            cpts_funding::report::budget::text(&budget)
        ),
        Format::Json => print!("{}", budget_json::budget(&budget)),
        Format::Md | Format::Html | Format::Csv => print!(
            "{}",
            render_page(&under_variants(page::budget(&budget), &variants), common.format)
        ),
    }
    ExitCode::SUCCESS
}

pub fn explain(
    contract: &PathBuf,
    line: Option<&str>,
    year: Option<i32>,
    contract_year: Option<u32>,
    lang: LangArg,
    variant: &VariantArgs,
    common: &Common,
) -> ExitCode {
    let (variants, rules) = match super::cmd_portfolio::rules(common, variant) {
        Ok((_, v, r)) => (v, r),
        Err(code) => return code,
    };
    let contract = match load_contract(contract, &rules, common.format) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let lang = match lang {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    };
    let ks = match super::years(&rules, &contract, year, contract_year) {
        Ok(ks) => ks,
        Err(e) => {
            report(&[e.to_diagnostic(&contract.file)], None, common.format);
            return ExitCode::from(1);
        }
    };
    let mut out = Vec::new();
    for k in ks {
        let b = match evaluate(&rules, &contract, k) {
            Ok(b) => b,
            Err(e) => {
                report(&[e.to_diagnostic(&contract.file)], None, common.format);
                return ExitCode::from(1);
            }
        };
        match select(&b, line) {
            Ok(which) => out.push(explain_year(&b, &which, lang)),
            Err(d) => {
                report(&[d], None, common.format);
                return ExitCode::from(1);
            }
        }
    }
    match common.format {
        Format::Text => {
            print!("{}{}", super::cmd_portfolio::variant_banner(&variants), render_text(&out))
        }
        Format::Json => print!("{}", render_json(&out)),
        Format::Md | Format::Html | Format::Csv => print!(
            "{}",
            render_page(
                &under_variants(page::explain(&out, &rules, &contract), &variants),
                common.format
            )
        ),
    }
    ExitCode::SUCCESS
}
