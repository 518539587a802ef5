//! One large CSV file, streamed: read in chunks of whole CPTS (the library's
//! `portfolio::stream::CsvCutter` says where to cut), each chunk loaded, validated (and, for
//! `compute`, `diff` and `cashflow`, evaluated in parallel and written, spilled or summed) before
//! the next is read. Memory holds one chunk, the ids met so far (to find a CPTS met twice) and
//! the sums: it does not grow with the file's rows. `compute`'s and `diff`'s bytes are those of
//! the whole-file run (`compute_streamed`, `diff`); `check` and `cashflow` say what they say of
//! the whole file.

use crate::args::StreamArgs;
use crate::cmd::batch;
use crate::error::CliError;
use crate::inputs;
use crate::output::Printer;
use crate::progress;
use cpts_funding::diagnostic::{Code, Diagnostic, Location};
use cpts_funding::limits::MAX_ENTRY_BYTES;
use cpts_funding::portfolio::stream::{
    count_lines, header_end, id_hash, CsvCutter, IdSet, RowsTogether,
};
use cpts_funding::portfolio::{self, Portfolio, RecordState};
use cpts_funding::rules::{RuleSet, Sha256Parts};
use cpts_funding::source::{self, LineIndex};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod held;

pub use held::{Held, StrictHold};

/// Files larger than this are streamed by `compute --format csv` (and any with `--stream`).
pub const AUTO_STREAM_BYTES: u64 = 32 << 20;

/// The default size of a chunk, in bytes of rows (a few hundred CPTS-years: the whole run then stays under 100 MB).
pub const CHUNK_BYTES: usize = 256 << 10;

/// Whether a run over `inputs` streams: one CSV input, a file whose CPTS each have their rows
/// together (read once beforehand to see: then chunk by chunk gives what the whole file gives,
/// in less memory and time), a file over 32 MiB, or `--stream` (stdin too).
pub fn applies(inputs: &[PathBuf], s: &StreamArgs) -> bool {
    let [path] = inputs else { return false };
    let csv_name =
        inputs::is_stdin(path) || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !csv_name {
        return false;
    }
    if s.stream {
        return true;
    }
    let Ok(meta) = std::fs::metadata(path) else { return false };
    meta.is_file()
        && !inputs::is_stdin(path)
        && (meta.len() > AUTO_STREAM_BYTES || rows_together(path))
}

