//! A portfolio file: one YAML (or JSON, which is YAML) document listing many CPTS, each entry a
//! contract written exactly as a contract file:
//!
//! ```yaml
//! format_version: 1
//! title: "CPAM de l'Exemple, CPTS sous contrat"   # optional
//! cpts:
//!   - format_version: 1
//!     id: cpts-a
//!     ...
//! ```
//!
//! Each entry is a record: an entry that does not parse or validate fails alone, its diagnostics
//! located in the file (`file:line:col`, path `cpts[3]....`), and the others go on. Entries are
//! parsed and validated in parallel.

use super::{Origin, Piece, Record, RecordState};
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::input::raw::RawContract;
use crate::input::Contract;
use crate::rules::RuleSet;
use rayon::prelude::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPortfolio {
    format_version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    title: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    /// Read entry by entry (`yaml::parse_entries`).
    #[allow(dead_code)]
    cpts: serde::de::IgnoredAny,
}

pub(super) fn load(name: &str, text: &str, rules: &RuleSet) -> Piece {
    let whole = |d: Diagnostic| Piece {
        contracts: Vec::new(),
        records: vec![Record {
            origin: Origin { file: name.to_string(), line: d.location.line, entry: None },
            state: RecordState::Failed(vec![d]),
        }],
    };
    let parsed = match crate::yaml::parse_entries::<RawPortfolio, RawContract>(name, text, "cpts") {
        Ok(p) => p,
        Err(d) => return whole(d),
    };
    if parsed.doc.format_version != 1 {
        let d = Diagnostic::error(
            Code::E0216,
            format!(
                "unsupported format_version {}: this engine reads version 1",
                parsed.doc.format_version
            ),
            parsed.locator.at("format_version"),
        );
        return whole(d);
    }
    // Entries are validated in parallel; records keep the file's order.
    let validated: Vec<(Origin, Result<Contract, Vec<Diagnostic>>)> = parsed
        .entries
        .into_par_iter()
        .enumerate()
        .map(|(i, entry)| {
            let origin = Origin {
                file: name.to_string(),
                line: Some(entry.line),
                entry: Some(format!("cpts[{i}]")),
            };
            let result = match &entry.value {
                Err(d) => Err(vec![d.clone()]),
                // Validated first without positions; an invalid entry again, located.
                Ok(raw) => Contract::from_raw(raw, &entry.unlocated(), rules, "")
                    .or_else(|_| Contract::from_raw(raw, &entry.locator(), rules, ""))
                    .map(|(c, _)| c),
            };
            (origin, result)
        })
        .collect();
    let mut piece = Piece { contracts: Vec::new(), records: Vec::with_capacity(validated.len()) };
    for (origin, result) in validated {
        let state = match result {
            Ok(c) => {
                piece.contracts.push(c);
                RecordState::Loaded { contract: piece.contracts.len() - 1, contract_year: None }
            }
            Err(ds) => RecordState::Failed(ds),
        };
        piece.records.push(Record { origin, state });
    }
    piece
}
