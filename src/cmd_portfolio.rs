//! Part of the binary (not of the library): portfolio runs (`compute` on a folder, a portfolio
//! file or a CSV file), `diff`, `sweep`, and `--variant` for `compute` and `max`. Glue only: read
//! files, call the library, print, exit code. Progress goes to stderr, on a terminal only.

use super::{load_rules, read, report, Common, Format};
use cpts_funding::calendar::{parse_date, Date};
use cpts_funding::diagnostic::Code;
use cpts_funding::diagnostic::{render_json, render_text, Diagnostic, Location};
use cpts_funding::money::parse_decimal;
use cpts_funding::portfolio::{
    self, aggregate, csv_out, json_out, text_out, CsvOptions, Portfolio, Record, RecordState, Run,
    Selection,
};
use cpts_funding::rules::RuleSet;
use cpts_funding::variant::{self, diff, max::max_pair, render, svg, sweep, Variant};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Clone, Default)]
pub struct VariantArgs {
    /// A variant (YAML overlay of the rules, e.g. rules/variants/tier2-parcours-plus.yaml);
    /// repeat to apply several, in order.
    #[arg(long = "variant", value_name = "FILE")]
    pub variants: Vec<PathBuf>,
}

#[derive(clap::Args, Clone, Default)]
pub struct PortfolioArgs {
    /// CSV field separator (`,` by default; `;` for French Excel; `tab`).
    #[arg(long, value_name = "CHAR")]
    csv_sep: Option<String>,
    /// CSV amounts with a decimal comma (`1234,50`).
    #[arg(long)]
    decimal_comma: bool,
    /// Start the CSV with a UTF-8 byte order mark.
    #[arg(long)]
    bom: bool,
    /// French Excel preset: `--csv-sep ';' --decimal-comma --bom`.
    #[arg(long)]
    excel_fr: bool,
    /// CSV: the CPTS-year rows only, without the sums.
    #[arg(long)]
    no_sums: bool,
    /// Stop at the first record that fails: print its diagnostics, write nothing, exit 1.
    #[arg(long)]
    strict: bool,
    /// Threads used to evaluate (default: one per core). The output does not depend on it.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
}

impl PortfolioArgs {
    fn csv(&self) -> Result<CsvOptions, String> {
        let mut o = if self.excel_fr { CsvOptions::excel_fr() } else { CsvOptions::default() };
        if let Some(s) = &self.csv_sep {
            o.separator = match s.as_str() {
                "tab" | "\\t" | "\t" => '\t',
                _ if s.chars().count() == 1 => s.chars().next().unwrap_or(','),
                _ => {
                    return Err(format!("--csv-sep `{s}`: give one character (`,`, `;`) or `tab`"))
                }
            };
        }
        o.decimal_comma |= self.decimal_comma;
        o.bom |= self.bom;
        if o.decimal_comma && o.separator == ',' {
            return Err("--decimal-comma with the `,` separator would split every amount: add --csv-sep ';' (or use --excel-fr)".into());
        }
        Ok(o)
    }
}

/// The base rules, the variants (each validated against the rules before it), and the rules
/// with every variant applied.
pub fn rules(
    common: &Common,
    v: &VariantArgs,
) -> Result<(RuleSet, Vec<Variant>, RuleSet), ExitCode> {
    let base = load_rules(common)?;
    let mut variants = Vec::new();
    let mut current = base.clone();
    for path in &v.variants {
        let text = read(path, common.format)?;
        match Variant::from_text(&path.display().to_string(), &text, &current) {
            Ok(var) => variants.push(var),
            Err(errors) => {
                report(&errors, Some(&text), common.format);
                return Err(ExitCode::from(1));
            }
        }
        current = match variant::apply_all(&base, &variants) {
            Ok(r) => r,
            Err((_, e)) => {
                report(
                    &[variant::apply_diagnostic(&e, &path.display().to_string())],
                    None,
                    common.format,
                );
                return Err(ExitCode::from(1));
            }
        };
    }
    Ok((base, variants, current))
}

/// The lines a text report under variants starts with: a variant is a negotiation hypothesis,
/// not a text in force, and the reader must see it before any amount.
pub fn variant_banner(variants: &[Variant]) -> String {
    variant_lines(variants).into_iter().map(|l| l + "\n").collect()
}

