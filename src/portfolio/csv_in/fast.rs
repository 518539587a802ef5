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
    over_envelope_of, Contract, Direction, Engagement, EnvelopeCheck, Expectations, Indicator,
    Observation, Observations, Payout, Step, YearResult,
};
use crate::money::{cmp, parse_decimal, small_decimal, small_decimal_prefix};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

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

/// Whether every byte is printable ASCII or a space (`0x20` to `0x7e`), eight bytes at a time:
/// a byte outside sets its high bit in the word, in `+ 1` (`0x7f` and above) or in `- 0x20`
/// (below a space). A carry or a borrow between bytes starts only at such a byte, so a word of
/// good bytes never looks bad (tested: `printable_is_the_byte_test`).
fn printable(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let words = b.chunks_exact(8);
    let tail = words.remainder();
    for word in words {
        let w = u64::from_le_bytes(std::array::from_fn(|i| word[i]));
        if (w | w.wrapping_add(ONES) | w.wrapping_sub(ONES * 0x20)) & (ONES << 7) != 0 {
            return false;
        }
    }
    tail.iter().all(|&c| c.is_ascii_graphic() || c == b' ')
}

/// `s` around its first `byte` (an ASCII byte: both sides are then whole characters).
fn split_at_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == byte)?;
    Some((&s[..i], &s[i + 1..]))
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

/// The payout scale of the mini-language (`binary` or empty, `linear B..T`, `steps <= T:A ...`),
/// in its lower-case form, valid for an indicator paying at most `max`.
fn payout(text: &str, max: Decimal) -> Option<Payout> {
    usual_steps(text, max).or_else(|| any_payout(text, max))
}

/// A steps scale as spreadsheets and the harness write it, `steps >= T:A T:A …` (or `<=`): plain
/// decimals, one or more spaces apart, steps already easiest first, each paying at least the one
/// before and at most `max`. Read and checked in one pass over the bytes; what [`any_payout`]
/// reads of it (tested: `usual_steps_read_as_any_payout`), or `None` for any other text, which
/// [`any_payout`] then reads.
fn usual_steps(text: &str, max: Decimal) -> Option<Payout> {
    let mut b = text.as_bytes().strip_prefix(b"steps ")?;
    while let [b' ', rest @ ..] = b {
        b = rest;
    }
    let (direction, mut b) = match b {
        [b'<', b'=', b' ', rest @ ..] => (Direction::LowerIsBetter, rest),
        [b'>', b'=', b' ', rest @ ..] => (Direction::HigherIsBetter, rest),
        _ => return None,
    };
    let mut steps: Vec<Step> = Vec::with_capacity(4);
    loop {
        while let [b' ', rest @ ..] = b {
            b = rest;
        }
        if b.is_empty() {
            break;
        }
        let (threshold, rest) = small_decimal_prefix(b)?;
        let [b':', rest @ ..] = rest else { return None };
        let (amount, rest) = small_decimal_prefix(rest)?;
        if amount.is_sign_negative() || !matches!(rest, [] | [b' ', ..]) || cmp(amount, max).is_gt()
        {
            return None;
        }
        if let Some(last) = steps.last() {
            let easier = match direction {
                Direction::HigherIsBetter => cmp(last.threshold, threshold).is_lt(),
                Direction::LowerIsBetter => cmp(last.threshold, threshold).is_gt(),
            };
            if !easier || cmp(amount, last.amount).is_lt() {
                return None;
            }
        }
        steps.push(Step { threshold, amount });
        b = rest;
    }
    (!steps.is_empty()).then_some(Payout::Steps { direction, steps })
}

/// [`payout`] of any text the fast path takes: every scale kind, steps in any order.
fn any_payout(text: &str, max: Decimal) -> Option<Payout> {
    // Printable ASCII and spaces only (`≤`, tabs and the like take the located path), so words
    // are split at spaces as `split_whitespace` would split them.
    if !printable(text.as_bytes()) {
        return None;
    }
    let (word, rest) = split_at_byte(text, b' ').map_or((text, ""), |(w, r)| (w, r.trim()));
    match word {
        "" | "binary" if rest.is_empty() => Some(Payout::Binary),
        "linear" => {
            let (b, t) = rest.split_once("..")?;
            let (baseline, target) = (decimal(b)?, decimal(t)?);
            (baseline != target).then_some(Payout::Linear { baseline, target })
        }
        "steps" => {
            // The direction, then the steps (the text has no leading space: it is trimmed).
            let (direction, pairs) = match rest.split_at_checked(2) {
                Some(("<=", p)) if p.is_empty() || p.starts_with(' ') => {
                    (Direction::LowerIsBetter, p)
                }
                Some((">=", p)) if p.is_empty() || p.starts_with(' ') => {
                    (Direction::HigherIsBetter, p)
                }
                _ => return None,
            };
            let mut steps = token_steps(pairs)?;
            if steps.iter().any(|s| cmp(s.amount, max).is_gt()) {
                return None;
            }
            if steps.is_empty() {
                return None;
            }
            // Easiest first, as the validator orders them; a better step never pays less.
            // (Scales are mostly written in that order already: then nothing moves.)
            let order = |a: &Step, b: &Step| match direction {
                Direction::HigherIsBetter => cmp(a.threshold, b.threshold),
                Direction::LowerIsBetter => cmp(b.threshold, a.threshold),
            };
            if !steps.windows(2).all(|w| order(&w[0], &w[1]).is_le()) {
                steps.sort_by(order);
            }
            let ordered = steps.windows(2).all(|w| {
                cmp(w[0].threshold, w[1].threshold).is_ne() && cmp(w[1].amount, w[0].amount).is_ge()
            });
            ordered.then_some(Payout::Steps { direction, steps })
        }
        _ => None,
    }
}

