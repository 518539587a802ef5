//! Cutting a large CSV portfolio into chunks of whole CPTS, so that a batch runs in memory that
//! does not grow with the file: each chunk (the header and its rows) is read, validated,
//! evaluated and written like a small file, and the sums are merged ([`super::Aggregates::merge`]).
//! A chunk never splits the rows of one CPTS: it ends where the next row's id differs. (A CPTS
//! whose rows are not together in the file is met again in a later chunk: the front-end reports
//! it as a duplicate, E0705.) This module reads nothing: it finds where to cut a text it is given.

/// Where to cut the rows of one CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvCutter {
    sep: u8,
    id_col: usize,
}

/// The row starting at `start`: its end (after its line break) when complete in `buf`.
fn row_end(buf: &[u8], start: usize) -> Option<usize> {
    let mut quoted = false;
    let mut i = start;
    while i < buf.len() {
        match buf[i] {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return Some(i + 1),
            b'\r' if !quoted => {
                return match buf.get(i + 1) {
                    Some(b'\n') => Some(i + 2),
                    Some(_) => Some(i + 1),
                    // A `\r` last in the buffer: its `\n` may come with the next read.
                    None => None,
                };
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The cells of a line, split at `sep` outside quotes, quotes removed.
fn cells(line: &str, sep: u8) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut quoted = false;
    let b = line.as_bytes();
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
        let id_col = cells(header, sep).iter().position(|c| c == "id")?;
        Some(CsvCutter { sep, id_col })
    }

    fn id(&self, row: &str) -> String {
        cells(row, self.sep).into_iter().nth(self.id_col).unwrap_or_default()
    }

    /// Where a chunk of `buf` (whole rows from its start) may end: the start of the first row
    /// at or after `target` bytes whose id differs from the row before it. `None` when `buf`
    /// holds no such place yet (read more, or take all of it at the end of the file).
    pub fn cut(&self, buf: &str, target: usize) -> Option<usize> {
        let b = buf.as_bytes();
        let mut start = 0;
        let mut last_id: Option<String> = None;
        while start < b.len() {
            let end = row_end(b, start)?;
            let row = &buf[start..end];
            let blank = row.trim().is_empty();
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
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => n += 1,
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                n += 1;
                i += 1;
            }
            b'\r' => n += 1,
            _ => {}
        }
        i += 1;
    }
    n
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
