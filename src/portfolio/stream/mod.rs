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

/// The row starting at `start`: its end (after its line break) when complete in `buf`, with the
/// reader's quoting (`csv_in::read`): a quote opens a quoted cell only at a cell's start (then a
/// doubled quote is text, and what follows the closing quote up to the separator is ignored);
/// anywhere else a quote is text. Quotes and line breaks are found with `memchr`: the cells
/// between them are not looked at one by one.
fn row_end(buf: &[u8], start: usize, sep: u8) -> Option<usize> {
    // `i` is the start of a cell.
    let mut i = start;
    loop {
        if buf.get(i) == Some(&b'"') {
            let mut j = i + 1;
            loop {
                let q = j + memchr(b'"', &buf[j..])?;
                match buf.get(q + 1) {
                    Some(b'"') => j = q + 2,
                    Some(_) => {
                        j = q + 1;
                        break;
                    }
                    // The next byte says whether the quote closes the cell.
                    None => return None,
                }
            }
            i = j + memchr3(sep, b'\n', b'\r', &buf[j..])?;
        } else {
            // Unquoted cells up to a line break, or to a quote that starts a cell (right after
            // a separator); any other quote is text.
            let mut j = i;
            loop {
                let p = j + memchr3(b'"', b'\n', b'\r', &buf[j..])?;
                if buf[p] != b'"' || buf[p - 1] == sep {
                    i = p;
                    break;
                }
                j = p + 1;
            }
            if buf[i] == b'"' {
                continue;
            }
        }
        match buf[i] {
            b'\n' => return Some(i + 1),
            b'\r' => {
                return match buf.get(i + 1) {
                    Some(b'\n') => Some(i + 2),
                    Some(_) => Some(i + 1),
                    // A `\r` last in the buffer: its `\n` may come with the next read.
                    None => None,
                };
            }
            _ => i += 1,
        }
    }
}

/// Where the header of a CSV text whose first bytes are `buf` ends (after its line break), and
/// the separator the reader takes: `None` until `buf` holds the header whole, but at the end of
/// the text (`eof`), where all of it is the header if it has no line break.
pub fn header_end(buf: &[u8], eof: bool) -> Option<(usize, u8)> {
    let (sep, ended) = crate::portfolio::csv_in::header_separator(buf);
    if !ended && !eof {
        return None;
    }
    match row_end(buf, 0, sep) {
        Some(end) => Some((end, sep)),
        None if eof => Some((buf.len(), sep)),
        None => None,
    }
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

/// The cells of a row, split at `sep` with the reader's quoting ([`row_end`]), unescaped and
/// trimmed as the reader's cells are.
fn cells(line: &[u8], sep: u8) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let mut cur = Vec::new();
        if line.get(i) == Some(&b'"') {
            i += 1;
            loop {
                let Some(k) = memchr(b'"', &line[i..]) else {
                    cur.extend_from_slice(&line[i..]);
                    i = line.len();
                    break;
                };
                cur.extend_from_slice(&line[i..i + k]);
                if line.get(i + k + 1) == Some(&b'"') {
                    cur.push(b'"');
                    i += k + 2;
                } else {
                    i += k + 1;
                    break;
                }
            }
            // What follows the closing quote up to the separator is ignored.
            i += memchr3(sep, b'\n', b'\r', &line[i..]).unwrap_or(line.len() - i);
        } else {
            let end = memchr3(sep, b'\n', b'\r', &line[i..]).map_or(line.len(), |k| i + k);
            cur.extend_from_slice(&line[i..end]);
            i = end;
        }
        out.push(String::from_utf8_lossy(&cur).trim().to_string());
        if line.get(i) != Some(&sep) {
            return out;
        }
        i += 1;
    }
}

impl CsvCutter {
    /// From the file's header line; `None` when it has no `id` column (the file is then read
    /// whole, and its own diagnostics say what is wrong).
    pub fn new(header: &str) -> Option<CsvCutter> {
        let header = header.strip_prefix('\u{feff}').unwrap_or(header);
        // The reader's separator, and its cells.
        let sep = crate::portfolio::csv_in::header_separator(header.as_bytes()).0;
        let id_col = cells(header.as_bytes(), sep).iter().position(|c| c == "id")?;
        Some(CsvCutter { sep, id_col })
    }

    /// The id cell of a row, trimmed as a cell is (`str::trim`), when the row holds no quote
    /// and the id is UTF-8 (`None` otherwise: [`CsvCutter::id`] reads it); a row without that
    /// many cells has the empty id.
    fn plain_id<'r>(&self, row: &'r [u8]) -> Option<&'r [u8]> {
        if memchr(b'"', row).is_some() {
            return None;
        }
        let mut from = 0;
        for _ in 0..self.id_col {
            match memchr3(self.sep, b'\n', b'\r', &row[from..]) {
                Some(k) if row[from + k] == self.sep => from += k + 1,
                _ => return Some(b""),
            }
        }
        let end = memchr3(self.sep, b'\n', b'\r', &row[from..]).map_or(row.len(), |k| from + k);
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
            let end = row_end(b, start, self.sep)?;
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
