//! Tests of the CSV reader: rows, cells, positions, and reading in parts.

use super::*;

/// Read in parts, a text gives the rows and lines of one reading, also when a cut falls in a
/// quoted cell spanning lines (the text is then read whole); the lines it spans are those
/// the chunks of a large file are numbered by (a lone `\r` in quotes is a line break too).
#[test]
fn parts_read_as_one() {
    let row = "cpts-1;\"a\nb\";3\r\n;;\n\"x\"\"y\";2\n\"p\rq\";r\n";
    let text = format!("id;n;v\n{}", row.repeat(50));
    // The same with lone CRs only: cut into parts too.
    let cr = text.replace("\r\n", "\n").replace('\n', "\r");
    assert!(cut_after_line_breaks(&cr, 40).len() > 1);
    for text in [text, cr] {
        read_in_parts_as_whole(&text);
    }
}

fn read_in_parts_as_whole(text: &str) {
    let whole = parse_part(text, b';');
    assert_eq!(whole.lines, crate::portfolio::stream::count_lines(text));
    let (mut in_parts, mut in_quotes) = (0, 0);
    for size in [1, 7, 13, 40, 41, 42, 43, 1000] {
        let parts = cut_after_line_breaks(text, size);
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
                    .map(|r| (r.line + shift, r.len(), r.text(1).unwrap_or_default().to_string())),
            );
            shift += p.lines;
        }
        let expected: Vec<_> = whole
            .rows
            .iter()
            .map(|r| (r.line, r.len(), r.text(1).unwrap_or_default().to_string()))
            .collect();
        assert_eq!(lines, expected, "parts of {size} bytes");
    }
    assert!(in_parts > 0 && in_quotes > 0, "{in_parts} read in parts, {in_quotes} cut in quotes");
}

/// The separator is counted over the whole header record, a quoted name's line break and
/// separators included (they are text): `;` here, not the `,` of its first line.
#[test]
fn the_separator_of_a_header_with_a_line_break_in_quotes() {
    let rows = parse_csv("\"note\n(a, b, c)\";id;name\r\nx;cpts-1;CPTS 1\n");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].text(0), Some("note\n(a, b, c)"));
    assert_eq!((rows[1].text(1), rows[1].text(2)), (Some("cpts-1"), Some("CPTS 1")));
    assert_eq!(detect_separator("a,b\nc;d;e;f"), b',');
    assert_eq!(detect_separator("a\tb\rc;d;e"), b'\t');
}

#[test]
fn reads_quotes_separators_and_positions() {
    let rows = parse_csv("\u{feff}a;b;c\n1;\"x;\"\"y\";3\r\n\n;;\n4;5;6");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1].text(1), Some("x;\"y"));
    assert_eq!(rows[1].line, 2);
    assert_eq!(rows[1].position(2), Some((2, 11)));
    assert_eq!(rows[2].line, 5);
}

