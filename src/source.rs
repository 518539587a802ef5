//! An input text as the library receives it: bytes checked to be UTF-8, sizes checked against
//! [`crate::limits`], and positions (line, column) computed from byte offsets. Line breaks are
//! `\r\n`, `\n` and a lone `\r`, as YAML and CSV count them. This module reads no file.

use crate::diagnostic::{Code, Diagnostic, Location};

/// The text of `bytes` (an input named `file`), or error `E0106` at the line and column of the
/// first byte that is not UTF-8, its byte offset in the message.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.valid_up_to();
            let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let (line, column) = position(valid, at);
            let shown: Vec<String> = bytes[at..]
                .iter()
                .take(e.error_len().unwrap_or(1))
                .map(|b| format!("0x{b:02X}"))
                .collect();
            Err(Diagnostic::error(
                Code::E0106,
                format!(
                    "the input is not UTF-8 text: byte {} at offset {at} is not valid UTF-8",
                    shown.join(" ")
                ),
                Location {
                    file: file.to_string(),
                    path: None,
                    line: Some(line),
                    column: Some(column),
                },
            )
            .with_help("save the file as UTF-8 (in a spreadsheet: \"CSV UTF-8\")"))
        }
    }
}

/// Error `E0105` if `text` is longer than `limit` bytes, located where the limit is crossed;
/// `what` names the input (`a rules file`).
pub fn check_size(file: &str, text: &str, limit: usize, what: &str) -> Result<(), Diagnostic> {
    if text.len() <= limit {
        return Ok(());
    }
    let mut at = limit;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let (line, column) = position(text, at);
    Err(over_limit(
        Location { file: file.to_string(), path: None, line: Some(line), column: Some(column) },
        format!("{what} is {} bytes, over the limit of {limit} bytes", text.len()),
    ))
}

/// An `E0105` diagnostic with the help that points at the README.
pub(crate) fn over_limit(location: Location, message: String) -> Diagnostic {
    Diagnostic::error(Code::E0105, message, location)
        .with_help("the limits on inputs are listed in README.md, section \"Limits\"")
}

/// The 1-based line and column (in chars) of byte `offset` of `text`.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut c = Cursor::default();
    c.advance(text, offset);
    (c.line, c.column)
}

/// A position moved forward through a text: many offsets in increasing order cost one pass.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursor {
    byte: usize,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl Default for Cursor {
    fn default() -> Self {
        Cursor { byte: 0, line: 1, column: 1 }
    }
}

impl Cursor {
    /// Moves to byte `offset` (not before the current one; clamped to the text).
    pub(crate) fn advance(&mut self, text: &str, offset: usize) {
        let offset = offset.min(text.len());
        if offset <= self.byte {
            return;
        }
        let bytes = text.as_bytes();
        let mut i = self.byte;
        while i < offset {
            match bytes[i] {
                b'\n' => {
                    self.line += 1;
                    self.column = 1;
                }
                // `\r\n` is one break, counted at its `\n`.
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                    self.line += 1;
                    self.column = 1;
                }
                b'\r' => {}
                // A UTF-8 continuation byte is not a new char.
                b if (b & 0xC0) == 0x80 => {}
                _ => self.column += 1,
            }
            i += 1;
        }
        self.byte = offset;
    }
}

/// Where each line of a text starts, built once so that a line is found by binary search.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut from = 0;
        while let Some(k) = memchr::memchr2(b'\n', b'\r', &bytes[from..]) {
            let i = from + k;
            from =
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
            starts.push(from);
        }
        LineIndex { starts }
    }

    /// Line `line` (1-based) of `text` without its line break.
    pub fn line<'a>(&self, text: &'a str, line: usize) -> Option<&'a str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        let s = text.get(start..end)?;
        let s = s.strip_suffix('\n').unwrap_or(s);
        Some(s.strip_suffix('\r').unwrap_or(s))
    }

    /// The 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset)
    }
}

/// A text and its [`LineIndex`]: what rendering many diagnostics of one input needs.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    pub text: &'a str,
    pub index: LineIndex,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Self {
        Source { text, index: LineIndex::new(text) }
    }

    /// Line `line` (1-based) without its line break.
    pub fn line(&self, line: usize) -> Option<&'a str> {
        self.index.line(self.text, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_crlf_lf_and_lone_cr() {
        let s = Source::new("a\r\nb\rc\nd");
        let lines: Vec<_> = (1..=5).map(|l| s.line(l)).collect();
        assert_eq!(lines, [Some("a"), Some("b"), Some("c"), Some("d"), None]);
        assert_eq!(s.index.line_of(4), 2);
        assert_eq!(position("a\r\nb\rcé\nd", 8), (3, 3));
    }

    #[test]
    fn bad_bytes_are_located() {
        let d = decode("f.csv", b"ab\n\xc3\xa9x\xff").unwrap_err();
        assert_eq!(d.code, Code::E0106);
        assert_eq!((d.location.line, d.location.column), (Some(2), Some(3)));
        assert!(d.message.contains("0xFF at offset 6"), "{}", d.message);
    }
}
