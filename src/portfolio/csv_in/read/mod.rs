//! The CSV text cut into rows and cells (quotes, separators, BOM). A cell is kept as its byte
//! offsets in its record; its line and column are computed from them only when a diagnostic
//! needs one. Lines break at `\r\n`, `\n` or a lone `\r`, inside quotes as between records.

use crate::limits::MAX_ENTRY_BYTES;
use memchr::{memchr2_iter, memchr3};
use std::ops::Range;
use std::sync::OnceLock;

/// Where a cell's text is in its record's text, in bytes (`start..end`, quotes excluded: a
/// quoted cell starts at the quote before `start`). Offsets fit in `u32`: a record keeps its
/// cells only up to [`MAX_ENTRY_BYTES`].
#[derive(Debug, Clone, Copy)]
struct Cell {
    start: u32,
    end: u32,
}

#[derive(Debug, Clone)]
pub(super) struct CsvRow<'a> {
    pub(super) line: usize,
    /// The record's text, from its first byte (line breaks inside quotes included).
    text: &'a str,
    cells: Vec<Cell>,
    /// The text of the quoted cells with doubled quotes (`""` read as `"`), by cell index.
    unescaped: Vec<(usize, String)>,
    /// Each cell's line in the record (0 for the first) and 1-based column in chars in that
    /// line, computed once, for the first diagnostic needing one.
    positions: OnceLock<Vec<(u32, u32)>>,
    /// The record's size in bytes when over [`MAX_ENTRY_BYTES`] (its cells are then dropped).
    pub(super) oversize: Option<usize>,
}

impl CsvRow<'_> {
    /// The number of cells.
    pub(super) fn len(&self) -> usize {
        self.cells.len()
    }

    /// The text of cell `i` (quotes removed), `None` past the last cell.
    #[inline]
    pub(super) fn text(&self, i: usize) -> Option<&str> {
        let c = self.cells.get(i)?;
        if !self.unescaped.is_empty() {
            if let Some((_, s)) = self.unescaped.iter().find(|(k, _)| *k == i) {
                return Some(s);
            }
        }
        self.text.get(c.start as usize..c.end as usize)
    }

    /// The line and 1-based column (in chars) where cell `i` starts: the record's first line
    /// plus the line breaks inside quotes before the cell, and the column in that line.
    pub(super) fn position(&self, i: usize) -> Option<(usize, usize)> {
        let positions = self.positions.get_or_init(|| {
            let bytes = self.text.as_bytes();
            // One forward pass: (byte counted up to, its line in the record, its column).
            let mut counted = (0, 0, 1);
            self.cells
                .iter()
                .map(|c| {
                    let mut start = c.start as usize;
                    // A quoted cell starts at its quote (an unquoted one after a separator).
                    if start > 0 && bytes[start - 1] == b'"' {
                        start -= 1;
                    }
                    let (from, mut line, col) = counted;
                    let mut line_start = None;
                    for k in memchr2_iter(b'\n', b'\r', &bytes[from..start]) {
                        let at = from + k;
                        // `\r\n` is one break, counted at its `\n`.
                        if bytes[at] == b'\n' || bytes.get(at + 1) != Some(&b'\n') {
                            line += 1;
                            line_start = Some(at + 1);
                        }
                    }
                    let col = match line_start {
                        Some(k) => 1 + self.text[k..start].chars().count(),
                        None => col + self.text[from..start].chars().count(),
                    };
                    counted = (start, line, col);
                    // Both at most MAX_ENTRY_BYTES + 1: the cell starts inside the record.
                    (line as u32, col as u32)
                })
                .collect()
        });
        positions.get(i).map(|&(l, c)| (self.line + l as usize, c as usize))
    }
}

/// The separator the header uses most, outside quotes (`,` when none). The header is the first
/// record: up to its first line break outside quotes (a quoted name may hold one).
fn detect_separator(text: &str) -> u8 {
    header_separator(text.as_bytes()).0
}

/// [`detect_separator`] of the first bytes of a text, and whether they reach the header's end
/// (a line break outside quotes): before, more bytes may change the count.
pub(crate) fn header_separator(bytes: &[u8]) -> (u8, bool) {
    let mut quoted = false;
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut ended = false;
    for &c in bytes {
        if c == b'"' {
            quoted = !quoted;
        }
        if !quoted && (c == b'\n' || c == b'\r') {
            ended = true;
            break;
        }
        if !quoted {
            for (s, n) in counts.iter_mut() {
                if *s == c {
                    *n += 1;
                }
            }
        }
    }
    let sep = counts
        .iter()
        .max_by_key(|(s, n)| (*n, *s == b','))
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(s, _)| *s);
    (sep, ended)
}

