//! A portfolio evaluated: each record's selected contract years into owned rows, in input order
//! (in parallel, the order and bytes independent of the thread count), the failures kept with
//! their diagnostics, and [`Summary`] counting every record; [`total`] sums without rows.

use super::row::row;
use super::*;
use crate::eval::{EvalError, Totals};

/// What evaluating a record gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Rows(Vec<Row>),
    /// Valid, but no contract year matches the selection (say why).
    NotSelected(String),
    Failed(Vec<Diagnostic>),
}

/// Counts of a run: `read = evaluated + failed + not_selected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub read: usize,
    pub evaluated: usize,
    pub failed: usize,
    pub not_selected: usize,
    /// CPTS-years evaluated (rows).
    pub rows: usize,
}

impl Summary {
    /// `812 read = 590 evaluated + 2 failed + 220 with no contract year starting in 2025`.
    pub fn sentence(&self, selection: Selection) -> String {
        let mut s =
            format!("{} read = {} evaluated + {} failed", self.read, self.evaluated, self.failed);
        match selection {
            Selection::Year(y) => {
                s += &format!(" + {} with no contract year starting in {y}", self.not_selected)
            }
            Selection::ContractYear(k) => {
                s += &format!(" + {} without contract year {k}", self.not_selected)
            }
            Selection::All if self.not_selected > 0 => {
                s += &format!(" + {} not selected", self.not_selected)
            }
            Selection::All => {}
        }
        s + &format!(" ({} CPTS-year rows)", self.rows)
    }
}

impl Summary {
    /// Adds the counts of other records (a later chunk of a streamed portfolio).
    pub fn merge(&mut self, o: &Summary) {
        self.read += o.read;
        self.evaluated += o.evaluated;
        self.failed += o.failed;
        self.not_selected += o.not_selected;
        self.rows += o.rows;
    }
}

impl Summary {
    /// The same in French, for the text reports.
    pub fn phrase(&self, selection: Selection) -> String {
        let mut s =
            format!("{} lus = {} évalués + {} en échec", self.read, self.evaluated, self.failed);
        match selection {
            Selection::Year(y) => {
                s += &format!(" + {} sans année de contrat commençant en {y}", self.not_selected)
            }
            Selection::ContractYear(k) => {
                s += &format!(" + {} hors année de contrat {k}", self.not_selected)
            }
            Selection::All if self.not_selected > 0 => {
                s += &format!(" + {} non retenus", self.not_selected)
            }
            Selection::All => {}
        }
        s + &format!(" ({} lignes CPTS-année)", self.rows)
    }
}

/// A portfolio evaluated under one rule set.
#[derive(Debug, Clone)]
pub struct Run {
    pub selection: Selection,
    /// One outcome per record, in record order.
    pub outcomes: Vec<Outcome>,
    pub summary: Summary,
}

impl Run {
    /// The rows, in record order then contract-year order.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.outcomes.iter().flat_map(|o| match o {
            Outcome::Rows(r) => r.as_slice(),
            _ => &[],
        })
    }

    /// The records that failed, with their diagnostics, in record order.
    pub fn failures(&self) -> impl Iterator<Item = (usize, &[Diagnostic])> {
        self.outcomes.iter().enumerate().filter_map(|(i, o)| match o {
            Outcome::Failed(d) => Some((i, d.as_slice())),
            _ => None,
        })
    }
}

/// Evaluates one record under `rules`.
pub fn evaluate_record(
    rules: &RuleSet,
    p: &Portfolio,
    index: usize,
    selection: Selection,
) -> Outcome {
    let record = &p.records[index];
    let (ci, fixed) = match &record.state {
        RecordState::Failed(d) => return Outcome::Failed(d.clone()),
        RecordState::Loaded { contract, contract_year } => (*contract, *contract_year),
    };
    let c = &p.contracts[ci];
    let ks = selection.years_of(rules, c, fixed);
    if ks.is_empty() {
        let why = match (selection, fixed) {
            (Selection::Year(y), None) => {
                use chrono::Datelike;
                let first = c.signature.year();
                format!(
                    "{y}: the contract was signed on {}, its years start in {first} to {}",
                    c.signature,
                    first + rules.contract_length_years as i32 - 1
                )
            }
            (_, Some(k)) => format!("the row is contract year {k}"),
            _ => String::new(),
        };
        return Outcome::NotSelected(why);
    }
    let mut rows = Vec::with_capacity(ks.len());
    for k in ks {
        match row(rules, c, k, index, ci) {
            Ok(row) => rows.push(row),
            Err(e) => return Outcome::Failed(vec![eval_diagnostic(&e, record, k)]),
        }
    }
    Outcome::Rows(rows)
}

