//! Every bound the library puts on an untrusted input, in one place (README.md, *Limits*). A
//! breach is error `E0105`, located, found before the work it would make too costly: sizes are
//! checked before any parse, nesting depth and aliases in one linear pass over the parser's
//! events before any recursive parse.

/// A rules, contract, variant or scenario file, and the part of a portfolio file outside its
/// `cpts` list.
pub const MAX_FILE_BYTES: usize = 8 << 20;

/// One entry of a portfolio file (`cpts[i]`) or one CSV row.
pub const MAX_ENTRY_BYTES: usize = 1 << 20;

/// Nesting depth of a YAML or JSON document (the deepest real file has 7 levels).
pub const MAX_DEPTH: usize = 64;

/// Aliases (`*name`) in one document.
pub const MAX_ALIASES: usize = 1_000;

/// Nodes that aliases add once expanded (what a "billion laughs" document multiplies).
pub const MAX_ALIAS_NODES: usize = 100_000;

/// `contract_length_years` of a rules file (the agreement signs for 5 years).
pub const MAX_CONTRACT_YEARS: u32 = 20;

/// A source line shown in a diagnostic's snippet, in chars (a longer one is cut around the
/// column, so a huge line never floods the terminal).
pub const MAX_SNIPPET_CHARS: usize = 160;
