//! SYNTHETIC portfolios: fictitious CPTS for tests, benchmarks and demonstrations. Nothing here
//! describes a real CPTS. Deterministic: the same options always give the same bytes.
//!
//! Each CPTS gets a population from about 12 000 to 300 000 (more small ones than large ones),
//! a signature date from September 2019 to December 2025, a region and one of its departments,
//! the socle missions (started on time or a little late, the crisis mission after avenant 2),
//! optional missions for some, indicators whose maxima split the mission's variable envelope
//! (binary, steps and linear, with thresholds of its own), results that improve over the years
//! with some missing, a few recognised crises, and a few CPTS that grow into the next tier.
//!
//! Shared by `examples/gen_portfolio` (writes the sample), `benches/portfolio.rs` and the tests
//! (`#[path]` includes), so the three use the same generator.

#![allow(dead_code)]

use cpts_funding::calendar::{add_months, contract_year_period, Date};
use cpts_funding::rules::RuleSet;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// A small deterministic generator (PCG-style LCG).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub cpts: usize,
    pub seed: u64,
    /// Rows for the contract years that start on or before this date (all five when `None`).
    pub as_of: Option<Date>,
}

impl Default for Options {
    fn default() -> Self {
        Options { cpts: 800, seed: 2025, as_of: Date::from_ymd_opt(2025, 12, 31) }
    }
}