/// Reads RFC 4180 records (quotes, doubled quotes, line breaks inside quotes), with the line of
/// each record and the column of each cell. Lines with no cell text at all are skipped. A record
/// over [`MAX_ENTRY_BYTES`] keeps no cells (`oversize`): its size is bounded, not its text.
///
/// A large text is read in parts in parallel, cut after line breaks: a part that ends inside a
/// quoted cell shows the cut was not between records, and the text is then read in one part.
pub(super) fn parse_csv(text: &str) -> Vec<CsvRow<'_>> {
    use rayon::prelude::*;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sep = detect_separator(text);
    let parts = cut_after_line_breaks(text, PART_BYTES);
    if parts.len() < 2 {
        return parse_part(text, sep).rows;
    }
    let read: Vec<Part> = parts.par_iter().map(|t| parse_part(t, sep)).collect();
    if read.iter().any(|p| p.open_quote) {
        return parse_part(text, sep).rows;
    }
    let mut rows = Vec::with_capacity(read.iter().map(|p| p.rows.len()).sum());
    let mut shift = 0;
    for part in read {
        rows.extend(part.rows.into_iter().map(|mut r| {
            r.line += shift;
            r
        }));
        shift += part.lines;
    }
    rows
}

/// The size of a part read in parallel.
const PART_BYTES: usize = 1 << 20;

/// `text` cut into parts of about `size` bytes, each (but the last) ending with a `\n`.
fn cut_after_line_breaks(text: &str, size: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while rest.len() > size {
        // After a `\n`, or after a lone `\r` (a file of lone CRs is read in parts too), never
        // between the two bytes of a `\r\n`.
        let b = rest.as_bytes();
        let Some(k) = memchr2_iter(b'\n', b'\r', &b[size..])
            .map(|k| size + k)
            .find(|&i| b[i] == b'\n' || b.get(i + 1).is_some_and(|&n| n != b'\n'))
        else {
            break;
        };
        let (part, tail) = rest.split_at(k + 1);
        parts.push(part);
        rest = tail;
    }
    parts.push(rest);
    parts
}

/// The records of a part of a CSV text, lines counted from 1.
struct Part<'a> {
    rows: Vec<CsvRow<'a>>,
    /// Lines the part spans (the next part's first line is `lines + 1`).
    lines: usize,
    /// The part ended inside a quoted cell.
    open_quote: bool,
}

/// The cells of the record being read; none are kept once it is over [`MAX_ENTRY_BYTES`].
struct Cells {
    /// Where the record starts in the part.
    start: usize,
    cells: Vec<Cell>,
    unescaped: Vec<(usize, String)>,
    oversize: bool,
}

impl Cells {
    /// A cell whose text is at `text` in the part, ending (at its separator or line break) at
    /// `end`.
    #[inline]
    fn push(&mut self, text: Range<usize>, end: usize) {
        if self.oversize {
            return;
        }
        if end - self.start > MAX_ENTRY_BYTES {
            self.drop_all();
            return;
        }
        // Within MAX_ENTRY_BYTES of the record's start: fits in u32.
        let at = |k: usize| (k - self.start) as u32;
        self.cells.push(Cell { start: at(text.start), end: at(text.end) });
    }

    /// [`Cells::push`] of a quoted cell that had doubled quotes, `unescaped` its text.
    fn push_unescaped(&mut self, text: Range<usize>, end: usize, unescaped: String) {
        if !self.oversize {
            self.unescaped.push((self.cells.len(), unescaped));
        }
        self.push(text, end);
    }

    #[cold]
    fn drop_all(&mut self) {
        self.oversize = true;
        self.cells = Vec::new();
        self.unescaped = Vec::new();
    }
}

