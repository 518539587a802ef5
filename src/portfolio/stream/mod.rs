//! Cutting a large CSV portfolio into chunks of whole CPTS, so that a batch runs in memory that
//! does not grow with the file: each chunk (the header and its rows) is read, validated,
//! evaluated and written like a small file, and the sums are merged ([`super::Aggregates::merge`]).
//! A chunk never splits the rows of one CPTS: it ends where the next row's id differs. (A CPTS
//! whose rows are not together in the file is met again in a later chunk: the front-end reports
//! it as a duplicate, E0705.) This module reads nothing: it finds where to cut a text it is given.

use memchr::{memchr, memchr3, memchr_iter};

mod together;

pub use together::{id_hash, IdHasher, IdSet, RowsTogether};

/// Where to cut the rows of one CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvCutter {
    sep: u8,
    id_col: usize,
}

/// The row starting at `start`: its end (after its line break) when complete in `buf`. Quotes
/// and line breaks are found with `memchr` (a row is mostly cells between them). Every quote
/// opens or closes quoting here, where the reader opens a quoted cell only at a cell's start: a
/// stray quote inside a cell (`ab"c`) makes the two disagree, which is why [`RowsTogether`]
/// leaves a file with a quote to the whole-file reader.
fn row_end(buf: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    loop {
        // Outside quotes: the next quote or line break.
        i += memchr3(b'"', b'\n', b'\r', &buf[i..])?;
        match buf[i] {
            b'"' => {
                // Inside quotes up to the closing quote (a doubled quote closes and reopens).
                i += 1;
                i += memchr(b'"', &buf[i..])? + 1;
            }
            b'\n' => return Some(i + 1),
            _ => {
                return match buf.get(i + 1) {
                    Some(b'\n') => Some(i + 2),
                    Some(_) => Some(i + 1),
                    // A `\r` last in the buffer: its `\n` may come with the next read.
                    None => None,
                };
            }
        }
    }
}

/// The end of the first row of `buf` (after its line break: `\n`, `\r\n` or a lone `\r`, outside
/// quotes), when complete: where a CSV header ends (its quoted names may hold line breaks).
pub fn first_row_end(buf: &[u8]) -> Option<usize> {
    row_end(buf, 0)
}

/// Whether a row is only white space (Unicode's, as `str::trim` sees it): the first byte that
/// is not ASCII white space says, but for a non-ASCII one.
fn is_blank(row: &[u8]) -> bool {
    match row.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(i) if row[i] >= 0x80 => std::str::from_utf8(row).is_ok_and(|r| r.trim().is_empty()),
        Some(_) => false,
    }
}

/// The cells of a line, split at `sep` outside quotes, quotes removed.
fn cells(line: &[u8], sep: u8) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut quoted = false;
    let b = line;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' {
            if quoted && b.get(i + 1) == Some(&b'"') {
                cur.push(b'"');
                i += 1;
            } else {
                quoted = !quoted;
            }
        } else if c == sep && !quoted {
            out.push(String::from_utf8_lossy(&cur).trim().to_string());
            cur.clear();
        } else if !quoted && (c == b'\n' || c == b'\r') {
            break;
        } else {
            cur.push(c);
        }
        i += 1;
    }
    out.push(String::from_utf8_lossy(&cur).trim().to_string());
    out
}

impl CsvCutter {
    /// From the file's header line; `None` when it has no `id` column (the file is then read
    /// whole, and its own diagnostics say what is wrong).
    pub fn new(header: &str) -> Option<CsvCutter> {
        let header = header.strip_prefix('\u{feff}').unwrap_or(header);
        let sep = [b',', b';', b'\t']
            .into_iter()
            .max_by_key(|s| (header.bytes().filter(|b| b == s).count(), *s == b','))?;
        let id_col = cells(header.as_bytes(), sep).iter().position(|c| c == "id")?;
        Some(CsvCutter { sep, id_col })
    }

    /// The id cell of a row, trimmed as a cell is (`str::trim`), when it holds no quote and is
    /// UTF-8 (`None` otherwise); a row without that many cells has the empty id.
    fn plain_id<'r>(&self, row: &'r [u8]) -> Option<&'r [u8]> {
        // The bytes up to the end of the id cell hold no quote, so the separators found are
        // the reader's.
        let unquoted = |upto: usize| memchr(b'"', &row[..upto]).is_none();
        let mut from = 0;
        for _ in 0..self.id_col {
            match memchr3(self.sep, b'\n', b'\r', &row[from..]) {
                Some(k) if row[from + k] == self.sep => from += k + 1,
                k => {
                    let end = k.map_or(row.len(), |k| from + k);
                    return unquoted(end).then_some(b"");
                }
            }
        }
        let end = memchr3(self.sep, b'\n', b'\r', &row[from..]).map_or(row.len(), |k| from + k);
        if !unquoted(end) {
            return None;
        }
        let cell = std::str::from_utf8(&row[from..end]).ok()?.trim();
        Some(cell.as_bytes())
    }

    fn id(&self, row: &[u8]) -> String {
        cells(row, self.sep).into_iter().nth(self.id_col).unwrap_or_default()
    }

    /// Where a chunk of `buf` (whole rows from its start) may end: the start of the first row
    /// at or after `target` bytes whose id differs from the row before it. `None` when `buf`
    /// holds no such place yet (read more, or take all of it at the end of the file).
    pub fn cut(&self, buf: &str, target: usize) -> Option<usize> {
        self.cut_bytes(buf.as_bytes(), target)
    }

    /// [`CsvCutter::cut`] of bytes not yet checked to be UTF-8: a cut is at a row's start,
    /// after a line break, so the rows before it are whole characters.
    pub fn cut_bytes(&self, b: &[u8], target: usize) -> Option<usize> {
        let mut start = 0;
        let mut last_id: Option<String> = None;
        while start < b.len() {
            let end = row_end(b, start)?;
            let row = &b[start..end];
            let blank = is_blank(row);
            if start >= target && !blank {
                let id = self.id(row);
                if last_id.as_ref().is_some_and(|l| *l != id) {
                    return Some(start);
                }
                last_id = Some(id);
            } else if !blank && end > target {
                last_id = Some(self.id(row));
            }
            start = end;
        }
        None
    }
}

/// The physical lines of `text` (line breaks `\r\n`, `\n`, lone `\r`): to number the rows of
/// the chunks that follow.
pub fn count_lines(text: &str) -> usize {
    let b = text.as_bytes();
    // Each `\n` ends a line, and each `\r` not followed by `\n`.
    let lone_cr = memchr_iter(b'\r', b).filter(|&i| b.get(i + 1) != Some(&b'\n')).count();
    memchr_iter(b'\n', b).count() + lone_cr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_never_splits_a_cpts_and_quotes_hold_line_breaks() {
        let c = CsvCutter::new("name;id;contract_year").unwrap();
        let rows = "x;a;1\nx;a;2\n\"multi\nline\";b;1\ny;b;2\nz;c;1\n";
        // From byte 0: the first change of id after row 1 is at row 3 (b).
        let cut = c.cut(rows, 1).unwrap();
        assert_eq!(&rows[cut..cut + 7], "\"multi\n");
        // Past b's first row: the next cut is at c.
        let cut = c.cut(rows, rows.find("y;b").unwrap()).unwrap();
        assert_eq!(&rows[cut..], "z;c;1\n");
        // Nothing after the last row: read more (or take the rest at the end of the file).
        assert_eq!(c.cut(rows, rows.find("z;c").unwrap()), None);
        assert_eq!(count_lines(rows), 6);
    }
}
