//! The CSV text cut into rows and cells, with their positions (quotes, separators, BOM).

use crate::limits::MAX_ENTRY_BYTES;
use std::borrow::Cow;

/// One cell: its text (quotes removed; borrowed from the file unless it had doubled quotes)
/// and its 1-based column in the line.
#[derive(Debug, Clone)]
pub(super) struct Cell<'a> {
    pub(super) text: Cow<'a, str>,
    pub(super) col: usize,
}

#[derive(Debug, Clone)]
pub(super) struct CsvRow<'a> {
    pub(super) line: usize,
    pub(super) cells: Vec<Cell<'a>>,
    /// The record's size in bytes when over [`MAX_ENTRY_BYTES`] (its cells are then dropped).
    pub(super) oversize: Option<usize>,
}

/// The separator the header uses most, outside quotes (`,` when none).
fn detect_separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut quoted = false;
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    for c in header.bytes() {
        if c == b'"' {
            quoted = !quoted;
        }
        if !quoted {
            for (s, n) in counts.iter_mut() {
                if *s == c {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(s, n)| (*n, *s == b','))
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(s, _)| *s)
}

/// Reads RFC 4180 records (quotes, doubled quotes, line breaks inside quotes), with the line of
/// each record and the column of each cell. Lines with no cell text at all are skipped. A record
/// over [`MAX_ENTRY_BYTES`] keeps no cells (`oversize`): its size is bounded, not its text.
pub(super) fn parse_csv(text: &str) -> Vec<CsvRow<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sep = detect_separator(text);
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut rows = Vec::new();
    // Cells of the previous record: the next one most likely has as many (no regrowth, and a
    // stray short line does not keep a full row's capacity).
    let mut width = 8;
    let mut i = 0;
    let mut line = 1;
    // Columns are counted in chars, forward only: (byte counted up to, its column).
    let mut counted = (0usize, 1usize);
    while i < n {
        let row_line = line;
        let row_start = i;
        let mut oversize = false;
        let mut cells: Vec<Cell> = Vec::with_capacity(width);
        loop {
            let start = i;
            let col = counted.1 + text[counted.0..start].chars().count();
            counted = (start, col);
            let text_of_cell: Cow<str>;
            if i < n && bytes[i] == b'"' {
                i += 1;
                let mut owned: Option<String> = None;
                let mut seg = i;
                loop {
                    match bytes[i..].iter().position(|b| *b == b'"' || *b == b'\n') {
                        None => {
                            i = n;
                            break;
                        }
                        Some(k) if bytes[i + k] == b'\n' => {
                            i += k + 1;
                            line += 1;
                            counted = (i, 1);
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
                text_of_cell = match owned {
                    Some(mut o) => {
                        o.push_str(&text[seg..end]);
                        Cow::Owned(o)
                    }
                    None => Cow::Borrowed(&text[seg..end]),
                };
                i = (i + 1).min(n);
                // Anything between the closing quote and the separator is ignored.
                while i < n && bytes[i] != sep && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            } else {
                let k = bytes[i..]
                    .iter()
                    .position(|b| *b == sep || *b == b'\n' || *b == b'\r')
                    .unwrap_or(n - i);
                text_of_cell = Cow::Borrowed(&text[i..i + k]);
                i += k;
            }
            if !oversize {
                cells.push(Cell { text: text_of_cell, col });
                if i - row_start > MAX_ENTRY_BYTES {
                    oversize = true;
                    cells = Vec::new();
                }
            }
            if i < n && bytes[i] == sep {
                i += 1;
                continue;
            }
            // End of the record: \r\n, \n, \r or the end of the text.
            if i < n && bytes[i] == b'\r' {
                i += 1;
            }
            if i < n && bytes[i] == b'\n' {
                i += 1;
            }
            line += 1;
            counted = (i, 1);
            break;
        }
        if oversize {
            rows.push(CsvRow { line: row_line, cells, oversize: Some(i - row_start) });
            continue;
        }
        width = cells.len().max(1);
        if cells.iter().any(|c| !c.text.trim().is_empty()) {
            rows.push(CsvRow { line: row_line, cells, oversize: None });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quotes_separators_and_positions() {
        let rows = parse_csv("\u{feff}a;b;c\n1;\"x;\"\"y\";3\r\n\n;;\n4;5;6");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cells[1].text, "x;\"y");
        assert_eq!(rows[1].line, 2);
        assert_eq!(rows[1].cells[2].col, 11);
        assert_eq!(rows[2].line, 5);
    }
}
