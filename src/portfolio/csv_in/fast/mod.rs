//! The fast path of a CSV portfolio: the rows of one CPTS turned straight into a [`Contract`],
//! without the raw contract, the locator and the document paths the located path builds. It
//! takes only plainly valid cells: at the first cell that is not (or is written in a rarer
//! form, such as `Steps` in capitals), it declines and the caller takes the located path
//! ([`super::Ctx::raw`] then the contract validator), which says what is wrong and where.
//!
//! So the fast path never decides that an input is wrong, and its contract is the one the
//! located path builds: the test `fast_path_agrees_with_the_located_path` checks both on
//! generated and mutated portfolios.

use super::cells::{boolean, cell, date, number};
use super::read::CsvRow;
use super::Ctx;
use crate::calendar::{parse_date, Date};
use crate::input::{
    over_envelope_of, Contract, Engagement, EnvelopeCheck, Expectations, Indicator, Observation,
    Observations, Payout, YearResult,
};
use crate::money::{parse_decimal, small_decimal};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

mod scale;
use scale::payout;

/// The contract of `rows` (the rows kept of one CPTS, `first` its first row), or `None` when
/// a cell needs the located path.
pub(super) fn contract(ctx: &Ctx, first: &CsvRow, rows: &[&CsvRow]) -> Option<Contract> {
    let (c, k, rules) = (ctx.cols, &ctx.keys, ctx.rules);
    if !k.unique_indicator_ids {
        return None;
    }
    let population: u64 = number(cell(first, k.population)).parse().ok()?;
    let population_year = match cell(first, k.population_year) {
        "" => None,
        y => Some(y.parse::<u32>().ok()?),
    };
    let signature = day(cell(first, k.signature))?;
    if rules.texts.first().is_some_and(|t| signature < t.in_force_from) {
        return None;
    }
    let check = EnvelopeCheck::new(rules, population, signature);
    let mut engagements = Vec::with_capacity(rules.missions.len());
    // The slot of each indicator column group's indicator (the same header numbering as
    // `Columns::indicators`), so that a row's values need no lookup by id.
    let mut slot_of = vec![None; c.indicators.len()];
    let mut slot = 0;
    for (m, mission) in rules.missions.iter().enumerate() {
        let mut declared = k.indicators_of[m]
            .iter()
            .map(|&i| (i, &c.indicators[i]))
            .filter(|(_, x)| !cell(first, x.max).is_empty());
        let start = match cell(first, c.start[m]) {
            "" if declared.next().is_some() => return None,
            "" => continue,
            s => day(s)?,
        };
        if start < signature || start < mission.exists_from {
            return None;
        }
        let full_deployment = match cell(first, c.deployed[m]) {
            "" => None,
            s => match day(s)? {
                f if f < start => return None,
                f => Some(f),
            },
        };
        let mut indicators = Vec::with_capacity(k.indicators_of[m].len());
        for (i, x) in declared {
            let max = amount(cell(first, x.max))?;
            let payout = payout(cell(first, x.scale), max)?;
            let label = match cell(first, x.label) {
                "" => x.id.clone(),
                l => l.into(),
            };
            indicators.push(Indicator { id: x.id.clone(), label, max, payout, slot });
            slot_of[i] = Some(slot);
            slot += 1;
        }
        let engagement =
            Engagement { mission: mission.id.clone(), start, full_deployment, indicators };
        if over_envelope_of(&check, mission, &engagement).is_some() {
            return None;
        }
        engagements.push(engagement);
    }
    let flat: Vec<&Indicator> = engagements.iter().flat_map(|e| &e.indicators).collect();
    let mut results = BTreeMap::new();
    for row in rows {
        let year: u32 = cell(row, k.contract_year).parse().ok()?;
        if year == 0 || year > rules.contract_length_years || results.contains_key(&year) {
            return None;
        }
        let population = match cell(row, k.year_population) {
            "" => None,
            p => Some(number(p).parse::<u64>().ok()?),
        };
        let crisis_recognised = match cell(row, k.crisis) {
            "" => false,
            v => boolean(v)?,
        };
        let mut observations = Observations::with_slots(slot);
        for (x, slot) in c.indicators.iter().zip(&slot_of) {
            let v = cell(row, x.value);
            if v.is_empty() {
                continue;
            }
            let indicator = flat[(*slot)?];
            let observation = match indicator.payout {
                Payout::Binary => Observation::Reached(boolean(v)?),
                _ => Observation::Value(decimal(v)?),
            };
            observations.insert(indicator, observation);
        }
        let expected = Default::default();
        results.insert(year, YearResult { population, crisis_recognised, observations, expected });
    }
    let opt = |col: Option<usize>| Some(cell(first, col)).filter(|s| !s.is_empty());
    Some(Contract {
        id: cell(first, k.id).to_string(),
        name: cell(first, k.name).to_string(),
        region: opt(k.region).map(str::to_string),
        department: opt(k.department).map(str::to_string),
        population,
        population_year,
        signature,
        engagements,
        results,
        expected: Expectations::new(),
        file: ctx.file.to_string(),
        sha256: String::new(),
    })
}

