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
    /// Added to every line: the document is a part of a longer file starting after that many lines.
    line_offset: usize,
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
        let pos = (mark.line() + self.line_offset, mark.col() + 1);
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
                // A block collection's start mark falls on its first entry (the `:` after its
                // first key); point at the key that owns it instead. A flow collection (`{`/`[`
                // on the key's line) keeps its own position.
                let pos = match self.loc.keys.get(&path) {
                    Some(&key_pos) if key_pos.0 < pos.0 => key_pos,
                    _ => pos,
                };
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
    locate_part(file, text, 0)
}

/// [`locate`] for a part of a file that starts after `line_offset` lines.
fn locate_part(file: &str, text: &str, line_offset: usize) -> Result<Locator, Diagnostic> {
    let mut b = Builder { stack: Vec::new(), loc: Locator { file: file.to_string(), ..Locator::default() }, done: false, line_offset };
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut b, false).map_err(|e| {
        let m = e.marker();
        Diagnostic::error(
            "E0101",
            format!("YAML syntax error: {}", e.info()),
            Location { file: file.to_string(), path: None, line: Some(m.line() + line_offset), column: Some(m.col() + 1) },
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

/// Whether the top-level key `key` comes before any of `others` in the document (`cpts` before
/// a contract's `id`: a portfolio file). Reads events only as far as one of them.
pub fn root_key_comes_first(text: &str, key: &str, others: &[&str]) -> bool {
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
                if others.contains(&name.as_str()) {
                    return false;
                }
                expect_key = false;
            }
            Event::StreamEnd => return false,
            _ => {}
        }
    }
}

/// Parses `text` without building its [`Locator`] (the costlier half of a parse): `None` on any
/// problem, which [`parse`] then reports with its location. For batches, where most files are
/// valid and positions are only needed to point at an error.
pub fn parse_fast<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_yaml::from_str(text).ok()
}

/// An empty locator for `file` (paths known, positions not): a first validation of a document
/// parsed with [`parse_fast`]; an invalid document is validated again with its real locator.
pub fn unlocated(file: &str) -> Locator {
    Locator::new(file)
}

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
    line_offset: usize,
    prefix: String,
}

