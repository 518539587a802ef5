//! The one place where YAML is parsed. serde_yaml (archived upstream) maps a document onto the
//! raw types and reports type errors and unknown keys with a line and column; yaml-rust2 reads
//! the same text once more as events to build a [`Locator`] (document path -> line/column) so
//! that semantic errors found later can point at the offending value too. Swapping the YAML
//! library means changing this module only (`mod.rs`, `locate.rs`, `entries.rs`, `errors.rs`).

mod entries;
mod errors;
mod guard;
mod locate;

pub use entries::parse_entries;
pub use locate::Locator;

use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::limits::MAX_FILE_BYTES;
use crate::source::check_size;
use errors::convert_error;
use locate::{locate, locate_scanned, Shift};
use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, Parser};

/// Parses `text` (read from `file`) into `T`, returning the locator for later diagnostics.
/// Every failure is a located diagnostic: syntax (E0101), wrong type or value (E0102), unknown
/// key with a "did you mean" (E0103), missing key (E0104), a text over the limits of
/// [`crate::limits`] (E0105: size, nesting depth, aliases).
pub fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<(T, Locator), Diagnostic> {
    check_size(file, text, MAX_FILE_BYTES, "the file")?;
    parse_unbounded(file, text, false)
}

/// [`parse`] without the size limit and, when `scanned`, without the scan for deep flow
/// collections: the rest of a portfolio file once its list is blanked (the caller checked
/// its size and scanned the whole file).
fn parse_unbounded<T: DeserializeOwned>(
    file: &str,
    text: &str,
    scanned: bool,
) -> Result<(T, Locator), Diagnostic> {
    let locator =
        if scanned { locate_scanned(file, text, Shift::default())? } else { locate(file, text)? };
    if text.trim().is_empty() || locator.values.is_empty() {
        return Err(Diagnostic::error(
            Code::E0101,
            "the file is empty: expected a YAML mapping",
            Location::file(file),
        ));
    }
    match serde_yaml::from_str::<T>(text) {
        Ok(v) => Ok((v, locator)),
        Err(e) => Err(convert_error(file, text, &e, &locator)),
    }
}

/// Whether the top-level key `key` comes before any of `others` in the document (`cpts` before
/// a contract's `id`: a portfolio file). Reads events only as far as one of them.
pub fn root_key_comes_first(text: &str, key: &str, others: &[&str]) -> bool {
    if guard::too_deep_flow(text).is_some() {
        return false;
    }
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    let mut expect_key = false;
    loop {
        let Ok((ev, _)) = parser.next_token() else { return false };
        match ev {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                depth += 1;
                // Deeper than any real file: not a portfolio; its parse reports the depth.
                if depth > crate::limits::MAX_DEPTH {
                    return false;
                }
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
    // serde_yaml expands aliases: a text that may have some is checked by [`parse`] first.
    if text.contains('*') || text.len() > MAX_FILE_BYTES || guard::too_deep_flow(text).is_some() {
        return None;
    }
    serde_yaml::from_str(text).ok()
}

/// An empty locator for `file` (paths known, positions not): a first validation of a document
/// parsed with [`parse_fast`]; an invalid document is validated again with its real locator.
pub fn unlocated(file: &str) -> Locator {
    Locator::new(file)
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
            super::errors::plain_type_message(
                "invalid type: string \"acces_soins\", expected a sequence"
            ),
            "wrong type: found text \"acces_soins\", expected a list (lines starting with `- `)"
        );
        assert_eq!(
            super::errors::plain_type_message(
                "invalid type: sequence, expected struct RawContract"
            ),
            "wrong type: found a list, expected a mapping (`key: value` lines)"
        );
        assert_eq!(super::errors::plain_type_message("something else"), "something else");
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
        assert_eq!(d.code, Code::E0103);
        assert_eq!((d.location.line, d.location.column), (Some(4), Some(5)));
        assert!(d.help.unwrap().starts_with("did you mean `amount`"));
    }

    #[test]
    fn syntax_error_is_e0101() {
        let d = parse::<Doc>("f.yaml", "name: [x\nitems: 1\n").unwrap_err();
        assert_eq!(d.code, Code::E0101);
        assert!(d.location.line.is_some());
    }
}
