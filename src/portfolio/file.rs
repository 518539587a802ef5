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
//! located in the file (`file:line:col`, path `cpts[3]....`), and the others go on.

use super::{Origin, Piece, Record, RecordState};
use crate::diagnostic::Diagnostic;
use crate::input::raw::RawContract;
use crate::input::Contract;
use crate::rules::RuleSet;
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
    /// `None`: an entry that did not parse (see `yaml::parse_entries`), or a `null` entry.
    cpts: Vec<Option<RawContract>>,
}

pub(super) fn load(name: &str, text: &str, sha: &str, rules: &RuleSet) -> Piece {
    let whole = |d: Diagnostic| Piece { contracts: Vec::new(), records: vec![Record { origin: Origin { file: name.to_string(), line: d.location.line, entry: None }, state: RecordState::Failed(vec![d]) }] };
    let parsed = match crate::yaml::parse_entries::<RawPortfolio>(name, text, "cpts") {
        Ok(p) => p,
        Err(d) => return whole(d),
    };
    if parsed.doc.format_version != 1 {
        let d = Diagnostic::error("E0216", format!("unsupported format_version {}: this engine reads version 1", parsed.doc.format_version), parsed.locator.at("format_version"));
        return whole(d);
    }
    let mut piece = Piece { contracts: Vec::new(), records: Vec::with_capacity(parsed.entries.len()) };
    for (i, (raw, (locator, error))) in parsed.doc.cpts.iter().zip(parsed.entries).enumerate() {
        let here = locator.at("");
        let origin = Origin { file: name.to_string(), line: here.line, entry: Some(format!("cpts[{i}]")) };
        let state = match (raw, error) {
            (_, Some(d)) => RecordState::Failed(vec![d]),
            (None, None) => {
                let d = Diagnostic::error("E0102", "empty entry: expected a CPTS contract (a mapping)", here);
                RecordState::Failed(vec![d])
            }
            (Some(raw), None) => match Contract::from_raw(raw, &locator, rules, sha) {
                Ok((c, _)) => {
                    piece.contracts.push(c);
                    RecordState::Loaded { contract: piece.contracts.len() - 1, contract_year: None }
                }
                Err(ds) => RecordState::Failed(ds),
            },
        };
        piece.records.push(Record { origin, state });
    }
    piece
}
