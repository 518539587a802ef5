//! The pipeline's lower layers stay below the others: `src/eval`, `src/rules` and `src/input`
//! (rules, facts, evaluation) must not use the renderers (`report`), the layers built on the
//! engine (`variant`, `portfolio`, `budget`, `explain`), nor the binary (its `cmd_*` modules,
//! `main`, `src/bin/`) or its dependencies (clap, indicatif). The source files are scanned:
//! comments and string literals are blanked, then every path that starts at the crate root
//! (`crate::`, `super::` climbing to the root, `cpts_funding::`, `crate::{...}` groups) is
//! resolved to its top-level module.

use std::path::{Path, PathBuf};

const LOWER: [&str; 3] = ["src/eval", "src/rules", "src/input"];
const HIGHER: [&str; 5] = ["report", "variant", "portfolio", "budget", "explain"];
const FRONT_END_CRATES: [&str; 2] = ["clap", "indicatif"];

/// Whether the top-level module `name` is off limits for the lower layers.
fn forbidden(name: &str) -> bool {
    HIGHER.contains(&name) || name == "main" || name == "bin" || name.starts_with("cmd_")
}

/// `src` with comments and the contents of string and char literals replaced by spaces (line
/// breaks kept, so offsets keep their line numbers).
fn blank(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let keep = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(keep(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"') | Some('#'))
            && !b.get(i.wrapping_sub(1)).is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string r"..." or r#"..."#.
            let hashes = b[i + 1..].iter().take_while(|c| **c == '#').count();
            if b.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('r');
            i += 2 + hashes;
            out.push_str(&" ".repeat(hashes + 1));
            while i < b.len() {
                if b[i] == '"'
                    && b[i + 1..].iter().take(hashes).filter(|c| **c == '#').count() == hashes
                {
                    out.push_str(&" ".repeat(hashes + 1));
                    i += 1 + hashes;
                    break;
                }
                out.push(keep(b[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                let n = if b[i] == '\\' { 2 } else { 1 };
                for k in 0..n {
                    if let Some(&ch) = b.get(i + k) {
                        out.push(keep(ch));
                    }
                }
                i += n;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}'), or a lifetime (kept).
            let end = if next == Some('\\') {
                b[i + 2..].iter().position(|c| *c == '\'').map(|p| i + 2 + p)
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    out.push_str(&" ".repeat(e + 1 - i));
                    i = e + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_at(s: &str, at: usize) -> &str {
    let rest = &s[at..];
    let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    &rest[..len]
}

/// The text after `at` with leading whitespace skipped, and its offset.
fn skip_ws(s: &str, at: usize) -> usize {
    at + s[at..].len() - s[at..].trim_start().len()
}

/// The first segment of each item of the use group opening at `open` (`{`), e.g. `a` and `b` for
/// `{a::x, b}`; nested groups are not entered (their items share the first segment's module).
fn group_heads(s: &str, open: usize) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start_item = true;
    for (i, c) in s[open..].char_indices() {
        let at = open + i;
        match c {
            '{' => {
                depth += 1;
                start_item = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => start_item = true,
            c if start_item && depth == 1 && (c.is_alphabetic() || c == '_') => {
                out.push((at, ident_at(s, at).to_string()));
                start_item = false;
            }
            _ => {}
        }
    }
    out
}

/// The module path of a source file (`src/eval/mod.rs` → `eval`, `src/eval/x.rs` → `eval::x`).
fn module_of(file: &str) -> Vec<String> {
    let rel = file.trim_start_matches("src/").trim_end_matches(".rs");
    let mut m: Vec<String> = rel.split('/').map(String::from).collect();
    if m.last().is_some_and(|l| l == "mod") {
        m.pop();
    }
    m
}

/// The offending paths of one source file: (line, what it uses).
fn violations(file: &str, src: &str) -> Vec<(usize, String)> {
    let s = blank(src);
    let line = |at: usize| s[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    // The start of a path: not inside a word, not a later segment (`a::b`).
    let word_start = |at: usize| {
        !s[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$')
            && !s[..at].trim_end().ends_with("::")
    };
    let module = module_of(file);
    let mut at = 0;
    while at < s.len() {
        let Some(c) = s[at..].chars().next() else { break };
        if !(c.is_alphabetic() || c == '_') || !word_start(at) {
            at += c.len_utf8();
            continue;
        }
        let word = ident_at(&s, at);
        let after = skip_ws(&s, at + word.len());
        let path_follows = s[after..].starts_with("::");
        if FRONT_END_CRATES.contains(&word) && (path_follows || s[..at].trim_end().ends_with("use"))
        {
            out.push((line(at), format!("the front-end crate `{word}`")));
        }
        if word == "path" && s[..at].trim_end().ends_with("#[") {
            out.push((line(at), "a `#[path]` module (it could include any file)".into()));
        }
        // Where the path lands: `m` is the module it has reached (empty: the crate root).
        let start = match word {
            "crate" | "cpts_funding" => Some(Vec::new()),
            "super" => Some(module.clone()),
            _ => None,
        };
        if let Some(mut m) = start {
            let (mut cursor, mut cursor_word) = (at, word.to_string());
            loop {
                if cursor_word == "super" && m.pop().is_none() {
                    break;
                }
                let next = skip_ws(&s, cursor + cursor_word.len());
                if !s[next..].starts_with("::") {
                    break;
                }
                let seg = skip_ws(&s, next + 2);
                if s[seg..].starts_with('{') {
                    if m.is_empty() {
                        for (p, head) in group_heads(&s, seg) {
                            if forbidden(&head) {
                                out.push((line(p), format!("`crate::{head}`")));
                            }
                        }
                    }
                    break;
                }
                let w = ident_at(&s, seg).to_string();
                if w != "super" {
                    if m.is_empty() && forbidden(&w) {
                        out.push((line(seg), format!("`crate::{w}`")));
                    }
                    break;
                }
                (cursor, cursor_word) = (seg, w);
            }
        }
        at += word.len().max(1);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn eval_rules_and_input_do_not_use_the_layers_above_them() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut scanned = 0;
    for dir in LOWER {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files);
        files.sort();
        assert!(!files.is_empty(), "{dir}: no Rust file (moved? update LOWER)");
        for f in files {
            scanned += 1;
            let rel = f.strip_prefix(&root).expect("under the root").display().to_string();
            let src = std::fs::read_to_string(&f).expect("source");
            for (line, what) in violations(&rel, &src) {
                found.push(format!("{rel}:{line}: uses {what}"));
            }
        }
    }
    assert!(scanned >= 10, "only {scanned} files scanned");
    assert!(
        found.is_empty(),
        "the lower layers (eval, rules, input) must not use report, variant, portfolio, budget, \
         explain or the binary:\n{}",
        found.join("\n")
    );
}

/// The scanner itself finds each form of import, and not what only looks like one.
#[test]
fn the_layering_scan_finds_every_form_of_import() {
    let bad = [
        "use crate::report::text;",
        "use crate::{money, variant::Variant};",
        "use crate::{\n    calendar,\n    portfolio,\n};",
        "fn f() { crate::budget::project(); }",
        "fn f() { crate :: explain::x(); }",
        "use super::report;", // from src/eval/mod.rs, `super` is the crate root
        "use cpts_funding::variant;", // the crate's own name
        "use crate::cmd_portfolio;",
        "use clap::Parser;",
        "fn f() { indicatif::ProgressBar::new(1); }",
        "#[path = \"../main.rs\"]\nmod m;",
    ];
    for text in bad {
        assert_eq!(violations("src/eval/mod.rs", text).len(), 1, "not found in {text:?}");
    }
    assert_eq!(violations("src/eval/x.rs", "use super::super::portfolio;").len(), 1);
    let good = [
        "use crate::rules::RuleSet; use crate::{calendar, money};",
        "// use crate::report;\n/* crate::variant */ /// see `crate::portfolio`",
        "let s = \"crate::report\"; let r = r#\"use crate::budget;\"#; let c = '\"';",
        "use super::schedule; use super::{raw, validate};", // within eval
        "use super::report;",                               // eval::x's sibling, eval::report
        "fn variant(report: u8) -> u8 { report } let portfolio = 1;",
        "use crate::diagnostic::{Code, report};", // not the first segment
    ];
    for text in good {
        assert_eq!(violations("src/eval/x.rs", text), Vec::new(), "false alarm in {text:?}");
    }
    assert_eq!(
        violations("src/eval/mod.rs", "\n\nuse crate::{\n money,\n report };"),
        vec![(5, "`crate::report`".to_string())]
    );
}
