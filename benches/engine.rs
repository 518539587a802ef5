//! Engine benchmarks over the real embedded rules (`rules/aci-cpts.yaml`), the shipped fixture
//! `fixtures/ok/t2-first-year-prorata/contract.yaml` and 200 synthetic contracts (all four tiers,
//! signatures from 2019 to 2025, one to six missions, steps / binary / linear indicators, missing
//! observations, tier changes, recognised crises). The synthetic contracts are written as YAML
//! text and loaded through `Contract::from_text` once, outside the timed loops.
//!
//! `cargo bench --bench engine`; the whole run takes about a minute.

use cpts_funding::calendar::{add_months, parse_date, Date};
use cpts_funding::eval::{self, Breakdown};
use cpts_funding::input::Contract;
use cpts_funding::report::{audit, json};
use cpts_funding::rules::{self, RuleSet};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::fmt::Write as _;
use std::time::Duration;

const FIXTURE_NAME: &str = "fixtures/ok/t2-first-year-prorata/contract.yaml";
const FIXTURE: &str = include_str!("../fixtures/ok/t2-first-year-prorata/contract.yaml");

/// 200 contracts x 5 contract years = 1000 contract-years.
const CONTRACTS: usize = 200;
const YEARS: u32 = 5;
const CONTRACT_YEARS: u64 = CONTRACTS as u64 * YEARS as u64;

/// A small deterministic generator (PCG-style LCG), so every run benchmarks the same contracts.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A population in tier `tier` (0-based: t1 < 40 000 <= t2 < 80 000 <= t3 <= 175 000 < t4).
fn population(rng: &mut Lcg, tier: u64) -> u64 {
    match tier % 4 {
        0 => 8_000 + rng.below(32_000),
        1 => 40_000 + rng.below(40_000),
        2 => 80_000 + rng.below(95_001),
        _ => 175_001 + rng.below(400_000),
    }
}

