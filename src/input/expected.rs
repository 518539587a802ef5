//! The optional `expected` section of a contract (or of a `--scenario` file): what the treasurer
//! expects of the indicators not yet measured, per contract year, as expected values (the syntax
//! of `observations`) or as expected attainment in percent of an indicator's maximum. Only the
//! budget scenarios read it; `compute` ignores it. Problems are located like any other (E03xx).

use super::raw::RawExpectation;
use super::{Indicator, Observation, Payout};
use crate::diagnostic::Code;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::money::parse_decimal;
use crate::yaml::Locator;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What is expected of one contract year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expectation {
    /// Whether a serious sanitary crisis is expected to be recognised (`None`: as in `results`).
    pub crisis_recognised: Option<bool>,
    /// Expected values, as observations.
    pub observations: BTreeMap<String, Observation>,
    /// Expected attainment as a fraction of the indicator's maximum, from 0 to 1.
    pub attainment: BTreeMap<String, Decimal>,
}

/// Expectations by contract year; an entry without `contract_year` is copied to every year
/// that has none of its own.
pub type Expectations = BTreeMap<u32, Expectation>;

/// Validates the entries of an `expected` section found at `section` in `loc`'s document.
pub(crate) fn validate(
    raw: &[RawExpectation],
    section: &str,
    loc: &Locator,
    indicators: &[&Indicator],
    length: u32,
    errors: &mut Vec<Diagnostic>,
) -> Expectations {
    let mut err = |code: Code, path: &str, msg: String, help: Option<String>| {
        let mut d = Diagnostic::error(code, msg, loc.at(path));
        d.help = help;
        errors.push(d);
    };
    let known: Vec<&str> = indicators.iter().map(|i| &*i.id).collect();
    let mut by_year = Expectations::new();
    let mut default: Option<Expectation> = None;
    for (i, entry) in raw.iter().enumerate() {
        let path = format!("{section}[{i}]");
        let mut e =
            Expectation { crisis_recognised: entry.crisis_recognised, ..Expectation::default() };
        for (id, value) in &entry.observations {
            let op = format!("{path}.observations.{id}");
            let Some(ind) = indicators.iter().find(|x| *x.id == **id) else {
                err(
                    Code::E0310,
                    &op,
                    format!("expected value for unknown indicator `{id}`"),
                    did_you_mean(id, known.iter().copied()).map(|s| format!("did you mean `{s}`?")),
                );
                continue;
            };
            let obs = match ind.payout {
                Payout::Binary => {
                    match value.trim() {
                        "true" => Some(Observation::Reached(true)),
                        "false" => Some(Observation::Reached(false)),
                        _ => {
                            err(Code::E0310, &op, format!("binary indicator `{id}` takes `true` or `false`, not `{value}`"), None);
                            None
                        }
                    }
                }
                _ => parse_decimal(value)
                    .map_err(|m| err(Code::E0206, &op, m, None))
                    .ok()
                    .map(Observation::Value),
            };
            if let Some(o) = obs {
                e.observations.insert(id.clone(), o);
            }
        }
        for (id, value) in &entry.attainment {
            let ap = format!("{path}.attainment.{id}");
            if !known.contains(&id.as_str()) {
                err(
                    Code::E0310,
                    &ap,
                    format!("expected attainment for unknown indicator `{id}`"),
                    did_you_mean(id, known.iter().copied()).map(|s| format!("did you mean `{s}`?")),
                );
                continue;
            }
            if entry.observations.contains_key(id) {
                err(
                    Code::E0313,
                    &ap,
                    format!(
                        "indicator `{id}` has both an expected value and an expected attainment"
                    ),
                    Some("keep one of the two".into()),
                );
                continue;
            }
            let Ok(p) = parse_decimal(value).map_err(|m| err(Code::E0206, &ap, m, None)) else {
                continue;
            };
            if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED {
                err(
                    Code::E0210,
                    &ap,
                    format!("expected attainment {p} % of `{id}` is outside 0 to 100 %"),
                    Some("write a percentage of the indicator's maximum, e.g. \"50\"".into()),
                );
                continue;
            }
            e.attainment.insert(id.clone(), p / Decimal::ONE_HUNDRED);
        }
        match entry.contract_year {
            Some(k) if k == 0 || k > length => err(
                Code::E0311,
                &format!("{path}.contract_year"),
                format!("contract year {k} is outside the contract (years 1 to {length})"),
                None,
            ),
            Some(k) if by_year.contains_key(&k) => err(
                Code::E0311,
                &format!("{path}.contract_year"),
                format!("contract year {k} has two expectations"),
                None,
            ),
            Some(k) => {
                by_year.insert(k, e);
            }
            None if default.is_some() => err(
                Code::E0311,
                &path,
                "two expectations without `contract_year` (the default for every year)".into(),
                Some("give the other entries a `contract_year`".into()),
            ),
            None => default = Some(e),
        }
    }
    if let Some(d) = default {
        for k in 1..=length {
            by_year.entry(k).or_insert_with(|| d.clone());
        }
    }
    by_year
}