/// A date as `YYYY-MM-DD` or `DD/MM/YYYY`.
fn day(s: &str) -> Option<Date> {
    if s.contains('/') { parse_date(&date(s)) } else { parse_date(s) }.ok()
}

fn decimal(s: &str) -> Option<Decimal> {
    // A cell in the plain form (digits, a point) is read at once: `number` would leave it as it
    // is and `parse_decimal` would take the same short cut.
    small_decimal(s).or_else(|| parse_decimal(&number(s)).ok())
}

/// A decimal that is not negative (a negative zero is zero).
fn amount(s: &str) -> Option<Decimal> {
    decimal(s).filter(|v| !v.is_sign_negative() || v.is_zero())
}

#[cfg(test)]
mod tests {
    use super::super::header::header;
    use super::super::read::parse_csv;
    use super::super::{Ctx, Keys};
    use crate::input::Contract;
    use crate::rules::RuleSet;
    use std::collections::BTreeMap;

    /// Forms a cell may take that the fast path must read as the located path does, or decline.
    const VARIANTS: [&str; 24] = [
        "",
        "x",
        "0",
        "-1",
        "-0",
        "+5",
        "1.5",
        "1,5",
        "1 000",
        "1\u{a0}000,5",
        "10/03/2024",
        "2024-3-5",
        "2024-02-30",
        "2019-01-01",
        "true",
        "Oui",
        "non",
        "binary",
        "BINARY",
        "linear 5..5",
        "linear 1..9",
        "steps >= 1:10 1:20",
        "steps <= 9:1 5:99999999",
        "Steps >= 1:1",
    ];

    /// The contract each CPTS's rows give on the fast path and on the located path.
    fn both(rules: &RuleSet, text: &str) -> Vec<(Option<Contract>, Option<Contract>)> {
        let rows = parse_csv(text);
        let (head, data) = rows.split_first().expect("a header");
        let cols = header("t.csv", head, rules).expect("a valid header");
        let ctx = Ctx { file: "t.csv", cols: &cols, rules, keys: Keys::of(&cols) };
        let mut groups: BTreeMap<&str, Vec<&super::CsvRow>> = BTreeMap::new();
        for row in data {
            groups.entry(super::cell(row, ctx.keys.id)).or_default().push(row);
        }
        groups
            .values()
            .map(|rows| {
                let fast = super::contract(&ctx, rows[0], rows);
                let located = ctx
                    .raw(rows[0], rows, false)
                    .and_then(|(raw, loc)| Contract::from_raw(&raw, &loc, rules, ""))
                    .ok()
                    .map(|(c, _)| c);
                (fast, located)
            })
            .collect()
    }

    /// The fast path builds the located path's contract, or declines; it never accepts what the
    /// located path rejects. Checked on the shipped portfolios and on one-cell mutations of them
    /// (every cell of the small example, a cell in seven of the 800-row sample, each replaced by
    /// every variant above).
    #[test]
    fn fast_path_agrees_with_the_located_path() {
        let rules = RuleSet::embedded().expect("embedded rules").0;
        let sample = include_str!("../../../../fixtures/portfolio/sample-800-synthetic.csv");
        let example = include_str!("../../../../fixtures/portfolio/example.csv");
        // How many CPTS the fast path took, and how many are valid.
        let check = |text: &str| {
            let (mut taken, mut valid) = (0, 0);
            for (fast, located) in both(&rules, text) {
                if let Some(f) = &fast {
                    assert_eq!(Some(f), located.as_ref(), "the fast path accepted otherwise");
                    taken += 1;
                }
                valid += usize::from(located.is_some());
            }
            (taken, valid)
        };
        // Every valid CPTS of the shipped files (decimal commas, oui/non included) is taken.
        let (taken, valid) = check(sample);
        assert_eq!((taken, valid), (valid, 800));
        let (taken, valid) = check(example);
        assert!(taken == valid && valid > 0, "{taken} of {valid}");
        let mutate = |text: &str, every: usize| {
            let mut out = Vec::new();
            let lines: Vec<&str> = text.lines().collect();
            let sep = if lines[0].contains(';') { ';' } else { ',' };
            for (l, line) in lines.iter().enumerate().skip(1).step_by(every) {
                let cells: Vec<&str> = line.split(sep).collect();
                for c in (l % 5..cells.len()).step_by(if every == 1 { 1 } else { 9 }) {
                    for v in VARIANTS {
                        let mut row = cells.clone();
                        row[c] = v;
                        let mut t = lines.clone();
                        let joined = row.join(&sep.to_string());
                        t[l] = &joined;
                        out.push(t.join("\n"));
                    }
                }
            }
            out
        };
        for text in mutate(example, 1) {
            check(&text);
        }
        let head_and = |from: usize| {
            let mut l: Vec<&str> = sample.lines().take(1).collect();
            l.extend(sample.lines().skip(from).take(6));
            l.join("\n")
        };
        for from in [1, 120, 400, 799] {
            for text in mutate(&head_and(from), 3) {
                check(&text);
            }
        }
    }
}