/// The steps of a scale, word by word (the words of a printable text are split at its spaces),
/// each `THRESHOLD:AMOUNT` read by [`decimal`] and [`amount`]; `None` at the first that is not.
fn token_steps(pairs: &str) -> Option<Vec<Step>> {
    pairs
        .split_ascii_whitespace()
        .map(|token| {
            let (threshold, amount_text) = split_at_byte(token, b':')?;
            Some(Step { threshold: decimal(threshold)?, amount: amount(amount_text)? })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::header::header;
    use super::super::read::parse_csv;
    use super::super::{Ctx, Keys};
    use crate::input::Contract;
    use crate::rules::RuleSet;
    use std::collections::BTreeMap;

    proptest::proptest! {
        /// Eight bytes at a time, the answer of the byte test, on texts with every byte value
        /// near the edges (below a space, `~`, DEL, non-ASCII) anywhere.
        #[test]
        fn printable_is_the_byte_test(
            good in proptest::collection::vec(0x20u8..=0x7e, 0..40),
            edge in proptest::prop_oneof![0x1eu8..=0x22, 0x7cu8..=0x82, 0xfdu8..=0xff, proptest::prelude::any::<u8>()],
            at in proptest::prelude::any::<proptest::sample::Index>(),
            spoil in proptest::prelude::any::<bool>(),
        ) {
            // Good bytes, one of them sometimes replaced by a byte near an edge.
            let mut b = good;
            if spoil && !b.is_empty() {
                let i = at.index(b.len());
                b[i] = edge;
            }
            let bytewise = b.iter().all(|&c| c.is_ascii_graphic() || c == b' ');
            proptest::prop_assert_eq!(super::printable(&b), bytewise, "{:?}", b);
        }

        /// Where the one-pass reader of usual scales answers, it reads what the reader of any
        /// scale reads, to the scale of every decimal; and it answers for every scale in order
        /// (steps easiest first, on distinct thresholds, paying more and more, at most the
        /// maximum). Steps in and out of order, of 0 to 2 decimals, and spaces of 1 or 2.
        #[test]
        fn usual_steps_read_as_any_payout(
            lower in proptest::prelude::any::<bool>(),
            pairs in proptest::collection::vec((0i64..2000, 0u32..3, 0i64..50_000, 0u32..3), 1..5),
            sorted in proptest::prelude::any::<bool>(),
            gap in 1usize..3,
            max in 0i64..60_000,
        ) {
            use rust_decimal::Decimal;
            let mut steps: Vec<(Decimal, Decimal)> =
                pairs.iter().map(|&(t, ts, a, s)| (Decimal::new(t, ts), Decimal::new(a, s))).collect();
            if sorted {
                let mut thresholds: Vec<Decimal> = steps.iter().map(|s| s.0).collect();
                let mut amounts: Vec<Decimal> = steps.iter().map(|s| s.1).collect();
                thresholds.sort();
                if lower {
                    thresholds.reverse();
                }
                amounts.sort();
                steps = thresholds.into_iter().zip(amounts).collect();
            }
            let sp = " ".repeat(gap);
            let pairs: Vec<String> = steps.iter().map(|(t, a)| format!("{t}:{a}")).collect();
            let t = format!("steps{sp}{}{sp}{}", if lower { "<=" } else { ">=" }, pairs.join(&sp));
            let max = Decimal::new(max, 1);
            let usual = super::usual_steps(&t, max);
            let any = super::any_payout(&t, max);
            if let Some(usual) = &usual {
                proptest::prop_assert_eq!(Some(usual), any.as_ref(), "{:?}", t);
                if let (crate::input::Payout::Steps { steps: a, .. }, Some(crate::input::Payout::Steps { steps: b, .. })) = (usual, &any) {
                    for (x, y) in a.iter().zip(b) {
                        proptest::prop_assert_eq!(x.threshold.serialize(), y.threshold.serialize());
                        proptest::prop_assert_eq!(x.amount.serialize(), y.amount.serialize());
                    }
                }
            }
            let distinct = steps.windows(2).all(|w| w[0].0 != w[1].0);
            if sorted && distinct && steps.iter().all(|s| s.1 <= max) {
                proptest::prop_assert!(usual.is_some(), "{:?}", t);
            }
        }
    }

    /// The scales of the harness and the shipped samples take the one-pass reader, and it reads
    /// them as the reader of any scale does; a scale out of order, or paying above the maximum,
    /// is left to that reader.
    #[test]
    fn usual_scales_take_the_one_pass_reader() {
        let max = rust_decimal::Decimal::new(4000, 0);
        for t in [
            "steps >= 56.0:1333.33 86.6:2666.67 87.29:4000.00",
            "steps <= 73.3:1162.74 63.1:2325.49",
            "steps  >=  1:10  2:20 ",
        ] {
            let usual = super::usual_steps(t, max);
            assert!(usual.is_some(), "{t}");
            assert_eq!(usual, super::any_payout(t, max), "{t}");
        }
        for t in ["steps >= 2:10 1:20", "steps >= 1:5000", "steps >= 1:20 2:10", "Steps >= 1:1"] {
            assert_eq!(super::usual_steps(t, max), None, "{t}");
        }
    }

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
        let sample = include_str!("../../../fixtures/portfolio/sample-800-synthetic.csv");
        let example = include_str!("../../../fixtures/portfolio/example.csv");
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
