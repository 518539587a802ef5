//! The payout scale of a CSV cell on the fast path (`binary`, `linear B..T`, `steps <= T:A …`):
//! the usual steps scale read and checked in one pass, any other form word by word; `None`
//! whenever the located path must read it.

use super::{amount, decimal};
use crate::input::{Direction, Payout, Step};
use crate::money::{cmp, small_decimal_prefix};
use rust_decimal::Decimal;

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

/// The payout scale of the mini-language (`binary` or empty, `linear B..T`, `steps <= T:A ...`),
/// in its lower-case form, valid for an indicator paying at most `max`.
pub(super) fn payout(text: &str, max: Decimal) -> Option<Payout> {
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
}
