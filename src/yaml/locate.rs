//! The document read as events (yaml-rust2) into a [`Locator`]: document path -> line/column.

use super::guard::{too_deep, too_deep_flow, Breach, Guard};
use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::source::over_limit;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, ScanError};

/// Maps a document path (`missions[2].fixed.values.2019-08-25.t1`, the same syntax serde_yaml
/// uses in its messages) to where its key and its value start.
#[derive(Debug, Default, Clone)]
pub struct Locator {
    pub(super) file: String,
    pub(super) values: HashMap<String, (usize, usize)>,
    pub(super) keys: HashMap<String, (usize, usize)>,
    /// Shown before the paths of diagnostics: the entry's own path when this locator covers one
    /// entry of a longer document (`cpts[3]`), else empty.
    pub(super) prefix: String,
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
                return Location {
                    file: self.file.clone(),
                    path: Some(shown),
                    line: Some(line),
                    column: Some(col),
                };
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                // An entry's own position is the best fallback inside a longer document.
                None if !p.is_empty() && !self.prefix.is_empty() => p = "",
                None => {
                    return Location {
                        file: self.file.clone(),
                        path: Some(shown),
                        line: None,
                        column: None,
                    }
                }
            }
        }
    }
}

/// Where a part of a file starts: after `lines` lines, and on its first line after `cols` chars
/// (an entry written inline, `[{...}, {...}]`, is parsed alone with its columns kept).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Shift {
    pub(super) lines: usize,
    pub(super) cols: usize,
}

impl Shift {
    /// The file's line and column of the part's `line`:`col` (1-based).
    pub(super) fn pos(self, line: usize, col: usize) -> (usize, usize) {
        (line + self.lines, if line <= 1 { col + self.cols } else { col })
    }
}

pub(super) enum Frame {
    Map { key: Option<String> },
    Seq { index: usize },
}

pub(super) struct Builder {
    stack: Vec<(String, Frame)>,
    loc: Locator,
    done: bool,
    /// Where the document starts when it is a part of a longer file.
    shift: Shift,
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
        let pos = self.shift.pos(mark.line(), mark.col() + 1);
        match ev {
            Event::Scalar(text, ..) => match self.child_path() {
                None => {
                    // A key of the current mapping.
                    let base = self.stack.last().map(|(b, _)| b.clone()).unwrap_or_default();
                    let path =
                        if base.is_empty() { text.clone() } else { format!("{base}.{text}") };
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
pub(super) fn locate(file: &str, text: &str) -> Result<Locator, Diagnostic> {
    locate_part(file, text, Shift::default())
}

/// [`locate`] for a part of a file that starts at `shift`.
pub(super) fn locate_part(file: &str, text: &str, shift: Shift) -> Result<Locator, Diagnostic> {
    check_flow_depth(file, text, shift)?;
    locate_scanned(file, text, shift)
}

/// [`locate_part`] for a text whose flow depth is known to be within bounds (the rest of a
/// portfolio file, already scanned whole by the entries' pass).
pub(super) fn locate_scanned(file: &str, text: &str, shift: Shift) -> Result<Locator, Diagnostic> {
    let mut b = Builder {
        stack: Vec::new(),
        loc: Locator { file: file.to_string(), ..Locator::default() },
        done: false,
        shift,
    };
    let mut parser = Parser::new_from_str(text);
    let mut guard = Guard::default();
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| syntax_error(file, &e, shift))?;
        if matches!(ev, Event::StreamEnd) {
            break;
        }
        guard.check(&ev).map_err(|breach| breach_error(file, breach, mark, shift))?;
        b.on_event(ev, mark);
    }
    Ok(b.loc)
}

/// Error `E0105` at the bracket that opens a flow collection too deep (see [`too_deep_flow`]).
pub(super) fn check_flow_depth(file: &str, text: &str, shift: Shift) -> Result<(), Diagnostic> {
    let Some(at) = too_deep_flow(text) else { return Ok(()) };
    let (line, column) = crate::source::position(text, at);
    let (line, column) = shift.pos(line, column);
    let location =
        Location { file: file.to_string(), path: None, line: Some(line), column: Some(column) };
    Err(over_limit(location, format!("the document has {}", too_deep())))
}

/// A yaml-rust2 syntax error as `E0101`, at its line and column (in a part at `shift`).
pub(super) fn syntax_error(file: &str, e: &ScanError, shift: Shift) -> Diagnostic {
    let m = e.marker();
    let (line, column) = shift.pos(m.line(), m.col() + 1);
    Diagnostic::error(
        Code::E0101,
        format!("YAML syntax error: {}", e.info()),
        Location { file: file.to_string(), path: None, line: Some(line), column: Some(column) },
    )
}

/// A bound broken at `mark`: `E0105`, or `E0101` for a second document.
pub(super) fn breach_error(file: &str, breach: Breach, mark: Marker, shift: Shift) -> Diagnostic {
    let (line, column) = shift.pos(mark.line(), mark.col() + 1);
    let location =
        Location { file: file.to_string(), path: None, line: Some(line), column: Some(column) };
    match breach {
        Breach::Limit(what) => over_limit(location, format!("the document has {what}")),
        Breach::SecondDocument => Diagnostic::error(
            Code::E0101,
            "YAML syntax error: a second document (`---`): a file holds one document",
            location,
        )
        .with_help("remove the `---` line, or split the file in two"),
    }
}