enum Kind {
    Binary,
    /// (direction, [(threshold, amount)]), thresholds as written in a contract.
    Steps(&'static str, &'static [(&'static str, u32)]),
    /// (baseline, target).
    Linear(u32, u32),
}

struct IndicatorSpec {
    id: &'static str,
    label: &'static str,
    max: u32,
    kind: Kind,
}

struct MissionSpec {
    id: &'static str,
    /// Percentage of contracts that engage in the mission.
    engaged: u64,
    /// Latest start, in months after the signature (or after the mission's entry into force).
    start_within: u64,
    /// The maxima add up to at most the tier-1 variable envelope, so every tier fits (E0304).
    indicators: &'static [IndicatorSpec],
}

const MISSIONS: &[MissionSpec] = &[
    MissionSpec {
        id: "acces_soins",
        engaged: 100,
        start_within: 9,
        indicators: &[
            IndicatorSpec {
                id: "ald_sans_mt",
                label: "Patients en ALD sans médecin traitant",
                max: 9000,
                kind: Kind::Steps("lower_is_better", &[("50", 9000), ("100", 6000), ("219", 3000)]),
            },
            IndicatorSpec {
                id: "partenariat_cpam",
                label: "Maintien du partenariat avec la CPAM",
                max: 2000,
                kind: Kind::Binary,
            },
            IndicatorSpec {
                id: "snp_regulation",
                label: "Part des demandes de soins non programmés régulées",
                max: 8000,
                kind: Kind::Linear(40, 70),
            },
        ],
    },
    MissionSpec {
        id: "parcours",
        engaged: 85,
        start_within: 15,
        indicators: &[
            IndicatorSpec {
                id: "depistage_sein",
                label: "Dépistage du cancer du sein (%)",
                max: 3500,
                kind: Kind::Steps(
                    "higher_is_better",
                    &[("69.70", 1000), ("72.40", 2500), ("75", 3500)],
                ),
            },
            IndicatorSpec {
                id: "parcours_coordination",
                label: "Parcours coordonnés formalisés (%)",
                max: 10000,
                kind: Kind::Linear(0, 100),
            },
            IndicatorSpec {
                id: "parcours_rcp",
                label: "Réunions de concertation tenues",
                max: 5000,
                kind: Kind::Binary,
            },
        ],
    },
    MissionSpec {
        id: "prevention",
        engaged: 70,
        start_within: 14,
        indicators: &[
            IndicatorSpec {
                id: "vaccination_grippe",
                label: "Couverture vaccinale grippe (%)",
                max: 6000,
                kind: Kind::Linear(30, 60),
            },
            IndicatorSpec {
                id: "actions_prevention",
                label: "Actions de prévention menées",
                max: 3000,
                kind: Kind::Binary,
            },
        ],
    },
    // No variable envelope in the rules: no indicators.
    MissionSpec { id: "crise", engaged: 60, start_within: 8, indicators: &[] },
    MissionSpec {
        id: "qualite",
        engaged: 40,
        start_within: 24,
        indicators: &[
            IndicatorSpec {
                id: "qualite_revues",
                label: "Revues de pertinence menées",
                max: 4000,
                kind: Kind::Binary,
            },
            IndicatorSpec {
                id: "qualite_antibio",
                label: "Prescriptions d'antibiotiques (pour 1000)",
                max: 3000,
                kind: Kind::Steps("lower_is_better", &[("600", 1500), ("550", 3000)]),
            },
        ],
    },
    MissionSpec {
        id: "accompagnement",
        engaged: 30,
        start_within: 24,
        indicators: &[IndicatorSpec {
            id: "installations",
            label: "Professionnels accompagnés à l'installation",
            max: 5000,
            kind: Kind::Linear(0, 12),
        }],
    },
];

/// An observed value for `kind`, as contract text (decimals quoted, never floats).
fn observation(rng: &mut Lcg, kind: &Kind) -> String {
    match kind {
        Kind::Binary => rng.chance(70).to_string(),
        Kind::Steps(_, steps) => {
            let t: Vec<u64> = steps
                .iter()
                .map(|(t, _)| t.split('.').next().and_then(|x| x.parse().ok()).unwrap_or(0))
                .collect();
            let (lo, hi) =
                (t.iter().min().copied().unwrap_or(0), t.iter().max().copied().unwrap_or(100));
            let spread = (hi - lo).max(4);
            let v = (lo + rng.below(2 * spread)).saturating_sub(spread / 2);
            format!("\"{v}.{}\"", rng.below(100))
        }
        Kind::Linear(baseline, target) => {
            let span = u64::from(target - baseline);
            let v =
                (u64::from(*baseline) + rng.below(span + span / 2 + 1)).saturating_sub(span / 4);
            format!("\"{v}.{}\"", rng.below(10))
        }
    }
}

/// One synthetic contract as YAML text; `i` varies the tier, the signature year (2019-2025), the
/// missions engaged, their starts, the observations and the yearly events.
fn synthetic_contract(i: usize) -> String {
    let mut rng = Lcg(0x5eed_0000 + i as u64);
    let tier = i as u64 % 4;
    let year = 2019 + (i % 7) as i32;
    // The first text is in force from 2019-08-25.
    let month = if year == 2019 { 9 + rng.below(4) } else { 1 + rng.below(12) };
    let day = 1 + rng.below(28);
    let signature = parse_date(&format!("{year}-{month:02}-{day:02}")).expect("valid date");
    let crisis_from = parse_date("2022-03-31").expect("valid date");

    let mut y = String::with_capacity(4096);
    let _ =
        writeln!(y, "format_version: 1\nid: cpts-synth-{i:03}\nname: \"CPTS synthétique n° {i}\"");
    if i % 3 != 0 {
        let _ = writeln!(y, "region: \"Région {}\"\ndepartment: \"{:02}\"", i % 13, 1 + i % 95);
    }
    let _ = writeln!(y, "population: {}", population(&mut rng, tier));
    if i % 2 == 0 {
        let _ = writeln!(y, "population_year: {}", year - 1);
    }
    let _ = writeln!(y, "signature_date: {signature}\nmissions:");
    let mut engaged: Vec<&MissionSpec> = Vec::new();
    for (m, spec) in MISSIONS.iter().enumerate() {
        if m > 0 && !rng.chance(spec.engaged) {
            continue;
        }
        let origin: Date = if spec.id == "crise" { signature.max(crisis_from) } else { signature };
        let start = add_months(origin, rng.below(spec.start_within + 1) as u32).expect("in range");
        let _ = writeln!(y, "  - mission: {}\n    start: {start}", spec.id);
        if rng.chance(50) {
            let deployed = add_months(start, 6 + rng.below(20) as u32).expect("in range");
            let _ = writeln!(y, "    full_deployment: {deployed}");
        }
        if spec.indicators.is_empty() {
            let _ = writeln!(y, "    indicators: []");
        } else {
            let _ = writeln!(y, "    indicators:");
        }
        for ind in spec.indicators {
            let _ = writeln!(
                y,
                "      - id: {}\n        label: \"{}\"\n        max: {}",
                ind.id, ind.label, ind.max
            );
            match &ind.kind {
                Kind::Binary => {
                    let _ = writeln!(y, "        kind: binary");
                }
                Kind::Steps(direction, steps) => {
                    let _ = writeln!(
                        y,
                        "        kind: steps\n        direction: {direction}\n        steps:"
                    );
                    for (t, a) in *steps {
                        let _ = writeln!(y, "          - {{threshold: \"{t}\", amount: {a}}}");
                    }
                }
                Kind::Linear(b, t) => {
                    let _ = writeln!(
                        y,
                        "        kind: linear\n        baseline: \"{b}\"\n        target: \"{t}\""
                    );
                }
            }
        }
        engaged.push(spec);
    }
    let _ = writeln!(y, "results:");
    for k in 1..=YEARS {
        // Some years have no results at all: every indicator is then missing (W0502).
        if rng.chance(8) {
            continue;
        }
        let _ = writeln!(y, "  - contract_year: {k}");
        if i % 10 == 3 && k >= 3 {
            // The CPTS grows into the next tier from year 3 (W0504).
            let _ = writeln!(y, "    population: {}", population(&mut rng, tier + 1));
        }
        let _ = writeln!(y, "    crisis_recognised: {}", rng.chance(15));
        let mut obs = String::new();
        for ind in engaged.iter().flat_map(|m| m.indicators) {
            if rng.chance(88) {
                let _ = writeln!(obs, "      {}: {}", ind.id, observation(&mut rng, &ind.kind));
            }
        }
        if obs.is_empty() {
            let _ = writeln!(y, "    observations: {{}}");
        } else {
            let _ = write!(y, "    observations:\n{obs}");
        }
    }
    y
}

fn load(rules: &RuleSet, name: &str, text: &str) -> Contract {
    match Contract::from_text(name, text, rules) {
        Ok((c, _)) => c,
        Err(ds) => panic!("{name} does not validate: {ds:#?}\n{text}"),
    }
}

fn evaluate_all<'a>(rules: &'a RuleSet, contracts: &'a [Contract]) -> Vec<Breakdown<'a>> {
    let mut out = Vec::with_capacity(contracts.len() * YEARS as usize);
    for c in contracts {
        for k in 1..=YEARS {
            out.push(
                eval::evaluate(rules, c, k).unwrap_or_else(|e| panic!("{} year {k}: {e:?}", c.id)),
            );
        }
    }
    out
}

fn benches(c: &mut Criterion) {
    let (rules, _) = RuleSet::embedded().unwrap_or_else(|e| panic!("embedded rules: {e:?}"));
    let fixture = load(&rules, FIXTURE_NAME, FIXTURE);
    let texts: Vec<(String, String)> = (0..CONTRACTS)
        .map(|i| (format!("synthetic/cpts-{i:03}.yaml"), synthetic_contract(i)))
        .collect();
    let contracts: Vec<Contract> =
        texts.iter().map(|(name, text)| load(&rules, name, text)).collect();
    // Every synthetic contract-year evaluates; check it once, outside the timings.
    let breakdowns = evaluate_all(&rules, &contracts);
    assert_eq!(breakdowns.len() as u64, CONTRACT_YEARS);

    let mut g = c.benchmark_group("rules");
    g.bench_function("load_validate", |b| {
        b.iter(|| {
            RuleSet::from_text(
                black_box(rules::DEFAULT_RULES_NAME),
                black_box(rules::DEFAULT_RULES_TEXT),
            )
            .expect("valid")
        })
    });
    g.finish();

    let mut g = c.benchmark_group("contract");
    g.bench_function("load_validate", |b| {
        b.iter(|| {
            Contract::from_text(black_box(FIXTURE_NAME), black_box(FIXTURE), black_box(&rules))
                .expect("valid")
        })
    });
    g.finish();

    let mut g = c.benchmark_group("evaluate");
    g.bench_function("one_contract_year", |b| {
        b.iter(|| {
            eval::evaluate(black_box(&rules), black_box(&fixture), black_box(1)).expect("evaluates")
        })
    });
    g.throughput(Throughput::Elements(CONTRACT_YEARS));
    g.bench_function("1000_contract_years_no_audit", |b| {
        b.iter(|| {
            for contract in black_box(&contracts) {
                for k in 1..=YEARS {
                    black_box(eval::evaluate(&rules, contract, black_box(k)).expect("evaluates"));
                }
            }
        })
    });
    g.bench_function("1000_contract_years_totals", |b| {
        b.iter(|| {
            for contract in black_box(&contracts) {
                for k in 1..=YEARS {
                    black_box(eval::totals(&rules, contract, black_box(k)).expect("evaluates"));
                }
            }
        })
    });
    g.bench_function("1000_contract_years_with_audit", |b| {
        b.iter(|| {
            for contract in black_box(&contracts) {
                for k in 1..=YEARS {
                    let year = eval::evaluate(&rules, contract, black_box(k)).expect("evaluates");
                    for line in &year.lines {
                        black_box(audit::audit_line(&year, line));
                    }
                    black_box(&year);
                }
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("report");
    g.throughput(Throughput::Elements(CONTRACT_YEARS));
    // The `compute --format json` document (pretty-printed) for the 1000 evaluations above.
    g.bench_function("json_1000", |b| b.iter(|| json::compute(black_box(&breakdowns))));
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = engine;
    config = config();
    targets = benches
}
criterion_main!(engine);
