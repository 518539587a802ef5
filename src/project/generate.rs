//! A scenario made into synthetic contracts, deterministically from its seed. Each contract is
//! written as the raw form of a contract file ([`RawContract`]) and goes through the same
//! validation as a contract file ([`Contract::from_raw`]), so a generated contract is one a CPTS
//! could have signed.
//!
//! Contract `n` (counted from 1 over the periods in time order) draws from its own stream
//! ([`Rng::for_item`]), always in the same order and always the same number of draws: its
//! signature day (uniform over the period's days from the first text in force), its population
//! band (by the shares) and population (uniform in the band), then per planned mission (in rule
//! order) whether it is engaged, its start delay, and the share of the variable envelope reached
//! in each contract year. So the output depends on the seed only, never on the thread count.
//!
//! The variable part: one **linear** indicator per engaged mission that has a variable envelope
//! (`<mission>_atteinte`, baseline 0, target 100), whose maximum is the mission's variable
//! envelope for the contract's tier (the smallest one in force over the contract years the
//! mission runs, so that the maxima never exceed an envelope: `E0304`), and whose observed value
//! in each contract year is the drawn share × 100, to two decimals. The engine then pays exactly
//! that share of the maximum (rounded to the cent), and under a variant that changes an envelope
//! the payout follows in proportion, as for any contract.

use super::rng::Rng;
use super::scenario::RolloutScenario;
use crate::calendar::{add_months, contract_year_period, Date};
use crate::input::raw::{IndicatorKind, RawContract, RawEngagement, RawIndicator, RawYearResult};
use crate::input::Contract;
use crate::portfolio::{Origin, Portfolio, Record, RecordState};
use crate::rules::RuleSet;
use chrono::Datelike;
use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// A generated contract before validation, with the period it was signed in.
#[derive(Debug, Clone)]
pub struct Generated {
    pub period: String,
    pub raw: RawContract,
}

/// The id of the indicator standing for mission `m`'s variable part.
pub fn indicator_id(mission: &str) -> String {
    format!("{mission}_atteinte")
}

/// A share drawn uniformly in `lo..=hi`, to four decimals (an observation of two decimals, in
/// percent).
fn draw_share(rng: &mut Rng, (lo, hi): (Decimal, Decimal)) -> Decimal {
    let u = rng.unit();
    (lo + (hi - lo) * u).round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
}

/// The smallest variable envelope of `mission` for `tier` over the contract years it runs
/// (zero when it never runs or has no envelope).
fn envelope(rules: &RuleSet, mission: &str, tier: usize, signature: Date, start: Date) -> Decimal {
    let Some(m) = rules.mission(mission) else { return Decimal::ZERO };
    let Some(table) = &m.variable else { return Decimal::ZERO };
    let mut least: Option<Decimal> = None;
    for k in 1..=rules.contract_length_years {
        let Some((from, to)) = contract_year_period(signature, k) else { break };
        if start >= to || from < m.exists_from {
            continue;
        }
        let e = table.at(from).map(|(_, row)| row[tier].amount).unwrap_or(Decimal::ZERO);
        least = Some(least.map_or(e, |l| l.min(e)));
    }
    least.unwrap_or(Decimal::ZERO)
}

