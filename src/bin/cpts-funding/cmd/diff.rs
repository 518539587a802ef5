//! `diff --variant FILE PORTFOLIO`: what a variant costs, per CPTS, tier and mission, and the
//! delta attributed to each change. One large CSV file is streamed, in every format: each chunk
//! diffed, its CSV rows written as it comes (the lists of the other reports spilled to temporary
//! files, as they come after counts of the whole file), the sums merged (`diff::DiffSums`).

use crate::args::{CsvArgs, RulesArg, RunArgs, StreamArgs, TableFormat, VariantArgs, YearArgs};
use crate::cmd::budget::render_page;
use crate::cmd::{batch, stream};
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use crate::progress;
use crate::spill::Spill;
use cpts_funding::diagnostic::Code;
use cpts_funding::portfolio::{CsvOptions, Portfolio, Selection};
use cpts_funding::report::page;
use cpts_funding::rules::RuleSet;
use cpts_funding::variant::render::JsonList;
use cpts_funding::variant::{diff, render};
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLES: &str = "A CSV file whose CPTS each have their rows together (a quick look first says), one over 32 MiB,
or any with --stream, is read chunk by chunk, in memory that does not grow with the file; over
32 MiB or with --stream, the rows of one CPTS must be together (else E0705 on the later ones). Every format says what the
whole-file run says (the CSV rows are written as they come; the other reports keep their lists of
CPTS-years, tier changes and failures in temporary files until the counts of the whole file are
known).

Examples:
  cpts-funding diff --variant rules/variants/tier2-parcours-plus.yaml fixtures/portfolio/sample-800-synthetic.csv --year 2025
  cpts-funding diff --variant rules/variants/negotiation-2025.yaml fixtures/portfolio/sample-800-synthetic.csv --year 2025 --format csv --excel-fr > diff.csv
  cpts-funding diff --variant rules/variants/tier2-parcours-plus.yaml fixtures/portfolio/example.csv --year 2025 --format html > diff.html
  cpts-funding diff --variant rules/variants/negotiation-2025.yaml fixtures/portfolio/sample-800-synthetic.csv --format csv --stream > diff.csv";

#[derive(clap::Args)]
pub struct Args {
    /// The portfolio: contract files, folders, portfolio files or CSV files (`-`: stdin).
    #[arg(required = true, value_name = "PORTFOLIO")]
    pub portfolio: Vec<PathBuf>,
    #[command(flatten)]
    pub years: YearArgs,
    #[command(flatten)]
    pub variant: VariantArgs,
    #[command(flatten)]
    pub csv: CsvArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub stream: StreamArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: TableFormat,
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    if a.variant.variants.is_empty() {
        return Err(CliError::usage("--variant", "diff needs at least one --variant FILE"));
    }
    let opts = a.csv.options()?;
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let (base, variants, rules) = (&ruled.base, &ruled.variants, &ruled.rules);
    let sel = a.years.selection();
    sel.check(rules).map_err(|e| CliError::eval(&e, "--contract-year"))?;
    if stream::applies(&a.portfolio, &a.stream) {
        return batch::with_jobs(a.run.jobs, || streamed(a, &ruled, sel, opts, p))?;
    }
    let changes: usize = variants.iter().map(|v| v.changes.len()).sum();
    let (read, unreadable) = inputs::read_all(&a.portfolio);
    let (loaded, d) = batch::with_jobs(a.run.jobs, || {
        let loaded = batch::load_checked(read, unreadable, base, &a.portfolio, a.run.strict, p)?;
        let pb = progress::bar(2 * changes, "variante");
        let d = diff::diff(base, variants, rules, &loaded.portfolio, sel, &|| pb.inc(1));
        pb.finish_and_clear();
        Ok::<_, CliError>((loaded, d))
    })??;
    let d = d.map_err(|e| CliError::eval(&e, &rules.file))?;
    let pf = &loaded.portfolio;
    for (_, ds) in &d.failures {
        loaded.print(ds, p);
        if a.run.strict {
            let msg = "stopped (--strict): nothing written";
            p.line("stopped", msg, msg);
            return Err(CliError::Reported(1));
        }
    }
    match a.format {
        TableFormat::Json => p.out(&render::diff_json(base, variants, pf, &d, sel))?,
        TableFormat::Csv => p.out(&render::diff_csv(base, pf, &d, opts))?,
        TableFormat::Text => p.out(&render::diff_text(base, variants, pf, &d, sel))?,
        TableFormat::Md | TableFormat::Html => p.out(&render_page(
            &page::diff(base, variants, pf, &d, sel),
            a.format == TableFormat::Html,
        ))?,
    }
    p.message("summary", &d.base.summary.sentence(sel));
    Ok(batch::exit_code(d.failures.len(), loaded.io_errors))
}

