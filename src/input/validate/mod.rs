//! raw -> [`Contract`]: checks a contract file whole against the rules (E03xx codes), each
//! problem located in the file. Nothing stops at the first error.

use super::raw::*;
use super::*;
use crate::calendar::parse_date;
use crate::diagnostic::Code;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::money::{format_eur, parse_decimal};
use crate::yaml::Locator;
use std::collections::HashSet;
use std::fmt::Arguments;

use super::envelope::{over_envelope, EnvelopeCheck};
use super::labels::name_fields;

mod indicator;
use indicator::indicator;

struct Ctx<'a> {
    loc: &'a Locator,
    errors: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(&mut self, code: Code, path: &str, msg: impl Into<String>) -> &mut Diagnostic {
        crate::diagnostic::pushed(&mut self.errors, Diagnostic::error(code, msg, self.loc.at(path)))
    }

    // The readers below take their path as lazy `format_args!`: it is written out only for a
    // diagnostic, not for every valid field of a batch.
    fn date(&mut self, path: Arguments, text: &str) -> Option<Date> {
        parse_date(text).map_err(|m| self.err(Code::E0205, &path.to_string(), m)).ok()
    }

    fn decimal(&mut self, path: Arguments, text: &str) -> Option<Decimal> {
        parse_decimal(text).map_err(|m| self.err(Code::E0206, &path.to_string(), m)).ok()
    }

    fn amount(&mut self, path: Arguments, text: &str) -> Option<Decimal> {
        let v = self.decimal(path, text)?;
        if v.is_sign_negative() && !v.is_zero() {
            self.err(Code::E0207, &path.to_string(), format!("amount {v} is negative"));
            return None;
        }
        Some(v)
    }

    fn population(&mut self, path: Arguments, text: &str) -> Option<u64> {
        match text.trim().parse::<u64>() {
            Ok(p) => Some(p),
            Err(_) => {
                let msg = if text.trim().starts_with('-') {
                    format!("population {text} is negative")
                } else {
                    format!("population `{text}` is not a whole number of inhabitants")
                };
                self.err(Code::E0303, &path.to_string(), msg);
                None
            }
        }
    }
}

