//! Tests of the CSV portfolio reader as a whole: rows grouped by CPTS, diagnostics located.

use super::*;

/// Each diagnostic of the records of `text`: its line, column, path and code.
fn located(text: &str) -> Vec<(usize, usize, String, Code)> {
    let rules = RuleSet::embedded().expect("embedded rules").0;
    load("t.csv", text, &rules)
        .records
        .into_iter()
        .flat_map(|r| match r.state {
            RecordState::Failed(ds) => ds,
            RecordState::Loaded { .. } => Vec::new(),
        })
        .map(|d| {
            let l = d.location;
            (l.line.unwrap_or(0), l.column.unwrap_or(0), l.path.unwrap_or_default(), d.code)
        })
        .collect()
}

/// Regression: in a record spanning lines (a line break inside a quoted cell), a diagnostic
/// on a cell after the break gave the record's first line with the column on the later
/// line, and was named after the first line's cell at that column (`name` for a bad
/// `population`). Now each points at its cell's own line and column and names its column,
/// with `\n`, `\r\n` or a lone `\r` as the line breaks (inside quotes and between records).
/// Expected positions counted by hand; each is also checked to be where the bad cell's text
/// is, in lines split independently of the reader.
#[test]
fn a_cell_after_a_line_break_in_quotes_is_located_on_its_own_line() {
    const MAX: &str = "acces_soins.partenariat_cpam.max";
    /// A text, and its diagnostics: line, column, path, code and the text found there.
    type Case = (&'static str, &'static [(usize, usize, &'static str, Code, &'static str)]);
    let cases: [Case; 6] = [
        // `population` starts at column 8 of line 3, as `name` does on line 2.
        (
            "id;name;population;signature_date;contract_year\n\
             cpts-m;\"CPTS\nMulti\";4500x;2024-02-01;1\n",
            &[(3, 8, "population", Code::E0303, "4500x")],
        ),
        // The year's result of a later row, at column 4 as `name` on the row's first line.
        (
            "id;name;acces_soins.partenariat_cpam;population;signature_date;contract_year;\
             acces_soins.start;acces_soins.partenariat_cpam.max\n\
             ab;\"CPTS\nN\";true;45000;2024-02-01;1;2024-02-01;2000\n\
             ab;\"CPTS\nN\";peut-etre;;;2;;\n",
            &[(5, 4, "acces_soins.partenariat_cpam", Code::E0310, "peut-etre")],
        ),
        // A contract column that differs from the first row's.
        (
            "id;name;population;signature_date;contract_year\n\
             ab;\"CPTS\nN\";45000;2024-02-01;1\n\
             ab;\"CPTS\nN\";45001;;2\n",
            &[(5, 4, "population", Code::E0703, "45001")],
        ),
        // An unreadable year, then a missing id, each after a break.
        (
            "name;id;population;signature_date;contract_year\n\
             \"CPTS\nN\";ab;45000;2024-02-01;deux\n\
             \"CPTS\nO\";;45000;2024-02-01;1\n",
            &[(3, 24, "contract_year", Code::E0102, "deux"), (5, 4, "id", Code::E0104, ";45000")],
        ),
        // A bad maximum after two breaks (one making an empty line).
        (
            "id;name;{MAX};population;signature_date;contract_year;acces_soins.start\n\
             ab;\"CPTS\n\nN\";x;45000;2024-02-01;1;2024-02-01\n",
            &[(4, 4, MAX, Code::E0206, "x;")],
        ),
        // The header: an unknown column after a quoted name holding a break.
        (
            "id;\"name\n\";population;signature_date;contract_year;bogus\n",
            &[(2, 43, "bogus", Code::E0701, "bogus")],
        ),
    ];
    let mut failures = Vec::new();
    for (text, expected) in cases {
        let text = text.replace("{MAX}", MAX);
        for br in ["\n", "\r\n", "\r"] {
            let text = text.replace('\n', br);
            let lines: Vec<&str> = text.split(br).collect();
            let got = located(&text);
            let want: Vec<_> =
                expected.iter().map(|(l, c, p, code, _)| (*l, *c, p.to_string(), *code)).collect();
            if got != want {
                failures.push(format!("{text:?}: got {got:?}, expected {want:?}"));
            }
            for (l, c, _, _, cell) in expected.iter() {
                let at: String = lines[l - 1].chars().skip(c - 1).collect();
                if !at.starts_with(cell) {
                    failures.push(format!("{text:?}: {l}:{c} is {at:?}, not {cell:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A header whose cell starts with a stray quote (`id;"name;population…`) quotes the rest of
/// the file up to the next quote: every column after it was one "unknown column" whose message
/// quoted kilobytes of the rows below. Now one diagnostic says what the quote does, at the
/// quote, in a few lines; and a long unknown name is shortened in messages.
#[test]
fn a_stray_quote_in_the_header_is_said_in_a_few_lines() {
    let rules = RuleSet::embedded().expect("embedded rules").0;
    let row = "cpts-a;CPTS A;62000;2024-03-15;1\n".repeat(200);
    let text = format!("id;\"name;population;signature_date;contract_year\n{row}x\";y\n");
    let ds: Vec<Diagnostic> = load("t.csv", &text, &rules)
        .records
        .into_iter()
        .flat_map(|r| match r.state {
            RecordState::Failed(ds) => ds,
            RecordState::Loaded { .. } => Vec::new(),
        })
        .collect();
    assert_eq!(ds.len(), 1, "{ds:?}");
    let d = &ds[0];
    assert_eq!((d.code, d.location.line, d.location.column), (Code::E0701, Some(1), Some(4)));
    assert!(d.message.contains("header cell 2 opens a quote") && d.message.contains("202 lines"));
    let shown = crate::diagnostic::render_text(d, Some(&text));
    assert!(shown.len() < 1500, "{} bytes: {shown}", shown.len());

    let long = "z".repeat(5000);
    let text = format!("id;name;population;signature_date;contract_year;{long}\n");
    let ds = match load("t.csv", &text, &rules).records.pop().map(|r| r.state) {
        Some(RecordState::Failed(ds)) => ds,
        other => panic!("{other:?}"),
    };
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0].message, format!("unknown column `{}…`", &long[..60]));
    assert_eq!(ds[0].location.path.as_deref(), Some(&*format!("{}…", &long[..60])));
}