const REGIONS: [(&str, &[&str]); 13] = [
    (
        "Auvergne-Rhône-Alpes",
        &["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"],
    ),
    ("Bourgogne-Franche-Comté", &["21", "25", "39", "58", "70", "71", "89", "90"]),
    ("Bretagne", &["22", "29", "35", "56"]),
    ("Centre-Val de Loire", &["18", "28", "36", "37", "41", "45"]),
    ("Corse", &["2A", "2B"]),
    ("Grand Est", &["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"]),
    ("Hauts-de-France", &["02", "59", "60", "62", "80"]),
    ("Île-de-France", &["75", "77", "78", "91", "92", "93", "94", "95"]),
    ("Normandie", &["14", "27", "50", "61", "76"]),
    (
        "Nouvelle-Aquitaine",
        &["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"],
    ),
    ("Occitanie", &["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]),
    ("Pays de la Loire", &["44", "49", "53", "72", "85"]),
    ("Provence-Alpes-Côte d'Azur", &["04", "05", "06", "13", "83", "84"]),
];

#[derive(Debug, Clone, Copy)]
enum Shape {
    Binary,
    /// Lower is better: thresholds around a baseline (e.g. patients without a doctor).
    StepsLower,
    /// Higher is better: a rate with thresholds above a baseline (e.g. screening %).
    StepsHigher,
    /// A rate from a baseline to a target.
    Linear,
    /// A count from 0 to a target.
    LinearCount,
}

struct IndicatorKind {
    id: &'static str,
    label: &'static str,
    /// Share of the mission's variable envelope, in percent.
    share: u64,
    shape: Shape,
}

struct MissionKind {
    id: &'static str,
    /// Percentage of CPTS that engage the mission.
    engaged: u64,
    /// Start: months after the signature (or after avenant 2 for the crisis mission).
    start_months: (u64, u64),
    indicators: &'static [IndicatorKind],
}

const MISSIONS: &[MissionKind] = &[
    MissionKind {
        id: "acces_soins",
        engaged: 100,
        start_months: (0, 8),
        indicators: &[
            IndicatorKind {
                id: "ald_sans_mt",
                label: "Patients en ALD sans médecin traitant",
                share: 45,
                shape: Shape::StepsLower,
            },
            IndicatorKind {
                id: "partenariat_cpam",
                label: "Maintien du partenariat avec la CPAM",
                share: 10,
                shape: Shape::Binary,
            },
            IndicatorKind {
                id: "snp_regulation",
                label: "Part des soins non programmés régulés (%)",
                share: 45,
                shape: Shape::Linear,
            },
        ],
    },
    MissionKind {
        id: "parcours",
        engaged: 92,
        start_months: (2, 14),
        indicators: &[
            IndicatorKind {
                id: "depistage_sein",
                label: "Dépistage du cancer du sein (%)",
                share: 30,
                shape: Shape::StepsHigher,
            },
            IndicatorKind {
                id: "parcours_formalises",
                label: "Parcours pluriprofessionnels formalisés",
                share: 50,
                shape: Shape::LinearCount,
            },
            IndicatorKind {
                id: "rcp_tenues",
                label: "Réunions de concertation tenues",
                share: 20,
                shape: Shape::Binary,
            },
        ],
    },
    MissionKind {
        id: "prevention",
        engaged: 85,
        start_months: (2, 14),
        indicators: &[
            IndicatorKind {
                id: "vaccination_grippe",
                label: "Couverture vaccinale grippe (%)",
                share: 60,
                shape: Shape::Linear,
            },
            IndicatorKind {
                id: "actions_prevention",
                label: "Actions de prévention menées",
                share: 40,
                shape: Shape::Binary,
            },
        ],
    },
    MissionKind { id: "crise", engaged: 75, start_months: (0, 9), indicators: &[] },
    MissionKind {
        id: "qualite",
        engaged: 35,
        start_months: (6, 30),
        indicators: &[
            IndicatorKind {
                id: "revues_pertinence",
                label: "Revues de pertinence menées",
                share: 50,
                shape: Shape::Binary,
            },
            IndicatorKind {
                id: "antibiotiques",
                label: "Prescriptions d'antibiotiques (pour 1000)",
                share: 50,
                shape: Shape::StepsLower,
            },
        ],
    },
    MissionKind {
        id: "accompagnement",
        engaged: 30,
        start_months: (6, 30),
        indicators: &[IndicatorKind {
            id: "installations",
            label: "Professionnels accompagnés à l'installation",
            share: 100,
            shape: Shape::LinearCount,
        }],
    },
];

/// One indicator of a CPTS's contract.
pub struct Indicator {
    pub id: &'static str,
    pub label: &'static str,
    pub max: u64,
    /// The CSV `.scale` cell: empty (binary), `linear A..B`, `steps <= T:A ...`.
    pub scale: String,
    shape: Shape,
    /// Where results start and where the target is, to draw results.
    baseline: u64,
    target: u64,
}

pub struct Engagement {
    pub mission: &'static str,
    pub start: Date,
    pub full_deployment: Option<Date>,
    pub indicators: Vec<Indicator>,
}

pub struct YearRow {
    pub contract_year: u32,
    pub year_population: Option<u64>,
    pub crisis: bool,
    /// Per indicator id: the result as contract text (`true`, `120`, `"55.5"`), or none.
    pub results: Vec<(&'static str, Option<String>)>,
}

/// One synthetic CPTS.
pub struct Cpts {
    pub id: String,
    pub name: String,
    pub region: &'static str,
    pub department: &'static str,
    pub population: u64,
    pub population_year: u32,
    pub signature: Date,
    pub engagements: Vec<Engagement>,
    pub years: Vec<YearRow>,
}

fn date(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// More small CPTS than large ones: about 45 % in tier 1, 30 % in tier 2, 18 % in tier 3.
fn population(rng: &mut Lcg) -> u64 {
    match rng.below(100) {
        0..=44 => rng.between(12_000, 39_999),
        45..=74 => rng.between(40_000, 79_999),
        75..=92 => rng.between(80_000, 175_000),
        _ => rng.between(175_001, 300_000),
    }
}

/// The smallest variable envelope of `mission` over the CPTS's contract years (so that the
/// indicator maxima fit every year, error E0304 otherwise).
fn envelope(rules: &RuleSet, mission: &str, signature: Date, populations: &[u64]) -> u64 {
    let Some(m) = rules.mission(mission) else { return 0 };
    let Some(table) = &m.variable else { return 0 };
    let mut least: Option<Decimal> = None;
    for (k, pop) in populations.iter().enumerate() {
        let Some((from, _)) = contract_year_period(signature, k as u32 + 1) else { continue };
        let tier = rules.tier_index(*pop);
        if let Some((_, row)) = table.at(from) {
            let a = row[tier].amount;
            least = Some(least.map_or(a, |l| l.min(a)));
        }
    }
    least.map_or(0, |d| d.trunc().to_string().parse().unwrap_or(0))
}

fn indicator(rng: &mut Lcg, k: &IndicatorKind, max: u64) -> Indicator {
    let pct = |p: u64| (max * p / 100).max(1);
    let (scale, baseline, target) = match k.shape {
        Shape::Binary => (String::new(), 0, 1),
        Shape::StepsLower => {
            let b = rng.between(120, 320);
            let (t1, t2, t3) = (b * 85 / 100, b * 60 / 100, b * 35 / 100);
            (format!("steps <= {t1}:{} {t2}:{} {t3}:{max}", pct(33), pct(66)), b, t3)
        }
        Shape::StepsHigher => {
            let b = rng.between(5800, 6800);
            let t = |d: u64| format!("{}.{:02}", (b + d) / 100, (b + d) % 100);
            (
                format!("steps >= {}:{} {}:{} {}:{max}", t(250), pct(30), t(500), pct(70), t(900)),
                b,
                b + 900,
            )
        }
        Shape::Linear => {
            let b = rng.between(25, 45);
            let t = b + rng.between(20, 35);
            (format!("linear {b}..{t}"), b * 100, t * 100)
        }
        Shape::LinearCount => {
            let t = rng.between(6, 15);
            (format!("linear 0..{t}"), 0, t)
        }
    };
    Indicator { id: k.id, label: k.label, max, scale, shape: k.shape, baseline, target }
}

/// A result for contract year `k` (results improve over the years, with noise).
fn result(rng: &mut Lcg, ind: &Indicator, k: u32) -> String {
    let progress = u64::from(k) * 18 + rng.below(40);
    match ind.shape {
        Shape::Binary => rng.chance(55 + u64::from(k) * 7).to_string(),
        Shape::StepsLower => {
            let drop = (ind.baseline - ind.target) * progress.min(110) / 100;
            (ind.baseline + ind.baseline / 10).saturating_sub(drop).to_string()
        }
        Shape::StepsHigher | Shape::Linear => {
            let v = ind.baseline + (ind.target - ind.baseline) * progress.min(120) / 100;
            let v = v.saturating_sub(rng.below(300));
            format!("\"{}.{}\"", v / 100, (v % 100) / 10)
        }
        Shape::LinearCount => (ind.target * progress.min(130) / 100).to_string(),
    }
}

/// The synthetic CPTS of a portfolio.
pub fn generate(rules: &RuleSet, opts: &Options) -> Vec<Cpts> {
    let mut rng = Lcg::new(opts.seed);
    let first_text = date(2019, 9, 1);
    let avenant_2 = date(2022, 3, 31);
    let mut out = Vec::with_capacity(opts.cpts);
    for i in 0..opts.cpts {
        let (region, departments) = REGIONS[rng.below(REGIONS.len() as u64) as usize];
        let department = departments[rng.below(departments.len() as u64) as usize];
        let population = population(&mut rng);
        let signature = first_text + chrono::Duration::days(rng.below(2283) as i64);
        let grows = rng.chance(6);
        // Years 3-5 of a growing CPTS move it to the next tier (warning W0504).
        let year_pop = |k: u32| -> Option<u64> {
            if !grows || k < 3 {
                return None;
            }
            Some(match rules.tier_index(population) {
                0 => 40_000 + population % 1000,
                1 => 80_000 + population % 1000,
                2 => 175_001 + population % 1000,
                _ => population + 5_000,
            })
        };
        let populations: Vec<u64> = (1..=5).map(|k| year_pop(k).unwrap_or(population)).collect();
        let mut engagements = Vec::new();
        for m in MISSIONS {
            if !rng.chance(m.engaged) {
                continue;
            }
            let origin = if m.id == "crise" { signature.max(avenant_2) } else { signature };
            let start = add_months(origin, rng.between(m.start_months.0, m.start_months.1) as u32)
                .unwrap_or(origin);
            let full =
                rng.chance(60).then(|| add_months(start, rng.between(8, 20) as u32)).flatten();
            let env = envelope(rules, m.id, signature, &populations);
            // Most contracts split the whole envelope; some keep a little of it back (W0505).
            let used = if rng.chance(80) { env } else { env * rng.between(80, 95) / 100 };
            let mut indicators = Vec::new();
            let mut left = used;
            for (j, k) in m.indicators.iter().enumerate() {
                let max = if j + 1 == m.indicators.len() { left } else { used * k.share / 100 };
                left -= max.min(left);
                if max > 0 {
                    indicators.push(indicator(&mut rng, k, max));
                }
            }
            engagements.push(Engagement {
                mission: m.id,
                start,
                full_deployment: full,
                indicators,
            });
        }
        let mut years = Vec::new();
        for k in 1..=5u32 {
            let Some((from, _)) = contract_year_period(signature, k) else { continue };
            if opts.as_of.is_some_and(|d| from > d) {
                break;
            }
            let crisis_possible =
                engagements.iter().any(|e| e.mission == "crise") && from >= avenant_2;
            let crisis = crisis_possible && rng.chance(8);
            let mut results = Vec::new();
            for e in &engagements {
                for ind in &e.indicators {
                    let v = rng.chance(90).then(|| result(&mut rng, ind, k));
                    results.push((ind.id, v));
                }
            }
            years.push(YearRow { contract_year: k, year_population: year_pop(k), crisis, results });
        }
        let name = if i % 17 == 5 {
            format!("CPTS fictive n° {:03}, {}", i + 1, region)
        } else {
            format!("CPTS fictive n° {:03} ({region})", i + 1)
        };
        out.push(Cpts {
            id: format!("synth-{:04}", i + 1),
            name,
            region,
            department,
            population,
            population_year: 2021 + (i % 4) as u32,
            signature,
            engagements,
            years,
        });
    }
    out
}

fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', ';']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// The portfolio as CSV (one row per CPTS and contract year; columns as in README.md).
pub fn csv(cpts: &[Cpts]) -> String {
    let mut cols: Vec<String> = [
        "id",
        "name",
        "region",
        "department",
        "population",
        "population_year",
        "signature_date",
        "contract_year",
        "year_population",
        "crisis_recognised",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for m in MISSIONS {
        cols.push(format!("{}.start", m.id));
        cols.push(format!("{}.full_deployment", m.id));
        for k in m.indicators {
            for part in [".max", ".scale", ""] {
                cols.push(format!("{}.{}{part}", m.id, k.id));
            }
        }
    }
    let mut out = String::with_capacity(cpts.len() * 1200);
    out.push_str(&cols.join(","));
    out.push('\n');
    for c in cpts {
        for y in &c.years {
            let mut cells: Vec<String> = vec![
                c.id.clone(),
                c.name.clone(),
                c.region.to_string(),
                c.department.to_string(),
                c.population.to_string(),
                c.population_year.to_string(),
                c.signature.to_string(),
                y.contract_year.to_string(),
                y.year_population.map(|p| p.to_string()).unwrap_or_default(),
                y.crisis.to_string(),
            ];
            for m in MISSIONS {
                let e = c.engagements.iter().find(|e| e.mission == m.id);
                cells.push(e.map(|e| e.start.to_string()).unwrap_or_default());
                cells.push(
                    e.and_then(|e| e.full_deployment).map(|d| d.to_string()).unwrap_or_default(),
                );
                for k in m.indicators {
                    let ind = e.and_then(|e| e.indicators.iter().find(|i| i.id == k.id));
                    cells.push(ind.map(|i| i.max.to_string()).unwrap_or_default());
                    cells.push(ind.map(|i| i.scale.clone()).unwrap_or_default());
                    let v = y
                        .results
                        .iter()
                        .find(|(id, _)| *id == k.id)
                        .and_then(|(_, v)| v.clone())
                        .unwrap_or_default();
                    cells.push(v.trim_matches('"').to_string());
                }
            }
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                csv_field(&mut out, cell);
            }
            out.push('\n');
        }
    }
    out
}

fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One CPTS as a contract document, indented by `pad` (for a portfolio file's entries).
pub fn contract_yaml(c: &Cpts, pad: &str) -> String {
    let mut y = String::with_capacity(4096);
    let _ = writeln!(
        y,
        "{pad}format_version: 1\n{pad}id: {}\n{pad}name: {}\n{pad}region: {}\n{pad}department: {}",
        c.id,
        yaml_str(&c.name),
        yaml_str(c.region),
        yaml_str(c.department)
    );
    let _ = writeln!(
        y,
        "{pad}population: {}\n{pad}population_year: {}\n{pad}signature_date: {}\n{pad}missions:",
        c.population, c.population_year, c.signature
    );
    for e in &c.engagements {
        let _ = writeln!(y, "{pad}  - mission: {}\n{pad}    start: {}", e.mission, e.start);
        if let Some(d) = e.full_deployment {
            let _ = writeln!(y, "{pad}    full_deployment: {d}");
        }
        if e.indicators.is_empty() {
            continue;
        }
        let _ = writeln!(y, "{pad}    indicators:");
        for i in &e.indicators {
            let _ = writeln!(
                y,
                "{pad}      - id: {}\n{pad}        label: {}\n{pad}        max: {}",
                i.id,
                yaml_str(i.label),
                i.max
            );
            let s = i.scale.as_str();
            if let Some(r) = s.strip_prefix("linear ") {
                let (b, t) = r.split_once("..").unwrap_or(("0", "1"));
                let _ = writeln!(y, "{pad}        kind: linear\n{pad}        baseline: \"{b}\"\n{pad}        target: \"{t}\"");
            } else if let Some(r) = s.strip_prefix("steps ") {
                let mut tokens = r.split_whitespace();
                let dir = if tokens.next() == Some("<=") {
                    "lower_is_better"
                } else {
                    "higher_is_better"
                };
                let _ = writeln!(
                    y,
                    "{pad}        kind: steps\n{pad}        direction: {dir}\n{pad}        steps:"
                );
                for t in tokens {
                    let (th, am) = t.split_once(':').unwrap_or(("0", "0"));
                    let _ = writeln!(y, "{pad}          - {{threshold: \"{th}\", amount: {am}}}");
                }
            } else {
                let _ = writeln!(y, "{pad}        kind: binary");
            }
        }
    }
    if c.years.is_empty() {
        let _ = writeln!(y, "{pad}results: []");
        return y;
    }
    let _ = writeln!(y, "{pad}results:");
    for r in &c.years {
        let _ = writeln!(y, "{pad}  - contract_year: {}", r.contract_year);
        if let Some(p) = r.year_population {
            let _ = writeln!(y, "{pad}    population: {p}");
        }
        let _ = writeln!(y, "{pad}    crisis_recognised: {}", r.crisis);
        let obs: Vec<String> = r
            .results
            .iter()
            .filter_map(|(id, v)| v.as_ref().map(|v| format!("{pad}      {id}: {v}")))
            .collect();
        if obs.is_empty() {
            let _ = writeln!(y, "{pad}    observations: {{}}");
        } else {
            let _ = writeln!(y, "{pad}    observations:\n{}", obs.join("\n"));
        }
    }
    y
}

/// The portfolio as one YAML portfolio file (`cpts:` list).
pub fn yaml(cpts: &[Cpts], title: &str) -> String {
    let mut y = format!("# SYNTHETIC portfolio: fictitious CPTS, generated by examples/gen_portfolio.\nformat_version: 1\ntitle: {}\ncpts:\n", yaml_str(title));
    for c in cpts {
        let entry = contract_yaml(c, "    ");
        y.push_str("  - ");
        y.push_str(entry.trim_start());
    }
    y
}
