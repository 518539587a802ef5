//! Portfolios and variants: CLI checks, the shipped synthetic sample, and properties over
//! synthetic portfolios (totals are the sum of rows; an empty overlay costs nothing; the diff,
//! its attribution and the sweep's points equal full evaluations under the variant, its parts
//! and each swept value; 1 and N threads give the same bytes). Their golden cases are
//! `fixtures/portfolio/cases/<case>/`, run by the one golden runner (`fixtures.rs`).

#[path = "../../examples/gen_portfolio/synth.rs"]
mod synth;

use crate::fixtures::{root, run};
use cpts_funding::portfolio::{
    self, aggregate, csv_out, json_out, CsvOptions, Portfolio, Selection,
};
use cpts_funding::rules::RuleSet;
use cpts_funding::variant::{self, diff, sweep, Variant};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("embedded rules are valid").0)
}

fn synthetic(seed: u64, cpts: usize, all_years: bool) -> Portfolio {
    let opts = synth::Options {
        cpts,
        seed,
        as_of: if all_years { None } else { synth::Options::default().as_of },
    };
    let text = synth::csv(&synth::generate(rules(), &opts));
    portfolio::load(&[("synthetic.csv".to_string(), text)], rules())
}

#[test]
fn bad_rows_do_not_stop_the_good_ones_and_errors_name_the_rows() {
    let (code, out, err) = run(&[
        "compute",
        "fixtures/portfolio/bad-rows.csv",
        "--year",
        "2025",
        "--format",
        "csv",
        "--no-sums",
    ]);
    assert_eq!(code, 1);
    assert!(out.lines().any(|l| l.starts_with("cpts,,cpts-bon,")), "{out}");
    for row in [3, 4, 5, 7, 8, 9, 10] {
        assert!(
            err.contains(&format!("fixtures/portfolio/bad-rows.csv:{row}:")),
            "row {row} not named:\n{err}"
        );
    }
    assert!(
        err.contains(
            "summary: 9 read = 1 evaluated + 7 failed + 1 with no contract year starting in 2025"
        ),
        "{err}"
    );
}

#[test]
fn strict_stops_at_the_first_bad_record_and_writes_nothing() {
    let (code, out, err) = run(&[
        "compute",
        "fixtures/portfolio/bad-rows.csv",
        "--year",
        "2025",
        "--format",
        "csv",
        "--strict",
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.matches("error[").count(), 1, "{err}");
    assert!(err.contains("bad-rows.csv:3:16: error[E0102]"), "{err}");
}

#[test]
fn no_progress_bar_on_a_pipe() {
    let (code, _, err) =
        run(&["compute", "fixtures/portfolio/sample-800-synthetic.csv", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains('\r') && !err.contains('\u{1b}'),
        "terminal control characters on a pipe: {err:?}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("summary: "), "{err}");
}

/// On a terminal (a pseudo-terminal from `script`, util-linux), the progress bar is drawn on
/// stderr; stdout still holds only the CSV.
#[test]
fn progress_bar_on_a_terminal() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        crate::skip::skip(
            "progress_bar_on_a_terminal",
            "the progress bar on a terminal",
            "`script` (util-linux, Debian package bsdutils) is not installed",
        );
        return;
    }
    let out_file = root().join("target/tmp/portfolio/tty-sweep.csv");
    std::fs::create_dir_all(out_file.parent().expect("dir")).expect("tmp dir");
    let cmd = format!(
        "{} sweep --param missions.parcours.fixed.t2 --from 30000 --to 36000 --step 60 fixtures/portfolio/sample-800-synthetic.csv > {}",
        env!("CARGO_BIN_EXE_cpts-funding"),
        out_file.display()
    );
    let tty = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &cmd, "/dev/null"])
        .current_dir(root())
        .output()
        .expect("script");
    let screen = String::from_utf8_lossy(&tty.stdout);
    assert!(tty.status.success(), "{screen}");
    assert!(screen.contains("balayage ["), "no progress bar on a terminal: {screen:?}");
    let csv = std::fs::read_to_string(&out_file).expect("csv");
    assert!(csv.starts_with("param,value,") && !csv.contains("balayage"), "{csv}");
}