pub(super) fn validate(
    raw: &RawContract,
    loc: &Locator,
    rules: &RuleSet,
) -> Result<(Contract, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut ctx = Ctx { loc, errors: Vec::new() };
    if raw.format_version != 1 {
        ctx.err(
            Code::E0216,
            "format_version",
            format!(
                "unsupported format_version {}: this engine reads version 1",
                raw.format_version
            ),
        );
    }
    let population = ctx.population(format_args!("population"), &raw.population);
    let signature = ctx.date(format_args!("signature_date"), &raw.signature_date);
    let first_text = rules.texts.first().map(|t| t.in_force_from);
    if let (Some(s), Some(f)) = (signature, first_text) {
        if s < f {
            ctx.err(
                Code::E0312,
                "signature_date",
                format!("signed on {s}, before the first text in force ({f}): no rules apply"),
            );
        }
    }

    let mission_ids: Vec<&str> = rules.missions.iter().map(|m| m.id.as_str()).collect();
    let mut engagements = Vec::new();
    let mut seen = HashSet::new();
    for (i, e) in raw.missions.iter().enumerate() {
        let path = format!("missions[{i}]");
        let Some(mission) = rules.mission(&e.mission) else {
            let d = ctx.err(
                Code::E0301,
                &format!("{path}.mission"),
                format!("unknown mission `{}`", e.mission),
            );
            d.help = Some(match did_you_mean(&e.mission, mission_ids.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? missions are: {}", mission_ids.join(", ")),
                None => format!("missions are: {}", mission_ids.join(", ")),
            });
            continue;
        };
        if !seen.insert(e.mission.clone()) {
            ctx.err(
                Code::E0308,
                &format!("{path}.mission"),
                format!("mission `{}` is engaged twice", e.mission),
            );
        }
        let start = ctx.date(format_args!("{path}.start"), &e.start);
        if let (Some(st), Some(sig)) = (start, signature) {
            if st < sig {
                ctx.err(
                    Code::E0302,
                    &format!("{path}.start"),
                    format!(
                        "mission `{}` starts on {st}, before the contract's signature ({sig})",
                        e.mission
                    ),
                );
            }
        }
        if let Some(st) = start {
            if st < mission.exists_from {
                ctx.err(
                    Code::E0302,
                    &format!("{path}.start"),
                    format!(
                        "mission `{}` starts on {st}, before it exists in the texts (from {})",
                        e.mission, mission.exists_from
                    ),
                );
            }
        }
        let full = e
            .full_deployment
            .as_ref()
            .and_then(|t| ctx.date(format_args!("{path}.full_deployment"), t));
        if let (Some(st), Some(f)) = (start, full) {
            if f < st {
                ctx.err(
                    Code::E0302,
                    &format!("{path}.full_deployment"),
                    format!(
                        "mission `{}` is fully deployed on {f}, before it starts ({st})",
                        e.mission
                    ),
                );
            }
        }
        let mut indicators = Vec::new();
        let mut ids = HashSet::new();
        for (j, ind) in e.indicators.iter().enumerate() {
            let ip = format!("{path}.indicators[{j}]");
            if !ids.insert(ind.id.clone()) {
                ctx.err(
                    Code::E0308,
                    &format!("{ip}.id"),
                    format!("duplicate indicator id `{}` in mission `{}`", ind.id, e.mission),
                );
            }
            if let Some(x) = indicator(&mut ctx, &ip, ind) {
                indicators.push(x);
            }
        }
        if let Some(st) = start {
            engagements.push((
                i,
                Engagement {
                    mission: e.mission.clone(),
                    start: st,
                    full_deployment: full,
                    indicators,
                },
            ));
        }
    }
    super::number_indicators(engagements.iter_mut().map(|(_, e)| e));
    // Indicator ids are unique across the contract so that observations can name them alone.
    let mut all_ids: HashSet<&str> = HashSet::new();
    for (i, e) in &engagements {
        for (j, ind) in e.indicators.iter().enumerate() {
            if !all_ids.insert(&ind.id) {
                ctx.err(Code::E0308, &format!("missions[{i}].indicators[{j}].id"), format!("indicator id `{}` is used by two missions: observations could not tell them apart", ind.id));
            }
        }
    }

    let mut results = BTreeMap::new();
    for (i, r) in raw.results.iter().enumerate() {
        let path = format!("results[{i}]");
        if r.contract_year == 0 || r.contract_year > rules.contract_length_years {
            ctx.err(
                Code::E0311,
                &format!("{path}.contract_year"),
                format!(
                    "contract year {} is outside the contract (years 1 to {})",
                    r.contract_year, rules.contract_length_years
                ),
            );
        }
        if results.contains_key(&r.contract_year) {
            ctx.err(
                Code::E0311,
                &format!("{path}.contract_year"),
                format!("contract year {} has two results", r.contract_year),
            );
        }
        let pop = r
            .population
            .as_ref()
            .and_then(|p| ctx.population(format_args!("{path}.population"), p));
        let mut observations = Observations::default();
        for (id, value) in &r.observations {
            let ind = engagements.iter().flat_map(|(_, e)| &e.indicators).find(|x| *x.id == **id);
            let Some(ind) = ind else {
                let known: Vec<&str> =
                    engagements.iter().flat_map(|(_, e)| &e.indicators).map(|x| &*x.id).collect();
                let d = ctx.err(
                    Code::E0310,
                    &format!("{path}.observations.{id}"),
                    format!("observation for unknown indicator `{id}`"),
                );
                d.help = Some(match did_you_mean(id, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if known.is_empty() => "the contract has no indicators".to_string(),
                    None => format!("the contract's indicators are: {}", known.join(", ")),
                });
                continue;
            };
            let obs = match ind.payout {
                Payout::Binary => {
                    match value.trim() {
                        "true" => Some(Observation::Reached(true)),
                        "false" => Some(Observation::Reached(false)),
                        _ => {
                            ctx.err(Code::E0310, &format!("{path}.observations.{id}"), format!("binary indicator `{id}` takes `true` or `false`, not `{value}`"));
                            None
                        }
                    }
                }
                _ => ctx
                    .decimal(format_args!("{path}.observations.{id}"), value)
                    .map(Observation::Value),
            };
            if let Some(o) = obs {
                observations.insert(ind, o);
            }
        }
        results.insert(
            r.contract_year,
            YearResult {
                population: pop,
                crisis_recognised: r.crisis_recognised,
                observations,
                expected: Default::default(),
            },
        );
    }
    let indicators: Vec<&Indicator> = engagements.iter().flat_map(|(_, e)| &e.indicators).collect();
    let expected = super::expected::validate(
        &raw.expected,
        "expected",
        loc,
        &indicators,
        rules.contract_length_years,
        &mut ctx.errors,
    );

    let (Some(population), Some(signature)) = (population, signature) else {
        name_fields(&mut ctx.errors, raw, rules);
        return Err(ctx.errors);
    };
    let mut contract = Contract {
        id: raw.id.clone(),
        name: raw.name.clone(),
        region: raw.region.clone(),
        department: raw.department.clone(),
        population,
        population_year: raw.population_year,
        signature,
        engagements: Vec::new(),
        results,
        expected,
        file: loc.file().to_string(),
        sha256: String::new(),
    };
    let check = EnvelopeCheck::new(rules, contract.population, signature);
    for (i, e) in &engagements {
        if let Some(o) = over_envelope(rules, &check, e) {
            let d = ctx.err(Code::E0304, &format!("missions[{i}].indicators"), format!(
                "indicator maxima of mission `{}` add up to {}, above its variable envelope of {} ({}, contract year {} from {})",
                e.mission, format_eur(o.total), format_eur(o.envelope), rules.tiers[o.tier].id, o.contract_year, o.from));
            d.help = Some(
                "lower the indicators' `max` so that they add up to at most the envelope".into(),
            );
        }
    }
    if !ctx.errors.is_empty() {
        name_fields(&mut ctx.errors, raw, rules);
        return Err(ctx.errors);
    }
    contract.engagements = engagements.into_iter().map(|(_, e)| e).collect();
    Ok((contract, Vec::new()))
}
