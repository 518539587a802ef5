//! A long list (a portfolio file's `cpts:`) cut into its entries, each parsed on its own so
//! that one bad entry does not hide the others, with positions kept.

use super::errors::convert_error_at;
use super::guard::Guard;
use super::locate::{breach_error, check_flow_depth, locate_part, syntax_error, Locator, Shift};
use super::parse_unbounded;
use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::limits::{MAX_ENTRY_BYTES, MAX_FILE_BYTES};
use crate::source::{over_limit, Cursor};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};

/// A document parsed entry by entry (see [`parse_entries`]).
#[derive(Debug)]
pub struct Entries<D, T> {
    /// The document without its entries (their list blanked), and its locator.
    pub doc: D,
    pub locator: Locator,
    /// Each entry of the list, in order.
    pub entries: Vec<Entry<T>>,
}

/// One entry of a list parsed by [`parse_entries`].
#[derive(Debug)]
pub struct Entry<T> {
    /// The line the entry starts on.
    pub line: usize,
    /// The entry, or the located diagnostic that made it unreadable.
    pub value: Result<T, Diagnostic>,
    file: String,
    part: String,
    shift: Shift,
    prefix: String,
}

impl<T> Entry<T> {
    /// Where each path of the entry is written, its paths shown after `cpts[i]`. Built on
    /// demand: only an entry that fails validation needs it.
    pub fn locator(&self) -> Locator {
        let mut l = locate_part(&self.file, &self.part, self.shift)
            .unwrap_or_else(|_| Locator::new(&self.file));
        l.prefix = self.prefix.clone();
        l
    }

    /// The entry's locator without positions, for a first validation.
    pub fn unlocated(&self) -> Locator {
        Locator { file: self.file.clone(), prefix: self.prefix.clone(), ..Locator::default() }
    }
}

