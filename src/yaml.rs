//! The one place where YAML is parsed. serde_yaml (archived upstream) maps a document onto the
//! raw types and reports type errors and unknown keys with a line and column; yaml-rust2 reads
//! the same text once more as events to build a [`Locator`] (document path -> line/column) so
//! that semantic errors found later can point at the offending value too. Swapping the YAML
//! library means changing this file only.

use crate::diagnostic::{did_you_mean, Diagnostic, Location};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Maps a document path (`missions[2].fixed.values.2019-08-25.t1`, the same syntax serde_yaml
/// uses in its messages) to where its key and its value start.
#[derive(Debug, Default, Clone)]
pub struct Locator {
    file: String,
    values: HashMap<String, (usize, usize)>,
    keys: HashMap<String, (usize, usize)>,
    /// Shown before the paths of diagnostics: the entry's own path when this locator covers one
    /// entry of a longer document (`cpts[3]`), else empty.
    prefix: String,
}

impl Locator {
    /// A locator filled by hand, for inputs that are not YAML (a CSV row's cells).
    pub(crate) fn new(file: &str) -> Self {
        Locator { file: file.to_string(), ..Locator::default() }
    }

    /// Records that the value at `path` is written at `line`:`column` (1-based).
    pub(crate) fn insert(&mut self, path: impl Into<String>, line: usize, column: usize) {
        self.values.insert(path.into(), (line, column));
    }

    /// Splits off the locators of the entries of the sequence at `list_key` (`cpts`): entry
    /// `i`'s paths become relative to it and its diagnostics show `cpts[i].` before them.
    pub(crate) fn split_entries(&self, list_key: &str, count: usize) -> Vec<Locator> {
        let mut out: Vec<Locator> = (0..count).map(|i| Locator { file: self.file.clone(), prefix: format!("{list_key}[{i}]"), ..Locator::default() }).collect();
        let head = format!("{list_key}[");
        for (table, into_keys) in [(&self.values, false), (&self.keys, true)] {
            for (path, pos) in table {
                let Some(rest) = path.strip_prefix(&head) else { continue };
                let Some(close) = rest.find(']') else { continue };
                let Ok(i) = rest[..close].parse::<usize>() else { continue };
                let Some(entry) = out.get_mut(i) else { continue };
                let sub = rest[close + 1..].strip_prefix('.').unwrap_or(&rest[close + 1..]).to_string();
                if into_keys {
                    entry.keys.insert(sub, *pos);
                } else {
                    entry.values.insert(sub, *pos);
                }
            }
        }
        out
    }

    /// A location for the value at `path`, falling back to the closest known ancestor.
    pub fn at(&self, path: &str) -> Location {
        self.find(path, &self.values)
    }

    /// A location for the key at `path` (where an unknown or misplaced key is written).
    pub fn key(&self, path: &str) -> Location {
        self.find(path, &self.keys)
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    fn find(&self, path: &str, table: &HashMap<String, (usize, usize)>) -> Location {
        let shown = if self.prefix.is_empty() {
            path.to_string()
        } else if path.is_empty() || path.starts_with('[') {
            format!("{}{path}", self.prefix)
        } else {
            format!("{}.{path}", self.prefix)
        };
        let mut p = path;
        loop {
            if let Some(&(line, col)) = table.get(p).or_else(|| self.values.get(p)) {
                return Location { file: self.file.clone(), path: Some(shown), line: Some(line), column: Some(col) };
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                // An entry's own position is the best fallback inside a longer document.
                None if !p.is_empty() && !self.prefix.is_empty() => p = "",
                None => return Location { file: self.file.clone(), path: Some(shown), line: None, column: None },
            }
        }
    }
}

enum Frame {
    Map { key: Option<String> },
    Seq { index: usize },
}

struct Builder {
    stack: Vec<(String, Frame)>,
    loc: Locator,
    done: bool,
}

impl Builder {
    fn child_path(&self) -> Option<String> {
        match self.stack.last() {
            None => Some(String::new()),
            Some((base, Frame::Seq { index })) => Some(format!("{base}[{index}]")),
            Some((base, Frame::Map { key: Some(k) })) => {
                Some(if base.is_empty() { k.clone() } else { format!("{base}.{k}") })
            }
            Some((_, Frame::Map { key: None })) => None,
        }
    }

    /// Called after a complete value: the parent moves to its next slot.
    fn advance(&mut self) {
        match self.stack.last_mut() {
            Some((_, Frame::Seq { index })) => *index += 1,
            Some((_, Frame::Map { key })) => *key = None,
            None => self.done = true,
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.done {
            return;
        }
        let pos = (mark.line(), mark.col() + 1);
        match ev {
            Event::Scalar(text, ..) => match self.child_path() {
                None => {
                    // A key of the current mapping.
                    let base = self.stack.last().map(|(b, _)| b.clone()).unwrap_or_default();
                    let path = if base.is_empty() { text.clone() } else { format!("{base}.{text}") };
                    self.loc.keys.insert(path, pos);
                    if let Some((_, Frame::Map { key })) = self.stack.last_mut() {
                        *key = Some(text);
                    }
                }
                Some(path) => {
                    self.loc.values.insert(path, pos);
                    self.advance();
                }
            },
            Event::Alias(_) => {
                if let Some(path) = self.child_path() {
                    self.loc.values.insert(path, pos);
                }
                self.advance();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A mapping used as a key is not something our files do; give it a dummy path.
                let path = self.child_path().unwrap_or_else(|| "?".to_string());
                self.loc.values.insert(path.clone(), pos);
                let frame = if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map { key: None }
                } else {
                    Frame::Seq { index: 0 }
                };
                self.stack.push((path, frame));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.advance();
            }
            _ => {}
        }
    }
}

/// Reads the document's structure; a YAML syntax error becomes an `E0101` diagnostic.
fn locate(file: &str, text: &str) -> Result<Locator, Diagnostic> {
    let mut b = Builder { stack: Vec::new(), loc: Locator { file: file.to_string(), ..Locator::default() }, done: false };
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut b, false).map_err(|e| {
        let m = e.marker();
        Diagnostic::error(
            "E0101",
            format!("YAML syntax error: {}", e.info()),
            Location { file: file.to_string(), path: None, line: Some(m.line()), column: Some(m.col() + 1) },
        )
    })?;
    Ok(b.loc)
}

/// Parses `text` (read from `file`) into `T`, returning the locator for later diagnostics.
/// Every failure is a located diagnostic: syntax (E0101), wrong type or value (E0102), unknown
/// key with a "did you mean" (E0103), missing key (E0104).
pub fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<(T, Locator), Diagnostic> {
    let locator = locate(file, text)?;
    if text.trim().is_empty() || locator.values.is_empty() {
        return Err(Diagnostic::error("E0101", "the file is empty: expected a YAML mapping", Location::file(file)));
    }
    match serde_yaml::from_str::<T>(text) {
        Ok(v) => Ok((v, locator)),
        Err(e) => Err(convert_error(file, &e, &locator)),
    }
}

/// Whether the first top-level key of the document, other than those in `skip`, is `key`. Reads
/// events only as far as that key (a portfolio file starts with `format_version`, `title`, then
/// `cpts`; a contract file with `format_version`, then `id`).
pub fn first_root_key_is(text: &str, key: &str, skip: &[&str]) -> bool {
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    let mut expect_key = false;
    loop {
        let Ok((ev, _)) = parser.next_token() else { return false };
        match ev {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                depth += 1;
                if depth == 1 {
                    expect_key = matches!(ev, Event::MappingStart(..));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    expect_key = true;
                }
            }
            Event::Scalar(name, ..) if depth == 1 => {
                if !expect_key {
                    expect_key = true;
                    continue;
                }
                if name == key {
                    return true;
                }
                if !skip.contains(&name.as_str()) {
                    return false;
                }
                expect_key = false;
            }
            Event::StreamEnd => return false,
            _ => {}
        }
    }
}

