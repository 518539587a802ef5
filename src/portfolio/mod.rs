//! Portfolios: many CPTS at once, as a CPAM computes the payments of its area. A portfolio is
//! read from texts the caller has read (contract files, portfolio files listing many CPTS in YAML
//! or JSON, CSV files with one row per CPTS and contract year), evaluated record by record (in
//! parallel, with the output order and bytes independent of the thread count), and summed by
//! tier, mission, region and department.
//!
//! Nothing is lost: every record read (a file, an entry of a portfolio file, a CSV row) ends up
//! evaluated, failed (with located diagnostics naming the file and line/row), or outside the
//! selected year; [`Summary`] counts them. This module does no IO and never prints.

mod aggregate;
mod csv_in;
mod file;
mod row;
mod run;
pub mod stream;

/// The portfolio reports live in `report::portfolio`; kept here for their users.
pub use crate::report::portfolio::{csv_out, json_out, text_out};

pub use crate::eval::Selection;
pub use aggregate::{aggregate, Aggregates, MissionSums, Sums};
pub use csv_out::CsvOptions;
pub use row::{MissionAmounts, Row};
pub(crate) use run::{add, add_totals};
pub use run::{evaluate, evaluate_record, total, Outcome, Run, Summary, Totaled};

use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::input::Contract;
use crate::rules::{sha256_hex, RuleSet};
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::fmt;

/// Where a record comes from: a file, and for an entry of a longer file its line and name
/// (`row 12` of a CSV file, `cpts[3]` of a portfolio file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: Option<usize>,
    pub entry: Option<String>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(e) = &self.entry {
            write!(f, " ({e})")?;
        }
        Ok(())
    }
}

/// What became of a record once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordState {
    /// A valid contract (index into [`Portfolio::contracts`]); a CSV row fixes its contract year.
    Loaded { contract: usize, contract_year: Option<u32> },
    /// Could not be read or validated: every problem found, located.
    Failed(Vec<Diagnostic>),
}

/// One record of a portfolio: a contract file, an entry of a portfolio file, or a CSV row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub origin: Origin,
    pub state: RecordState,
}

/// The records read, in input order, and the valid contracts they refer to.
#[derive(Debug, Clone, Default)]
pub struct Portfolio {
    pub contracts: Vec<Contract>,
    pub records: Vec<Record>,
    /// Each input text's name and SHA-256, in input order.
    pub inputs: Vec<(String, String)>,
}

/// What an input text holds, judged from its name and first keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// One contract (YAML).
    Contract,
    /// A portfolio file (YAML or JSON) listing CPTS under `cpts`.
    PortfolioFile,
    /// A CSV file, one row per CPTS and contract year.
    Csv,
    /// A variant of the rules (`changes:`), for `--variant`.
    Variant,
}

/// Whether `name`/`text` is a CSV file, a portfolio file, a variant or a contract: the one
/// classifier of inputs, for every command.
pub fn input_kind(name: &str, text: &str) -> InputKind {
    let lower = name.to_ascii_lowercase();
    let named = [".yaml", ".yml", ".json"].iter().any(|e| lower.ends_with(e));
    if lower.ends_with(".csv") || (!named && looks_like_csv(text)) {
        InputKind::Csv
    } else if crate::yaml::root_key_comes_first(
        text,
        "cpts",
        &["id", "name", "population", "signature_date", "missions", "results"],
    ) {
        InputKind::PortfolioFile
    } else if crate::variant::looks_like_variant(text) {
        InputKind::Variant
    } else {
        InputKind::Contract
    }
}