/// Bit 7 set in each byte of `word` equal to `b`, and nowhere else (no borrow between bytes).
#[inline]
fn bytes_equal(word: u64, b: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (u64::from(b) * 0x0101_0101_0101_0101);
    // A byte of `x` is zero when neither its bit 7 nor its low 7 bits plus 0x7f set bit 7.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Calls `f` with the offset of each `sep` in `bytes`, in order: 8 bytes at a time (most cells
/// are a few bytes long, too short for memchr to pay per separator).
#[inline]
fn each_separator(bytes: &[u8], sep: u8, mut f: impl FnMut(usize)) {
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    for (w, word) in words.enumerate() {
        // (`as_chunks` would give the arrays themselves; it is newer than the crate's MSRV.)
        let word: [u8; 8] = std::array::from_fn(|i| word[i]);
        let mut found = bytes_equal(u64::from_le_bytes(word), sep);
        while found != 0 {
            f(w * 8 + (found.trailing_zeros() / 8) as usize);
            found &= found - 1;
        }
    }
    let k = bytes.len() - tail.len();
    for (at, b) in (k..).zip(tail) {
        if *b == sep {
            f(at);
        }
    }
}

fn parse_part(text: &str, sep: u8) -> Part<'_> {
    let mut open_quote = false;
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut rows = Vec::new();
    // Cells of the previous record: the next one most likely has as many (no regrowth, and a
    // stray short line does not keep a full row's capacity).
    let mut width = 8;
    let mut i = 0;
    let mut line = 1;
    while i < n {
        let row_line = line;
        let mut cells = Cells {
            start: i,
            cells: Vec::with_capacity(width),
            unescaped: Vec::new(),
            oversize: false,
        };
        loop {
            if i < n && bytes[i] == b'"' {
                i += 1;
                let text_start = i;
                let mut owned: Option<String> = None;
                let mut seg = i;
                loop {
                    match memchr3(b'"', b'\n', b'\r', &bytes[i..]) {
                        None => {
                            i = n;
                            open_quote = true;
                            break;
                        }
                        // A line break in the cell: `\r\n`, `\n` or a lone `\r`.
                        Some(k) if bytes[i + k] != b'"' => {
                            let crlf =
                                bytes[i + k] == b'\r' && bytes.get(i + k + 1) == Some(&b'\n');
                            i += k + 1 + usize::from(crlf);
                            line += 1;
                        }
                        Some(k) if bytes.get(i + k + 1) == Some(&b'"') => {
                            owned.get_or_insert_with(String::new).push_str(&text[seg..i + k + 1]);
                            i += k + 2;
                            seg = i;
                        }
                        Some(k) => {
                            i += k;
                            break;
                        }
                    }
                }
                let end = i.min(n);
                i = (i + 1).min(n);
                // Anything between the closing quote and the separator is ignored.
                while i < n && bytes[i] != sep && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                match owned {
                    Some(mut o) => {
                        o.push_str(&text[seg..end]);
                        cells.push_unescaped(text_start..end, i, o);
                    }
                    None => cells.push(text_start..end, i),
                }
            } else {
                // Unquoted cells up to the next line break or quote (memchr: vectorised), cut at
                // the separators.
                let run = i;
                let stop = memchr3(b'\n', b'\r', b'"', &bytes[run..]).map_or(n, |k| run + k);
                let base = cells.start;
                if !cells.oversize && stop - base <= MAX_ENTRY_BYTES {
                    // The whole run is within the record's limit (offsets fit in u32): no check
                    // per cell.
                    let kept = &mut cells.cells;
                    each_separator(&bytes[run..stop], sep, |k| {
                        let at = run + k;
                        kept.push(Cell { start: (i - base) as u32, end: (at - base) as u32 });
                        i = at + 1;
                    });
                } else {
                    each_separator(&bytes[run..stop], sep, |k| {
                        cells.push(i..run + k, run + k);
                        i = run + k + 1;
                    });
                }
                let end = if stop < n && bytes[stop] == b'"' {
                    if i == stop {
                        continue; // a quoted cell
                    }
                    // A quote inside a cell is text: the cell ends at a separator or line break.
                    bytes[stop..]
                        .iter()
                        .position(|b| *b == sep || *b == b'\n' || *b == b'\r')
                        .map_or(n, |k| stop + k)
                } else {
                    stop
                };
                cells.push(i..end, end);
                i = end;
            }
            if i < n && bytes[i] == sep {
                i += 1;
                continue;
            }
            // End of the record: \r\n, \n, \r or the end of the text.
            let record_end = i;
            if i < n && bytes[i] == b'\r' {
                i += 1;
            }
            if i < n && bytes[i] == b'\n' {
                i += 1;
            }
            line += 1;
            let row = CsvRow {
                line: row_line,
                text: &text[cells.start..record_end],
                cells: cells.cells,
                unescaped: cells.unescaped,
                positions: OnceLock::new(),
                oversize: cells.oversize.then_some(i - cells.start),
            };
            if row.oversize.is_some() {
                rows.push(row);
            } else {
                width = row.len().max(1);
                if (0..row.len()).any(|c| row.text(c).is_some_and(|t| !t.trim().is_empty())) {
                    rows.push(row);
                }
            }
            break;
        }
    }
    Part { rows, lines: line - 1, open_quote }
}

#[cfg(test)]
mod tests;
