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
        let Some(k) = rest.as_bytes()[size..].iter().position(|b| *b == b'\n') else { break };
        let (part, tail) = rest.split_at(size + k + 1);
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
    // Columns are counted in chars, forward only: (byte counted up to, its column).
    let mut counted = (0usize, 1usize);
    while i < n {
        let row_line = line;
        let row_start = i;
        let mut oversize = false;
        let mut cells: Vec<Cell> = Vec::with_capacity(width);
        loop {
            let start = i;
            let before = &text[counted.0..start];
            let col =
                counted.1 + if before.is_ascii() { before.len() } else { before.chars().count() };
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
                            open_quote = true;
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
    Part { rows, lines: line - 1, open_quote }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read in parts, a text gives the rows and lines of one reading, also when a cut falls in a
    /// quoted cell spanning lines (the text is then read whole).
    #[test]
    fn parts_read_as_one() {
        let row = "cpts-1;\"a\nb\";3\r\n;;\n\"x\"\"y\";2\n";
        let text = format!("id;n;v\n{}", row.repeat(50));
        let whole = parse_part(&text, b';');
        let (mut in_parts, mut in_quotes) = (0, 0);
        for size in [1, 7, 13, 40, 41, 42, 43, 1000] {
            let parts = cut_after_line_breaks(&text, size);
            assert_eq!(parts.concat(), text);
            let read: Vec<Part> = parts.iter().map(|t| parse_part(t, b';')).collect();
            if read.iter().any(|p| p.open_quote) {
                in_quotes += 1;
                continue; // parse_csv reads it whole
            }
            in_parts += usize::from(read.len() > 1);
            let (mut lines, mut shift) = (Vec::new(), 0);
            for p in &read {
                lines.extend(
                    p.rows
                        .iter()
                        .map(|r| (r.line + shift, r.cells.len(), r.cells[1].text.to_string())),
                );
                shift += p.lines;
            }
            let expected: Vec<_> = whole
                .rows
                .iter()
                .map(|r| (r.line, r.cells.len(), r.cells[1].text.to_string()))
                .collect();
            assert_eq!(lines, expected, "parts of {size} bytes");
        }
        assert!(
            in_parts > 0 && in_quotes > 0,
            "{in_parts} read in parts, {in_quotes} cut in quotes"
        );
    }

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