/// Whether a text whose name does not say (standard input, `<(…)`) is a CSV portfolio: its first
/// line (a UTF-8 BOM aside) is a header, cells split by `,`, `;` or a tab, one of them `id`, and
/// it cannot be the first line of a YAML or JSON document (no `key: value`, no flow or list
/// opening, no comment or directive). A YAML file's first line is never such a header.
pub fn looks_like_csv(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let line = text.split(['\n', '\r']).next().unwrap_or("");
    if line.starts_with(['{', '[', '-', '#', '%']) || line.contains(": ") || line.ends_with(':') {
        return false;
    }
    let is_id = |c: &str| c.trim().trim_matches('"') == "id";
    [',', ';', '\t'].iter().any(|&sep| line.contains(sep) && line.split(sep).any(is_id))
}

/// Whether an input read by a command makes it a portfolio run (rather than one contract
/// file): a CSV or JSON file, or a portfolio file.
pub fn is_portfolio_input(name: &str, text: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
        || matches!(input_kind(name, text), InputKind::Csv | InputKind::PortfolioFile)
}

/// A failed record for an input that could not be read at all (the caller's IO error).
pub fn unreadable(name: &str, message: String) -> Record {
    Record {
        origin: Origin { file: name.to_string(), line: None, entry: None },
        state: RecordState::Failed(vec![Diagnostic::error(
            Code::E0001,
            message,
            Location::file(name),
        )]),
    }
}

/// The records of one input, with contract indices local to it.
struct Piece {
    contracts: Vec<Contract>,
    records: Vec<Record>,
}

/// The records and contracts of one input; the contracts' `sha256` is set by the caller.
fn load_one(name: &str, text: &str, rules: &RuleSet) -> Piece {
    match input_kind(name, text) {
        InputKind::Csv => csv_in::load(name, text, rules),
        InputKind::PortfolioFile => file::load(name, text, rules),
        // A variant file in a portfolio is read as a contract: its errors say what is wrong.
        InputKind::Contract | InputKind::Variant => {
            let origin = Origin { file: name.to_string(), line: None, entry: None };
            // Parsed and validated first without positions (most files are valid); a file with a
            // problem is read again the located way, for its diagnostics.
            let fast =
                crate::yaml::parse_fast::<crate::input::raw::RawContract>(text).and_then(|raw| {
                    Contract::from_raw(&raw, &crate::yaml::unlocated(name), rules, "").ok()
                });
            match fast.map(Ok).unwrap_or_else(|| Contract::from_text(name, text, rules)) {
                Ok((c, _)) => Piece {
                    contracts: vec![c],
                    records: vec![Record {
                        origin,
                        state: RecordState::Loaded { contract: 0, contract_year: None },
                    }],
                },
                Err(ds) => Piece {
                    contracts: Vec::new(),
                    records: vec![Record { origin, state: RecordState::Failed(ds) }],
                },
            }
        }
    }
}

/// Reads and validates a chunk of a large CSV file (its header, then rows from the file's line
/// `shift + 2`; see [`stream`]): every line reported is the file's. Duplicates within the chunk
/// are found as in [`load`]; across chunks, the caller keeps the ids.
pub fn load_csv_chunk(name: &str, text: &str, rules: &RuleSet, shift: usize) -> Portfolio {
    let piece = csv_in::load_shifted(name, text, rules, shift);
    let mut p =
        Portfolio { contracts: piece.contracts, records: piece.records, inputs: Vec::new() };
    mark_duplicates(&mut p);
    p
}

/// Reads and validates every input (`(name, text)`, in order; in parallel), then checks that no
/// two records give the same CPTS id (error `E0705` on the later ones: their amounts would be
/// counted twice).
pub fn load(inputs: &[(String, String)], rules: &RuleSet) -> Portfolio {
    load_with(inputs, rules, LoadOptions { hash: true })
}

/// What [`load_with`] does beside reading and validating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Each input's SHA-256 is computed: the receipts (`inputs` of the JSON documents, each
    /// contract's `sha256`). Without it they are empty: for a report that prints none (a CSV
    /// table), as the hash is a fifth of a large CSV's load on a CPU without SHA instructions.
    pub hash: bool,
}

