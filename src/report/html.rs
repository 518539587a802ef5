//! A [`Page`] as ONE self-contained HTML document: styles inline, the chart as inline SVG, no
//! script, no font, image or link fetched from anywhere, so it opens offline and prints on A4
//! (`@page`, print rules that keep tables and explanations from splitting badly).

pub use super::escape::escape;
use super::page::{Block, Col, Page, Row, Table};
use crate::money::format_eur;
use std::fmt::Write;

/// Inline code (`like this`) as `<code>`, the rest escaped with its dates kept whole
/// ([`dates_whole`]); an odd backtick is left as text.
fn inline(s: &str) -> String {
    if s.matches('`').count() % 2 == 1 {
        return dates_whole(&escape(s));
    }
    let mut o = String::with_capacity(s.len() + 16);
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(o, "<code>{}</code>", escape(part));
        } else {
            o.push_str(&dates_whole(&escape(part)));
        }
    }
    o
}

/// The length of a date or a month at the start of `b`: `2024-03-15`, `15/03/2024`, `2024-03`,
/// `2025-Q1` (0 if none). A browser may break a line at a hyphen or a slash, which would put
/// half a date on the next line of a table cell.
fn date_len(b: &[u8]) -> usize {
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let after_word = |n: usize| b.get(n).is_some_and(|c| c.is_ascii_alphanumeric());
    let n = if digits(0..4) && at(4, b'-') && digits(5..7) {
        if at(7, b'-') && digits(8..10) {
            10
        } else {
            7
        }
    } else if digits(0..4) && at(4, b'-') && at(5, b'Q') && digits(6..7) {
        7
    } else if digits(0..2) && at(2, b'/') && digits(3..5) && at(5, b'/') && digits(6..10) {
        10
    } else {
        0
    };
    if n > 0 && after_word(n) {
        0
    } else {
        n
    }
}

