//! CSV portfolios, as agents keep them in spreadsheets: one row per CPTS and contract year. The
//! columns (documented in README.md, *CSV columns*) are the contract's fields, the mission start
//! dates, and per indicator its maximum, its payout scale and the year's result. The rows of one
//! CPTS (same `id`) make one contract, validated by the same code as a contract file, with every
//! diagnostic pointing at the cell (`file:line:col`, the column's name as its path).
//!
//! A row is a record: a row that contradicts its CPTS's first row, or whose year's result is
//! invalid, fails alone; a problem with the contract itself fails the CPTS's rows. The separator
//! (`,`, `;` or tab) is detected from the header; a UTF-8 BOM is skipped; numbers may use a
//! decimal comma and dates `DD/MM/YYYY`, as French Excel writes them.

use super::{Origin, Piece, Record, RecordState};
use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::input::Contract;
use crate::limits::MAX_ENTRY_BYTES;
use crate::rules::RuleSet;
use crate::source::over_limit;
use rayon::prelude::*;
mod cells;
mod fast;
mod header;
mod located;
mod read;

use super::stream::IdHasher;
use cells::{boolean, cell};
use header::{header, Columns};
pub(crate) use read::header_separator;
use read::{parse_csv, CsvRow};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

struct Ctx<'a> {
    file: &'a str,
    cols: &'a Columns,
    rules: &'a RuleSet,
    keys: Keys,
}

/// What every row needs of the header, looked up once per file.
struct Keys {
    id: Option<usize>,
    name: Option<usize>,
    region: Option<usize>,
    department: Option<usize>,
    population: Option<usize>,
    population_year: Option<usize>,
    signature: Option<usize>,
    contract_year: Option<usize>,
    year_population: Option<usize>,
    crisis: Option<usize>,
    /// Columns that describe the contract, not the year: every row of a CPTS repeats them or
    /// leaves them empty.
    contract_columns: Vec<usize>,
    /// No indicator id is declared by two columns groups (the fast path relies on it).
    unique_indicator_ids: bool,
    /// Per mission of the rules, its indicators (indices into `Columns::indicators`).
    indicators_of: Vec<Vec<usize>>,
}

impl Keys {
    fn of(c: &Columns) -> Keys {
        let f = |k: &str| c.fixed.get(k).copied();
        let mut contract_columns: Vec<usize> =
            ["name", "region", "department", "population", "population_year", "signature_date"]
                .iter()
                .filter_map(|k| f(k))
                .collect();
        contract_columns.extend(c.start.iter().chain(&c.deployed).flatten());
        for i in &c.indicators {
            contract_columns.extend([i.max, i.scale, i.label].into_iter().flatten());
        }
        let mut ids: Vec<&str> = c.indicators.iter().map(|i| &*i.id).collect();
        ids.sort_unstable();
        let unique_indicator_ids = ids.windows(2).all(|w| w[0] != w[1]);
        Keys {
            id: f("id"),
            name: f("name"),
            region: f("region"),
            department: f("department"),
            population: f("population"),
            population_year: f("population_year"),
            signature: f("signature_date"),
            contract_year: f("contract_year"),
            year_population: f("year_population"),
            crisis: f("crisis_recognised"),
            contract_columns,
            unique_indicator_ids,
            indicators_of: (0..c.start.len())
                .map(|m| {
                    (0..c.indicators.len()).filter(|i| c.indicators[*i].mission == m).collect()
                })
                .collect(),
        }
    }
}