/// [`variant_banner`] as lines, for the subtitle of a printable page.
pub fn variant_lines(variants: &[Variant]) -> Vec<String> {
    variants
        .iter()
        .map(|v| {
            format!(
                "Variante (hypothèse de négociation, pas un texte en vigueur) : {} ({}, {})",
                v.title, v.id, v.file
            )
        })
        .collect()
}

/// Whether `compute`'s arguments make a portfolio run: a folder, a CSV or JSON file, a YAML
/// portfolio file (`cpts:`), or `--format csv`.
pub fn is_portfolio(paths: &[PathBuf], format: Format) -> bool {
    format == Format::Csv
        || paths.iter().any(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            p.is_dir()
                || matches!(ext.as_deref(), Some("csv") | Some("json"))
                || std::fs::read_to_string(p).is_ok_and(|t| {
                    portfolio::input_kind(&p.display().to_string(), &t)
                        == portfolio::InputKind::PortfolioFile
                })
        })
}

/// The YAML files under `dir`, recursively, sorted by path.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        {
            out.push(p);
        }
    }
    Ok(())
}

/// Reads every input (folders expanded); inputs that cannot be read become failed records.
fn read_inputs(paths: &[PathBuf]) -> (Vec<(String, String)>, Vec<Record>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for p in paths {
        if p.is_dir() {
            if let Err(e) = walk(p, &mut files) {
                unreadable.push(portfolio::unreadable(
                    &p.display().to_string(),
                    format!("cannot read folder {}: {e}", p.display()),
                ));
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut texts = Vec::new();
    for f in files {
        let name = f.display().to_string();
        match std::fs::read_to_string(&f) {
            Ok(t) => texts.push((name, t)),
            Err(e) => {
                unreadable.push(portfolio::unreadable(&name, format!("cannot read {name}: {e}")))
            }
        }
    }
    (texts, unreadable)
}

fn progress(len: usize, what: &str) -> ProgressBar {
    if len < 2 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed}, reste {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.set_message(what.to_string());
    pb
}

/// Runs `f` on a pool of `jobs` threads (the global pool when not given).
fn with_jobs<T: Send>(jobs: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T, ExitCode> {
    match jobs {
        None => Ok(f()),
        Some(0) => {
            eprintln!("error: --jobs must be at least 1");
            Err(ExitCode::from(2))
        }
        Some(n) => match rayon::ThreadPoolBuilder::new().num_threads(n).build() {
            Ok(pool) => Ok(pool.install(f)),
            Err(e) => {
                eprintln!("error: cannot start {n} threads: {e}");
                Err(ExitCode::from(2))
            }
        },
    }
}

fn selection(year: Option<i32>, contract_year: Option<u32>) -> Selection {
    match (year, contract_year) {
        (Some(y), _) => Selection::Year(y),
        (None, Some(k)) => Selection::ContractYear(k),
        (None, None) => Selection::All,
    }
}

/// The portfolio read and validated against `rules`, with the source texts (for snippets).
struct Loaded {
    portfolio: Portfolio,
    texts: HashMap<String, String>,
    io_errors: bool,
}

fn load(paths: &[PathBuf], rules: &RuleSet) -> Loaded {
    let (texts, unreadable) = read_inputs(paths);
    let io_errors = !unreadable.is_empty();
    let mut p = portfolio::load(&texts, rules);
    p.records.extend(unreadable);
    Loaded { portfolio: p, texts: texts.into_iter().collect(), io_errors }
}

fn print_diagnostics(diags: &[Diagnostic], texts: &HashMap<String, String>, format: Format) {
    for d in diags {
        match format {
            Format::Json => eprintln!("{}", render_json(d)),
            _ => eprint!("{}", render_text(d, texts.get(&d.location.file).map(String::as_str))),
        }
    }
}

/// With `--strict`, the first failed record (in input order) stops the run.
fn strict_stop(
    p: &Portfolio,
    texts: &HashMap<String, String>,
    format: Format,
) -> Result<(), ExitCode> {
    if let Some(r) = p.records.iter().find(|r| matches!(r.state, RecordState::Failed(_))) {
        if let RecordState::Failed(d) = &r.state {
            print_diagnostics(d, texts, format);
        }
        eprintln!("stopped (--strict) at {}: nothing written", r.origin);
        return Err(ExitCode::from(if d_is_io(r) { 2 } else { 1 }));
    }
    Ok(())
}

fn d_is_io(r: &Record) -> bool {
    matches!(&r.state, RecordState::Failed(d) if d.iter().any(|d| d.code == Code::E0001))
}

fn exit_code(failed: usize, io: bool) -> ExitCode {
    ExitCode::from(if io {
        2
    } else if failed > 0 {
        1
    } else {
        0
    })
}

/// What `check` found in its portfolio inputs (folders, portfolio files, CSV).
pub struct Checked {
    pub records: usize,
    pub failed: usize,
    pub io_errors: bool,
}

/// `check` on portfolio inputs: every record is read and validated as `compute` would, and the
/// diagnostics of every failed record are printed (nothing is evaluated).
pub fn check(paths: &[PathBuf], rules: &RuleSet, format: Format) -> Checked {
    let l = load(paths, rules);
    let mut failed = 0;
    for r in &l.portfolio.records {
        if let RecordState::Failed(d) = &r.state {
            failed += 1;
            print_diagnostics(d, &l.texts, format);
        }
    }
    Checked { records: l.portfolio.records.len(), failed, io_errors: l.io_errors }
}

/// `check` on a variant file: read and validated against `rules`, then applied to them.
pub fn check_variant(path: &Path, text: &str, rules: &RuleSet, format: Format) -> bool {
    let name = path.display().to_string();
    match Variant::from_text(&name, text, rules) {
        Ok(v) => match variant::apply_all(rules, std::slice::from_ref(&v)) {
            Ok(_) => true,
            Err((_, e)) => {
                report(&[variant::apply_diagnostic(&e, &name)], None, format);
                false
            }
        },
        Err(errors) => {
            report(&errors, Some(text), format);
            false
        }
    }
}

/// `compute` on a portfolio.
pub fn compute(
    paths: &[PathBuf],
    year: Option<i32>,
    contract_year: Option<u32>,
    common: &Common,
    v: &VariantArgs,
    args: &PortfolioArgs,
) -> ExitCode {
    if matches!(common.format, Format::Md | Format::Html) {
        eprintln!(
            "error: --format md and html render one contract; a portfolio gives text, csv or json"
        );
        return ExitCode::from(2);
    }
    let opts = match args.csv() {
        Ok(o) => o,
        Err(m) => {
            eprintln!("error: {m}");
            return ExitCode::from(2);
        }
    };
    let (base, _, rules) = match self::rules(common, v) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let sel = selection(year, contract_year);
    let result = with_jobs(args.jobs, || {
        let loaded = load(paths, &base);
        if args.strict {
            strict_stop(&loaded.portfolio, &loaded.texts, common.format)?;
        }
        let pb = progress(loaded.portfolio.records.len(), "évaluation");
        let run = portfolio::evaluate(&rules, &loaded.portfolio, sel, &|| pb.inc(1));
        pb.finish_and_clear();
        Ok::<(Loaded, Run), ExitCode>((loaded, run))
    });
    let (loaded, run) = match result {
        Ok(Ok(x)) => x,
        Ok(Err(code)) | Err(code) => return code,
    };
    let p = &loaded.portfolio;
    for (_, d) in run.failures() {
        print_diagnostics(d, &loaded.texts, common.format);
        if args.strict {
            eprintln!("stopped (--strict): nothing written");
            return ExitCode::from(1);
        }
    }
    let a = match aggregate(&rules, p, run.rows()) {
        Ok(a) => a,
        Err(e) => {
            report(&[e.to_diagnostic(&rules.file)], None, common.format);
            return ExitCode::from(1);
        }
    };
    match common.format {
        Format::Json => print!("{}", json_out::portfolio(&rules, p, &run, &a)),
        Format::Csv => {
            print!("{}", csv_out::portfolio(&rules, p, &run, (!args.no_sums).then_some(&a), opts))
        }
        _ => print!("{}", text_out::portfolio(&rules, p, &run, &a)),
    }
    if common.format != Format::Json {
        eprintln!("summary: {}", run.summary.sentence(sel));
    }
    exit_code(run.summary.failed, loaded.io_errors)
}

/// `diff --variant FILE PORTFOLIO`.
pub fn diff(
    paths: &[PathBuf],
    year: Option<i32>,
    contract_year: Option<u32>,
    common: &Common,
    v: &VariantArgs,
    args: &PortfolioArgs,
) -> ExitCode {
    if matches!(common.format, Format::Md | Format::Html) {
        eprintln!("error: diff gives text, csv or json");
        return ExitCode::from(2);
    }
    if v.variants.is_empty() {
        eprintln!("error: diff needs at least one --variant FILE");
        return ExitCode::from(2);
    }
    let opts = match args.csv() {
        Ok(o) => o,
        Err(m) => {
            eprintln!("error: {m}");
            return ExitCode::from(2);
        }
    };
    let (base, variants, rules) = match self::rules(common, v) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let sel = selection(year, contract_year);
    let changes: usize = variants.iter().map(|v| v.changes.len()).sum();
    let result = with_jobs(args.jobs, || {
        let loaded = load(paths, &base);
        if args.strict {
            strict_stop(&loaded.portfolio, &loaded.texts, common.format)?;
        }
        let pb = progress(2 * changes, "variante");
        let d = diff::diff(&base, &variants, &rules, &loaded.portfolio, sel, &|| pb.inc(1));
        pb.finish_and_clear();
        Ok::<_, ExitCode>((loaded, d))
    });
    let (loaded, d) = match result {
        Ok(Ok((l, Ok(d)))) => (l, d),
        Ok(Ok((_, Err(e)))) => {
            report(&[e.to_diagnostic(&rules.file)], None, common.format);
            return ExitCode::from(1);
        }
        Ok(Err(code)) | Err(code) => return code,
    };
    let p = &loaded.portfolio;
    for (_, ds) in &d.failures {
        print_diagnostics(ds, &loaded.texts, common.format);
        if args.strict {
            eprintln!("stopped (--strict): nothing written");
            return ExitCode::from(1);
        }
    }
    match common.format {
        Format::Json => print!("{}", render::diff_json(&base, &variants, p, &d, sel)),
        Format::Csv => print!("{}", render::diff_csv(&base, p, &d, opts)),
        _ => print!("{}", render::diff_text(&base, &variants, p, &d, sel)),
    }
    if common.format != Format::Json {
        eprintln!("summary: {}", d.base.summary.sentence(sel));
    }
    exit_code(d.failures.len(), loaded.io_errors)
}

/// What `sweep` is asked.
pub struct SweepArgs<'a> {
    pub param: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub step: &'a str,
    pub date: Option<&'a str>,
    pub svg: Option<&'a PathBuf>,
}

/// `sweep --param PATH --from A --to B --step S PORTFOLIO`.
pub fn sweep(
    paths: &[PathBuf],
    year: Option<i32>,
    contract_year: Option<u32>,
    s: &SweepArgs,
    common: &Common,
    v: &VariantArgs,
    args: &PortfolioArgs,
) -> ExitCode {
    let opts = match args.csv() {
        Ok(o) => o,
        Err(m) => {
            eprintln!("error: {m}");
            return ExitCode::from(2);
        }
    };
    let (base, variants, rules) = match self::rules(common, v) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let usage = |d: Diagnostic| {
        report(&[d], None, common.format);
        ExitCode::from(2)
    };
    let mut nums = Vec::new();
    for (flag, text) in [("--from", s.from), ("--to", s.to), ("--step", s.step)] {
        match parse_decimal(&text.replace(',', ".")) {
            Ok(d) => nums.push(d),
            Err(m) => return usage(Diagnostic::error(Code::E0206, m, Location::file(flag))),
        }
    }
    let date: Date = match (s.date, year) {
        (Some(d), _) => match parse_date(d) {
            Ok(d) => d,
            Err(m) => return usage(Diagnostic::error(Code::E0205, m, Location::file("--date"))),
        },
        (None, Some(y)) => match chrono::NaiveDate::from_ymd_opt(y, 1, 1) {
            Some(d) => d,
            None => {
                return usage(Diagnostic::error(
                    Code::E0205,
                    format!("{y} is not a year"),
                    Location::file("--year"),
                ))
            }
        },
        (None, None) => {
            base.texts.first().map_or_else(chrono::NaiveDate::default, |t| t.in_force_from)
        }
    };
    let spec = sweep::SweepSpec {
        path: s.param.to_string(),
        from: date,
        start: nums[0],
        end: nums[1],
        step: nums[2],
    };
    if let Err(m) = sweep::values(spec.start, spec.end, spec.step) {
        return usage(Diagnostic::error(Code::E0210, m, Location::file("--step")));
    }
    if let Err(d) = sweep::check(&spec, &rules) {
        report(&[d], None, common.format);
        return ExitCode::from(1);
    }
    let sel = selection(year, contract_year);
    let points = sweep::values(spec.start, spec.end, spec.step).map_or(0, |v| v.len());
    let result = with_jobs(args.jobs, || {
        let loaded = load(paths, &base);
        if args.strict {
            strict_stop(&loaded.portfolio, &loaded.texts, common.format)?;
        }
        let pb = progress(points, "balayage");
        let r = sweep::sweep(&base, &variants, &spec, &loaded.portfolio, sel, &|| pb.inc(1));
        pb.finish_and_clear();
        Ok::<_, ExitCode>((loaded, r))
    });
    let (loaded, sw) = match result {
        Ok(Ok((l, Ok(s)))) => (l, s),
        Ok(Ok((_, Err(e)))) => {
            report(&[e.to_diagnostic(&rules.file)], None, common.format);
            return ExitCode::from(1);
        }
        Ok(Err(code)) | Err(code) => return code,
    };
    // Records that could not be read are reported once; every point leaves them out.
    let mut failed = 0;
    for r in &loaded.portfolio.records {
        if let RecordState::Failed(d) = &r.state {
            print_diagnostics(d, &loaded.texts, common.format);
            failed += 1;
        }
    }
    let impossible = sw.points.iter().filter(|p| p.result.is_err()).count();
    match common.format {
        Format::Json => print!("{}", render::sweep_json(&rules, &sw)),
        _ => print!("{}", render::sweep_csv(&rules, &sw, opts)),
    }
    if let Some(file) = s.svg {
        let title = format!("Coût total du portefeuille selon {}", spec.path);
        match svg::chart(&sw, &title) {
            Some(chart) => {
                if let Err(e) = std::fs::write(file, chart) {
                    report(
                        &[Diagnostic::error(
                            Code::E0001,
                            format!("cannot write {}: {e}", file.display()),
                            Location::file(file.display().to_string()),
                        )],
                        None,
                        common.format,
                    );
                    return ExitCode::from(2);
                }
            }
            None => eprintln!("warning: no point could be computed: no chart written"),
        }
    }
    if common.format != Format::Json {
        eprintln!(
            "summary: {} point(s), {impossible} impossible; {} record(s) read, {failed} failed",
            sw.points.len(),
            loaded.portfolio.records.len()
        );
    }
    exit_code(failed + impossible, loaded.io_errors)
}

/// `max --date D --variant FILE`: the maxima per tier under the variant, beside the base's.
pub fn max(date: &str, common: &Common, v: &VariantArgs) -> ExitCode {
    let (base, variants, rules) = match self::rules(common, v) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let date = match parse_date(date) {
        Ok(d) => d,
        Err(m) => {
            report(
                &[Diagnostic::error(Code::E0205, m, Location::file("--date"))],
                None,
                common.format,
            );
            return ExitCode::from(2);
        }
    };
    match max_pair(&base, &rules, date) {
        Ok(pair) => {
            match common.format {
                Format::Json => print!("{}", render::max_json(&pair, &base, &variants)),
                Format::Text => print!("{}", render::max_text(&pair, &variants)),
                _ => {
                    eprintln!("error: max gives text or json");
                    return ExitCode::from(2);
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&[e.to_diagnostic(&rules.file)], None, common.format);
            ExitCode::from(1)
        }
    }
}