/// Whether the CPTS of the CSV file at `path` have their rows together; `false` when it cannot
/// be read (the whole-file run then says why).
fn rows_together(path: &Path) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let mut scan = RowsTogether::new();
    let mut block = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut block) {
            Ok(0) => return scan.finish(),
            Ok(n) => scan.feed(&block[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// One chunk of the file: the header and whole CPTS, loaded and validated (lines are the
/// file's), a CPTS met in an earlier chunk failed as a duplicate (E0705).
pub struct Chunk {
    pub portfolio: Portfolio,
    text: String,
    /// Built when a diagnostic's snippet is wanted (a valid file never needs it).
    index: OnceLock<LineIndex>,
    /// The chunk's line `l` is the file's line `l + shift` (past its header's lines).
    shift: usize,
    /// The lines of the header, the same in the chunk and in the file.
    header_lines: usize,
    /// The header itself is wrong: the same for every chunk, so the run stops.
    pub header_broken: bool,
}

impl Chunk {
    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// `--strict`: the chunk's first record that failed to load (in file order) stops the run,
    /// as on a whole file, where loading is checked before anything is evaluated.
    pub fn strict_stop(&self, p: &Printer) -> Result<(), CliError> {
        let not_loaded = self.portfolio.records.iter().find_map(|r| match &r.state {
            RecordState::Failed(ds) => Some((r, ds)),
            RecordState::Loaded { .. } => None,
        });
        let Some((r, ds)) = not_loaded else { return Ok(()) };
        self.print(p, ds);
        let msg = format!("stopped (--strict) at {}: nothing written", r.origin);
        p.line("stopped", &msg, &msg);
        let io = ds.iter().any(|d| d.code == Code::E0001);
        Err(CliError::Reported(if io { 2 } else { 1 }))
    }

    /// Prints diagnostics with their snippet from the chunk.
    pub fn print(&self, p: &Printer, ds: &[Diagnostic]) {
        Held::of(self, ds).print(p);
    }
}

/// A large CSV file read chunk by chunk (the library's `CsvCutter` says where to cut). Memory
/// holds one chunk, the bytes read ahead and the ids met so far (16 bytes each).
pub struct Chunks<'r> {
    name: String,
    rules: &'r RuleSet,
    reader: BufReader<Box<dyn Read + Send>>,
    header: String,
    cutter: CsvCutter,
    chunk_bytes: usize,
    pending: Vec<u8>,
    eof: bool,
    /// The file's line of the first row pending.
    first_line: usize,
    /// The lines of `header` (its quoted names may hold line breaks).
    header_lines: usize,
    /// The most bytes read at a time.
    block: usize,
    /// Bytes wanted before the next cut is looked for: a chunk and a bit, more after a miss.
    want: usize,
    /// The ids met so far, as 128-bit hashes (16 bytes each, not a string each: a million CPTS
    /// take 16 MB; two ids sharing a hash would fail the later CPTS as a duplicate, never compute it
    /// wrong).
    seen: IdSet,
    /// The SHA-256 of the bytes read (the file's once it is read: its receipt), when asked.
    sha: Option<Sha256Parts>,
    pb: indicatif::ProgressBar,
}

impl<'r> Chunks<'r> {
    /// Opens `path` (or stdin) and reads its header.
    /// Opens `path` (a file or `-`) and reads its header; `hashed`: the file's SHA-256 is
    /// computed as it is read (for a receipt: [`Chunks::input`]).
    pub fn open(
        path: &Path,
        s: &StreamArgs,
        rules: &'r RuleSet,
        hashed: bool,
    ) -> Result<Self, CliError> {
        let name = inputs::name_of(path);
        let unreadable = |e: &std::io::Error| CliError::unreadable(&name, e);
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        // Sendable (not `stdin().lock()`), so that the next chunk can be read on another
        // thread while the current one is evaluated and written.
        let file: Box<dyn Read + Send> = if inputs::is_stdin(path) {
            Box::new(std::io::stdin())
        } else {
            Box::new(std::fs::File::open(path).map_err(|e| unreadable(&e))?)
        };
        let mut reader = BufReader::with_capacity(1 << 20, file);
        // The header is the first row: up to its line break outside quotes (a lone `\r` ends it
        // too, and a quoted name may hold one), read a block at a time; the bytes read after
        // it are the first pending ones. A header longer than a row may be is taken as it is
        // (the chunk's reader then says so).
        let mut head = Vec::new();
        let end = loop {
            if let Some((end, _)) = header_end(&head, false) {
                break end;
            }
            let n =
                (&mut reader).take(1 << 16).read_to_end(&mut head).map_err(|e| unreadable(&e))?;
            if n == 0 {
                break header_end(&head, true).map_or(head.len(), |(end, _)| end);
            }
            if head.len() > MAX_ENTRY_BYTES {
                break head.len();
            }
        };
        let mut sha = hashed.then(Sha256Parts::default);
        if let Some(sha) = sha.as_mut() {
            sha.update(&head);
        }
        let pending = head.split_off(end);
        let mut header =
            source::decode(&name, &head).map_err(|d| CliError::Invalid(vec![d], None))?.to_string();
        // Ended by a line break, so that a chunk is the header then its rows.
        if !header.ends_with('\n') {
            header.push('\n');
        }
        let header_lines = count_lines(&header);
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
        let chunk_bytes = s.chunk_bytes.unwrap_or(CHUNK_BYTES).max(1);
        Ok(Chunks {
            pb: progress::bar(usize::try_from(size).unwrap_or(0), "lecture"),
            name,
            rules,
            reader,
            header,
            header_lines,
            cutter,
            chunk_bytes,
            pending,
            eof: false,
            first_line: header_lines + 1,
            block: chunk_bytes.clamp(1 << 12, 1 << 20),
            want: first_want(chunk_bytes),
            seen: IdSet::default(),
            sha,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's name and SHA-256 (as a portfolio's `inputs` give them), once it is all read
    /// (opened `hashed`; else no hash).
    pub fn input(&self) -> (String, String) {
        (self.name.clone(), self.sha.as_ref().map(Sha256Parts::hex).unwrap_or_default())
    }

    /// Calls `f` on each chunk, in file order, the next chunk read and loaded meanwhile (on
    /// another thread of the pool, when it has one). The first error, of `f` or of reading,
    /// stops the run where the one-chunk-at-a-time loop would have stopped: `f` of a chunk is
    /// done before the reading of the next one is looked at, and the next chunk says nothing
    /// before its turn.
    pub fn each(
        &mut self,
        mut f: impl FnMut(&Chunk) -> Result<(), CliError> + Send,
    ) -> Result<(), CliError> {
        let mut current = self.next_chunk()?;
        while let Some(chunk) = current {
            let (next, done) = rayon::join(|| self.next_chunk(), || f(&chunk));
            done?;
            current = next?;
        }
        Ok(())
    }

    /// The next chunk, `None` at the end of the file.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>, CliError> {
        let name = self.name.clone();
        let unreadable = |e: &std::io::Error| CliError::unreadable(&name, e);
        loop {
            if self.eof && self.pending.is_empty() {
                self.pb.finish_and_clear();
                return Ok(None);
            }
            // Read until the pending bytes hold a whole chunk, or the file ends (straight into
            // `pending`, up to a block at a time).
            while !self.eof && self.pending.len() < self.want {
                let before = self.pending.len();
                let n = (&mut self.reader)
                    .take(self.block as u64)
                    .read_to_end(&mut self.pending)
                    .map_err(|e| unreadable(&e))?;
                if n == 0 {
                    self.eof = true;
                }
                if let Some(sha) = self.sha.as_mut() {
                    sha.update(&self.pending[before..]);
                }
                self.pb.inc(n as u64);
            }
            // Cut at a row boundary (a line break: a whole character), then check the rows
            // taken are UTF-8, once.
            let cut = match self.cutter.cut_bytes(&self.pending, self.chunk_bytes) {
                Some(c) => c,
                // One CPTS longer than what is pending: read more before looking again.
                None if !self.eof => {
                    self.want = self.pending.len().saturating_add(self.chunk_bytes.max(1 << 12));
                    continue;
                }
                None => self.pending.len(),
            };
            let rows = match std::str::from_utf8(&self.pending[..cut]) {
                Ok(rows) => rows,
                Err(e) => {
                    let mut d = source::decode(&name, &self.pending[..e.valid_up_to() + 1]).err();
                    if let Some(d) = d.as_mut() {
                        d.location.line = d.location.line.map(|l| l + self.first_line - 1);
                    }
                    return Err(CliError::Invalid(d.into_iter().collect(), None));
                }
            };
            let chunk = format!("{}{rows}", self.header);
            // The chunk's first row is on its line `header_lines + 1`, the file's `first_line`.
            let header_lines = self.header_lines;
            let shift = self.first_line - (header_lines + 1);
            let lines = count_lines(rows);
            let mut pf = portfolio::load_csv_chunk(&name, &chunk, self.rules, shift);
            self.mark_met(&mut pf);
            let in_header = |d: &Diagnostic| d.location.line.is_some_and(|l| l <= header_lines);
            let header_broken = pf
                .records
                .iter()
                .any(|r| matches!(&r.state, RecordState::Failed(ds) if ds.iter().any(in_header)));
            self.first_line += lines;
            self.pending.drain(..cut);
            self.want = first_want(self.chunk_bytes);
            let index = OnceLock::new();
            return Ok(Some(Chunk {
                portfolio: pf,
                text: chunk,
                index,
                shift,
                header_lines,
                header_broken,
            }));
        }
    }

    /// A CPTS already met in an earlier chunk fails (its rows are not together in the file);
    /// the chunk's CPTS are then met.
    fn mark_met(&mut self, pf: &mut Portfolio) {
        for r in &mut pf.records {
            if let RecordState::Loaded { contract, .. } = r.state {
                let id = &pf.contracts[contract].id;
                if self.seen.contains(&id_hash(id.as_bytes())) {
                    let loc = Location {
                        file: self.name.clone(),
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
        for c in &pf.contracts {
            self.seen.insert(id_hash(c.id.as_bytes()));
        }
    }
}

/// The bytes read before a cut is first looked for: a chunk and an eighth (what is left after
/// the cut moves to the front of the buffer: a small part).
fn first_want(chunk_bytes: usize) -> usize {
    chunk_bytes.saturating_add((chunk_bytes / 8).max(1 << 12))
}

/// The run stops at a chunk whose header is wrong: said once.
pub fn header_stop(p: &Printer) -> CliError {
    let msg = "stopped: the CSV header must be fixed before its rows can be read";
    p.line("stopped", msg, msg);
    CliError::Reported(1)
}

/// No record in the whole file (E0707).
pub fn no_record(name: &str) -> CliError {
    CliError::Invalid(
        vec![Diagnostic::error(
            Code::E0707,
            format!("no CPTS in {name}: nothing to compute"),
            Location::file(name),
        )
        .with_help(batch::NO_RECORD_HELP)],
        None,
    )
}