/// Parses a document whose root key `list_key` holds a list of entries (a portfolio's `cpts`)
/// so that one bad entry does not lose the others, and fast on long lists: one pass over the
/// events finds each entry's extent (a syntax error anywhere is the document's), then each entry
/// is parsed on its own, in parallel, as a document cut out of the file with its lines and
/// columns kept (the text before it on its first line is blanked), so every diagnostic points
/// into the original text. `D` reads the rest of the document: declare its list field as
/// `serde::de::IgnoredAny` (the list is blanked).
pub fn parse_entries<D: DeserializeOwned, T: DeserializeOwned + Send>(
    file: &str,
    text: &str,
    list_key: &str,
) -> Result<Entries<D, T>, Diagnostic> {
    use rayon::prelude::*;
    if text.trim().is_empty() {
        return Err(Diagnostic::error(
            Code::E0101,
            "the file is empty: expected a YAML mapping",
            Location::file(file),
        ));
    }
    let (list, spans, crossing) = entry_spans(file, text, list_key)?;
    // The document without the list: its chars blanked, lines kept.
    let head = match list {
        Some((a, b)) => {
            let mut h = String::with_capacity(text.len());
            h.push_str(&text[..a]);
            // The list's line breaks, then spaces for what is left of its last line: every
            // position after it stays where it was.
            let span = &text[a..b];
            h.extend(span.chars().filter(|c| matches!(c, '\n' | '\r')));
            let tail = span.rfind(['\n', '\r']).map_or(span, |n| &span[n + 1..]);
            h.extend(std::iter::repeat_n(' ', tail.chars().count()));
            h.push_str(&text[b..]);
            h
        }
        None => text.to_string(),
    };
    // The rest of the document is bounded as a file is.
    let outside = list.map_or(text.len(), |(a, b)| text.len() - (b - a));
    if outside > MAX_FILE_BYTES {
        return Err(over_limit(
            Location::file(file),
            format!(
                "the file outside its `{list_key}` list is {outside} bytes, over the limit of {MAX_FILE_BYTES} bytes"
            ),
        ));
    }
    let (doc, locator) = parse_unbounded::<D>(file, &head, true)?;
    // Each entry's column, in one pass (entries are in file order).
    let mut cursor = Cursor::default();
    let columns: Vec<usize> = spans
        .iter()
        .map(|&(a, _, _)| {
            cursor.advance(text, a);
            cursor.column
        })
        .collect();
    let entries = spans
        .par_iter()
        .zip(columns)
        .enumerate()
        .map(|(i, (&(a, b, line), column))| {
            let lines = line.saturating_sub(1);
            // A flow entry (`{...}`, inline) is parsed alone, its columns shifted; a block one
            // keeps its indentation: what precedes it on its line (`  - `) is blanked.
            let flow = matches!(text.as_bytes().get(a), Some(b'{' | b'['));
            let (part, shift) = if flow {
                (text[a..b].to_string(), Shift { lines, cols: column - 1 })
            } else {
                let line_start = text[..a].rfind(['\n', '\r']).map_or(0, |n| n + 1);
                let mut part = String::with_capacity(b - line_start);
                part.extend(
                    text[line_start..a].chars().map(|c| if c == '\t' { '\t' } else { ' ' }),
                );
                part.push_str(&text[a..b]);
                (part, Shift { lines, cols: 0 })
            };
            let prefix = format!("{list_key}[{i}]");
            let crossed = crossing.binary_search_by_key(&i, |c| c.0).ok().map(|k| crossing[k]);
            let value = if let Some((_, offset, line, column)) = crossed {
                let name: String = text[offset..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
                    .take(60)
                    .collect();
                let location = Location {
                    file: file.to_string(),
                    path: Some(prefix.clone()),
                    line: Some(line),
                    column: Some(column),
                };
                Err(Diagnostic::error(
                    Code::E0101,
                    format!("alias `{name}` refers to an anchor outside this entry: each entry of `{list_key}` is read on its own, so anchors cannot cross entries"),
                    location,
                )
                .with_label("anchor not in this entry")
                .with_help("repeat the value in this entry, or define the anchor (`&name`) inside it"))
            } else if b - a > MAX_ENTRY_BYTES {
                let location = Location {
                    file: file.to_string(),
                    path: Some(prefix.clone()),
                    line: Some(line),
                    column: Some(column),
                };
                Err(over_limit(
                    location,
                    format!(
                        "the entry is {} bytes, over the limit of {MAX_ENTRY_BYTES} bytes",
                        b - a
                    ),
                ))
            } else {
                parse_part::<T>(file, &part, shift, &prefix)
            };
            Entry { line, value, file: file.to_string(), part, shift, prefix }
        })
        .collect();
    Ok(Entries { doc, locator, entries })
}

/// Parses a part of a file (at `shift`) as a document of its own; its paths are shown after
/// `prefix`.
fn parse_part<T: DeserializeOwned>(
    file: &str,
    text: &str,
    shift: Shift,
    prefix: &str,
) -> Result<T, Diagnostic> {
    let show = |path: Option<String>| match path {
        Some(p) if !p.is_empty() => {
            Some(if p.starts_with('[') { format!("{prefix}{p}") } else { format!("{prefix}.{p}") })
        }
        _ => Some(prefix.to_string()),
    };
    match serde_yaml::from_str::<T>(text) {
        Ok(v) => Ok(v),
        Err(e) => {
            let mut locator = locate_part(file, text, shift).map_err(|mut d| {
                d.location.path = show(None);
                d
            })?;
            locator.prefix = prefix.to_string();
            let mut d = convert_error_at(file, text, &e, &locator, shift);
            if d.location.line.is_none() {
                let here = locator.at("");
                d.location.line = here.line;
                d.location.column = here.column;
            }
            d.location.path = match d.location.path.take() {
                Some(p) if p.starts_with(prefix) => Some(p),
                other => show(other),
            };
            Err(d)
        }
    }
}

/// Byte offsets of char indices (the parser's marks), read forward with small steps back.
/// Whether the text is ASCII is asked once (char and byte indices are then the same).
struct Bytes<'a> {
    text: &'a str,
    ascii: bool,
    at: (usize, usize),
}

impl Bytes<'_> {
    fn of(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let (mut c, mut b) = self.at;
        while c > char_index {
            let prev = self.text[..b].chars().next_back().map_or(1, char::len_utf8);
            b -= prev;
            c -= 1;
        }
        for ch in self.text[b..].chars() {
            if c == char_index {
                break;
            }
            b += ch.len_utf8();
            c += 1;
        }
        self.at = (c, b);
        b
    }
}

/// The extent of the list at root key `list_key` and of each of its entries, as byte ranges
/// `[start, end)`: a block node ends where the next token starts, a flow one after its closing
/// bracket. A syntax error is an `E0101` diagnostic.
/// Each entry: its start and end, and the line it starts on.
/// Last, the aliases that refer to an anchor outside their entry: (entry, byte offset, line, column).
type Spans =
    (Option<(usize, usize)>, Vec<(usize, usize, usize)>, Vec<(usize, usize, usize, usize)>);