/// Where a streamed diff puts what it writes of each chunk: what must wait for counts of the
/// whole file waits in [`Spill`]s (the rows, the tier changes, the failures), not in memory;
/// a page is written around them (`page::PageParts`).
struct Parts {
    format: TableFormat,
    opts: CsvOptions,
    strict: bool,
    /// The CSV header is written.
    csv_started: bool,
    rows: Spill,
    tiers: Spill,
    failures: Spill,
    lists: [JsonList; 3],
}

impl Parts {
    /// A chunk's part of the report. The CSV is written as it comes (its header with the first
    /// record: a file without any writes nothing), but for `--strict` (nothing is written if a
    /// record fails).
    fn chunk(
        &mut self,
        base: &RuleSet,
        pf: &Portfolio,
        d: &diff::Diff,
        p: &mut Printer,
    ) -> Result<(), CliError> {
        let csv_now = self.format == TableFormat::Csv && !self.strict;
        if csv_now && !self.csv_started && !pf.records.is_empty() {
            p.out(&render::diff_csv_header(self.opts))?;
            self.csv_started = true;
        }
        match self.format {
            TableFormat::Csv if self.strict => {
                self.rows.push(&render::diff_csv_rows(base, pf, &d.rows, self.opts))
            }
            TableFormat::Csv => p.out(&render::diff_csv_rows(base, pf, &d.rows, self.opts)),
            TableFormat::Text => {
                self.rows.push(&render::diff_text_rows(base, pf, &d.rows))?;
                self.tiers.push(&render::diff_text_tier_changes(base, pf, &d.rows))?;
                self.failures.push(&render::diff_text_failures(pf, &d.failures))
            }
            TableFormat::Json => {
                let [rows, tiers, failures] = &mut self.lists;
                self.rows.push(&rows.push(&render::diff_json_rows(base, pf, &d.rows)))?;
                self.tiers.push(&tiers.push(&render::diff_json_tier_changes(base, pf, &d.rows)))?;
                self.failures.push(&failures.push(&render::diff_json_failures(pf, &d.failures)))
            }
            TableFormat::Md | TableFormat::Html => {
                let html = self.format == TableFormat::Html;
                let l = page::diff_lists(base, pf, &d.rows, &d.failures);
                self.rows.push(&page::diff_list_rows(0, l.changed, html))?;
                self.tiers.push(&page::diff_list_rows(1, l.tier_changes, html))?;
                self.failures.push(&page::diff_list_rows(2, l.failures, html))
            }
        }
    }

