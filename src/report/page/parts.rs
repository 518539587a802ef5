//! A page written in parts, for a streamed file: the page is built with one marker row in each
//! long table, written whole, and cut where each marker's row is written; a chunk's rows of a
//! table are written as that table writes its body rows ([`table_rows`]), so that the parts and
//! the chunks' rows put together are the bytes of the page with every row in it.

use super::{Block, Page, Row, Table};
use crate::report::{html, md};

/// The text of a page around its marked tables' rows.
#[derive(Debug)]
pub struct PageParts {
    /// One more text than there are markers: before the first marker's rows, between them, and
    /// after the last (a marker the page does not hold gives an empty text: no row goes there).
    pub texts: Vec<String>,
}

/// A marker row: control characters no report text holds, so that its written row is found
/// only where it was put.
pub fn marker(i: usize) -> Row {
    Row::new(vec![format!("\u{1}cpts-funding rows {i}\u{1}")])
}

fn table_of<'p>(page: &'p Page, mark: &Row) -> Option<&'p Table> {
    page.sections.iter().flat_map(|s| &s.blocks).find_map(|b| match b {
        Block::Table(t) if t.rows.contains(mark) => Some(t),
        _ => None,
    })
}

impl PageParts {
    /// `page` (holding the markers `0..n` in order, each in at most one table) written in parts.
    pub fn new(page: &Page, n: usize, html: bool) -> PageParts {
        let text = if html { html::render(page) } else { md::render(page) };
        let mut texts = Vec::with_capacity(n + 1);
        let mut rest = text.as_str();
        for i in 0..n {
            let mark = marker(i);
            let written = table_of(page, &mark)
                .map(|t| table_rows(&Table { rows: vec![mark], ..t.clone() }, html));
            match written.and_then(|w| rest.find(&w).map(|at| (at, w.len()))) {
                Some((at, len)) => {
                    texts.push(rest[..at].to_string());
                    rest = &rest[at + len..];
                }
                None => texts.push(String::new()),
            }
        }
        texts.push(rest.to_string());
        PageParts { texts }
    }
}

/// The body rows of `t` as the page writer writes them.
pub fn table_rows(t: &Table, html: bool) -> String {
    if html {
        html::table_rows(t)
    } else {
        md::table_rows(t)
    }
}
