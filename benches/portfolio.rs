//! Portfolio benchmarks (`cargo bench --bench portfolio`), over the embedded rules and a
//! SYNTHETIC portfolio of 1 000 CPTS x 5 contract years (5 000 CSV rows, written by the same
//! generator as the shipped sample, `examples/gen_portfolio/synth.rs`):
//!
//! - `portfolio/end_to_end_1000x5`: read the CSV text, validate, evaluate, sum, write the CSV
//!   (what `compute PORTFOLIO --format csv` does, without the file IO);
//! - `portfolio/load_1000x5`, `portfolio/evaluate_1000x5`, `portfolio/write_csv_1000x5`: its parts;
//! - `portfolio/load_yaml_file_1000x5`: the same 1 000 CPTS as one YAML portfolio file;
//! - `diff/negotiation_2025`: a 6-change variant against the base, with the one-at-a-time and
//!   sequential attributions (13 evaluations of the portfolio);
//! - `sweep/1000_points`: 1 000 variants (one value each) x 1 000 CPTS x 5 years, i.e. 5 million
//!   contract-years, on every core (the aim: under 10 s on 2 cores).

#[path = "../examples/gen_portfolio/synth.rs"]
mod synth;

use cpts_funding::portfolio::{self, aggregate, csv_out, CsvOptions, Selection};
use cpts_funding::rules::RuleSet;
use cpts_funding::variant::{self, diff, sweep, Variant};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::Decimal;
use std::time::Duration;

const NEGOTIATION: &str = include_str!("../rules/variants/negotiation-2025.yaml");

/// Named input texts, as `portfolio::load` takes them.
type Inputs = Vec<(String, String)>;

/// The synthetic portfolio as one CSV file, and as one YAML portfolio file.
fn inputs(rules: &RuleSet) -> (Inputs, Inputs) {
    let cpts = synth::generate(rules, &synth::Options { cpts: 1000, seed: 7, as_of: None });
    (
        vec![("synthetic-1000x5.csv".to_string(), synth::csv(&cpts))],
        vec![("synthetic-1000x5.yaml".to_string(), synth::yaml(&cpts, "bench"))],
    )
}

fn end_to_end(rules: &RuleSet, inputs: &[(String, String)]) -> String {
    let p = portfolio::load(inputs, rules);
    let run = portfolio::evaluate(rules, &p, Selection::All, &|| {});
    let a = aggregate(rules, &p, run.rows()).expect("sums");
    csv_out::portfolio(rules, &p, &run, Some(&a), CsvOptions::default())
}

fn benches(c: &mut Criterion) {
    let (rules, _) = RuleSet::embedded().unwrap_or_else(|e| panic!("embedded rules: {e:?}"));
    let (inputs, yaml) = inputs(&rules);
    let p = portfolio::load(&inputs, &rules);
    let run = portfolio::evaluate(&rules, &p, Selection::All, &|| {});
    assert_eq!(
        (run.summary.evaluated, run.summary.failed),
        (5000, 0),
        "the synthetic portfolio must evaluate whole"
    );

    let mut g = c.benchmark_group("portfolio");
    g.throughput(Throughput::Elements(5000));
    g.bench_function("end_to_end_1000x5", |b| {
        b.iter(|| end_to_end(black_box(&rules), black_box(&inputs)))
    });
    g.bench_function("load_1000x5", |b| {
        b.iter(|| portfolio::load(black_box(&inputs), black_box(&rules)))
    });
    g.bench_function("load_yaml_file_1000x5", |b| {
        b.iter(|| portfolio::load(black_box(&yaml), black_box(&rules)))
    });
    g.bench_function("evaluate_1000x5", |b| {
        b.iter(|| portfolio::evaluate(black_box(&rules), black_box(&p), Selection::All, &|| {}))
    });
    let a = aggregate(&rules, &p, run.rows()).expect("sums");
    g.bench_function("write_csv_1000x5", |b| {
        b.iter(|| csv_out::portfolio(black_box(&rules), &p, &run, Some(&a), CsvOptions::excel_fr()))
    });
    g.finish();

    let variant = Variant::from_text("rules/variants/negotiation-2025.yaml", NEGOTIATION, &rules)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let variants = vec![variant];
    let variant_rules = variant::apply_all(&rules, &variants).unwrap_or_else(|e| panic!("{e:?}"));
    let mut g = c.benchmark_group("diff");
    g.sample_size(10);
    g.bench_function("negotiation_2025_1000x5", |b| {
        b.iter(|| {
            diff::diff(black_box(&rules), &variants, &variant_rules, &p, Selection::All, &|| {})
                .expect("diff")
        })
    });
    g.finish();

    let spec = sweep::SweepSpec {
        path: "missions.parcours.fixed.t2".into(),
        from: cpts_funding::calendar::parse_date("2019-08-25").expect("date"),
        start: Decimal::from(30_000),
        end: Decimal::from(49_980),
        step: Decimal::from(20),
    };
    assert_eq!(sweep::values(spec.start, spec.end, spec.step).map(|v| v.len()), Ok(1000));
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(40));
    g.throughput(Throughput::Elements(1000 * 5000));
    g.bench_function("1000_points_1000x5", |b| {
        b.iter(|| {
            sweep::sweep(black_box(&rules), &[], &spec, &p, Selection::All, &|| {}).expect("sweep")
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = portfolio_benches;
    config = config();
    targets = benches
}
criterion_main!(portfolio_benches);