fn entry_spans(file: &str, text: &str, list_key: &str) -> Result<Spans, Diagnostic> {
    check_flow_depth(file, text, Shift::default())?;
    let mut parser = Parser::new_from_str(text);
    let mut guard = Guard::default();
    let mut spans = Vec::new();
    let mut list: Option<(usize, usize)> = None;
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut in_list = false;
    let mut open_flow: Option<bool> = None;
    let mut fix_start = false;
    let mut bytes = Bytes { text, ascii: text.is_ascii(), at: (0, 0) };
    let first_char = |b: usize| text[b.min(text.len())..].chars().next();
    let mut list_flow = false;
    // Which entry (None: outside the list) defined each anchor id.
    let mut anchors: HashMap<usize, Option<usize>> = HashMap::new();
    let mut crossing = Vec::new();
    loop {
        let (ev, mark) =
            parser.next_token().map_err(|e| syntax_error(file, &e, Shift::default()))?;
        guard.check(&ev).map_err(|breach| breach_error(file, breach, mark, Shift::default()))?;
        let at = bytes.of(mark.index());
        if fix_start {
            // A block mapping's start mark lies after its first key: take the key's position.
            if let Some((start, _, line)) = spans.last_mut() {
                if at < *start {
                    *start = at;
                    *line = mark.line();
                }
            }
            fix_start = false;
        }
        // The event's anchor or alias, and the depth at which it is inside an entry (a
        // collection counts its own level, a scalar or alias its parent's).
        let (anchor, alias, entry_depth) = match &ev {
            Event::Scalar(_, _, a, _) => (*a, None, 2),
            Event::MappingStart(a, _) | Event::SequenceStart(a, _) => (*a, None, 3),
            Event::Alias(a) => (0, Some(*a), 2),
            _ => (0, None, usize::MAX),
        };
        match ev {
            Event::StreamEnd => break,
            Event::Alias(_) if in_list && depth == 2 => {
                // The entry is an alias (`- *a`): its anchor is outside it.
                let len = text[at..]
                    .find([' ', '\t', '\n', '\r', ',', ']', '}'])
                    .unwrap_or(text.len() - at);
                spans.push((at, at + len, mark.line()));
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                depth += 1;
                if in_list && depth == 2 {
                    list_flow = matches!(first_char(at), Some('['));
                    list = Some((at, at));
                }
                if in_list && depth == 3 {
                    spans.push((at, at, mark.line()));
                    open_flow = Some(matches!(first_char(at), Some('{') | Some('[')));
                    fix_start = true;
                }
                if depth == 1 {
                    expect_key = matches!(ev, Event::MappingStart(..));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if in_list && depth == 3 {
                    if let (Some(flow), Some(last)) =
                        (open_flow.take(), spans.last_mut().map(|(_, end, _)| end))
                    {
                        *last =
                            if flow { at + first_char(at).map_or(1, char::len_utf8) } else { at };
                    }
                }
                if in_list && depth == 2 {
                    if let Some(l) = list.as_mut() {
                        l.1 = if list_flow {
                            at + first_char(at).map_or(1, char::len_utf8)
                        } else {
                            at
                        };
                    }
                    in_list = false;
                }
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    expect_key = true;
                }
            }
            Event::Scalar(value, style, ..) => {
                if depth == 1 {
                    if expect_key {
                        in_list = value == list_key;
                    } else if in_list {
                        // The list is a scalar (`cpts: ~`): no entries.
                        in_list = false;
                    }
                    expect_key = !expect_key;
                } else if in_list && depth == 2 {
                    let quoted =
                        usize::from(!matches!(style, yaml_rust2::scanner::TScalarStyle::Plain)) * 2;
                    let end = bytes.of(mark.index() + value.chars().count() + quoted);
                    spans.push((at, end, mark.line()));
                }
            }
            _ => {}
        }
        if entry_depth != usize::MAX {
            let entry = (in_list && depth >= entry_depth).then(|| spans.len().saturating_sub(1));
            if anchor != 0 {
                anchors.insert(anchor, entry);
            }
            if let (Some(a), Some(e)) = (alias, entry) {
                if anchors.get(&a) != Some(&Some(e))
                    && crossing.last().is_none_or(|c: &(usize, usize, usize, usize)| c.0 != e)
                {
                    crossing.push((e, at, mark.line(), mark.col() + 1));
                }
            }
        }
    }
    Ok((list, spans, crossing))
}