/// Every date of an escaped text wrapped in a `<span class="d">` that never wraps, so that dates
/// in tables (and anywhere on the page) never break mid-date.
fn dates_whole(s: &str) -> String {
    let b = s.as_bytes();
    let mut o = String::with_capacity(s.len());
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        let word_before = i > 0 && b[i - 1].is_ascii_alphanumeric();
        let n = if word_before { 0 } else { date_len(&b[i..]) };
        if n == 0 {
            i += 1;
            continue;
        }
        // Dates are ASCII, so `i` and `i + n` are character boundaries.
        o.push_str(&s[last..i]);
        let _ = write!(o, r#"<span class="d">{}</span>"#, &s[i..i + n]);
        i += n;
        last = i;
    }
    o.push_str(&s[last..]);
    o
}

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 10pt; line-height: 1.35; color: #1a1a1a; max-width: 190mm; margin: 0 auto; padding: 10mm 6mm; background: #fff; }
header { border-bottom: 3px solid #1f4e79; margin-bottom: 5mm; padding-bottom: 2mm; }
h1 { font-size: 17pt; margin: 0 0 1.5mm; color: #1f4e79; }
header p { margin: 0.5mm 0; color: #444; }
header p.key { font-size: 11.5pt; color: #1a1a1a; font-weight: bold; }
h2 { font-size: 13pt; color: #1f4e79; border-bottom: 1px solid #9db3c8; margin: 7mm 0 2.5mm; padding-bottom: 1mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; }
p { margin: 1mm 0 2mm; }
p.note { font-size: 8.5pt; color: #555; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 4mm; font-size: 8.5pt; }
th { background: #e8eef5; text-align: left; font-weight: bold; border-bottom: 1.5px solid #1f4e79; }
th, td { padding: 1.2mm 1.6mm; vertical-align: top; border-bottom: 0.5px solid #c9d3de; }
.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.w, .d { white-space: nowrap; }
tr.strong td { font-weight: bold; background: #f3f6f9; }
tfoot td { font-weight: bold; border-top: 1.5px solid #1f4e79; background: #f3f6f9; }
ul.warnings { list-style: none; padding: 0; margin: 1mm 0 3mm; }
ul.warnings li { background: #fff5e0; border-left: 3px solid #d98c00; padding: 1mm 2mm; margin: 0 0 1mm; font-size: 8.5pt; }
dl.explain dt { font-weight: bold; margin-top: 2.5mm; }
dl.explain dt .amount { float: right; font-variant-numeric: tabular-nums; }
dl.explain dd { margin: 0.5mm 0 0 4mm; font-size: 8.8pt; }
dl.explain .id { color: #777; font-weight: normal; font-size: 8pt; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.9em; }
figure { margin: 2mm 0 4mm; }
figcaption { font-size: 8.5pt; color: #555; }
svg.chart { width: 100%; height: auto; display: block; }
figure > svg { max-width: 100%; height: auto; display: block; }
svg .bar { fill: #4f81bd; }
svg .cum { fill: none; stroke: #c0504d; stroke-width: 2.2; }
svg .grid { stroke: #dde3ea; stroke-width: 1; }
svg .tick, svg .axisline { stroke: #555; stroke-width: 1; }
svg text { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10px; fill: #333; }
svg text.cum { fill: #c0504d; stroke: none; }
svg text.scale { font-size: 10.5px; font-weight: bold; }
svg text.scale.bars { fill: #2f5f98; }
svg text.legend { font-size: 11px; }
footer { margin-top: 8mm; border-top: 1px solid #9db3c8; padding-top: 2mm; font-size: 7.5pt; color: #666; }
@media print {
  body { max-width: none; padding: 0; }
  section.break { break-before: page; }
  h2, h3 { break-after: avoid; }
  tr, figure, dl.explain dt, dl.explain dd, ul.warnings li { break-inside: avoid; }
  thead { display: table-header-group; }
}
"#;

fn class(t: &Table, i: usize) -> &'static str {
    match t.cols.get(i) {
        Some(Col::Number) => r#" class="n""#,
        Some(Col::NoWrap) => r#" class="w""#,
        _ => "",
    }
}

fn row(o: &mut String, t: &Table, r: &Row) {
    o.push_str(if r.strong { r#"<tr class="strong">"# } else { "<tr>" });
    for (i, c) in r.cells.iter().enumerate() {
        let _ = write!(o, "<td{}>{}</td>", class(t, i), inline(c));
    }
    o.push_str("</tr>");
}

/// The body rows of `t` as [`render`] writes them in its table (a streamed page writes a long
/// table's rows chunk by chunk).
pub fn table_rows(t: &Table) -> String {
    let mut o = String::new();
    for r in &t.rows {
        row(&mut o, t, r);
    }
    o
}

fn table(o: &mut String, t: &Table) {
    o.push_str("<table><thead><tr>");
    for (i, h) in t.head.iter().enumerate() {
        let _ = write!(o, "<th{}>{}</th>", class(t, i), escape(h));
    }
    o.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        row(o, t, r);
    }
    o.push_str("</tbody>");
    if !t.foot.is_empty() {
        o.push_str("<tfoot>");
        for r in &t.foot {
            row(o, t, r);
        }
        o.push_str("</tfoot>");
    }
    o.push_str("</table>\n");
}

/// The page as a complete HTML document.
pub fn render(page: &Page) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(o, "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n", page.lang, escape(&page.title));
    let _ = write!(o, "<header>\n<h1>{}</h1>\n", escape(&page.title));
    for (i, s) in page.subtitle.iter().enumerate() {
        let _ = writeln!(o, "<p{}>{}</p>", if i > 0 { r#" class="key""# } else { "" }, inline(s));
    }
    o.push_str("</header>\n");
    for s in &page.sections {
        let _ = write!(
            o,
            "<section{}>\n<h2>{}</h2>\n",
            if s.page_break { r#" class="break""# } else { "" },
            escape(&s.title)
        );
        for b in &s.blocks {
            match b {
                Block::Heading(h) => {
                    let _ = writeln!(o, "<h3>{}</h3>", inline(h));
                }
                Block::Para(p) => {
                    let _ = writeln!(o, "<p>{}</p>", inline(p));
                }
                Block::Note(p) => {
                    let _ = writeln!(o, "<p class=\"note\">{}</p>", inline(p));
                }
                Block::Table(t) => table(&mut o, t),
                Block::Warnings(w) => {
                    o.push_str("<ul class=\"warnings\">");
                    for x in w {
                        let _ = write!(o, "<li>⚠ {}</li>", inline(x));
                    }
                    o.push_str("</ul>\n");
                }
                Block::Chart(c) => {
                    let _ = writeln!(
                        o,
                        "<figure>{}<figcaption>{}</figcaption></figure>",
                        super::svg::chart(c),
                        escape(&c.title)
                    );
                }
                Block::Curve(c) => {
                    if let Some(svg) = super::chart::sweep::svg(c) {
                        let _ = writeln!(
                            o,
                            "<figure>{}<figcaption>{}</figcaption></figure>",
                            svg.trim_end(),
                            escape(&c.title)
                        );
                    } else {
                        let _ =
                            writeln!(o, "<p class=\"note\">{} : aucun point</p>", escape(&c.title));
                    }
                }
                Block::Explanations(lines) => {
                    o.push_str("<dl class=\"explain\">");
                    for l in lines {
                        let _ = write!(o, "<dt>{} <span class=\"id\">[{}]</span><span class=\"amount\">{}</span></dt>", escape(&l.label), escape(&l.id), escape(&format_eur(l.amount)));
                        for s in &l.sentences {
                            let _ = write!(o, "<dd>{}</dd>", inline(s));
                        }
                    }
                    o.push_str("</dl>\n");
                }
            }
        }
        o.push_str("</section>\n");
    }
    let _ = write!(o, "<footer>{}</footer>\n</body>\n</html>\n", inline(&page.footer));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 9: a date in a table cell must not break at its hyphens or slashes.
    #[test]
    fn dates_are_kept_whole_and_other_numbers_left_alone() {
        assert_eq!(
            dates_whole("2024-03-15 → 2025-03-14"),
            r#"<span class="d">2024-03-15</span> → <span class="d">2025-03-14</span>"#
        );
        assert_eq!(
            dates_whole("le 15/03/2024, 2025-Q1, 2025-01"),
            r#"le <span class="d">15/03/2024</span>, <span class="d">2025-Q1</span>, <span class="d">2025-01</span>"#
        );
        for s in
            ["62000", "1 234,56 €", "a2024-03-15", "2024-03-15x", "sha256 d4bbc14490af", "2024-3-1"]
        {
            assert_eq!(dates_whole(s), s);
        }
        let page = Page {
            lang: "fr",
            title: "t".into(),
            subtitle: Vec::new(),
            sections: vec![super::super::page::Section {
                title: "s".into(),
                blocks: vec![Block::Table(Table {
                    head: vec!["Période".into()],
                    cols: vec![Col::Text],
                    rows: vec![Row {
                        cells: vec!["2024-03-15 → 2025-03-14".into()],
                        strong: false,
                    }],
                    foot: Vec::new(),
                })],
                page_break: false,
            }],
            footer: String::new(),
        };
        let html = render(&page);
        assert!(html.contains(r#"<td><span class="d">2024-03-15</span>"#), "{html}");
        assert!(html.contains(".w, .d { white-space: nowrap; }"));
    }
}
