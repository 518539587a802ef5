//! The treasurer's budget (`budget`), explanations (`explain`) and printable reports
//! (`--format md|html`): the HTML page rendered in headless Chromium, CLI runs of the real
//! binary, and properties of the projection. Their golden cases are
//! `fixtures/budget/<contract>/{budget-text,budget-json,budget-md,explain-fr,explain-en}/`, run
//! by the one golden runner (`fixtures::golden_budget_and_explain`).

use crate::fixtures::{root, run};
use cpts_funding::budget::{attainment_observation, project, Scenarios};
use cpts_funding::eval::{evaluate, payout};
use cpts_funding::input::{Contract, Direction, Indicator, Payout, Step};
use cpts_funding::money::format_eur;
use cpts_funding::rules::RuleSet;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub(crate) fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("embedded rules are valid").0)
}

/// A scratch directory under the target dir, fresh for each call.
fn scratch(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("budget-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write scratch file");
    p.display().to_string()
}

// ---------------------------------------------------------------------------------------------
// The HTML page, as a person sees it.

/// Chromium's path, if installed.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

/// Runs Chromium headless on `page` with `extra` flags and a fresh profile; returns stdout.
fn headless(chromium: &Path, page: &Path, extra: &[String]) -> String {
    let profile = scratch("chromium-profile");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait chromium").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = reader.join().unwrap_or_default();
    let _ = std::fs::remove_dir_all(profile);
    out
}

/// The page holds no script and fetches nothing (the SVG namespace is a name, not a fetch), and
/// prints on A4.
pub fn assert_fetches_nothing(html: &str) {
    let lower = html.to_lowercase();
    for bad in
        ["<script", "src=", "href=", "@import", "url(", "<link", "@font-face", "<iframe", "<img"]
    {
        assert!(!lower.contains(bad), "the page must be self-contained but holds `{bad}`");
    }
    let without_ns = lower.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !without_ns.contains("http://") && !without_ns.contains("https://"),
        "the page refers to a network address"
    );
    assert!(
        lower.contains("@page") && lower.contains("size: a4") && lower.contains("@media print"),
        "the page has print rules for A4"
    );
}

/// [`assert_fetches_nothing`], and the page has its inline SVG chart.
fn assert_self_contained(html: &str) {
    assert_fetches_nothing(html);
    let lower = html.to_lowercase();
    assert!(
        lower.contains("<svg") && lower.contains("</svg>"),
        "the page has its inline SVG chart"
    );
}