impl<T> Entry<T> {
    /// Where each path of the entry is written, its paths shown after `cpts[i]`. Built on
    /// demand: only an entry that fails validation needs it.
    pub fn locator(&self) -> Locator {
        let mut l = locate_part(&self.file, &self.part, self.line_offset).unwrap_or_else(|_| Locator::new(&self.file));
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
pub fn parse_entries<D: DeserializeOwned, T: DeserializeOwned + Send>(file: &str, text: &str, list_key: &str) -> Result<Entries<D, T>, Diagnostic> {
    use rayon::prelude::*;
    if text.trim().is_empty() {
        return Err(Diagnostic::error("E0101", "the file is empty: expected a YAML mapping", Location::file(file)));
    }
    let (list, spans) = entry_spans(file, text, list_key)?;
    // The document without the list: its chars blanked, lines kept.
    let head = match list {
        Some((a, b)) => {
            let mut h = String::with_capacity(text.len());
            h.push_str(&text[..a]);
            // The list's line breaks, then spaces for what is left of its last line: every
            // position after it stays where it was.
            let span = &text[a..b];
            h.extend(std::iter::repeat_n('\n', span.matches('\n').count()));
            let tail = span.rfind('\n').map_or(span, |n| &span[n + 1..]);
            h.extend(std::iter::repeat_n(' ', tail.chars().count()));
            h.push_str(&text[b..]);
            h
        }
        None => text.to_string(),
    };
    let (doc, locator) = parse::<D>(file, &head)?;
    let entries = spans
        .par_iter()
        .enumerate()
        .map(|(i, &(a, b, line))| {
            let line_start = text[..a].rfind('\n').map_or(0, |n| n + 1);
            let line_offset = line.saturating_sub(1);
            let mut part = String::with_capacity(b - line_start);
            part.extend(text[line_start..a].chars().map(|c| if c == '\t' { '\t' } else { ' ' }));
            part.push_str(&text[a..b]);
            let prefix = format!("{list_key}[{i}]");
            let value = parse_part::<T>(file, &part, line_offset, &prefix);
            Entry { line, value, file: file.to_string(), part, line_offset, prefix }
        })
        .collect();
    Ok(Entries { doc, locator, entries })
}

/// Parses a part of a file (after `line_offset` lines) as a document of its own; its paths are
/// shown after `prefix`.
fn parse_part<T: DeserializeOwned>(file: &str, text: &str, line_offset: usize, prefix: &str) -> Result<T, Diagnostic> {
    let show = |path: Option<String>| match path {
        Some(p) if !p.is_empty() => Some(if p.starts_with('[') { format!("{prefix}{p}") } else { format!("{prefix}.{p}") }),
        _ => Some(prefix.to_string()),
    };
    match serde_yaml::from_str::<T>(text) {
        Ok(v) => Ok(v),
        Err(e) => {
            let mut locator = locate_part(file, text, line_offset).map_err(|mut d| {
                d.location.path = show(None);
                d
            })?;
            locator.prefix = prefix.to_string();
            let mut d = convert_error_at(file, &e, &locator, line_offset);
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
struct Bytes<'a> {
    text: &'a str,
    at: (usize, usize),
}

impl Bytes<'_> {
    fn of(&mut self, char_index: usize) -> usize {
        if self.text.is_ascii() {
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
type Spans = (Option<(usize, usize)>, Vec<(usize, usize, usize)>);

fn entry_spans(file: &str, text: &str, list_key: &str) -> Result<Spans, Diagnostic> {
    let mut parser = Parser::new_from_str(text);
    let mut spans = Vec::new();
    let mut list: Option<(usize, usize)> = None;
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut in_list = false;
    let mut open_flow: Option<bool> = None;
    let mut fix_start = false;
    let mut bytes = Bytes { text, at: (0, 0) };
    let first_char = |b: usize| text[b.min(text.len())..].chars().next();
    let mut list_flow = false;
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| {
            let m = e.marker();
            Diagnostic::error("E0101", format!("YAML syntax error: {}", e.info()), Location { file: file.to_string(), path: None, line: Some(m.line()), column: Some(m.col() + 1) })
        })?;
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
        match ev {
            Event::StreamEnd => break,
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
                    if let (Some(flow), Some(last)) = (open_flow.take(), spans.last_mut().map(|(_, end, _)| end)) {
                        *last = if flow { at + first_char(at).map_or(1, char::len_utf8) } else { at };
                    }
                }
                if in_list && depth == 2 {
                    if let Some(l) = list.as_mut() {
                        l.1 = if list_flow { at + first_char(at).map_or(1, char::len_utf8) } else { at };
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
                    let quoted = usize::from(!matches!(style, yaml_rust2::scanner::TScalarStyle::Plain)) * 2;
                    let end = bytes.of(mark.index() + value.chars().count() + quoted);
                    spans.push((at, end, mark.line()));
                }
            }
            _ => {}
        }
    }
    Ok((list, spans))
}

/// Turns a serde_yaml error into a diagnostic. serde_yaml writes `path: message at line L column
/// C`; the path and the position are split off and the message classified.
fn convert_error(file: &str, e: &serde_yaml::Error, locator: &Locator) -> Diagnostic {
    convert_error_at(file, e, locator, 0)
}

/// [`convert_error`] for a part of a file after `line_offset` lines (serde_yaml's positions are
/// the part's; the locator's are the file's).
fn convert_error_at(file: &str, e: &serde_yaml::Error, locator: &Locator, line_offset: usize) -> Diagnostic {
    let full = e.to_string();
    let mut msg = full.as_str();
    if let Some(i) = msg.rfind(" at line ") {
        msg = &msg[..i];
    }
    let (path, msg) = split_path(msg);
    let mut location = match e.location() {
        Some(l) => Location { file: file.to_string(), path: None, line: Some(l.line() + line_offset), column: Some(l.column()) },
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
        let mut d = Diagnostic::error("E0104", format!("missing key `{field}`"), location).with_label("in the mapping that starts here");
        d.help = Some(format!("add a `{field}:` line to this mapping"));
        return d;
    }
    Diagnostic::error("E0102", plain_type_message(msg), location)
}

/// `s` cut to `max` chars with `…` (a whole CSV file read as one YAML string must not be echoed).
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// serde's "invalid type: string \"x\", expected a sequence" in the words of a YAML file.
fn plain_type_message(msg: &str) -> String {
    let Some(rest) = msg.strip_prefix("invalid type: ") else { return msg.to_string() };
    let Some((found, expected)) = rest.rsplit_once(", expected ") else { return msg.to_string() };
    let expected = match expected {
        "a sequence" => "a list (lines starting with `- `)".to_string(),
        e if e.starts_with("struct ") || e == "a map" => "a mapping (`key: value` lines)".to_string(),
        e => e.to_string(),
    };
    let found = match found {
        "map" => "a mapping".to_string(),
        "sequence" => "a list".to_string(),
        "unit value" => "nothing (an empty value)".to_string(),
        f => shorten(&f.replacen("string ", "text ", 1), 60),
    };
    format!("wrong type: found {found}, expected {expected}")
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
    #[test]
    fn type_errors_speak_yaml() {
        assert_eq!(
            super::plain_type_message("invalid type: string \"acces_soins\", expected a sequence"),
            "wrong type: found text \"acces_soins\", expected a list (lines starting with `- `)"
        );
        assert_eq!(super::plain_type_message("invalid type: sequence, expected struct RawContract"), "wrong type: found a list, expected a mapping (`key: value` lines)");
        assert_eq!(super::plain_type_message("something else"), "something else");
    }

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
