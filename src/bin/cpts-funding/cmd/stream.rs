//! `compute BIG.csv --format csv`, streamed: the file is read in chunks of whole CPTS (the
//! library's `portfolio::stream::CsvCutter` says where to cut), each chunk loaded, validated,
//! evaluated in parallel and written before the next is read, the sums merged as it goes. Memory
//! holds one chunk, the ids met so far (to find a CPTS met twice) and the sums: it does not grow
//! with the file's rows. Output bytes are those of the whole-file run.

use crate::cmd::{batch, compute};
use crate::error::CliError;
use crate::inputs;
use crate::load;
use crate::output::Printer;
use crate::progress;
use cpts_funding::diagnostic::{render_with_line, Code, Diagnostic, Location};
use cpts_funding::portfolio::stream::{count_lines, CsvCutter};
use cpts_funding::portfolio::{self, aggregate, csv_out, Aggregates, RecordState, Summary};
use cpts_funding::source::{self, LineIndex};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::process::ExitCode;

/// Files larger than this are streamed by `compute --format csv` (and any with `--stream`).
pub const AUTO_STREAM_BYTES: u64 = 32 << 20;

/// The default size of a chunk, in bytes of rows (a few hundred CPTS-years: the whole run then stays under 100 MB).
pub const CHUNK_BYTES: usize = 256 << 10;

/// Whether `compute` streams this run: one CSV input (a file or `-`), CSV output, no `--strict`
/// (which writes nothing when a record fails, so must see them all first), and the file large
/// enough or `--stream`.
pub fn applies(a: &compute::Args) -> bool {
    let [path] = a.inputs.as_slice() else { return false };
    let csv_name =
        inputs::is_stdin(path) || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let big = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > AUTO_STREAM_BYTES);
    a.format == crate::args::ComputeFormat::Csv
        && csv_name
        && !a.run.strict
        && (a.run.stream || (big && !inputs::is_stdin(path)))
}

/// A CPTS id as 128 bits: two SipHash-1-3 of it under different prefixes.
fn id_hash(id: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut h);
        id.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// Prints a chunk's diagnostics with their snippet from the chunk (its line `l` is the file's
/// line `l + shift`), then moves them to the file's lines.
fn print_chunk(p: &Printer, ds: &[Diagnostic], chunk: &str, index: &LineIndex, shift: usize) {
    for d in ds {
        let local = d.location.line.map(|l| if l > 1 { l.saturating_sub(shift) } else { l });
        let line = local.and_then(|l| index.line(chunk, l));
        if p.is_json() {
            p.diagnostics(std::slice::from_ref(d), None);
        } else {
            p.rendered(&render_with_line(d, line));
        }
    }
}

pub fn run(a: &compute::Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    // One pool for the whole file (not one per chunk): `--jobs` threads, or the global pool.
    batch::with_jobs(a.run.jobs, || chunks(a, p))?
}