/// [`load`], with or without the inputs' hashes.
pub fn load_with(inputs: &[(String, String)], rules: &RuleSet, opts: LoadOptions) -> Portfolio {
    let pieces: Vec<(String, Piece)> = inputs
        .par_iter()
        .map(|(name, text)| {
            if !opts.hash {
                return (String::new(), load_one(name, text, rules));
            }
            // The input's hash (its contracts' receipts) is computed beside the parse, not before
            // it: on a large CSV it is a tenth of the load, and it has no SHA instructions to use
            // on every machine.
            let (sha, mut piece) =
                rayon::join(|| sha256_hex(text.as_bytes()), || load_one(name, text, rules));
            for c in &mut piece.contracts {
                c.sha256.clone_from(&sha);
            }
            (sha, piece)
        })
        .collect();
    let mut p = Portfolio::default();
    for ((name, _), (sha, piece)) in inputs.iter().zip(pieces) {
        p.inputs.push((name.clone(), sha));
        let offset = p.contracts.len();
        p.contracts.extend(piece.contracts);
        for mut r in piece.records {
            if let RecordState::Loaded { contract, .. } = &mut r.state {
                *contract += offset;
            }
            p.records.push(r);
        }
    }
    mark_duplicates(&mut p);
    p
}

/// Error E0705 at `loc`: CPTS `id` is already in the portfolio (`first` says where); `help`
/// says how to give it one record. The one wording of a CPTS counted twice, for every input.
pub fn duplicate_diagnostic(id: &str, first: &str, loc: Location, help: &str) -> Diagnostic {
    Diagnostic::error(
        Code::E0705,
        format!(
            "CPTS `{id}` is already in the portfolio ({first}): its amounts would be counted twice"
        ),
        loc,
    )
    .with_help(help)
}

/// How to give a CPTS one record (the help of E0705).
pub const ONE_RECORD_HELP: &str =
    "give each CPTS one record (one contract file, one portfolio entry, or its rows of one CSV file)";

/// The same id from two contracts (not two rows of one CSV contract) is an error on the later.
fn mark_duplicates(p: &mut Portfolio) {
    let mut first: HashMap<&str, (usize, &Origin)> = HashMap::new();
    let mut dup: Vec<(usize, Diagnostic)> = Vec::new();
    for (i, r) in p.records.iter().enumerate() {
        if let RecordState::Loaded { contract, .. } = r.state {
            let id = p.contracts[contract].id.as_str();
            match first.get(id) {
                Some((c, _)) if *c == contract => {}
                Some((_, o)) => {
                    let loc = Location {
                        file: r.origin.file.clone(),
                        path: Some("id".into()),
                        line: r.origin.line,
                        column: None,
                    };
                    dup.push((i, duplicate_diagnostic(id, &o.to_string(), loc, ONE_RECORD_HELP)));
                }
                None => {
                    first.insert(id, (contract, &r.origin));
                }
            }
        }
    }
    for (i, d) in dup {
        p.records[i].state = RecordState::Failed(vec![d]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSV header on standard input is a CSV; the first line of a YAML or JSON document never
    /// is (the shipped contract, portfolio, rules, variant and budget files included).
    #[test]
    fn a_csv_is_known_by_its_header() {
        for t in ["id;name\nx;y", "\u{feff}name,id\r", "\"id\"\t\"name\"", "id,population"] {
            assert!(looks_like_csv(t), "{t:?}");
        }
        for t in ["id: x\nname: y", "id;name: x", "- id;name", "{\"id\":1}", "# id;x", "id", ""] {
            assert!(!looks_like_csv(t), "{t:?}");
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack: Vec<_> = ["fixtures", "rules"].iter().map(|d| root.join(d)).collect();
        let mut seen = 0;
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml" || x == "json") {
                    let t = std::fs::read_to_string(&p).unwrap_or_default();
                    assert!(!looks_like_csv(&t), "{}", p.display());
                    seen += 1;
                }
            }
        }
        assert!(seen > 50, "{seen} files");
    }
}