fn eval_diagnostic(e: &EvalError, record: &Record, k: u32) -> Diagnostic {
    let loc = Location {
        file: record.origin.file.clone(),
        path: record.origin.entry.clone(),
        line: record.origin.line,
        column: None,
    };
    Diagnostic::error(e.code(), format!("contract year {k}: {e}"), loc)
}

/// Evaluates every record under `rules` (in parallel on the current rayon pool; the result does
/// not depend on the number of threads). `progress` is called once per record evaluated.
pub fn evaluate(
    rules: &RuleSet,
    p: &Portfolio,
    selection: Selection,
    progress: &(dyn Fn() + Sync),
) -> Run {
    let outcomes: Vec<Outcome> = (0..p.records.len())
        .into_par_iter()
        .with_min_len(16)
        .map(|i| {
            let o = evaluate_record(rules, p, i, selection);
            progress();
            o
        })
        .collect();
    let mut summary = Summary { read: outcomes.len(), ..Summary::default() };
    for o in &outcomes {
        match o {
            Outcome::Rows(r) => {
                summary.evaluated += 1;
                summary.rows += r.len();
            }
            Outcome::NotSelected(_) => summary.not_selected += 1,
            Outcome::Failed(_) => summary.failed += 1,
        }
    }
    Run { selection, outcomes, summary }
}

/// A portfolio's totals under one rule set, without its rows: what a sweep needs for each point.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totaled {
    pub totals: Totals,
    /// Total per tier (by tier index).
    pub by_tier: Vec<Decimal>,
    pub rows: usize,
    /// Records that failed (to read, or to evaluate under these rules).
    pub failed: usize,
}

pub(crate) fn add(a: Decimal, b: Decimal) -> Result<Decimal, EvalError> {
    // Most of a portfolio's amounts are zero (missions not engaged): adding one changes neither
    // the value nor the scale of a non-zero sum of at least its scale.
    if b.is_zero() && !a.is_zero() && b.scale() <= a.scale() {
        return Ok(a);
    }
    a.checked_add(b).ok_or(EvalError::Overflow)
}

/// Adds `t` into `into`, checked.
pub(crate) fn add_totals(into: &mut Totals, t: &Totals) -> Result<(), EvalError> {
    into.fonctionnement = add(into.fonctionnement, t.fonctionnement)?;
    into.fixed = add(into.fixed, t.fixed)?;
    into.variable = add(into.variable, t.variable)?;
    into.crisis = add(into.crisis, t.crisis)?;
    into.total = add(into.total, t.total)?;
    into.provisional = add(into.provisional, t.provisional)?;
    Ok(())
}

/// The totals of the portfolio under `rules` (sequential: a sweep parallelises over its points).
/// A record whose year fails to evaluate counts as failed and adds nothing, as in [`evaluate`].
/// `only`: the records to count (by record index), e.g. those a diff compares.
pub fn total(
    rules: &RuleSet,
    p: &Portfolio,
    selection: Selection,
    only: Option<&[bool]>,
) -> Result<Totaled, EvalError> {
    let mut out = Totaled { by_tier: vec![Decimal::ZERO; rules.tiers.len()], ..Totaled::default() };
    let mut years_of_record: Vec<(usize, Totals)> = Vec::with_capacity(8);
    for (i, r) in p.records.iter().enumerate() {
        if only.is_some_and(|o| !o.get(i).copied().unwrap_or(false)) {
            continue;
        }
        let RecordState::Loaded { contract, contract_year } = r.state else {
            out.failed += 1;
            continue;
        };
        let c = &p.contracts[contract];
        years_of_record.clear();
        let mut ok = true;
        for k in selection.years_of(rules, c, contract_year) {
            match crate::eval::year(rules, c, k, &mut crate::eval::TotalsOnly) {
                Ok(y) => years_of_record.push((y.tier_index, y.totals)),
                Err(_) => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            out.failed += 1;
            continue;
        }
        for (tier, t) in &years_of_record {
            add_totals(&mut out.totals, t)?;
            out.by_tier[*tier] = add(out.by_tier[*tier], t.total)?;
            out.rows += 1;
        }
    }
    Ok(out)
}