impl Ctx<'_> {
    /// The line and column where cell `col` of `row` starts (after a line break inside quotes,
    /// on a later line than the row's first); the row's first line and column 1 without a cell.
    fn pos(&self, row: &CsvRow, col: Option<usize>) -> (usize, usize) {
        col.and_then(|c| row.position(c)).unwrap_or((row.line, 1))
    }

    fn loc(&self, row: &CsvRow, col: usize) -> Location {
        let (line, column) = self.pos(row, Some(col));
        Location {
            file: self.file.to_string(),
            path: Some(self.cols.names[col].clone()),
            line: Some(line),
            column: Some(column),
        }
    }

    /// The records of the rows of one CPTS (`rows`, in file order), and its contract if valid.
    fn group(&self, rows: &[&CsvRow]) -> (Option<Contract>, Vec<RecordState>) {
        let first = rows[0];
        let mut states: Vec<Option<RecordState>> = vec![None; rows.len()];
        // A later row that contradicts the first on a contract column fails alone.
        for (r, row) in rows.iter().enumerate().skip(1) {
            for &col in &self.keys.contract_columns {
                let (v, w) = (cell(row, Some(col)), cell(first, Some(col)));
                if !v.is_empty() && v != w {
                    let d = Diagnostic::error(Code::E0703, format!("column `{}` is `{v}` here but `{w}` on the first row of CPTS `{}` (line {}): a contract's columns must be the same on all its rows", self.cols.names[col], cell(first, self.cols.fixed.get("id").copied()), first.line), self.loc(row, col))
                        .with_help("leave the cell empty or repeat the first row's value");
                    states[r] = Some(RecordState::Failed(vec![d]));
                    break;
                }
            }
        }
        // Each row's own year and crisis flag.
        for (r, row) in rows.iter().enumerate() {
            if states[r].is_some() {
                continue;
            }
            let mut errors = Vec::new();
            if let Some(col) = self.keys.contract_year {
                let v = cell(row, Some(col));
                if v.parse::<u32>().is_err() {
                    errors.push(Diagnostic::error(
                        Code::E0102,
                        format!(
                            "contract_year `{v}` is not a contract year (1 to {})",
                            self.rules.contract_length_years
                        ),
                        self.loc(row, col),
                    ));
                }
            }
            if let Some(col) = self.keys.crisis {
                let v = cell(row, Some(col));
                if !v.is_empty() && boolean(v).is_none() {
                    errors.push(
                        Diagnostic::error(
                            Code::E0102,
                            format!("crisis_recognised `{v}` is not true or false"),
                            self.loc(row, col),
                        )
                        .with_help("write true/false (or oui/non, 1/0); empty is false"),
                    );
                }
            }
            if !errors.is_empty() {
                states[r] = Some(RecordState::Failed(errors));
            }
        }
        // Validate the contract with the rows left; a problem with one row's results drops that
        // row and the rest is validated again.
        loop {
            let kept: Vec<usize> = (0..rows.len()).filter(|r| states[*r].is_none()).collect();
            if kept.is_empty() {
                break;
            }
            let kept_rows: Vec<&CsvRow> = kept.iter().map(|r| rows[*r]).collect();
            // Validate without positions first; only an invalid contract is validated again with
            // them (the same checks, now located).
            let result = fast::contract(self, first, &kept_rows)
                .map(|c| Ok((c, Vec::new())))
                .unwrap_or_else(|| {
                    self.raw(first, &kept_rows, false)
                        .and_then(|(raw, loc)| Contract::from_raw(&raw, &loc, self.rules, ""))
                })
                .or_else(|_| {
                    self.raw(first, &kept_rows, true)
                        .and_then(|(raw, loc)| Contract::from_raw(&raw, &loc, self.rules, ""))
                });
            let mut errors = match result {
                Ok((c, _)) => {
                    let states = states
                        .into_iter()
                        .zip(0..)
                        .map(|(s, r)| {
                            s.unwrap_or(RecordState::Loaded {
                                contract: 0,
                                contract_year: Some(
                                    cell(rows[r], self.keys.contract_year).parse().unwrap_or(0),
                                ),
                            })
                        })
                        .collect();
                    return (Some(c), states);
                }
                Err(e) => e,
            };
            // `results[j]` is the j-th row kept; any other path is about the contract.
            let per_row: Vec<Option<usize>> = errors
                .iter()
                .map(|d| {
                    let p = d.location.path.as_deref()?.strip_prefix("results[")?;
                    let j: usize = p[..p.find(']')?].parse().ok()?;
                    kept.get(j).copied()
                })
                .collect();
            for d in &mut errors {
                self.name_column(rows, d);
            }
            if per_row.iter().all(Option::is_some) {
                for (d, r) in errors.into_iter().zip(per_row) {
                    let r = r.unwrap_or(0);
                    match &mut states[r] {
                        Some(RecordState::Failed(ds)) => ds.push(d),
                        _ => states[r] = Some(RecordState::Failed(vec![d])),
                    }
                }
                continue;
            }
            // The contract itself is invalid: every row kept fails, the first with the
            // diagnostics and the others pointing at it.
            let id = cell(first, self.cols.fixed.get("id").copied()).to_string();
            let first_kept = kept[0];
            for (n, r) in kept.into_iter().enumerate() {
                states[r] = Some(RecordState::Failed(if n == 0 {
                    std::mem::take(&mut errors)
                } else {
                    let loc = Location {
                        file: self.file.to_string(),
                        path: None,
                        line: Some(rows[r].line),
                        column: Some(1),
                    };
                    vec![Diagnostic::error(Code::E0706, format!("row not evaluated: the contract of CPTS `{id}` is invalid (see line {})", rows[first_kept].line), loc)]
                }));
            }
            break;
        }
        (None, states.into_iter().map(|s| s.unwrap_or(RecordState::Failed(Vec::new()))).collect())
    }
}