fn chunks(a: &compute::Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let opts = a.csv.options()?;
    let ruled = load::rules_with_variants(&a.rules, &a.variant, p)?;
    let (base, rules) = (&ruled.base, &ruled.rules);
    let sel = a.years.selection();
    sel.check(rules).map_err(|e| CliError::eval(&e, "--contract-year"))?;
    let chunk_bytes = a.run.chunk_bytes.unwrap_or(CHUNK_BYTES).max(1);
    let path = &a.inputs[0];
    let name = inputs::name_of(path);
    let unreadable = |e: &std::io::Error| CliError::unreadable(&name, e);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let file: Box<dyn Read> = if inputs::is_stdin(path) {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| unreadable(&e))?)
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut head = Vec::new();
    reader.read_until(b'\n', &mut head).map_err(|e| unreadable(&e))?;
    let header =
        source::decode(&name, &head).map_err(|d| CliError::Invalid(vec![d], None))?.to_string();
    let cutter = CsvCutter::new(header.trim_end()).ok_or_else(|| {
        CliError::Invalid(
            vec![Diagnostic::error(
                Code::E0702,
                "the CSV header has no `id` column: a streamed file is cut between CPTS by their id",
                Location { file: name.clone(), path: None, line: Some(1), column: Some(1) },
            )],
            Some(header.clone()),
        )
    })?;
    let pb = progress::bar(usize::try_from(size).unwrap_or(0), "lecture");
    p.out(&csv_out::header(rules, opts))?;
    let (mut total, mut summary) = (Aggregates::default(), Summary::default());
    // The ids met so far, as 128-bit hashes (16 bytes each, not a string each: a million CPTS
    // take 16 MB; two ids sharing a hash has odds of about 10^-27).
    let mut seen: HashSet<u128> = HashSet::new();
    let (mut pending, mut eof, mut first_line) = (Vec::<u8>::new(), false, 2usize);
    let (mut failed, mut io_errors) = (0usize, false);
    let mut block = vec![0u8; chunk_bytes.clamp(1 << 12, 1 << 20)];
    // Bytes wanted before the next cut is looked for: a chunk and a bit, more after a miss.
    let mut want = chunk_bytes.saturating_mul(2);
    while !(eof && pending.is_empty()) {
        // Read until the pending bytes hold a whole chunk, or the file ends.
        while !eof && pending.len() < want {
            let n = reader.read(&mut block).map_err(|e| unreadable(&e))?;
            if n == 0 {
                eof = true;
            }
            pending.extend_from_slice(&block[..n]);
            pb.inc(n as u64);
        }
        // The valid UTF-8 prefix (a character may straddle two reads).
        let valid = match std::str::from_utf8(&pending) {
            Ok(t) => t.len(),
            Err(e) if e.error_len().is_none() && !eof => e.valid_up_to(),
            Err(e) => {
                let mut d = source::decode(&name, &pending[..e.valid_up_to() + 1]).err();
                if let Some(d) = d.as_mut() {
                    d.location.line = d.location.line.map(|l| l + first_line - 1);
                }
                return Err(CliError::Invalid(d.into_iter().collect(), None));
            }
        };
        let text = std::str::from_utf8(&pending[..valid]).unwrap_or_default();
        let cut = if eof && valid == pending.len() {
            cutter.cut(text, chunk_bytes).unwrap_or(text.len())
        } else {
            match cutter.cut(text, chunk_bytes) {
                Some(c) => c,
                // One CPTS longer than what is pending: read more before looking again.
                None if !eof => {
                    want = pending.len().saturating_add(chunk_bytes.max(1 << 12));
                    continue;
                }
                None => text.len(),
            }
        };
        let rows = &text[..cut];
        let chunk = format!("{header}{}{rows}", if header.ends_with('\n') { "" } else { "\n" });
        let shift = first_line - 2;
        let mut pf = portfolio::load_csv_chunk(&name, &chunk, base, shift);
        // A CPTS already met in an earlier chunk: its rows are not together in the file.
        for r in &mut pf.records {
            if let RecordState::Loaded { contract, .. } = r.state {
                let id = &pf.contracts[contract].id;
                if seen.contains(&id_hash(id)) {
                    let loc = Location {
                        file: name.clone(),
                        path: Some("id".into()),
                        line: r.origin.line,
                        column: None,
                    };
                    r.state = RecordState::Failed(vec![portfolio::duplicate_diagnostic(
                        id,
                        "earlier rows of this file",
                        loc,
                        "in a file this large (streamed), the rows of a CPTS must be together: sort the file by id",
                    )]);
                }
            }
        }
        let index = LineIndex::new(&chunk);
        let header_broken = pf.records.iter().any(|r| {
            matches!(&r.state, RecordState::Failed(ds) if ds.iter().any(|d| d.location.line == Some(1)))
        });
        let run = portfolio::evaluate(rules, &pf, sel, &|| {});
        for (_, d) in run.failures() {
            print_chunk(p, d, &chunk, &index, shift);
            failed += 1;
            io_errors |= d.iter().any(|d| d.code == Code::E0001);
        }
        if header_broken {
            // The header is the same for every chunk: say it once and stop.
            let msg = "stopped: the CSV header must be fixed before its rows can be read";
            p.line("stopped", msg, msg);
            return Err(CliError::Reported(1));
        }
        let sums =
            aggregate(rules, &pf, run.rows()).map_err(|e| CliError::eval(&e, &rules.file))?;
        total.merge(&sums).map_err(|e| CliError::eval(&e, &rules.file))?;
        p.out(&csv_out::rows(rules, &pf, &run, opts))?;
        for c in &pf.contracts {
            seen.insert(id_hash(&c.id));
        }
        let s = run.summary;
        summary.read += s.read;
        summary.evaluated += s.evaluated;
        summary.failed += s.failed;
        summary.not_selected += s.not_selected;
        summary.rows += s.rows;
        first_line += count_lines(rows);
        pending.drain(..cut);
        want = chunk_bytes.saturating_mul(2);
    }
    pb.finish_and_clear();
    if summary.read == 0 {
        return Err(CliError::Invalid(
            vec![Diagnostic::error(
                Code::E0707,
                format!("no CPTS in {name}: nothing to compute"),
                Location::file(&name),
            )],
            None,
        ));
    }
    if !a.no_sums {
        if total.by_tier.is_empty() {
            total = aggregate(rules, &portfolio::Portfolio::default(), std::iter::empty())
                .map_err(|e| CliError::eval(&e, &rules.file))?;
        }
        p.out(&csv_out::sums_rows(rules, &total, opts))?;
    }
    p.out(&csv_out::failed_row(rules, summary.failed, opts))?;
    p.message("summary", &summary.sentence(sel));
    Ok(batch::exit_code(failed, io_errors))
}
