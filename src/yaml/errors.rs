//! serde_yaml's errors turned into located diagnostics: E0102 (type), E0103 (unknown key, with
//! "did you mean"), E0104 (missing key).

use super::locate::{Locator, Shift};
use crate::diagnostic::Code;
use crate::diagnostic::{did_you_mean, Diagnostic, Location};

/// Turns a serde_yaml error into a diagnostic. serde_yaml writes `path: message at line L column
/// C`; the path and the position are split off and the message classified.
pub(super) fn convert_error(
    file: &str,
    text: &str,
    e: &serde_yaml::Error,
    locator: &Locator,
) -> Diagnostic {
    convert_error_at(file, text, e, locator, Shift::default())
}

/// [`convert_error`] for a part of a file at `shift` (serde_yaml's positions are the part's; the
/// locator's are the file's).
pub(super) fn convert_error_at(
    file: &str,
    text: &str,
    e: &serde_yaml::Error,
    locator: &Locator,
    shift: Shift,
) -> Diagnostic {
    let full = e.to_string();
    // A reader error (a control character such as NUL) gives a byte offset, not a line.
    if let Some((msg, offset)) = full.rsplit_once(" at position ") {
        if let Ok(offset) = offset.parse::<usize>() {
            let (line, column) = crate::source::position(text, offset);
            let (line, column) = shift.pos(line, column);
            let location = Location {
                file: file.to_string(),
                path: None,
                line: Some(line),
                column: Some(column),
            };
            return Diagnostic::error(Code::E0101, format!("YAML syntax error: {msg}"), location);
        }
    }
    let mut msg = full.as_str();
    if let Some(i) = msg.rfind(" at line ") {
        msg = &msg[..i];
    }
    let (path, msg) = split_path(msg);
    let mut location = match e.location() {
        Some(l) => {
            // serde_yaml may point past the end of the text (an empty entry, a truncated file):
            // the end of the text is the last place there is to show.
            let end = crate::source::position(text, text.len());
            let (l, c) = if (l.line(), l.column()) > end { end } else { (l.line(), l.column()) };
            let (line, column) = shift.pos(l, c);
            Location { file: file.to_string(), path: None, line: Some(line), column: Some(column) }
        }
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
        let mut d = Diagnostic::error(Code::E0103, format!("unknown key `{field}`"), location)
            .with_label("not a known key here");
        d.help = Some(suggestion(field, &candidates));
        return d;
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (value, expected) = split_backticked(rest);
        let candidates = backticked(expected);
        let mut d = Diagnostic::error(Code::E0102, format!("unknown value `{value}`"), location);
        d.help = Some(suggestion(value, &candidates));
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
        let mut d = Diagnostic::error(Code::E0104, format!("missing key `{field}`"), location)
            .with_label("in the mapping that starts here");
        d.help = Some(format!("add a `{field}:` line to this mapping"));
        return d;
    }
    Diagnostic::error(Code::E0102, plain_type_message(msg), location)
}

/// `s` cut to `max` chars with `…` (a whole CSV file read as one YAML string must not be echoed).
pub(super) fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// serde's "invalid type: string \"x\", expected a sequence" in the words of a YAML file.
pub(super) fn plain_type_message(msg: &str) -> String {
    let Some(rest) = msg.strip_prefix("invalid type: ") else { return msg.to_string() };
    let Some((found, expected)) = rest.rsplit_once(", expected ") else { return msg.to_string() };
    let expected = match expected {
        "a sequence" => "a list (lines starting with `- `)".to_string(),
        e if e.starts_with("struct ") || e == "a map" => {
            "a mapping (`key: value` lines)".to_string()
        }
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

pub(super) fn split_path(msg: &str) -> (Option<&str>, &str) {
    if let Some(i) = msg.find(": ") {
        let head = &msg[..i];
        if !head.is_empty() && head.chars().all(|c| c.is_alphanumeric() || "_.[]-".contains(c)) {
            return (Some(head), &msg[i + 2..]);
        }
    }
    (None, msg)
}

/// `name`, rest -> (name, rest)
pub(super) fn split_backticked(s: &str) -> (&str, &str) {
    match s.find('`') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

/// All `quoted` words of `s`.
pub(super) fn backticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// "did you mean `x`? expected one of: a, b" (or only the list when nothing is close).
fn suggestion(word: &str, candidates: &[String]) -> String {
    match did_you_mean(word, candidates.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`? expected one of: {}", candidates.join(", ")),
        None => format!("expected one of: {}", candidates.join(", ")),
    }
}
