//! Rules, variants and single contracts read and validated for a command: warnings are printed
//! as they come, errors become a [`CliError`] carrying the text they point into.

use crate::args::{RulesArg, VariantArgs};
use crate::error::CliError;
use crate::inputs;
use crate::output::Printer;
use cpts_funding::input::Contract;
use cpts_funding::rules::{RuleSet, DEFAULT_RULES_NAME, DEFAULT_RULES_TEXT};
use cpts_funding::variant::{self, Variant};
use std::path::Path;

/// The rules: the file given, or the embedded ones.
pub fn rules(arg: &RulesArg, p: &Printer) -> Result<RuleSet, CliError> {
    let (name, text) = match &arg.rules {
        Some(path) => {
            let i = inputs::read_document(path)?;
            (i.name, i.text)
        }
        None => (DEFAULT_RULES_NAME.to_string(), DEFAULT_RULES_TEXT.to_string()),
    };
    match RuleSet::from_text(&name, &text) {
        Ok((rules, warnings)) => {
            p.diagnostics(&warnings, Some(&text));
            Ok(rules)
        }
        Err(errors) => Err(CliError::Invalid(errors, Some(text))),
    }
}

/// The rules under variants: the base, the variants (each validated against the rules before
/// it), and the rules with every variant applied.
pub struct Ruled {
    pub base: RuleSet,
    pub variants: Vec<Variant>,
    pub rules: RuleSet,
}

pub fn rules_with_variants(
    arg: &RulesArg,
    v: &VariantArgs,
    p: &Printer,
) -> Result<Ruled, CliError> {
    let base = rules(arg, p)?;
    let mut variants = Vec::new();
    let mut current = base.clone();
    for path in &v.variants {
        let i = inputs::read_document(path)?;
        match Variant::from_text(&i.name, &i.text, &current) {
            Ok(var) => variants.push(var),
            Err(errors) => return Err(CliError::Invalid(errors, Some(i.text))),
        }
        current = variant::apply_all(&base, &variants).map_err(|(_, e)| {
            CliError::Invalid(vec![variant::apply_diagnostic(&e, &i.name)], None)
        })?;
    }
    Ok(Ruled { base, variants, rules: current })
}

/// One contract file, validated against `rules`. A portfolio or a variant given where one
/// contract is expected is said as such (not as the YAML type error it would give).
pub fn contract(path: &Path, rules: &RuleSet, p: &Printer) -> Result<Contract, CliError> {
    let i = inputs::read_document(path)?;
    use cpts_funding::portfolio::{input_kind, InputKind};
    let other = match input_kind(&i.name, &i.text) {
        InputKind::Contract => None,
        InputKind::Csv => Some("a CSV portfolio"),
        InputKind::PortfolioFile => Some("a portfolio file (`cpts:`)"),
        InputKind::Variant => Some("a variant (`changes:`; pass it with --variant)"),
    };
    if let Some(what) = other {
        return Err(CliError::usage(
            &i.name,
            format!("{} is {what}: this command takes one contract file (for a portfolio: compute, diff, cashflow)", i.name),
        ));
    }
    match Contract::from_text(&i.name, &i.text, rules) {
        Ok((c, warnings)) => {
            p.diagnostics(&warnings, Some(&i.text));
            Ok(c)
        }
        Err(errors) => Err(CliError::Invalid(errors, Some(i.text))),
    }
}