/// Every contract of the scenario, in time order of the periods, as raw contracts.
pub fn raw_contracts(s: &RolloutScenario, rules: &RuleSet) -> Vec<Generated> {
    let years = rules.contract_length_years;
    let mut out = Vec::with_capacity(usize::try_from(s.contracts()).unwrap_or(0));
    let mut n: u64 = 0;
    for p in &s.signatures {
        let days = u64::try_from((p.last - p.first).num_days()).unwrap_or(0);
        for _ in 0..p.count {
            n += 1;
            let mut rng = Rng::for_item(s.seed, n);
            let offset = rng.between(0, days);
            let signature = p.first + chrono::Days::new(offset);
            let u = rng.unit();
            let mut acc = Decimal::ZERO;
            let band = s
                .bands
                .iter()
                .find(|b| {
                    acc += b.share;
                    u < acc
                })
                .or(s.bands.last());
            let population = band.map_or(0, |b| rng.between(b.min, b.max));
            let tier = rules.tier_index_at(population, signature);
            let end = add_months(signature, 12 * years).unwrap_or(signature);
            let mut missions = Vec::new();
            let mut observations: Vec<BTreeMap<String, String>> =
                vec![BTreeMap::new(); years as usize];
            for plan in &s.missions {
                let engaged = rng.unit() < plan.engaged;
                let (lo, hi) = plan.start_after_months;
                let delay = rng.between(u64::from(lo), u64::from(hi));
                let shares: Vec<Decimal> = (0..years)
                    .map(|_| plan.variable_share.map_or(Decimal::ZERO, |r| draw_share(&mut rng, r)))
                    .collect();
                let Some(mission) = rules.mission(&plan.mission) else { continue };
                let since = signature.max(mission.exists_from);
                let Some(start) = add_months(since, u32::try_from(delay).unwrap_or(0)) else {
                    continue;
                };
                if !engaged || start >= end {
                    continue;
                }
                let max = envelope(rules, &plan.mission, tier, signature, start);
                let mut indicators = Vec::new();
                if plan.variable_share.is_some() && max > Decimal::ZERO {
                    let id = indicator_id(&plan.mission);
                    indicators.push(RawIndicator {
                        id: id.clone(),
                        label: format!("Part variable atteinte (projection) : {}", mission.label),
                        max: max.normalize().to_string(),
                        kind: IndicatorKind::Linear,
                        direction: None,
                        steps: None,
                        baseline: Some("0".into()),
                        target: Some("100".into()),
                    });
                    for (k, share) in shares.iter().enumerate() {
                        let pct = (share * Decimal::ONE_HUNDRED).normalize();
                        observations[k].insert(id.clone(), pct.to_string());
                    }
                }
                missions.push(RawEngagement {
                    mission: plan.mission.clone(),
                    start: start.to_string(),
                    full_deployment: None,
                    indicators,
                });
            }
            let results = observations
                .into_iter()
                .enumerate()
                .map(|(i, obs)| {
                    let k = u32::try_from(i).unwrap_or(0) + 1;
                    let first = contract_year_period(signature, k).map(|(f, _)| f.year());
                    RawYearResult {
                        contract_year: k,
                        population: None,
                        crisis_recognised: first.is_some_and(|y| s.crisis_years.contains(&y)),
                        observations: obs,
                    }
                })
                .collect();
            out.push(Generated {
                period: p.label.clone(),
                raw: RawContract {
                    format_version: 1,
                    id: format!("{}-{n:05}", s.id),
                    name: format!("CPTS projetée n° {n} (signée en {})", p.label),
                    region: None,
                    department: None,
                    population: population.to_string(),
                    population_year: None,
                    signature_date: signature.to_string(),
                    missions,
                    results,
                    expected: Vec::new(),
                },
            });
        }
    }
    out
}

/// The scenario's contracts, validated as contract files are, as a portfolio (one record per
/// contract, in time order; a contract that fails validation is a failed record with its
/// diagnostics).
pub fn generate(s: &RolloutScenario, rules: &RuleSet) -> Portfolio {
    let raws = raw_contracts(s, rules);
    let locator = crate::yaml::unlocated(&s.file);
    let checked: Vec<_> = raws
        .par_iter()
        .with_min_len(16)
        .map(|g| Contract::from_raw(&g.raw, &locator, rules, &s.sha256))
        .collect();
    let mut p =
        Portfolio { inputs: vec![(s.file.clone(), s.sha256.clone())], ..Portfolio::default() };
    for (g, r) in raws.iter().zip(checked) {
        let origin = Origin {
            file: s.file.clone(),
            line: None,
            entry: Some(format!("{} (signatures.{})", g.raw.id, g.period)),
        };
        let state = match r {
            Ok((c, _warnings)) => {
                p.contracts.push(c);
                RecordState::Loaded { contract: p.contracts.len() - 1, contract_year: None }
            }
            Err(d) => RecordState::Failed(d),
        };
        p.records.push(Record { origin, state });
    }
    p
}