/// A document parsed entry by entry (see [`parse_entries`]).
#[derive(Debug)]
pub struct Entries<D> {
    pub doc: D,
    /// The whole document's locator.
    pub locator: Locator,
    /// Per entry of the list, in order: its locator (paths relative to the entry, diagnostics
    /// showing `cpts[i].` before them) and the diagnostic that made it unreadable, if any.
    pub entries: Vec<(Locator, Option<Diagnostic>)>,
}

/// Parses a document whose `list_key` holds a sequence of entries (a portfolio's `cpts`) so that
/// one bad entry does not lose the others: an entry that does not map onto its type gets its
/// located diagnostic and is read as `null` (declare the entries `Option<T>`), and the document
/// is parsed again. Positions are kept (the entry is blanked in place), so every diagnostic
/// points into the original text. A syntax error, or an error outside the entries, is the
/// document's.
pub fn parse_entries<D: DeserializeOwned>(file: &str, text: &str, list_key: &str) -> Result<Entries<D>, Diagnostic> {
    let locator = locate(file, text)?;
    if text.trim().is_empty() || locator.values.is_empty() {
        return Err(Diagnostic::error("E0101", "the file is empty: expected a YAML mapping", Location::file(file)));
    }
    let count = (0..).take_while(|i| locator.values.contains_key(&format!("{list_key}[{i}]"))).count();
    let mut errors: Vec<Option<Diagnostic>> = vec![None; count];
    let mut work = std::borrow::Cow::Borrowed(text);
    let mut spans: Option<Vec<(usize, usize)>> = None;
    loop {
        match serde_yaml::from_str::<D>(&work) {
            Ok(doc) => {
                let entries = locator.split_entries(list_key, count).into_iter().zip(errors).collect();
                return Ok(Entries { doc, locator, entries });
            }
            Err(e) => {
                let d = convert_error(file, &e, &locator);
                let index = d.location.path.as_deref().and_then(|p| entry_index(p, list_key)).filter(|i| *i < count && errors[*i].is_none());
                let Some(i) = index else { return Err(d) };
                let spans = spans.get_or_insert_with(|| entry_spans(text, list_key));
                let Some(&(from, to)) = spans.get(i) else { return Err(d) };
                work = std::borrow::Cow::Owned(blank(&work, from, to));
                errors[i] = Some(d);
            }
        }
    }
}