#[test]
fn thread_count_does_not_change_the_bytes() {
    for args in [
        vec!["compute", "fixtures/portfolio/sample-800-synthetic.csv", "--format", "json"],
        vec![
            "diff",
            "--variant",
            "rules/variants/negotiation-2025.yaml",
            "fixtures/portfolio/sample-800-synthetic.csv",
            "--year",
            "2025",
            "--format",
            "csv",
        ],
        vec![
            "sweep",
            "--param",
            "payment.advance_rate",
            "--from",
            "0.5",
            "--to",
            "1",
            "--step",
            "0.05",
            "fixtures/portfolio/sample-800-synthetic.csv",
        ],
    ] {
        let outs: Vec<(i32, String)> = ["1", "2", "5"]
            .iter()
            .map(|j| {
                let mut a = args.clone();
                a.extend(["-j", j]);
                let (code, out, _) = run(&a);
                (code, out)
            })
            .collect();
        assert_eq!(outs[0].0, 0, "{args:?}");
        assert!(
            outs.iter().all(|o| *o == outs[0]),
            "{args:?}: output differs with the thread count"
        );
    }
}

#[test]
fn unreadable_input_exits_2_and_the_rest_comes_out() {
    let (code, out, err) = run(&[
        "compute",
        "fixtures/portfolio/example.csv",
        "no/such/file.csv",
        "--year",
        "2025",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.csv: error[E0001]"), "{err}");
    assert!(out.contains("cpts,,cpts-val-exemple,"), "{out}");
}

#[test]
fn pages_and_csv_where_they_do_not_belong_are_usage_errors() {
    let two = [
        "compute",
        "fixtures/portfolio/contract-t2.yaml",
        "fixtures/ok/t1-full-year/contract.yaml",
    ];
    assert_eq!(run(&[&two[..], &["--year", "2025", "--format", "html"]].concat()).0, 2);
    assert_eq!(run(&["budget", "fixtures/portfolio/contract-t2.yaml", "--format", "csv"]).0, 2);
    assert_eq!(
        run(&["compute", "fixtures/portfolio/example.csv", "--format", "csv", "--decimal-comma"]).0,
        2
    );
    assert_eq!(run(&["diff", "fixtures/portfolio/example.csv"]).0, 2);
    let (code, _, err) = run(&[
        "sweep",
        "--param",
        "missions.parcour.fixed.t2",
        "--from",
        "1",
        "--to",
        "2",
        "--step",
        "1",
        "fixtures/portfolio/example.csv",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("error[E0601]") && err.contains("did you mean `parcours`"), "{err}");
}

#[test]
fn sweep_draws_an_svg_chart() {
    let dir = root().join("target/tmp/portfolio");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let svg = dir.join("sweep.svg");
    let _ = std::fs::remove_file(&svg);
    let svg_arg = svg.display().to_string();
    let (code, out, err) = run(&[
        "sweep",
        "--param",
        "missions.*.variable",
        "--from",
        "0",
        "--to",
        "60000",
        "--step",
        "5000",
        "fixtures/portfolio/example.csv",
        "--year",
        "2025",
        "--svg",
        &svg_arg,
    ]);
    // `missions.*.variable` set to one amount for every tier: a valid (if odd) sweep.
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 14, "{out}");
    let chart = std::fs::read_to_string(&svg).expect("svg written");
    assert!(chart.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{chart}");
    assert!(chart.contains("<polyline") && chart.matches("<circle").count() == 13, "{chart}");
    assert!(
        !chart.contains("<script") && !chart.contains("href"),
        "the chart must be self-contained"
    );
}

/// The sample portfolio is synthetic, ships with its generator, and the generator gives it back.
#[test]
fn the_sample_portfolio_is_what_its_generator_writes() {
    let shipped =
        std::fs::read_to_string(root().join("fixtures/portfolio/sample-800-synthetic.csv"))
            .expect("sample");
    let cpts = synth::generate(rules(), &synth::Options::default());
    assert_eq!(cpts.len(), 800);
    assert!(synth::csv(&cpts) == shipped, "fixtures/portfolio/sample-800-synthetic.csv differs from `cargo run --example gen_portfolio`: regenerate it");
    assert!(cpts.iter().all(|c| c.name.starts_with("CPTS fictive")));
    let pops: Vec<u64> = cpts.iter().map(|c| c.population).collect();
    assert!(
        pops.iter().min().copied().unwrap_or(0) >= 12_000
            && pops.iter().max().copied().unwrap_or(0) <= 300_000
    );
    let years: std::collections::BTreeSet<i32> =
        cpts.iter().map(|c| chrono::Datelike::year(&c.signature)).collect();
    assert_eq!(years.into_iter().collect::<Vec<_>>(), (2019..=2025).collect::<Vec<_>>());
    let p = portfolio::load(&[("sample.csv".into(), shipped)], rules());
    let run = portfolio::evaluate(rules(), &p, Selection::All, &|| {});
    assert_eq!(run.summary.failed, 0, "{:?}", run.failures().next());
    assert_eq!(p.contracts.len(), 800);
}

/// The CSV and the YAML portfolio file of the same CPTS give the same rows.
#[test]
fn csv_and_yaml_portfolios_agree() {
    let cpts = synth::generate(rules(), &synth::Options { cpts: 60, seed: 11, as_of: None });
    let a = portfolio::load(&[("p.csv".into(), synth::csv(&cpts))], rules());
    let b = portfolio::load(&[("p.yaml".into(), synth::yaml(&cpts, "test"))], rules());
    let ra = portfolio::evaluate(rules(), &a, Selection::All, &|| {});
    let rb = portfolio::evaluate(rules(), &b, Selection::All, &|| {});
    assert_eq!(rb.summary.failed, 0, "{:?}", rb.failures().next());
    let key = |p: &Portfolio, r: &portfolio::Row| {
        (
            p.contracts[r.contract].id.clone(),
            r.contract_year,
            r.totals,
            r.advances,
            r.missions.clone(),
        )
    };
    let x: Vec<_> = ra.rows().map(|r| key(&a, r)).collect();
    let y: Vec<_> = rb.rows().map(|r| key(&b, r)).collect();
    assert_eq!(x, y);
}

/// The fields of a CSV line (quotes honoured; no line breaks inside quotes in these tests).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            _ => out.last_mut().expect("one field").push(c),
        }
    }
    out
}