    fn finish(
        &mut self,
        ruled: &load::Ruled,
        s: &diff::DiffSums,
        sel: Selection,
        input: (String, String),
        p: &mut Printer,
    ) -> Result<(), CliError> {
        let (base, variants) = (&ruled.base, &ruled.variants);
        match self.format {
            TableFormat::Csv => {
                if self.strict {
                    p.out(&render::diff_csv_header(self.opts))?;
                    self.rows.copy_to(p)?;
                }
                p.out(&render::diff_csv_sums(base, s, CsvOptions { bom: false, ..self.opts }))
            }
            TableFormat::Text => {
                p.out(&render::diff_text_head(base, variants, s, sel))?;
                self.rows.copy_to(p)?;
                p.out(&render::diff_text_sums(base, s))?;
                self.tiers.copy_to(p)?;
                p.out(&render::diff_text_tail(s))?;
                self.failures.copy_to(p)
            }
            TableFormat::Json => {
                let [head, after_rows, after_tiers, tail] =
                    render::diff_json_parts(base, variants, s, sel);
                let spills = [&mut self.rows, &mut self.tiers, &mut self.failures];
                for ((text, spill), list) in
                    [head, after_rows, after_tiers].iter().zip(spills).zip(&self.lists)
                {
                    p.out(text)?;
                    p.out(JsonList::OPEN)?;
                    spill.copy_to(p)?;
                    p.out(list.close())?;
                }
                p.out(&tail)
            }
            TableFormat::Md | TableFormat::Html => {
                let marked = page::DiffLists {
                    changed: vec![page::marker(0)],
                    tier_changes: vec![page::marker(1)],
                    failures: vec![page::marker(2)],
                };
                let frame = page::diff_page(base, variants, s, sel, &[input], marked);
                let parts = page::PageParts::new(&frame, 3, self.format == TableFormat::Html);
                let spills = [&mut self.rows, &mut self.tiers, &mut self.failures];
                for (text, spill) in parts.texts.iter().zip(spills) {
                    p.out(text)?;
                    spill.copy_to(p)?;
                }
                p.out(parts.texts.last().map_or("", String::as_str))
            }
        }
    }
}

/// `diff` on one large CSV file, chunk by chunk (every format): each chunk diffed under
/// the base and the variant (attribution included), its failures printed as it comes, its part
/// of the report written (CSV rows) or spilled, the sums merged; at the end the report is
/// written, byte for byte the whole-file run's. `--strict` writes nothing when a record fails,
/// as on a whole file: the first record that fails to load (in file order) stops the run; a
/// failed evaluation is said only once the whole file is known to load.
fn streamed(
    a: &Args,
    ruled: &load::Ruled,
    sel: Selection,
    opts: CsvOptions,
    p: &mut Printer,
) -> Result<ExitCode, CliError> {
    let (base, variants, rules) = (&ruled.base, &ruled.variants, &ruled.rules);
    let eval = |e: cpts_funding::eval::EvalError| CliError::eval(&e, &rules.file);
    let strict = a.run.strict;
    // A page's receipt gives the file's SHA-256: hashed as it is read, only then.
    let hashed = matches!(a.format, TableFormat::Md | TableFormat::Html);
    let mut chunks = stream::Chunks::open(&a.portfolio[0], &a.stream, base, hashed)?;
    let mut parts = Parts {
        format: a.format,
        opts,
        strict,
        csv_started: false,
        rows: Spill::new("diff-rows"),
        tiers: Spill::new("diff-tier-changes"),
        failures: Spill::new("diff-failures"),
        lists: Default::default(),
    };
    let mut failed_evaluation = stream::StrictHold::default();
    let mut sums = diff::DiffSums::default();
    let (mut contracts, mut io) = (0usize, false);
    // Each chunk is compared and written while the next is read and loaded.
    chunks.each(|chunk| {
        let pf = &chunk.portfolio;
        if strict {
            chunk.strict_stop(p)?;
        }
        let d = diff::diff(base, variants, rules, pf, sel, &|| {}).map_err(eval)?;
        if strict {
            failed_evaluation.keep(chunk, d.failures.first().map(|(_, ds)| ds.as_slice()));
        } else {
            for (_, ds) in &d.failures {
                chunk.print(p, ds);
                io |= ds.iter().any(|d| d.code == Code::E0001);
            }
        }
        if chunk.header_broken {
            return Err(stream::header_stop(p));
        }
        parts.chunk(base, pf, &d, p)?;
        sums.merge(&diff::DiffSums::of(&d, pf, contracts)).map_err(eval)?;
        contracts += pf.contracts.len();
        Ok(())
    })?;
    if sums.summary.read == 0 {
        return Err(stream::no_record(chunks.name()));
    }
    failed_evaluation.stop(p)?;
    parts.finish(ruled, &sums, sel, chunks.input(), p)?;
    p.message("summary", &sums.summary.sentence(sel));
    Ok(batch::exit_code(sums.failed, io))
}