/// `cpts[3].missions[0]` -> 3
fn entry_index(path: &str, list_key: &str) -> Option<usize> {
    let rest = path.strip_prefix(list_key)?.strip_prefix('[')?;
    rest[..rest.find(']')?].parse().ok()
}

/// The extent of each entry of the sequence at root key `list_key`, as char indices
/// `[start, end)`: a block mapping ends where the next token starts, a flow one after its `}`.
fn entry_spans(text: &str, list_key: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut parser = Parser::new_from_str(text);
    let mut spans = Vec::new();
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut in_list = false;
    // (start index, depth at which the entry's node opened)
    let mut open: Option<usize> = None;
    let mut fix_start = false;
    while let Ok((ev, mark)) = parser.next_token() {
        let at = mark.index();
        if fix_start {
            // A block mapping's start mark lies after its first key: take the key's position.
            if let Some((start, _)) = spans.last_mut() {
                *start = at.min(*start);
            }
            fix_start = false;
        }
        match ev {
            Event::StreamEnd => break,
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                depth += 1;
                if in_list && depth == 3 {
                    spans.push((at, at));
                    open = Some(at);
                    fix_start = true;
                }
                if depth == 1 {
                    expect_key = matches!(ev, Event::MappingStart(..));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if in_list && depth == 3 {
                    if let (Some(start), Some(last)) = (open.take(), spans.last_mut()) {
                        let flow = matches!(chars.get(start), Some('{') | Some('['));
                        last.1 = if flow { at + 1 } else { at };
                    }
                }
                if in_list && depth == 2 {
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
                    }
                    expect_key = !expect_key;
                } else if in_list && depth == 2 {
                    let quoted = usize::from(!matches!(style, yaml_rust2::scanner::TScalarStyle::Plain)) * 2;
                    spans.push((at, at + value.chars().count() + quoted));
                }
            }
            _ => {}
        }
    }
    spans
}