fn sum_rows<'a>(rows: impl Iterator<Item = &'a portfolio::Row>) -> (usize, [Decimal; 6]) {
    let mut n = 0;
    let mut s = [Decimal::ZERO; 6];
    for r in rows {
        n += 1;
        for (slot, v) in s.iter_mut().zip([
            r.totals.fonctionnement,
            r.totals.fixed,
            r.totals.variable,
            r.totals.crisis,
            r.totals.total,
            r.advances,
        ]) {
            *slot += v;
        }
    }
    (n, s)
}

/// A variant as text, from generated changes (some combinations are rejected by validation:
/// the property then skips them).
fn variant_text(changes: &[(u8, u32, u32)]) -> String {
    let mut y =
        String::from("format_version: 1\nid: prop\ntitle: prop\nrationale: prop\nchanges:\n");
    let tiers = ["t1", "t2", "t3", "t4"];
    for (kind, a, b) in changes {
        let from = format!("20{}-{:02}-01", 20 + a % 7, 1 + b % 12);
        let t = tiers[(*b % 4) as usize];
        let body = match kind % 8 {
            0 => format!("path: fonctionnement.{t}\n    set: \"{}\"", 40_000 + a % 60_000),
            1 => format!("path: missions.parcours.fixed.{t}\n    add: \"{}\"", a % 20_000),
            2 => format!("path: tiers.t2.min_population\n    set: \"{}\"", 30_000 + a % 49_000),
            3 => format!("path: missions.*.variable\n    scale: \"{}.{:02}\"", a % 2, b % 100),
            4 => format!("path: payment.advance_rate\n    set: \"0.{:02}\"", a % 100),
            5 => "path: missions.accompagnement\n    remove: true".to_string(),
            6 if b % 2 == 0 => format!("path: missions.nouvelle_{a}\n    new_mission: {{label: n, kind: optional, reference: r, fixed: {{t1: \"{}\", t2: \"{}\", t3: \"1000\", t4: \"2000\"}}}}", a % 9_000, b % 9_000),
            // A new mission whose variable part is paid at an assumed attainment.
            6 => format!("path: missions.nouvelle_{a}\n    new_mission: {{label: n, kind: socle, reference: r, fixed: {{t1: \"{}\", t2: \"1\", t3: \"1000\", t4: \"2000\"}}, variable: {{t1: \"{}.37\", t2: \"333.33\", t3: \"0\", t4: \"7777\"}}, assumed_attainment: \"0.{:03}\"}}", a % 9_000, b % 9_000, a % 1000),
            _ => format!("path: tiers.t4.min_population\n    set: \"{}\"", 80_001 + a % 200_000),
        };
        y += &format!("  - from: {from}\n    {body}\n");
    }
    y
}

