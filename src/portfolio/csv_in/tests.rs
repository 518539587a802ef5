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
