//! A JSON document written in parts, for a streamed file whose lists come chunk by chunk: the
//! document's text around its lists (`split_at_lists`), each list written item by item
//! ([`JsonList`], items laid out by [`item`]). Concatenated, the parts are the bytes
//! `serde_json`'s pretty printer gives for the whole document (the diff and portfolio
//! documents use them, streamed or not, so the two cannot drift apart).

use serde::Serialize;

/// A list of the document written item by item (a streamed file, chunk by chunk): its items
/// laid out as `serde_json`'s pretty printer lays them out one level below the document's keys.
#[derive(Debug, Default)]
pub struct JsonList {
    items: usize,
}

impl JsonList {
    pub const OPEN: &'static str = "[";

    /// The text of more items (each already indented), with their separators.
    pub fn push(&mut self, items: &[String]) -> String {
        let mut o = String::new();
        for item in items {
            o.push_str(if self.items == 0 { "\n" } else { ",\n" });
            o.push_str(item);
            self.items += 1;
        }
        o
    }

    pub fn close(&self) -> &'static str {
        if self.items == 0 {
            "]"
        } else {
            "\n  ]"
        }
    }

    /// A whole list of `items` (of a document written at once), from `[` to `]`.
    pub fn whole(items: &[String]) -> String {
        let mut l = JsonList::default();
        let mut o = JsonList::OPEN.to_string();
        o.push_str(&l.push(items));
        o.push_str(l.close());
        o
    }
}

/// An item of a list of the document, pretty, each line indented to its depth.
pub(crate) fn item<T: Serialize>(x: &T) -> String {
    let text = serde_json::to_string_pretty(x).unwrap_or_default();
    // The pretty printer writes no line break inside a string (it escapes them): every `\n`
    // starts a line of the item, which then goes four spaces deeper.
    if text.is_empty() {
        return text;
    }
    let mut o = String::with_capacity(text.len() + text.len() / 8 + 4);
    o.push_str("    ");
    let mut rest = text.as_str();
    while let Some(i) = rest.find('\n') {
        o.push_str(&rest[..=i]);
        o.push_str("    ");
        rest = &rest[i + 1..];
    }
    o.push_str(rest);
    o
}

/// `doc` (pretty, with a final line break) cut at its empty lists `keys` (keys of the document,
/// two spaces deep, in document order): `keys.len() + 1` texts, each list to be written
/// between two of them.
pub(crate) fn split_at_lists<T: Serialize>(doc: &T, keys: &[&str]) -> Vec<String> {
    let text = serde_json::to_string_pretty(doc).unwrap_or_default() + "\n";
    let mut parts = Vec::with_capacity(keys.len() + 1);
    let mut rest = text.as_str();
    for key in keys {
        let mark = format!("\n  \"{key}\": []");
        let (before, after) = match rest.find(&mark) {
            Some(i) => rest.split_at(i + mark.len()),
            None => (rest, ""),
        };
        parts.push(before.strip_suffix("[]").unwrap_or(before).to_string());
        rest = after;
    }
    parts.push(rest.to_string());
    parts
}
