//! Diagnostics as data: a stable code, a severity, a message naming the ids involved, where in
//! which file, and help. Rendering (text with a source snippet, or JSON lines) is separate so
//! the library never prints. Codes are stable: tests and users grep for them.

mod code;

use crate::limits::MAX_SNIPPET_CHARS;
pub use crate::source::Source;
pub use code::Code;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// How bad a diagnostic is. Errors stop an evaluation; warnings travel with the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where a diagnostic points: a file, the path inside the document, and a 1-based line/column.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Location {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location { file: file.into(), ..Location::default() }
    }
}

/// One problem found in a rule or contract file, or during an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A short label printed under the caret of the snippet.
    #[serde(skip)]
    pub label: Option<String>,
}

/// Appends `d` to `list` and hands it back, for a help text added after (the validators' `err`).
pub(crate) fn pushed(list: &mut Vec<Diagnostic>, d: Diagnostic) -> &mut Diagnostic {
    let at = list.len();
    list.push(d);
    &mut list[at]
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>, location: Location) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            location,
            help: None,
            label: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>, location: Location) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message, location) }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// The first, grep- and click-able line: `file:line:col: error[E0201]: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.location;
        write!(f, "{}", loc.file)?;
        if let Some(line) = loc.line {
            write!(f, ":{line}")?;
            if let Some(col) = loc.column {
                write!(f, ":{col}")?;
            }
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {sev}[{}]: {}", self.code, self.message)
    }
}

/// Renders a diagnostic as text: the first line, then a snippet of `source` (when given and the
/// line is known), then the help. Finding the line reads `source` up to it: to render many
/// diagnostics of one input, build its [`Source`] once and call [`render_text_in`].
pub fn render_text(diag: &Diagnostic, source: Option<&str>) -> String {
    let line = match (source, diag.location.line) {
        (Some(src), Some(n)) => nth_line(src, n),
        _ => None,
    };
    render_with_line(diag, line)
}

/// [`render_text`] with the source's lines indexed: each diagnostic costs the size of its own
/// line, not of the text before it.
pub fn render_text_in(diag: &Diagnostic, source: Option<&Source>) -> String {
    let line = match (source, diag.location.line) {
        (Some(src), Some(n)) => src.line(n),
        _ => None,
    };
    render_with_line(diag, line)
}

/// Line `n` (1-based) of `src`, lines broken at `\r\n`, `\n` or a lone `\r` (as YAML counts).
fn nth_line(src: &str, n: usize) -> Option<&str> {
    let bytes = src.as_bytes();
    let (mut line, mut start, mut i) = (1, 0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' || b == b'\r' {
            if line == n {
                return Some(&src[start..i]);
            }
            if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            line += 1;
            start = i + 1;
        }
        i += 1;
    }
    (line == n && start < src.len()).then(|| &src[start..])
}

/// [`render_text`] with the snippet's line already found (`None`: no snippet).
pub fn render_with_line(diag: &Diagnostic, source_line: Option<&str>) -> String {
    let mut out = format!("{diag}\n");
    let loc = &diag.location;
    if let (Some(text), Some(line)) = (source_line, loc.line) {
        let col = loc.column.unwrap_or(1).max(1);
        let width = line.to_string().len();
        let pad = " ".repeat(width);
        out.push_str(&format!("{pad}--> {}:{line}:{col}\n", loc.file));
        if let Some(path) = &loc.path {
            out.push_str(&format!("{pad} = in `{path}`\n"));
        }
        let (mut text, col) = snippet_window(text, col);
        // A control character (a NUL) is shown as `�`, one char for one: the caret stays put.
        if text.chars().any(|c| c.is_control() && c != '\t') {
            let shown =
                text.chars().map(|c| if c.is_control() && c != '\t' { '\u{fffd}' } else { c });
            text = Cow::Owned(shown.collect());
        }
        out.push_str(&format!("{pad} |\n{line} | {text}\n"));
        let rest: String = text.chars().skip(col - 1).collect();
        let token = token_width(&rest);
        let label = diag.label.as_deref().map(|l| format!(" {l}")).unwrap_or_default();
        out.push_str(&format!("{pad} | {}{}{label}\n", " ".repeat(col - 1), "^".repeat(token)));
    } else if let Some(path) = &loc.path {
        out.push_str(&format!("  = in `{path}`\n"));
    }
    if let Some(help) = &diag.help {
        out.push_str(&format!("  = help: {help}\n"));
    }
    out
}

