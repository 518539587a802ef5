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
}

impl Locator {
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
        let mut p = path;
        loop {
            if let Some(&(line, col)) = table.get(p).or_else(|| self.values.get(p)) {
                return Location {
                    file: self.file.clone(),
                    path: Some(path.to_string()),
                    line: Some(line),
                    column: Some(col),
                };
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => {
                    return Location { file: self.file.clone(), path: Some(path.to_string()), line: None, column: None }
                }
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