#[test]
fn html_report_renders_in_headless_chromium_with_the_totals() {
    let case = "fixtures/budget/t2-expected-in-contract/contract.yaml";
    let (code, html, err) = run(&["budget", case, "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    assert_self_contained(&html);
    let (_, json, _) = run(&["budget", case, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("budget json");
    let eur = |s: &serde_json::Value| {
        format_eur(s.as_str().expect("amount").parse::<Decimal>().expect("decimal"))
    };
    let mut totals: Vec<String> =
        ["minimum", "expected", "maximum"].iter().map(|k| eur(&doc["totals"][k])).collect();
    totals.extend(
        doc["years"].as_array().expect("years").iter().map(|y| eur(&y["expected"]["total"])),
    );
    for t in &totals {
        assert!(html.contains(t.as_str()), "the page lacks the total {t}");
    }
    let (code, compute_html, err) = run(&[
        "compute",
        "fixtures/ok/t2-first-year-prorata/contract.yaml",
        "--year",
        "2024",
        "--format",
        "html",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_self_contained(&compute_html);
    assert!(compute_html.contains("116\u{202f}945,66 €"), "compute page lacks its total");

    let Some(chromium) = chromium() else {
        crate::skip::skip(
            "html_report_renders_in_headless_chromium_with_the_totals",
            "rendering the HTML pages in a browser (screenshot, PDF, DOM)",
            "chromium not found on PATH (apt-get install chromium; .ci/run installs it)",
        );
        return;
    };
    let dir = scratch("html");
    for (name, text, must) in [
        ("budget", &html, totals.clone()),
        ("compute", &compute_html, vec!["116\u{202f}945,66 €".to_string()]),
    ] {
        let page = dir.join(format!("{name}.html"));
        std::fs::write(&page, text).expect("write page");
        let png = dir.join(format!("{name}.png"));
        let pdf = dir.join(format!("{name}.pdf"));
        headless(
            &chromium,
            &page,
            &[format!("--screenshot={}", png.display()), "--window-size=1240,1754".into()],
        );
        let bytes = std::fs::read(&png)
            .unwrap_or_else(|e| panic!("{name}: no screenshot {}: {e}", png.display()));
        assert!(
            bytes.len() > 10_000 && bytes.starts_with(b"\x89PNG"),
            "{name}: the screenshot is not a real PNG ({} bytes)",
            bytes.len()
        );
        headless(
            &chromium,
            &page,
            &[format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".into()],
        );
        let bytes = std::fs::read(&pdf)
            .unwrap_or_else(|e| panic!("{name}: not printed to PDF {}: {e}", pdf.display()));
        assert!(bytes.starts_with(b"%PDF"), "{name}: the printout is not a PDF");
        let dom = headless(&chromium, &page, &["--dump-dom".into()]);
        assert!(dom.contains("<svg"), "{name}: the rendered page has no chart");
        for t in &must {
            assert!(dom.contains(t.as_str()), "{name}: the rendered page lacks {t}");
        }
    }
    // Kept for people to look at (best effort: another run may be writing them too).
    let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("budget-report");
    let _ = std::fs::create_dir_all(&keep);
    for f in
        ["budget.html", "budget.png", "budget.pdf", "compute.html", "compute.png", "compute.pdf"]
    {
        let _ = std::fs::copy(dir.join(f), keep.join(f));
    }
    eprintln!("rendered pages, screenshots and printouts: {}", keep.display());
    let _ = std::fs::remove_dir_all(dir);
}

// ---------------------------------------------------------------------------------------------
// The real binary.

#[test]
fn budget_markdown_has_every_section_and_the_text_chart() {
    let (code, out, err) =
        run(&["budget", "fixtures/budget/t2-expected-in-contract/contract.yaml", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    for s in [
        "# Budget prévisionnel",
        "## Synthèse",
        "## Scénarios",
        "## Trésorerie",
        "### Versements datés",
        "## Ce que rapporterait chaque indicateur",
        "## Avertissements",
        "## Explications — année 1",
        "█",
        "| ---: |",
    ] {
        assert!(out.contains(s), "markdown lacks `{s}`");
    }
}

#[test]
fn unknown_key_in_the_expected_section_is_located() {
    let dir = scratch("unknown-key");
    let text = std::fs::read_to_string(
        root().join("fixtures/budget/t2-expected-in-contract/contract.yaml"),
    )
    .unwrap()
    .replace("    attainment: {snp_regulation: \"60\"}", "    atainment: {snp_regulation: \"60\"}");
    let file = write(&dir, "contract.yaml", &text);
    let line = text.lines().position(|l| l.contains("atainment")).unwrap() + 1;
    let (code, _, err) = run(&["budget", &file]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!("{file}:{line}:5: error[E0103]: unknown key `atainment`")),
        "{err}"
    );
    assert!(err.contains("did you mean `attainment`?"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn scenario_file_errors_are_located_and_exit_1() {
    let dir = scratch("scenario-errors");
    let contract = "fixtures/budget/t1-early-signer-scenario-file/contract.yaml";
    let bad = write(&dir, "bad.yaml", "format_version: 1\ncontract: cpts-autre\nexpected:\n  - contract_year: 3\n    observations: {mtt: true}\n    attainment: {parcours_bpco: \"140\"}\n");
    let (code, _, err) = run(&["budget", contract, "--scenario", &bad]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("{bad}:2:11: error[E0314]")), "{err}");
    assert!(
        err.contains(&format!(
            "{bad}:5:25: error[E0310]: expected value for unknown indicator `mtt`"
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `mt`?"), "{err}");
    assert!(err.contains(&format!("{bad}:6:33: error[E0210]")), "{err}");
    let unknown = write(&dir, "unknown.yaml", "format_version: 1\nexpectations: []\n");
    let (code, _, err) = run(&["budget", contract, "--scenario", &unknown]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!("{unknown}:2:1: error[E0103]: unknown key `expectations`")),
        "{err}"
    );
    let (code, _, err) = run(&["budget", contract, "--scenario", "no/such/scenario.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[E0001]"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A binary indicator whose result is only expected read "objectif atteint" as if measured
/// (issue: a treasurer's expected values are "attendue", not "observée"): the expected years say
/// "attendu", reached or not, and the measured years keep their words.
#[test]
fn an_expected_binary_result_says_it_is_expected() {
    let dir = scratch("binary-expected");
    let contract = "fixtures/budget/t1-early-signer-scenario-file/contract.yaml";
    let scenario = write(&dir, "s.yaml", "format_version: 1\ncontract: cpts-plateau-fictif\nexpected:\n  - observations: {mt: false, parcours_bpco: 50}\n  - contract_year: 5\n    observations: {mt: true}\n");
    let (code, out, err) = run(&["budget", contract, "--scenario", &scenario, "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let calc = |k: u32| {
        let from = out.find(&format!("## Explications — année {k} ")).expect("year section");
        let rest = &out[from..];
        let to = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
        rest[..to].lines().filter(|l| l.contains("objectif")).collect::<Vec<_>>()
    };
    // Years 1 and 2 are measured (mt false, then true); 3 and 4 expect it missed, 5 reached.
    assert_eq!(calc(1), ["- Calcul : objectif non atteint: 0,00 €."], "{out}");
    let max = format_eur(Decimal::from(20_000));
    assert_eq!(calc(2), [format!("- Calcul : objectif atteint: maximum {max}.")], "{out}");
    for k in [3, 4] {
        assert_eq!(calc(k), ["- Calcul : objectif attendu comme non atteint: 0,00 €."], "{k}");
    }
    assert_eq!(calc(5), [format!("- Calcul : objectif attendu comme atteint: maximum {max}.")]);
    let _ = std::fs::remove_dir_all(dir);
}

/// Scenario-file diagnostics named indicator ids only, while those of a contract's own
/// `expected` section gave the labels (issue 12): both now name the indicator as the contract
/// labels it and its mission as the rules do; an unknown id stays as it is, with its suggestion.
#[test]
fn scenario_file_diagnostics_name_the_indicator_and_its_mission() {
    let dir = scratch("scenario-labels");
    let contract = "fixtures/budget/t1-early-signer-scenario-file/contract.yaml";
    let bad = write(&dir, "bad.yaml", "format_version: 1\nexpected:\n  - contract_year: 3\n    observations: {mt: maybe, mtt: true}\n    attainment: {parcours_bpco: \"140\"}\n");
    let (code, _, err) = run(&["budget", contract, "--scenario", &bad]);
    assert_eq!(code, 1, "{err}");
    let access = "mission « Amélioration de l'accès aux soins »";
    let parcours = "mission « Organisation de parcours pluriprofessionnels autour du patient »";
    for line in [
        format!("{bad}:4:24: error[E0310]: binary indicator `mt` takes `true` or `false`, not `maybe` (indicator « Patients sans médecin traitant » of {access})"),
        format!("{bad}:4:36: error[E0310]: expected value for unknown indicator `mtt`\n"),
        format!("{bad}:5:33: error[E0210]: expected attainment 140 % of `parcours_bpco` is outside 0 to 100 % (indicator « Patients BPCO inclus dans le parcours » of {parcours})"),
    ] {
        assert!(err.contains(&line), "{line}\n{err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn explain_names_an_unknown_line_and_suggests() {
    let (code, _, err) = run(&[
        "explain",
        "fixtures/ok/t2-first-year-prorata/contract.yaml",
        "--year",
        "2024",
        "acces_soin",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[E0404]: no line `acces_soin`")
            && err.contains("did you mean `acces_soins`?"),
        "{err}"
    );
}

#[test]
fn explain_one_line_in_english() {
    let (code, out, err) = run(&[
        "explain",
        "fixtures/ok/t2-first-year-prorata/contract.yaml",
        "--year",
        "2024",
        "acces_soins.fixed",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Calculation: pro rata by days: 75\u{202f}000,00 € × 181 d"), "{out}");
    assert!(
        out.contains("Rounded to 2 decimal(s)")
            && out.contains("37\u{202f}191,780822… € → 37\u{202f}191,78 €"),
        "{out}"
    );
    assert!(out.contains("Payments: 27\u{202f}893,84 € on 2024-09-15 (advance 75 %), 9\u{202f}297,94 € on 2025-03-15 (balance)."), "{out}");
    assert!(!out.contains("[fonctionnement]"), "only the asked line: {out}");
    let (code, out, err) = run(&[
        "explain",
        "fixtures/ok/t2-first-year-prorata/contract.yaml",
        "--contract-year",
        "1",
        "parcours",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("explain json");
    let ids: Vec<&str> = doc["explanations"][0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["parcours.fixed", "parcours.variable.parcours_depistage_sein"],
        "a mission id selects its lines"
    );
    assert_eq!(doc["explanations"][0]["lines"][0]["amount"], "6520.55");
}

/// Several contract files are not one page (a portfolio is: see `tests/it/portfolio.rs`); `max`
/// has its page since issue 9, with the maxima of the text in force.
#[test]
fn pages_are_for_one_contract_or_a_portfolio_and_max_has_one() {
    let c = "fixtures/ok/t2-first-year-prorata/contract.yaml";
    let (code, _, err) = run(&["compute", c, c, "--format", "html"]);
    assert_eq!(code, 2, "{err}");
    let (code, out, err) = run(&["compute", c, "--year", "2024", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("| **TOTAL** |  | **116\u{202f}945,66 €** |"), "{out}");
    let (code, out, err) = run(&["max", "--date", "2023-01-01", "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    // Tier 4 with a crisis in 2023: 580 000 € (README, `max --date 2023-01-01 --format json`).
    assert!(out.contains("<td class=\"n\">580\u{202f}000,00 €</td>"), "{out}");
    assert_fetches_nothing(&out);
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// One indicator: kind (0 binary, 1 steps, 2 linear), maximum in euros, direction, thresholds
/// and amounts (in euros) of up to three steps.
type IndSpec = (u8, i64, bool, Vec<i64>, Vec<i64>);

/// An expectation entry: contract year (or the default), and per indicator how (0 none,
/// 1 expected value, 2 attainment in %) and a number.
type ExpSpec = (Option<u32>, Vec<(u8, i64)>);

#[derive(Debug, Clone)]
pub(crate) struct Spec {
    population: u64,
    signature_days: i64,
    /// (mission index, start offset in days, indicators).
    missions: Vec<(usize, i64, Vec<IndSpec>)>,
    /// Per contract year: whether measured, crisis, and per indicator an optional observation.
    results: Vec<(bool, bool, Vec<Option<i64>>)>,
    /// Expectations: (contract year or default, per indicator: none, value or attainment %).
    expected: Vec<ExpSpec>,
}

/// Missions that have a variable envelope (the crisis mission has none).
const MISSIONS: [&str; 5] = ["acces_soins", "parcours", "prevention", "qualite", "accompagnement"];

fn ind_spec() -> impl Strategy<Value = IndSpec> {
    (
        0u8..3,
        1i64..1600,
        any::<bool>(),
        proptest::collection::btree_set(-20i64..200, 1..4),
        proptest::collection::vec(0i64..1600, 3),
    )
        .prop_map(|(k, max, up, th, mut am)| {
            am.sort();
            let th: Vec<i64> = th.into_iter().collect();
            let am = am.into_iter().take(th.len()).map(|a| a.min(max)).collect();
            (k, max, up, th, am)
        })
}

pub(crate) fn spec() -> impl Strategy<Value = Spec> {
    (
        1u64..300_000,
        0i64..2500,
        proptest::collection::btree_map(
            0usize..5,
            (0i64..700, proptest::collection::vec(ind_spec(), 1..4)),
            1..4,
        ),
        proptest::collection::vec(
            (
                any::<bool>(),
                any::<bool>(),
                proptest::collection::vec(proptest::option::of(-30i64..230), 12),
            ),
            5,
        ),
        proptest::collection::vec(
            (proptest::option::of(1u32..=5), proptest::collection::vec((0u8..3, 0i64..230), 12)),
            0..4,
        ),
    )
        .prop_map(|(population, signature_days, m, results, expected)| Spec {
            population,
            signature_days,
            missions: m.into_iter().map(|(i, (s, v))| (i, s, v)).collect(),
            results,
            expected,
        })
}

pub(crate) fn yaml(s: &Spec) -> (String, Vec<(String, u8)>) {
    let base = chrono::NaiveDate::from_ymd_opt(2019, 9, 1).unwrap();
    let sig = base + chrono::Duration::days(s.signature_days);
    let mut y = format!(
        "format_version: 1\nid: p\nname: p\npopulation: {}\nsignature_date: {sig}\nmissions:\n",
        s.population
    );
    let mut inds: Vec<(String, u8)> = Vec::new();
    for (m, start, list) in &s.missions {
        let _ = std::fmt::Write::write_fmt(
            &mut y,
            format_args!(
                "  - mission: {}\n    start: {}\n    indicators:\n",
                MISSIONS[*m],
                sig + chrono::Duration::days(*start)
            ),
        );
        for (j, (k, max, up, th, am)) in list.iter().enumerate() {
            let id = format!("{}_{j}", MISSIONS[*m]);
            let line = match k {
                0 => format!("      - {{id: {id}, label: {id}, max: {max}, kind: binary}}\n"),
                1 => {
                    let n = th.len();
                    let steps: Vec<String> = (0..n)
                        .map(|i| {
                            format!(
                                "{{threshold: {}, amount: {}}}",
                                th[i],
                                if *up { am[i] } else { am[n - 1 - i] }
                            )
                        })
                        .collect();
                    let dir = if *up { "higher_is_better" } else { "lower_is_better" };
                    format!("      - {{id: {id}, label: {id}, max: {max}, kind: steps, direction: {dir}, steps: [{}]}}\n", steps.join(", "))
                }
                _ => {
                    let (b, t) = if *up { (th[0], th[0] + 50) } else { (th[0] + 50, th[0]) };
                    format!("      - {{id: {id}, label: {id}, max: {max}, kind: linear, baseline: \"{b}\", target: \"{t}\"}}\n")
                }
            };
            y.push_str(&line);
            inds.push((id, *k));
        }
    }
    let value = |k: u8, v: i64| if k == 0 { (v % 2 == 0).to_string() } else { format!("\"{v}\"") };
    y.push_str("results:\n");
    for (i, (measured, crisis, obs)) in s.results.iter().enumerate() {
        if !measured {
            continue;
        }
        let o: Vec<String> = inds
            .iter()
            .zip(obs)
            .filter_map(|((id, k), v)| v.map(|v| format!("{id}: {}", value(*k, v))))
            .collect();
        y.push_str(&format!(
            "  - {{contract_year: {}, crisis_recognised: {crisis}, observations: {{{}}}}}\n",
            i + 1,
            o.join(", ")
        ));
    }
    y.push_str("expected:\n");
    let mut seen = std::collections::BTreeSet::new();
    for (year, per) in &s.expected {
        if !seen.insert(*year) {
            continue;
        }
        let mut obs = Vec::new();
        let mut att = Vec::new();
        for ((id, k), (how, v)) in inds.iter().zip(per) {
            match how {
                1 => obs.push(format!("{id}: {}", value(*k, *v))),
                2 => att.push(format!("{id}: \"{}\"", v.clamp(&0, &100))),
                _ => {}
            }
        }
        let year = year.map(|k| format!("contract_year: {k}, ")).unwrap_or_default();
        y.push_str(&format!(
            "  - {{{year}observations: {{{}}}, attainment: {{{}}}}}\n",
            obs.join(", "),
            att.join(", ")
        ));
    }
    if s.expected.is_empty() {
        y = y.replace("expected:\n", "");
    }
    (y, inds)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn projection_payments_scenarios_and_levers_hold(s in spec()) {
        let (text, _) = yaml(&s);
        let (c, _) = Contract::from_text("prop.yaml", &text, rules()).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        let scenarios = Scenarios::new(&c, None, rules().contract_length_years);
        let b = project(rules(), &scenarios).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(b.years.len(), 5);
        for y in &b.years {
            // The dated payments of a year add up to its total, in every scenario.
            for bd in [&y.minimum, &y.expected, &y.maximum] {
                let paid: Decimal = bd.schedule.iter().map(|p| p.amount).sum();
                prop_assert_eq!(paid, bd.totals.total, "year {}", y.contract_year);
            }
            // minimum <= expected <= maximum, in total and for the variable part.
            prop_assert!(y.minimum.totals.total <= y.expected.totals.total, "year {}: min {} > expected {}", y.contract_year, y.minimum.totals.total, y.expected.totals.total);
            prop_assert!(y.expected.totals.total <= y.maximum.totals.total, "year {}: expected {} > max {}", y.contract_year, y.expected.totals.total, y.maximum.totals.total);
            prop_assert!(y.minimum.totals.variable <= y.expected.totals.variable && y.expected.totals.variable <= y.maximum.totals.variable);
            // What it takes: each gain is the engine's delta when the observation is moved.
            for l in &y.levers {
                for n in &l.next {
                    let mut moved = scenarios.expected.clone();
                    moved.results.entry(y.contract_year).or_default().observations.insert(l.indicator, n.observation);
                    let m = evaluate(rules(), &moved, y.contract_year).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(n.gain, m.totals.total - y.expected.totals.total);
                    // ...and the indicator's own payout difference, rounded as the rules say.
                    let pays = rules().rounding.apply(payout(l.indicator, Some(n.observation)).map_err(|e| TestCaseError::fail(e.to_string()))?.0);
                    prop_assert_eq!(n.gain, pays - l.amount);
                    prop_assert!(n.gain >= Decimal::ZERO);
                }
            }
        }
        let t = &b.totals;
        prop_assert!(t.minimum <= t.expected && t.expected <= t.maximum);
        let months: Decimal = b.months.iter().map(|m| m.amount).sum();
        prop_assert_eq!(months, t.expected);
        prop_assert_eq!(b.months.last().map(|m| m.running_total).unwrap_or_default(), t.expected);
        let by_year: Decimal = b.calendar_years.iter().map(|c| c.amount).sum();
        prop_assert_eq!(by_year, t.expected);
    }

    #[test]
    fn attainment_never_pays_more_than_expected(
        max in 0i64..1_000_000, a in 0i64..=100, up in any::<bool>(),
        th in proptest::collection::btree_set(-1000i64..1000, 1..4), am in proptest::collection::vec(0i64..1_000_000, 3),
    ) {
        let max = Decimal::from(max);
        let frac = Decimal::new(a, 2);
        let mut am = am;
        am.sort();
        let th: Vec<i64> = th.into_iter().collect();
        let n = th.len();
        let steps = (0..n).map(|i| {
            let (t, amount) = if up { (th[i], am[i]) } else { (th[n - 1 - i], am[i]) };
            Step { threshold: Decimal::from(t), amount: Decimal::from(amount).min(max) }
        }).collect();
        let direction = if up { Direction::HigherIsBetter } else { Direction::LowerIsBetter };
        for p in [Payout::Binary, Payout::Steps { direction, steps }, Payout::Linear { baseline: Decimal::from(th[0]), target: Decimal::from(th[0] + 7) }] {
            let ind = Indicator { id: "x".into(), label: "x".into(), max, payout: p, slot: 0 };
            let paid = payout(&ind, Some(attainment_observation(&ind, frac))).unwrap().0;
            prop_assert!(paid <= max * frac, "{:?}: {} > {} × {}", ind.payout, paid, max, frac);
            if let Payout::Linear { .. } = ind.payout {
                prop_assert_eq!(paid, max * frac);
            }
        }
    }
}

#[test]
fn budget_and_explain_under_a_variant_say_so_and_follow_it() {
    let contract = "fixtures/budget/t2-expected-in-contract/contract.yaml";
    let variant = "rules/variants/tier2-parcours-plus.yaml"; // t2 parcours fixed part +10 000 € from 2025-01-01
    let json = |args: &[&str]| -> serde_json::Value {
        let (code, out, err) = run(args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).expect("JSON")
    };
    let base = json(&["budget", contract, "--format", "json"]);
    let var = json(&["budget", contract, "--format", "json", "--variant", variant]);
    let expected = |d: &serde_json::Value| {
        d["totals"]["expected"].as_str().unwrap().parse::<Decimal>().unwrap()
    };
    // Contract years 2 to 5 start on or after 2025-01-01 (signed 2024-03-15): 4 × 10 000 €.
    assert_eq!(expected(&var) - expected(&base), Decimal::from(40_000));
    assert_eq!(
        var["receipt"]["rules_file"],
        "rules/aci-cpts.yaml + rules/variants/tier2-parcours-plus.yaml"
    );
    let (code, out, _) = run(&["budget", contract, "--variant", variant]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Variante (hypothèse de négociation, pas un texte en vigueur) : "),
        "{out}"
    );
    let (code, out, _) =
        run(&["explain", contract, "--contract-year", "2", "parcours.fixed", "--variant", variant]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Variante (hypothèse"), "{out}");
    assert!(out.contains("45\u{202f}000,00 €"), "35 000 + 10 000 under the variant: {out}");
    let (code, out, _) = run(&["budget", contract, "--format", "md", "--variant", variant]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().nth(2).map(|l| l.starts_with("Variante (hypothèse")),
        Some(true),
        "the page names the variant under its title: {out}"
    );
}