/// The negotiation variant with its new mission's `assumed_attainment` set to `a`, or without
/// the key (`None`).
fn negotiation_with_attainment(a: Option<&str>) -> Variant {
    let text = include_str!("../../rules/variants/negotiation-2025.yaml");
    let key = "      assumed_attainment: \"0.8\"\n";
    assert!(text.contains(key), "negotiation-2025.yaml no longer assumes 0.8");
    let text = text.replace(
        key,
        &a.map(|a| format!("      assumed_attainment: \"{a}\"\n")).unwrap_or_default(),
    );
    Variant::from_text("negotiation.yaml", &text, rules()).expect("valid")
}

/// The sum of the rows' totals of the records marked in `only`: the oracle for the fast path.
fn full_total(run: &portfolio::Run, only: &[bool]) -> cpts_funding::eval::Totals {
    let mut t = cpts_funding::eval::Totals::default();
    for r in run.rows().filter(|r| only[r.record]) {
        t.fonctionnement += r.totals.fonctionnement;
        t.fixed += r.totals.fixed;
        t.variable += r.totals.variable;
        t.crisis += r.totals.crisis;
        t.total += r.totals.total;
        t.provisional += r.totals.provisional;
    }
    t
}

fn with_threads<T: Send>(n: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("pool").install(f)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn totals_equal_the_sum_of_rows(seed in any::<u64>(), n in 1usize..40, year in 2019i32..2028) {
        let p = synthetic(seed, n, true);
        let sel = if year == 2027 { Selection::All } else { Selection::Year(year) };
        let run = portfolio::evaluate(rules(), &p, sel, &|| {});
        prop_assert_eq!(run.summary.failed, 0);
        prop_assert_eq!(run.summary.read, run.summary.evaluated + run.summary.failed + run.summary.not_selected);
        let a = aggregate(rules(), &p, run.rows()).expect("sums");
        let (count, s) = sum_rows(run.rows());
        let t = &a.total;
        prop_assert_eq!(count, t.cpts_years);
        prop_assert_eq!(s, [t.totals.fonctionnement, t.totals.fixed, t.totals.variable, t.totals.crisis, t.totals.total, t.advances]);
        for groups in [a.by_tier.iter().collect::<Vec<_>>(), a.by_region.iter().map(|(_, s)| s).collect(), a.by_department.iter().map(|(_, s)| s).collect()] {
            let total: Decimal = groups.iter().map(|g| g.totals.total).sum();
            prop_assert_eq!(total, t.totals.total);
            prop_assert_eq!(groups.iter().map(|g| g.cpts_years).sum::<usize>(), count);
        }
        let missions: Decimal = t.missions.iter().map(|m| m.total).sum();
        prop_assert_eq!(t.totals.fonctionnement + missions, t.totals.total);
        // The CSV's total line is the sum of its rows, to the cent.
        let csv = csv_out::portfolio(rules(), &p, &run, Some(&a), CsvOptions::default());
        let col = 17; // `total`
        let cell = |l: &str| fields(l).get(col).map(|c| c.parse::<Decimal>().expect("amount"));
        let rows_total: Decimal = csv.lines().filter(|l| l.starts_with("cpts,")).filter_map(cell).sum();
        let total_line = csv.lines().find(|l| l.starts_with("total,")).and_then(cell);
        prop_assert_eq!(Some(rows_total), total_line);
    }

    #[test]
    fn raising_every_envelope_never_lowers_any_year_or_any_cpts(seed in any::<u64>(), n in 1usize..30) {
        let p = synthetic(seed, n, true);
        let up = "format_version: 1\nid: up\ntitle: up\nrationale: up\nchanges:\n  - {path: missions.*.variable, from: 2019-08-25, scale: \"1.1\"}\n  - {path: fonctionnement, from: 2019-08-25, add: \"1000\"}\n";
        let v = Variant::from_text("up.yaml", up, rules()).expect("valid");
        let vr = variant::apply_all(rules(), std::slice::from_ref(&v)).expect("applies");
        let d = diff::diff(rules(), std::slice::from_ref(&v), &vr, &p, Selection::All, &|| {}).expect("diff");
        for r in &d.rows {
            prop_assert!(r.delta >= Decimal::ZERO, "{} year {}: {}", p.contracts[r.contract].id, r.contract_year, r.delta);
        }
        for c in &d.cash {
            prop_assert!(c.delta.delta >= Decimal::ZERO, "calendar year {}: {}", c.year, c.delta.delta);
        }
        prop_assert_eq!(d.gains.lose, 0);
        prop_assert_eq!(d.gains.gain + d.gains.unchanged, d.rows.iter().map(|r| r.contract).collect::<std::collections::BTreeSet<_>>().len());
        // Every payment of every year compared is in some calendar year: the cash adds up to
        // the totals of every contract year under each rule set.
        let cash_base: Decimal = d.cash.iter().map(|c| c.delta.base).sum();
        let cash_var: Decimal = d.cash.iter().map(|c| c.delta.variant).sum();
        prop_assert_eq!(cash_base, d.total.base);
        prop_assert_eq!(cash_var, d.total.variant);
        for groups in [&d.by_region, &d.by_department] {
            let sum: Decimal = groups.iter().map(|(_, g)| g.delta).sum();
            prop_assert_eq!(sum, d.total.delta);
        }
    }

    #[test]
    fn an_empty_overlay_costs_nothing(seed in any::<u64>(), n in 1usize..30) {
        let p = synthetic(seed, n, false);
        let empty = Variant { id: "empty".into(), title: "empty".into(), rationale: String::new(), file: "empty.yaml".into(), sha256: String::new(), changes: Vec::new() };
        let vr = variant::apply_all(rules(), std::slice::from_ref(&empty)).expect("applies");
        let d = diff::diff(rules(), &[empty], &vr, &p, Selection::All, &|| {}).expect("diff");
        prop_assert!(d.rows.iter().all(|r| r.delta.is_zero() && r.base == r.variant && r.base_tier == r.variant_tier));
        prop_assert!(d.total.delta.is_zero() && d.attribution.total.is_zero() && d.attribution.effects.is_empty());
        // Changes that change nothing cost nothing either.
        let identity = "format_version: 1\nid: same\ntitle: same\nrationale: same\nchanges:\n  - {path: missions.*.variable, from: 2020-01-01, scale: \"1\"}\n  - {path: fonctionnement, from: 2021-06-01, add: \"0\"}\n  - {path: tiers.t2.min_population, from: 2019-09-01, set: \"40000\"}\n";
        let v = Variant::from_text("same.yaml", identity, rules()).expect("valid");
        let vr = variant::apply_all(rules(), std::slice::from_ref(&v)).expect("applies");
        let d = diff::diff(rules(), &[v], &vr, &p, Selection::All, &|| {}).expect("diff");
        prop_assert!(d.total.delta.is_zero());
        prop_assert!(d.attribution.effects.iter().all(|e| e.sequential.is_zero() && e.alone == Some(Decimal::ZERO)));
    }

    /// The diff's totals and its attribution, checked against full evaluations: the portfolio
    /// evaluated row by row (`portfolio::evaluate`) under the fully applied variant, under each
    /// prefix of its changes, and under each change alone (the diff uses the fast path
    /// `portfolio::total` for the parts).
    #[test]
    fn the_diff_and_its_attribution_match_full_evaluations(seed in any::<u64>(), n in 1usize..25, changes in proptest::collection::vec((any::<u8>(), any::<u32>(), any::<u32>()), 1..5)) {
        let text = variant_text(&changes);
        let v = match Variant::from_text("prop.yaml", &text, rules()) {
            Ok(v) => v,
            Err(_) => return Ok(()), // an invalid combination (e.g. a tier left empty)
        };
        let p = synthetic(seed, n, false);
        let vr = variant::apply_all(rules(), std::slice::from_ref(&v)).expect("applies");
        let d = diff::diff(rules(), std::slice::from_ref(&v), &vr, &p, Selection::All, &|| {}).expect("diff");
        // The records evaluated under both rule sets, by full evaluations of our own.
        let base_run = portfolio::evaluate(rules(), &p, Selection::All, &|| {});
        let variant_run = portfolio::evaluate(&vr, &p, Selection::All, &|| {});
        let compared: Vec<bool> = base_run.outcomes.iter().zip(&variant_run.outcomes)
            .map(|(a, b)| matches!((a, b), (portfolio::Outcome::Rows(_), portfolio::Outcome::Rows(_))))
            .collect();
        let base_total = full_total(&base_run, &compared).total;
        let variant_total = full_total(&variant_run, &compared).total;
        prop_assert_eq!(d.total.base, base_total);
        prop_assert_eq!(d.total.base + d.total.delta, variant_total, "the variant's total by a full evaluation");
        prop_assert_eq!(d.rows.len(), base_run.rows().filter(|r| compared[r.record]).count());
        // Each part, against full evaluations under a variant holding only those changes.
        let under = |changes: Vec<variant::Change>| {
            let part = Variant { changes, ..v.clone() };
            variant::apply_all(rules(), &[part]).ok().map(|r| {
                full_total(&portfolio::evaluate(&r, &p, Selection::All, &|| {}), &compared).total
            })
        };
        let prefix: Vec<Decimal> = (0..=v.changes.len())
            .map(|k| under(v.changes[..k].to_vec()).expect("a prefix of a valid variant applies"))
            .collect();
        prop_assert_eq!(prefix[0], base_total);
        prop_assert_eq!(prefix[v.changes.len()], variant_total);
        prop_assert_eq!(d.attribution.effects.len(), v.changes.len());
        let mut alone_sum = Decimal::ZERO;
        for (i, e) in d.attribution.effects.iter().enumerate() {
            prop_assert_eq!(e.sequential, prefix[i + 1] - prefix[i], "change {} after the ones before it", i);
            let alone = under(vec![v.changes[i].clone()]).map(|t| t - base_total);
            prop_assert_eq!(e.alone, alone, "change {} alone", i);
            alone_sum += alone.unwrap_or_default();
        }
        prop_assert_eq!(d.attribution.interaction, variant_total - base_total - alone_sum);
        // Per mission, from the rows' mission amounts: they add up to the rows' totals.
        let by_mission: Decimal = d.by_mission.iter().map(|m| m.2.delta).sum();
        prop_assert_eq!(by_mission, variant_total - base_total);
    }

    /// The sweep's fast path (each point applied to the validated rules, totals without rows)
    /// against a full evaluation under a variant file that sets the point's value.
    #[test]
    fn each_sweep_point_costs_what_a_full_evaluation_costs(seed in any::<u64>(), n in 1usize..20, which in 0usize..4, year in 2023i32..2027) {
        let (path, start, step) = [
            ("fonctionnement.t2", "50000", "7500"),
            ("missions.parcours.fixed.t3", "0", "30000"),
            ("payment.advance_rate", "0.5", "0.25"),
            ("tiers.t2.min_population", "30000", "24000"),
        ][which];
        let (start, step) = (start.parse::<Decimal>().expect("start"), step.parse::<Decimal>().expect("step"));
        let from = "2022-01-01";
        let spec = sweep::SweepSpec { path: path.into(), from: cpts_funding::calendar::parse_date(from).expect("date"), start, end: start + step * Decimal::TWO, step };
        let p = synthetic(seed, n, true);
        let sel = if year == 2026 { Selection::All } else { Selection::Year(year) };
        let s = sweep::sweep(rules(), &[], &spec, &p, sel, &|| {}).expect("sweep");
        let everything = vec![true; p.records.len()];
        let full = |r: &RuleSet| {
            let run = portfolio::evaluate(r, &p, sel, &|| {});
            let by_tier = (0..r.tiers.len()).map(|t| run.rows().filter(|row| row.tier == t).map(|row| row.totals.total).sum()).collect::<Vec<Decimal>>();
            (full_total(&run, &everything), by_tier, run.summary.rows, run.summary.failed)
        };
        let of = |t: &portfolio::Totaled| (t.totals, t.by_tier.clone(), t.rows, t.failed);
        prop_assert_eq!(of(&s.base), full(rules()));
        prop_assert_eq!(s.points.len(), 3);
        for point in &s.points {
            let text = format!("format_version: 1\nid: point\ntitle: point\nrationale: point\nchanges:\n  - {{path: {path}, from: {from}, set: \"{}\"}}\n", point.value);
            let applied = Variant::from_text("point.yaml", &text, rules()).ok()
                .and_then(|v| variant::apply_all(rules(), &[v]).ok());
            match (&point.result, applied) {
                (Ok(t), Some(r)) => prop_assert_eq!(of(t), full(&r), "{} = {}", path, point.value),
                (Err(_), None) => {}
                (got, applied) => prop_assert!(false, "{} = {}: the sweep gives {:?}, the variant file applies: {}", path, point.value, got, applied.is_some()),
            }
        }
    }

    /// Guards the reading of `assumed_attainment`: 0 pays what no assumption pays (nothing for
    /// the variable part), and a higher assumption never costs less.
    #[test]
    fn an_assumed_attainment_of_zero_costs_what_no_assumption_costs(seed in any::<u64>(), n in 1usize..25, pct in 0u32..=100) {
        let p = synthetic(seed, n, true);
        let cost = |v: Variant| {
            let vr = variant::apply_all(rules(), std::slice::from_ref(&v)).expect("applies");
            diff::diff(rules(), &[v], &vr, &p, Selection::All, &|| {}).expect("diff")
        };
        let without = cost(negotiation_with_attainment(None));
        let zero = cost(negotiation_with_attainment(Some("0")));
        prop_assert_eq!(zero.total.variant, without.total.variant);
        prop_assert!(zero.rows.iter().zip(&without.rows).all(|(a, b)| a.variant == b.variant));
        prop_assert_eq!(&zero.by_mission, &without.by_mission);
        let pct = format!("{}", Decimal::new(i64::from(pct), 2));
        let some = cost(negotiation_with_attainment(Some(&pct)));
        let full = cost(negotiation_with_attainment(Some("1")));
        prop_assert!(zero.total.variant <= some.total.variant && some.total.variant <= full.total.variant);
        // Every tier has a variable envelope: at 100 % the mission costs more wherever it pays.
        let pays = zero.by_mission.iter().any(|(id, _, d)| id == "sante_mentale" && d.variant > Decimal::ZERO);
        prop_assert_eq!(pays, full.total.variant > zero.total.variant);
        let sequential: Decimal = some.attribution.effects.iter().map(|e| e.sequential).sum();
        prop_assert_eq!(sequential, some.total.delta);
    }

    #[test]
    fn one_or_many_threads_give_the_same_bytes(seed in any::<u64>(), n in 1usize..60) {
        let cpts = synth::generate(rules(), &synth::Options { cpts: n, seed, as_of: None });
        let inputs = vec![("p.csv".to_string(), synth::csv(&cpts)), ("p.yaml".to_string(), synth::yaml(&cpts[..n / 2], "half"))];
        let v = Variant::from_text("rules/variants/negotiation-2025.yaml", include_str!("../../rules/variants/negotiation-2025.yaml"), rules()).expect("valid");
        let spec = sweep::SweepSpec { path: "fonctionnement.t2".into(), from: cpts_funding::calendar::parse_date("2022-01-01").expect("date"), start: Decimal::from(50_000), end: Decimal::from(70_000), step: Decimal::from(2_500) };
        let outputs = |threads: usize| with_threads(threads, || {
            let p = portfolio::load(&inputs, rules());
            let run = portfolio::evaluate(rules(), &p, Selection::All, &|| {});
            let a = aggregate(rules(), &p, run.rows()).expect("sums");
            let vr = variant::apply_all(rules(), std::slice::from_ref(&v)).expect("applies");
            let d = diff::diff(rules(), std::slice::from_ref(&v), &vr, &p, Selection::Year(2025), &|| {}).expect("diff");
            let s = sweep::sweep(rules(), &[], &spec, &p, Selection::All, &|| {}).expect("sweep");
            (
                csv_out::portfolio(rules(), &p, &run, Some(&a), CsvOptions::excel_fr()),
                json_out::portfolio(rules(), &p, &run, &a),
                variant::render::diff_json(rules(), std::slice::from_ref(&v), &p, &d, Selection::Year(2025)),
                variant::render::sweep_csv(rules(), &s, CsvOptions::default()),
            )
        });
        let one = outputs(1);
        prop_assert!(one == outputs(4), "outputs differ between 1 and 4 threads");
    }
}

