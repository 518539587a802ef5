//! `compute` on one large CSV file, chunk by chunk (`stream::Chunks`), in CSV, text and JSON,
//! with or without `--strict`: each chunk evaluated, its failures said as it comes, its rows
//! written (CSV) or spilled to a temporary file (what text and JSON print under counts of the
//! whole file, and a `--strict` CSV, which writes nothing if a record fails), the sums merged
//! (`Aggregates::merge`); at the end the report is written around the spills, byte for byte the
//! whole-file run's, from the same parts (`text_out::portfolio_head`, `json_out::portfolio_json_parts`,
//! …). A printable page (md, html) reads the file whole.

use crate::args::ComputeFormat;
use crate::cmd::{batch, compute, stream};
use crate::error::CliError;
use crate::load;
use crate::output::Printer;
use crate::spill::Spill;
use cpts_funding::diagnostic::Code;
use cpts_funding::portfolio::{
    self, aggregate, csv_out, json_out, text_out, Aggregates, CsvOptions, Portfolio, Run,
    Selection, Summary,
};
use cpts_funding::report::json_parts::JsonList;
use cpts_funding::rules::RuleSet;
use std::process::ExitCode;

/// Whether `compute` streams this run: [`stream::applies`] and a format written in parts (CSV,
/// text, JSON; a page is built whole).
pub fn applies(a: &compute::Args) -> bool {
    matches!(a.format, ComputeFormat::Csv | ComputeFormat::Text | ComputeFormat::Json)
        && stream::applies(&a.inputs, &a.stream)
}

pub fn run(a: &compute::Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    // One pool for the whole file (not one per chunk): `--jobs` threads, or the global pool.
    batch::with_jobs(a.run.jobs, || streamed(a, p))?
}

/// Where a streamed compute puts what it writes of each chunk: the CSV rows go out as they come
/// (but under `--strict`); what must wait for counts of the whole file waits in [`Spill`]s.
struct Parts {
    format: ComputeFormat,
    opts: CsvOptions,
    strict: bool,
    /// `--no-sums`: the CSV without its sums.
    no_sums: bool,
    /// The CSV header is written (with the first record: a file without any writes nothing).
    csv_started: bool,
    rows: Spill,
    failures: Spill,
    lists: [JsonList; 2],
}

impl Parts {
    fn chunk(
        &mut self,
        rules: &RuleSet,
        pf: &Portfolio,
        run: &Run,
        p: &mut Printer,
    ) -> Result<(), CliError> {
        match self.format {
            ComputeFormat::Csv if self.strict => {
                self.rows.push(&csv_out::rows(rules, pf, run, self.opts))
            }
            ComputeFormat::Csv => {
                if !self.csv_started && !pf.records.is_empty() {
                    p.out(&csv_out::header(rules, self.opts))?;
                    self.csv_started = true;
                }
                p.out(&csv_out::rows(rules, pf, run, self.opts))
            }
            ComputeFormat::Text => {
                self.rows.push(&text_out::portfolio_rows(rules, pf, run.rows()))?;
                self.failures.push(&text_out::portfolio_failures(pf, run.failures()))
            }
            ComputeFormat::Json => {
                let [rows, failures] = &mut self.lists;
                let items = json_out::portfolio_json_rows(rules, pf, run.rows());
                self.rows.push(&rows.push(&items))?;
                let items = json_out::portfolio_json_failures(pf, run.failures());
                self.failures.push(&failures.push(&items))
            }
            // Not streamed (`applies`): a page is built from the whole run.
            ComputeFormat::Md | ComputeFormat::Html => Ok(()),
        }
    }