/// A cell's position is its line (the record's first plus the line breaks before it) and
/// its column, in chars (not bytes) from the start of that line: after a BOM, non-ASCII
/// text, quotes (doubled or followed by ignored text), line breaks inside quotes (`\n`,
/// `\r\n`, a lone `\r`, several in a cell, the later cells of the record on a later line),
/// CRLF, a lone CR, tabs. The records after a multi-line one start on the line after its
/// last. Expected values counted by hand.
#[test]
fn positions_in_chars_on_the_cells_line() {
    /// A cell's text and position (line, column).
    type CellAt<'a> = (&'a str, (usize, usize));
    /// Per record: its first line, and its cells.
    type Records = &'static [(usize, &'static [CellAt<'static>])];
    let cases: [(&str, Records); 9] = [
        (
            "\u{feff}é;ü\nàb;c;\"d\"\n",
            &[
                (1, &[("é", (1, 1)), ("ü", (1, 3))]),
                (2, &[("àb", (2, 1)), ("c", (2, 4)), ("d", (2, 6))]),
            ],
        ),
        (
            "h;i\n\"a\"\"b\";c\n",
            &[(1, &[("h", (1, 1)), ("i", (1, 3))]), (2, &[("a\"b", (2, 1)), ("c", (2, 8))])],
        ),
        (
            "h;i;j;k\nx;\"l1\nλ2\";y;z\n",
            &[
                (1, &[("h", (1, 1)), ("i", (1, 3)), ("j", (1, 5)), ("k", (1, 7))]),
                (2, &[("x", (2, 1)), ("l1\nλ2", (2, 3)), ("y", (3, 5)), ("z", (3, 7))]),
            ],
        ),
        (
            "a;b\r\n\"p\r\nq\";r\r\nc;d\r\n",
            &[
                (1, &[("a", (1, 1)), ("b", (1, 3))]),
                (2, &[("p\r\nq", (2, 1)), ("r", (3, 4))]),
                (4, &[("c", (4, 1)), ("d", (4, 3))]),
            ],
        ),
        (
            "a;b\r\"p\rq\";r\rc;d\r",
            &[
                (1, &[("a", (1, 1)), ("b", (1, 3))]),
                (2, &[("p\rq", (2, 1)), ("r", (3, 4))]),
                (4, &[("c", (4, 1)), ("d", (4, 3))]),
            ],
        ),
        (
            "a;b;c\n\"1\n\n2\r\n3\r\";\"x\ny\";z\nk;l\n",
            &[
                (1, &[("a", (1, 1)), ("b", (1, 3)), ("c", (1, 5))]),
                (2, &[("1\n\n2\r\n3\r", (2, 1)), ("x\ny", (6, 3)), ("z", (7, 4))]),
                (8, &[("k", (8, 1)), ("l", (8, 3))]),
            ],
        ),
        (
            "a;b\rc;\"d\"\"\"",
            &[(1, &[("a", (1, 1)), ("b", (1, 3))]), (2, &[("c", (2, 1)), ("d\"", (2, 3))])],
        ),
        (
            "a\tb\tc\n1\t\"2\"\t3\n",
            &[
                (1, &[("a", (1, 1)), ("b", (1, 3)), ("c", (1, 5))]),
                (2, &[("1", (2, 1)), ("2", (2, 3)), ("3", (2, 7))]),
            ],
        ),
        (
            "a,b\n\"é\"xx,b\n",
            &[(1, &[("a", (1, 1)), ("b", (1, 3))]), (2, &[("é", (2, 1)), ("b", (2, 7))])],
        ),
    ];
    for (text, expected) in cases {
        let parsed = parse_csv(text);
        let rows: Vec<(usize, Vec<CellAt>)> = parsed
            .iter()
            .map(|r| {
                let cells = (0..r.len()).map(|i| (r.text(i).unwrap(), r.position(i).unwrap()));
                (r.line, cells.collect())
            })
            .collect();
        assert_eq!(
            rows,
            expected.iter().map(|(l, c)| (*l, c.to_vec())).collect::<Vec<_>>(),
            "{text:?}"
        );
    }
}

/// Unquoted cells of every length (so separators fall at every place of an 8-byte word),
/// some with a quote or non-ASCII text inside, are cut as `str::split` cuts them, each column
/// on its own line, one more than the chars before it.
#[test]
fn unquoted_cells_cut_at_every_separator() {
    let pieces = ["", "a", "é", "x\"y", "0123456789", "€€€", " ", "abcdefg"];
    for sep in [',', ';', '\t'] {
        let mut lines = vec![["h"; 3].join(&sep.to_string())];
        for r in 0..40 {
            let cells: Vec<String> = (0..r % 13 + 3)
                .map(|c| pieces[(r * 7 + c * 3) % pieces.len()].repeat(1 + (r + c) % 3))
                .collect();
            lines.push(format!("k{}", cells.join(&sep.to_string())));
        }
        let text = lines.join("\r\n");
        let rows = parse_csv(&text);
        assert_eq!(rows.len(), lines.len());
        for ((row, line), n) in rows.iter().zip(&lines).zip(1..) {
            let mut col = 1;
            let expected: Vec<(&str, (usize, usize))> = line
                .split(sep)
                .map(|t| {
                    col += t.chars().count() + 1;
                    (t, (n, col - t.chars().count() - 1))
                })
                .collect();
            let got: Vec<(&str, (usize, usize))> =
                (0..row.len()).map(|i| (row.text(i).unwrap(), row.position(i).unwrap())).collect();
            assert_eq!(got, expected, "{line:?}");
        }
    }
}
