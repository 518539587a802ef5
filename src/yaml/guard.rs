//! The bounds of [`crate::limits`] checked on the parser's events, as they come: nesting depth,
//! aliases and the nodes they would add once expanded (a "billion laughs" document is refused
//! before serde_yaml expands it), and one document per file. yaml-rust2 produces events with
//! an explicit state stack (no recursion), so this pass is linear and cannot overflow the stack.

use crate::limits::{MAX_ALIASES, MAX_ALIAS_NODES, MAX_DEPTH};
use yaml_rust2::parser::Event;

/// What the events seen so far add up to.
#[derive(Debug, Default)]
pub(super) struct Guard {
    /// The open collections: each one's anchor id and its node count so far.
    open: Vec<(usize, usize)>,
    /// The node count of each anchor, by anchor id (ids count up from 1).
    sizes: Vec<usize>,
    aliases: usize,
    expanded: usize,
    documents: usize,
}

/// Why a document was refused: over a limit (`E0105`), or a second document (`E0101`).
pub(super) enum Breach {
    Limit(String),
    SecondDocument,
}

impl Guard {
    /// Takes the next event; `Err` when it breaks a bound.
    pub(super) fn check(&mut self, ev: &Event) -> Result<(), Breach> {
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Breach::SecondDocument);
                }
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if self.open.len() >= MAX_DEPTH {
                    return Err(Breach::Limit(too_deep()));
                }
                self.open.push((*anchor, 1));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((anchor, n)) = self.open.pop() {
                    self.record(anchor, n);
                    self.add(n);
                }
            }
            Event::Scalar(_, _, anchor, _) => {
                self.record(*anchor, 1);
                self.add(1);
            }
            Event::Alias(anchor) => {
                self.aliases += 1;
                let n = self.sizes.get(*anchor).copied().unwrap_or(1).max(1);
                self.expanded = self.expanded.saturating_add(n);
                if self.aliases > MAX_ALIASES {
                    return Err(Breach::Limit(format!(
                        "more than {MAX_ALIASES} aliases (`*name`)"
                    )));
                }
                if self.expanded > MAX_ALIAS_NODES {
                    return Err(Breach::Limit(format!(
                        "aliases (`*name`) that would expand to more than {MAX_ALIAS_NODES} values"
                    )));
                }
                self.add(n);
            }
            _ => {}
        }
        Ok(())
    }

    fn record(&mut self, anchor: usize, n: usize) {
        if anchor == 0 {
            return;
        }
        if self.sizes.len() <= anchor {
            self.sizes.resize(anchor + 1, 0);
        }
        self.sizes[anchor] = n;
    }

    fn add(&mut self, n: usize) {
        if let Some((_, count)) = self.open.last_mut() {
            *count = count.saturating_add(n);
        }
    }
}

/// The bytes [`too_deep_flow`] looks at; any other byte is inside a value.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut k = 0;
    let bytes = b"\n\r \t#\"'[]{},:-?";
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
};

/// What a document too deep has.
pub(super) fn too_deep() -> String {
    format!("nesting deeper than {MAX_DEPTH} levels (lists and mappings inside each other)")
}

/// The byte offset of the first `[` or `{` that opens a flow collection deeper than
/// [`MAX_DEPTH`], found by a scan of the text (quoted scalars and comments skipped). It runs
/// before yaml-rust2 or serde_yaml see the text: their scanners look ahead through every open
/// flow collection for a possible key, quadratic in the depth, before producing the event that
/// [`Guard`] would refuse. A bracket inside a plain scalar counts only where a value may start,
/// so an ordinary text is not mistaken for a deep one.
pub(super) fn too_deep_flow(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    // Whether a value may start here (line start, after `: `, `- `, `[`, `{`, `,`), and
    // whether the previous byte was a blank (a `#` then starts a comment).
    let (mut may_start, mut blank) = (true, true);
    while i < b.len() {
        let c = b[i];
        if !SPECIAL[usize::from(c)] {
            // A run of ordinary bytes (letters, digits, most punctuation): inside a value.
            let run = b[i..].iter().position(|c| SPECIAL[usize::from(*c)]).unwrap_or(b.len() - i);
            (may_start, blank) = (false, false);
            i += run;
            continue;
        }
        match c {
            b'\n' | b'\r' => may_start = true,
            b' ' | b'\t' => {
                // Indentation: a run of blanks at once.
                i += b[i..].iter().position(|c| !matches!(c, b' ' | b'\t')).unwrap_or(b.len() - i);
                blank = true;
                continue;
            }
            b'#' if blank => {
                while i < b.len() && !matches!(b[i], b'\n' | b'\r') {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if may_start => {
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' if c == b'"' => i += 1,
                        q if q == c && c == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 1,
                        q if q == c => break,
                        _ => {}
                    }
                    i += 1;
                }
                may_start = false;
            }
            b'[' | b'{' if may_start => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                may_start = false;
            }
            b',' if depth > 0 => may_start = true,
            b':' => may_start = true,
            b'-' | b'?' => {
                may_start = matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
            }
            _ => may_start = false,
        }
        blank = matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::too_deep_flow;

    #[test]
    fn flow_depth_scan_counts_only_collections() {
        let deep = "[".repeat(65);
        assert_eq!(too_deep_flow(&format!("a: {deep}")), Some(3 + 64));
        assert_eq!(too_deep_flow(&format!("a: {}", "[".repeat(64))), None);
        let quoted = format!("a: \"{deep}\"\nb: '{deep}'\n# {deep}\nc: x{deep}\n");
        assert_eq!(too_deep_flow(&quoted), None, "quotes, comments and plain text are skipped");
        let json = format!("{{\"a\": {}", "[ ".repeat(70));
        assert_eq!(too_deep_flow(&json), Some(6 + 2 * 63));
    }
}