/// `text` with the chars `[from, to)` replaced by `null` and spaces (line breaks kept), so that
/// every other position stays where it was.
fn blank(text: &str, from: usize, to: usize) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut written = 0;
    for (i, c) in text.chars().enumerate() {
        if i < from || i >= to {
            out.push(c);
            continue;
        }
        if i == from {
            out.push_str("null");
            written = 4;
        }
        if c == '\n' || c == '\r' {
            out.push(c);
        } else if i - from >= written {
            out.push(' ');
        }
    }
    out
}

/// Turns a serde_yaml error into a diagnostic. serde_yaml writes `path: message at line L column
/// C`; the path and the position are split off and the message classified.
fn convert_error(file: &str, e: &serde_yaml::Error, locator: &Locator) -> Diagnostic {
    let full = e.to_string();
    let mut msg = full.as_str();
    if let Some(i) = msg.rfind(" at line ") {
        msg = &msg[..i];
    }
    let (path, msg) = split_path(msg);
    let mut location = match e.location() {
        Some(l) => Location { file: file.to_string(), path: None, line: Some(l.line()), column: Some(l.column()) },
        None => Location::file(file),
    };
    location.path = path.map(str::to_string);
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (field, expected) = split_backticked(rest);
        let candidates = backticked(expected);
        let key_path = match path {
            Some(p) if !p.is_empty() => format!("{p}.{field}"),
            _ => field.to_string(),
        };
        let loc = locator.key(&key_path);
        if loc.line.is_some() {
            location = loc;
        }
        let mut d = Diagnostic::error("E0103", format!("unknown key `{field}`"), location)
            .with_label("not a known key here");
        d.help = Some(match did_you_mean(field, candidates.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`? expected one of: {}", candidates.join(", ")),
            None => format!("expected one of: {}", candidates.join(", ")),
        });
        return d;
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (value, expected) = split_backticked(rest);
        let candidates = backticked(expected);
        let mut d = Diagnostic::error("E0102", format!("unknown value `{value}`"), location);
        d.help = Some(match did_you_mean(value, candidates.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`? expected one of: {}", candidates.join(", ")),
            None => format!("expected one of: {}", candidates.join(", ")),
        });
        return d;
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let (field, _) = split_backticked(rest);
        if let Some(p) = path {
            let loc = locator.at(p);
            if loc.line.is_some() {
                location = loc;
            }
        }
        return Diagnostic::error("E0104", format!("missing key `{field}`"), location);
    }
    Diagnostic::error("E0102", msg.to_string(), location)
}

fn split_path(msg: &str) -> (Option<&str>, &str) {
    if let Some(i) = msg.find(": ") {
        let head = &msg[..i];
        if !head.is_empty() && head.chars().all(|c| c.is_alphanumeric() || "_.[]-".contains(c)) {
            return (Some(head), &msg[i + 2..]);
        }
    }
    (None, msg)
}

/// `name`, rest -> (name, rest)
fn split_backticked(s: &str) -> (&str, &str) {
    match s.find('`') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

/// All `quoted` words of `s`.
fn backticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// Writes `value` as YAML (used to save rules, e.g. after an overlay, and to test that rules
/// survive load -> save -> load).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        items: Vec<Item>,
    }
    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        amount: String,
    }

    #[test]
    fn locates_nested_values_and_keys() {
        let text = "name: x\nitems:\n  - amount: 10\n  - amount: \"20\"\n";
        let (_, loc) = parse::<Doc>("f.yaml", text).unwrap();
        let l = loc.at("items[1].amount");
        assert_eq!((l.line, l.column), (Some(4), Some(13)));
        let k = loc.key("items[0].amount");
        assert_eq!((k.line, k.column), (Some(3), Some(5)));
    }

    #[test]
    fn unknown_key_is_located_with_suggestion() {
        let text = "name: x\nitems:\n  - amount: 10\n    amont: 3\n";
        let d = parse::<Doc>("f.yaml", text).unwrap_err();
        assert_eq!(d.code, "E0103");
        assert_eq!((d.location.line, d.location.column), (Some(4), Some(5)));
        assert!(d.help.unwrap().starts_with("did you mean `amount`"));
    }

    #[test]
    fn syntax_error_is_e0101() {
        let d = parse::<Doc>("f.yaml", "name: [x\nitems: 1\n").unwrap_err();
        assert_eq!(d.code, "E0101");
        assert!(d.location.line.is_some());
    }
}