/// A line longer than [`MAX_SNIPPET_CHARS`] cut to a window around `col` (1-based, in chars),
/// `…` marking each cut, and the column in the window.
fn snippet_window(text: &str, col: usize) -> (Cow<'_, str>, usize) {
    let max = MAX_SNIPPET_CHARS;
    if text.char_indices().nth(max).is_none() {
        return (Cow::Borrowed(text), col);
    }
    let skip = col.saturating_sub(1 + max / 3);
    // The window's first byte: the same as its char when the text before it is ASCII (checked
    // in bulk, fast on a long minified line), else counted char by char.
    let start = match text.as_bytes().get(..skip) {
        Some(before) if before.is_ascii() => skip,
        _ => text.char_indices().nth(skip).map_or(text.len(), |(i, _)| i),
    };
    let mut chars = text[start..].chars();
    let mut shown: String = if skip > 0 { "…".to_string() } else { String::new() };
    shown.extend(chars.by_ref().take(max));
    if chars.next().is_some() {
        shown.push('…');
    }
    let col = col - skip + usize::from(skip > 0);
    (Cow::Owned(shown), col)
}

/// Width of the token a caret should underline: up to the end of a scalar (a `:`, `,`, `}` or
/// a comment) or of a CSV cell (`;`, tab), at least one character.
fn token_width(rest: &str) -> usize {
    let mut n = 0;
    let mut quoted = None;
    for c in rest.chars() {
        match quoted {
            Some(q) if c == q => {
                n += 1;
                break;
            }
            Some(_) => {}
            None if n == 0 && (c == '"' || c == '\'') => quoted = Some(c),
            None if matches!(c, ':' | ',' | '}' | ']' | '#' | ';' | '\t') => break,
            None => {}
        }
        n += 1;
    }
    rest.chars().take(n).collect::<String>().trim_end().chars().count().max(1)
}

/// Renders a diagnostic as one JSON line (for `--format json`).
pub fn render_json(diag: &Diagnostic) -> String {
    serde_json::to_string(diag).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// The closest candidate to `word` by edit distance (strsim's Levenshtein), if close enough to
/// be a likely typo. A word much longer than every candidate (an untrusted 100 MB key) is
/// compared with nothing: no suggestion could be close.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    const LONGEST: usize = 128;
    let n = word.chars().take(LONGEST + 1).count();
    if n > LONGEST {
        return None;
    }
    let limit = (n / 3).max(2);
    // A word cut short (`partenariat` for `partenariat_cpam`) is also a likely slip.
    let truncated = |c: &str| n >= 4 && c.starts_with(word);
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= limit || truncated(c))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["min_population", "max_population", "label"];
        assert_eq!(did_you_mean("min_populaton", keys), Some("min_population"));
        assert_eq!(did_you_mean("colour", keys), None);
    }

    #[test]
    fn suggests_the_full_name_of_a_cut_word() {
        assert_eq!(
            did_you_mean("partenariat", ["ald_sans_mt", "partenariat_cpam"]),
            Some("partenariat_cpam")
        );
        assert_eq!(
            did_you_mean("ald", ["ald_sans_mt"]),
            None,
            "too short to be read as a cut word"
        );
    }

    #[test]
    fn snippets_of_lone_cr_files_and_huge_lines() {
        let at = |line, column| Location {
            file: "f".into(),
            path: None,
            line: Some(line),
            column: Some(column),
        };
        let d = Diagnostic::error(Code::E0101, "x", at(2, 1));
        assert!(render_text(&d, Some("a: 1\rb: 2\r")).contains("2 | b: 2\n"));
        let long = format!("{}key{}", "x".repeat(10_000), "y".repeat(10_000));
        let d = Diagnostic::error(Code::E0101, "x", at(1, 10_001));
        let out = render_text(&d, Some(&long));
        assert!(out.len() < 1_000, "{out}");
        assert!(out.contains("…xxx") && out.contains("xxkeyyy") && out.contains("yy…\n"), "{out}");
        let caret = out.lines().find(|l| l.contains('^')).unwrap();
        let shown = out.lines().find(|l| l.starts_with("1 | ")).unwrap();
        let at_caret: String = shown.chars().skip(caret.find('^').unwrap()).take(3).collect();
        assert_eq!(at_caret, "key");
        assert_eq!(render_text_in(&d, Some(&Source::new(&long))), out);
    }

    #[test]
    fn first_line_is_clickable() {
        let d = Diagnostic::error(
            Code::E0201,
            "boom",
            Location { file: "r.yaml".into(), path: None, line: Some(7), column: Some(21) },
        );
        assert_eq!(d.to_string(), "r.yaml:7:21: error[E0201]: boom");
    }
}