/// Issue 9: the portfolio, diff, sweep and max pages are self-contained HTML (no script, nothing
/// fetched, print rules for A4), the sweep page holds its SVG chart, and each shows the total the
/// command's JSON gives (another writer over the same run), written the French way.
#[test]
fn portfolio_diff_sweep_and_max_pages_are_self_contained_and_hold_the_json_totals() {
    use crate::budget::assert_fetches_nothing;
    let csv = "fixtures/portfolio/example.csv";
    let variant = "rules/variants/negotiation-2025.yaml";
    let eur = |v: &serde_json::Value| {
        cpts_funding::money::format_eur(
            v.as_str().expect("an amount").parse::<Decimal>().expect("a decimal"),
        )
    };
    let json = |args: &[&str]| -> serde_json::Value {
        let (code, out, err) = run(&[args, &["--format", "json"]].concat());
        assert_eq!(code, 0, "{args:?}: {err}");
        serde_json::from_str(&out).expect("json")
    };
    let html = |args: &[&str]| -> String {
        let (code, out, err) = run(&[args, &["--format", "html"]].concat());
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_fetches_nothing(&out);
        assert!(out.starts_with("<!DOCTYPE html>") && out.ends_with("</html>\n"), "{args:?}");
        out
    };
    let compute = ["compute", csv, "--year", "2025"];
    let total = eur(&json(&compute)["aggregates"]["total"]["total"]);
    assert!(html(&compute).contains(&total), "portfolio page without {total}");

    let diff = ["diff", "--variant", variant, csv, "--year", "2025"];
    let doc = json(&diff);
    let page = html(&diff);
    for k in ["base", "variant"] {
        let t = eur(&doc["total"][k]);
        assert!(page.contains(&t), "diff page without {t}");
    }
    assert!(page.contains("hypothèse de négociation, pas un texte en vigueur"), "diff banner");

    let sweep = [
        "sweep",
        "--param",
        "missions.parcours.fixed.t2",
        "--from",
        "30000",
        "--to",
        "50000",
        "--step",
        "10000",
        csv,
        "--year",
        "2025",
    ];
    let doc = json(&sweep);
    let page = html(&sweep);
    assert!(page.contains("<svg") && page.contains("<polyline"), "sweep page without its chart");
    let points = doc["points"].as_array().expect("points");
    assert_eq!(points.len(), 3);
    for p in points {
        let t = eur(&p["total"]);
        assert!(page.contains(&t), "sweep page without the point {t}");
    }

    let max = ["max", "--date", "2025-06-01", "--variant", variant];
    let doc = json(&max);
    let page = html(&max);
    for t in doc["tiers"].as_array().expect("tiers") {
        let v = eur(&t["variant"]["total"]);
        assert!(page.contains(&v), "max page without {v}");
    }
}