    fn finish(
        &mut self,
        ruled: &load::Ruled,
        total: &Aggregates,
        summary: &Summary,
        sel: Selection,
        input: (String, String),
        p: &mut Printer,
    ) -> Result<(), CliError> {
        let rules = &ruled.rules;
        match self.format {
            ComputeFormat::Csv => {
                if self.strict {
                    p.out(&csv_out::header(rules, self.opts))?;
                    self.rows.copy_to(p)?;
                }
                if !self.no_sums {
                    p.out(&csv_out::sums_rows(rules, total, self.opts))?;
                }
                p.out(&csv_out::failed_row(rules, summary.failed, self.opts))
            }
            ComputeFormat::Text => {
                p.out(&text_out::portfolio_head(rules, &ruled.variants, summary, sel))?;
                self.rows.copy_to(p)?;
                p.out(&text_out::portfolio_sums(rules, total))?;
                p.out(&text_out::portfolio_failures_title(summary.failed))?;
                self.failures.copy_to(p)
            }
            ComputeFormat::Json => {
                let [head, after_rows, tail] =
                    json_out::portfolio_json_parts(rules, &[input], summary, sel, total);
                for ((text, spill), list) in [head, after_rows]
                    .iter()
                    .zip([&mut self.rows, &mut self.failures])
                    .zip(&self.lists)
                {
                    p.out(text)?;
                    p.out(JsonList::OPEN)?;
                    spill.copy_to(p)?;
                    p.out(list.close())?;
                }
                p.out(&tail)
            }
            ComputeFormat::Md | ComputeFormat::Html => Ok(()),
        }
    }
}

/// `compute` on one large CSV file, chunk by chunk: byte for byte the whole-file run's output,
/// diagnostics and exit code. `--strict` writes nothing when a record fails, as on a whole file:
/// the first record that fails to load (in file order) stops the run; a failed evaluation is
/// said only once the whole file is known to load.
fn streamed(a: &compute::Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let opts = a.csv.options()?;
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let (base, rules) = (&ruled.base, &ruled.rules);
    let eval = |e: cpts_funding::eval::EvalError| CliError::eval(&e, &rules.file);
    let sel = a.years.selection();
    sel.check(rules).map_err(|e| CliError::eval(&e, "--contract-year"))?;
    let strict = a.run.strict;
    // The JSON document's `inputs` give the file's SHA-256: hashed as it is read, only then.
    let hashed = a.format == ComputeFormat::Json;
    let mut chunks = stream::Chunks::open(&a.inputs[0], &a.stream, base, hashed)?;
    let mut parts = Parts {
        format: a.format,
        opts,
        strict,
        no_sums: a.no_sums,
        csv_started: false,
        rows: Spill::new("compute-rows"),
        failures: Spill::new("compute-failures"),
        lists: Default::default(),
    };
    let mut failed_evaluation = stream::StrictHold::default();
    let (mut total, mut summary) = (Aggregates::default(), Summary::default());
    let mut io = false;
    // Each chunk is evaluated and written while the next is read and loaded.
    chunks.each(|chunk| {
        let pf = &chunk.portfolio;
        if strict {
            chunk.strict_stop(p)?;
        }
        let run = portfolio::evaluate(rules, pf, sel, &|| {});
        if strict {
            failed_evaluation.keep(chunk, run.failures().next().map(|(_, ds)| ds));
        } else {
            for (_, ds) in run.failures() {
                chunk.print(p, ds);
                io |= ds.iter().any(|d| d.code == Code::E0001);
            }
        }
        if chunk.header_broken {
            return Err(stream::header_stop(p));
        }
        total.merge(&aggregate(rules, pf, run.rows()).map_err(eval)?).map_err(eval)?;
        parts.chunk(rules, pf, &run, p)?;
        summary.merge(&run.summary);
        Ok(())
    })?;
    if summary.read == 0 {
        return Err(stream::no_record(chunks.name()));
    }
    failed_evaluation.stop(p)?;
    if total.by_tier.is_empty() {
        total = aggregate(rules, &Portfolio::default(), std::iter::empty()).map_err(eval)?;
    }
    parts.finish(&ruled, &total, &summary, sel, chunks.input(), p)?;
    p.message("summary", &summary.sentence(sel));
    Ok(batch::exit_code(summary.failed, io))
}