pub(super) fn load(file: &str, text: &str, rules: &RuleSet) -> Piece {
    load_shifted(file, text, rules, 0)
}

/// [`load`] of a chunk of a larger file: the header, then rows whose first is the file's line
/// `shift + 2`; every row's line (in origins, diagnostics and messages) is the file's.
pub(super) fn load_shifted(file: &str, text: &str, rules: &RuleSet, shift: usize) -> Piece {
    let mut rows = parse_csv(text);
    for r in rows.iter_mut().skip(1) {
        r.line += shift;
    }
    let mut piece = Piece { contracts: Vec::new(), records: Vec::new() };
    let Some((head, data)) = rows.split_first() else {
        let d = Diagnostic::error(
            Code::E0702,
            "the CSV file is empty: expected a header and one row per CPTS and contract year",
            Location::file(file),
        );
        piece.records.push(Record {
            origin: Origin { file: file.to_string(), line: None, entry: None },
            state: RecordState::Failed(vec![d]),
        });
        return piece;
    };
    let oversize = |row: &CsvRow| {
        row.oversize.map(|size| {
            let loc = Location {
                file: file.to_string(),
                path: None,
                line: Some(row.line),
                column: Some(1),
            };
            over_limit(
                loc,
                format!("the row is {size} bytes, over the limit of {MAX_ENTRY_BYTES} bytes"),
            )
        })
    };
    let header_cols = match oversize(head) {
        Some(d) => Err(vec![d]),
        None => header(file, head, rules),
    };
    let cols = match header_cols {
        Ok(c) => c,
        Err(ds) => {
            piece.records.push(Record {
                origin: Origin {
                    file: file.to_string(),
                    line: Some(head.line),
                    entry: Some("header".into()),
                },
                state: RecordState::Failed(ds),
            });
            return piece;
        }
    };
    let ctx = Ctx { file, cols: &cols, rules, keys: Keys::of(&cols) };
    // Rows grouped by CPTS id, in order of first appearance; records keep the file's order.
    let id_col = cols.fixed.get("id").copied();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_id: HashMap<&str, usize, BuildHasherDefault<IdHasher>> =
        HashMap::with_capacity_and_hasher(data.len(), Default::default());
    let mut states: Vec<Option<RecordState>> = vec![None; data.len()];
    for (r, row) in data.iter().enumerate() {
        if let Some(d) = oversize(row) {
            states[r] = Some(RecordState::Failed(vec![d]));
            continue;
        }
        let id = cell(row, id_col);
        if id.is_empty() {
            let (line, column) = ctx.pos(row, id_col);
            let loc = Location {
                file: file.to_string(),
                path: Some("id".into()),
                line: Some(line),
                column: Some(column),
            };
            states[r] = Some(RecordState::Failed(vec![Diagnostic::error(
                Code::E0104,
                "missing CPTS id",
                loc,
            )]));
            continue;
        }
        let g = *by_id.entry(id).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(r);
    }
    // CPTS are validated in parallel; the order of the results is the order of the groups.
    let built: Vec<(Option<Contract>, Vec<RecordState>)> = groups
        .par_iter()
        .map(|g| ctx.group(&g.iter().map(|r| &data[*r]).collect::<Vec<_>>()))
        .collect();
    piece.contracts.reserve(built.len());
    piece.records.reserve(data.len());
    for (g, (contract, group_states)) in groups.iter().zip(built) {
        let index = contract.map(|c| {
            piece.contracts.push(c);
            piece.contracts.len() - 1
        });
        for (r, mut s) in g.iter().zip(group_states) {
            if let (RecordState::Loaded { contract, .. }, Some(i)) = (&mut s, index) {
                *contract = i;
            }
            states[*r] = Some(s);
        }
    }
    for (row, state) in data.iter().zip(states) {
        let origin = Origin {
            file: file.to_string(),
            line: Some(row.line),
            entry: Some(format!("row {}", row.line)),
        };
        piece
            .records
            .push(Record { origin, state: state.unwrap_or(RecordState::Failed(Vec::new())) });
    }
    piece
}

#[cfg(test)]
mod tests;
