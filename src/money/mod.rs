//! Money and exact numbers: parsed from text, never from a float; checked arithmetic; rounding
//! only through a declared [`Rounding`] rule, which returns what it did so the audit trail can
//! record it.

mod format;

pub use format::*;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::str::FromStr;

/// Parses a decimal written as text (`"50000"`, `"0.75"`, `"-3.5"`). Rejects exponents,
/// spaces, thousands separators and anything that would need a float.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    // One pass over the bytes: an optional sign, digits, at most one point, one digit at least.
    let b = t.as_bytes();
    let body = match b.first() {
        Some(b'-' | b'+') => &b[1..],
        _ => b,
    };
    let (mut digits, mut points, mut other) = (false, 0u8, false);
    for c in body {
        match c {
            b'0'..=b'9' => digits = true,
            b'.' => points = points.saturating_add(1),
            _ => other = true,
        }
    }
    let ok = digits && points <= 1 && !other;
    if let Some(d) = ok.then(|| small_decimal(t)).flatten() {
        return Ok(d);
    }
    if !ok {
        return Err(format!("`{text}` is not a decimal number (write digits with an optional `.`, e.g. \"50000\" or \"0.75\")"));
    }
    Decimal::from_str_exact(t).map_err(|e| format!("`{text}` is not a representable decimal: {e}"))
}

/// `a.cmp(&b)`, without rescaling for the usual case: mantissas that fit 63 bits and scales at
/// most 18 apart are compared as integers at the larger scale (exact in `i128`); anything else
/// as `Decimal` compares (tested: `cmp_is_decimal_ordering`). A zero of either sign is zero.
#[inline]
pub(crate) fn cmp(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    let (ma, mb) = (a.mantissa(), b.mantissa());
    let (sa, sb) = (a.scale(), b.scale());
    if sa == sb {
        return ma.cmp(&mb);
    }
    const FITS: u128 = 1 << 63;
    let d = sa.abs_diff(sb);
    if d <= 18 && ma.unsigned_abs() < FITS && mb.unsigned_abs() < FITS {
        // 10^d from a table (`pow` is a loop).
        const TEN_TO: [i64; 19] = {
            let mut t = [1i64; 19];
            let mut i = 1;
            while i < 19 {
                t[i] = t[i - 1] * 10;
                i += 1;
            }
            t
        };
        let p = i128::from(TEN_TO[d as usize]);
        return if sa < sb { (ma * p).cmp(&mb) } else { ma.cmp(&(mb * p)) };
    }
    a.cmp(&b)
}

/// `a.checked_add(b)`, without `Decimal`'s general addition for the usual case: two positive
/// amounts, neither zero, at scales at most 9 apart, are added as 64-bit integers at the larger
/// scale, which the sum keeps, as `Decimal` gives it; a sum past 64 bits is left to `Decimal`. Anything else is `checked_add` (tested:
/// `add_is_decimal_addition`).
#[inline]
pub(crate) fn checked_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    const TEN_TO: [u64; 10] =
        [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];
    let (x, y) = (a.unpack(), b.unpack());
    if !x.negative && !y.negative && x.hi == 0 && y.hi == 0 {
        let (mx, my) =
            (u64::from(x.lo) | u64::from(x.mid) << 32, u64::from(y.lo) | u64::from(y.mid) << 32);
        // The mantissa at the smaller scale is brought to the larger one.
        let (big, small, d) = if x.scale >= y.scale {
            (mx, my, x.scale - y.scale)
        } else {
            (my, mx, y.scale - x.scale)
        };
        // (`Decimal` gives a zero's other operand as it is, at its own scale.)
        if mx != 0 && my != 0 && d <= 9 {
            if let Some(sum) =
                small.checked_mul(TEN_TO[d as usize]).and_then(|s| s.checked_add(big))
            {
                return Some(Decimal::from_parts(
                    sum as u32,
                    (sum >> 32) as u32,
                    0,
                    false,
                    x.scale.max(y.scale),
                ));
            }
        }
    }
    a.checked_add(b)
}

/// The common form of a decimal read without the general parser: an optional sign, 1 to 18
/// digits with at most one point between digits; not a negative zero. The same value and scale
/// as `Decimal::from_str_exact` (tested: `small_decimals_read_as_the_general_parser_reads_them`);
/// `None` for any other form, which the general parser reads.
pub(crate) fn small_decimal(t: &str) -> Option<Decimal> {
    let (negative, body) = match t.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        b => (false, b),
    };
    // At most 18 digits and a point: the mantissa fits an `i64` (below 10^18).
    if body.is_empty() || body.len() > 19 {
        return None;
    }
    // The digits before the point, then (after a point between digits) those after it; a digit
    // is tested by one subtraction.
    let n = body.len();
    let (mut mantissa, mut i) = (0u64, 0);
    while i < n {
        let d = body[i].wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        mantissa = mantissa * 10 + u64::from(d);
        i += 1;
    }
    let scale = if i == n {
        if n > 18 {
            return None;
        }
        0
    } else if body[i] == b'.' && i > 0 && i + 1 < n {
        let after = i + 1;
        for &c in &body[after..] {
            let d = c.wrapping_sub(b'0');
            if d >= 10 {
                return None;
            }
            mantissa = mantissa * 10 + u64::from(d);
        }
        n - after
    } else {
        return None;
    };
    if negative && mantissa == 0 {
        return None;
    }
    // `Decimal::new` without its checks: a mantissa below 10^18 (two words), a scale below 18.
    Some(Decimal::from_parts(mantissa as u32, (mantissa >> 32) as u32, 0, negative, scale as u32))
}

/// The [`small_decimal`] at the start of `b`, and the bytes after it: a scale's `T:A` pairs are
/// read in one pass with it (tested: `a_prefix_reads_as_the_short_cut`). [`small_decimal`],
/// which knows where its text ends, is quicker on a whole cell.
#[inline]
pub(crate) fn small_decimal_prefix(b: &[u8]) -> Option<(Decimal, &[u8])> {
    let (negative, mut b) = match b {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, b),
    };
    // Wrapping: past 18 digits the value is not used.
    let (mut mantissa, mut digits, mut scale) = (0u64, 0u32, 0u32);
    while let [c @ b'0'..=b'9', rest @ ..] = b {
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
        digits += 1;
        b = rest;
    }
    if let [b'.', rest @ ..] = b {
        b = rest;
        while let [c @ b'0'..=b'9', rest @ ..] = b {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            scale += 1;
            b = rest;
        }
        if scale == 0 {
            return None;
        }
    }
    if digits == 0 || digits + scale > 18 || (negative && mantissa == 0) {
        return None;
    }
    // `Decimal::new` without its checks: a mantissa below 10^18 (two words), a scale below 18.
    let d = Decimal::from_parts(mantissa as u32, (mantissa >> 32) as u32, 0, negative, scale);
    Some((d, b))
}

/// How a rounding rounds: half away from zero, half to even, or toward zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    HalfAwayFromZero,
    HalfEven,
    Down,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RoundingMode::HalfAwayFromZero => "half_away_from_zero",
            RoundingMode::HalfEven => "half_even",
            RoundingMode::Down => "down",
        }
    }
}

/// A rounding rule declared in the rules file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rounding {
    pub decimals: u32,
    pub mode: RoundingMode,
    pub reference: String,
}

impl Rounding {
    #[inline]
    pub fn apply(&self, value: Decimal) -> Decimal {
        // Already at most that many decimals (most lines): as it is, as `round_dp` answers.
        if value.scale() <= self.decimals {
            return value;
        }
        value.round_dp_with_strategy(self.decimals, self.mode.strategy())
    }
}

/// Parses a plain decimal (used for money in tests and CLI values).
pub fn dec(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The short comparison orders as `Decimal` does, on every sign, scale (0 to 28) and
        /// size, equal values of different scales and zeros of both signs included.
        #[test]
        fn cmp_is_decimal_ordering(
            (ma, sa) in (proptest::prelude::any::<i64>(), 0u32..=28),
            (mb, sb) in (proptest::prelude::any::<i64>(), 0u32..=28),
            wide in proptest::prelude::any::<(u32, u32, u32, bool)>(),
            pick in 0u8..4,
        ) {
            let a = Decimal::new(ma, sa);
            let b = match pick {
                // The same value at another scale (when it fits), or a wide mantissa.
                0 => a.checked_mul(Decimal::new(1, 0)).map_or(a, |x| {
                    let mut y = x;
                    y.rescale((sa + (sb % 4)).min(28));
                    y
                }),
                1 => Decimal::from_parts(wide.0, wide.1, wide.2, wide.3, sb),
                2 => Decimal::new(0, sb) * Decimal::from(if ma < 0 { -1 } else { 1 }),
                _ => Decimal::new(mb, sb),
            };
            proptest::prop_assert_eq!(cmp(a, b), a.cmp(&b), "{} vs {}", a, b);
            proptest::prop_assert_eq!(cmp(b, a), b.cmp(&a), "{} vs {}", b, a);
        }
    }

    /// Decimals of every sign, scale and size, zeros of both signs and values near the largest.
    fn any_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        prop_oneof![
            (any::<i64>(), 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<u64>(), 0u32..=2).prop_map(|(m, s)| Decimal::from_parts(
                m as u32,
                (m >> 32) as u32,
                0,
                false,
                s
            )),
            (any::<(u32, u32, u32, bool)>(), 0u32..=28)
                .prop_map(|((l, m, h, n), s)| Decimal::from_parts(l, m, h, n, s)),
            (0u32..=4, any::<bool>()).prop_map(|(s, n)| {
                let mut z = Decimal::new(0, s);
                z.set_sign_negative(n);
                z
            }),
            any::<u32>().prop_map(|k| Decimal::MAX - Decimal::from(k)),
        ]
    }

    proptest::proptest! {
        /// `checked_add` is `Decimal::checked_add`: the same 16 bytes (value, scale, sign of a
        /// zero), or none.
        #[test]
        fn add_is_decimal_addition(a in any_decimal(), b in any_decimal(), same in proptest::prelude::any::<bool>()) {
            // Often positive and at close scales, where the short cut is taken.
            let b = if same {
                Decimal::from_i128_with_scale(b.mantissa().abs() % 1_000_000_000_000_000_000, (a.scale() + b.scale() % 3).min(28))
            } else {
                b
            };
            let a = if same { a.abs() } else { a };
            proptest::prop_assert_eq!(
                checked_add(a, b).map(|d| d.serialize()),
                a.checked_add(b).map(|d| d.serialize()),
                "{} + {}", a, b
            );
        }
    }

    /// The carry into the high word, and the edges of the short cut.
    #[test]
    fn add_carries_as_decimal_does() {
        let top = Decimal::from_parts(u32::MAX, u32::MAX, 0, false, 2);
        let cases = [
            (top, Decimal::new(1, 2)),
            (top, top),
            (top, Decimal::new(1, 0)),
            (Decimal::new(1, 0), top),
            (
                Decimal::from_parts(u32::MAX, u32::MAX, 0, false, 0),
                Decimal::from_parts(u32::MAX, u32::MAX, 0, false, 9),
            ),
            (Decimal::new(7, 0), Decimal::new(7, 10)),
            (Decimal::new(1, 0), Decimal::new(0, 1)),
            (Decimal::new(0, 2), Decimal::new(3, 0)),
            (Decimal::new(5, 2), Decimal::new(-5, 2)),
            (Decimal::new(0, 2), Decimal::new(0, 2)),
            (Decimal::MAX, Decimal::MAX),
        ];
        for (a, b) in cases {
            assert_eq!(
                checked_add(a, b).map(|d| d.serialize()),
                a.checked_add(b).map(|d| d.serialize()),
                "{a} + {b}"
            );
        }
    }

    proptest::proptest! {
        /// The short-cut reads what it takes as the general parser does: same value, same scale,
        /// same sign (the 16 bytes of the decimal), and it takes the usual forms.
        #[test]
        fn small_decimals_read_as_the_general_parser_reads_them(
            t in "[-+]?[0-9]{0,20}(\\.[0-9]{0,20})?|[-+]?\\.[0-9]{1,3}|[0-9]{1,3}\\.|-0(\\.0+)?"
        ) {
            if let Some(d) = small_decimal(&t) {
                let general = Decimal::from_str_exact(&t).expect("the general parser reads it");
                proptest::prop_assert_eq!(d.serialize(), general.serialize(), "{}", t);
            }
            if let Ok(d) = parse_decimal(&t) {
                let general = Decimal::from_str_exact(&t).expect("the general parser reads it");
                proptest::prop_assert_eq!(d.serialize(), general.serialize(), "{}", t);
            }
        }
    }

    proptest::proptest! {
        /// A small decimal followed by nothing is what `small_decimal` reads, byte for byte
        /// (value, scale, sign), and both refuse the same texts; followed by a byte that is not
        /// part of a number, the same value and the rest.
        #[test]
        fn a_prefix_reads_as_the_short_cut(
            t in "[-+]?[0-9]{0,20}(\\.[0-9]{0,20})?|[-+]?\\.[0-9]{1,3}|[0-9]{1,3}\\.|-0(\\.0+)?",
            after in "[: a]{0,3}",
        ) {
            let whole = small_decimal_prefix(t.as_bytes())
                .filter(|(_, rest)| rest.is_empty())
                .map(|(d, _)| d.serialize());
            proptest::prop_assert_eq!(whole, small_decimal(&t).map(|d| d.serialize()), "{}", t);
            let text = format!("{t}{after}");
            if let Some(d) = small_decimal(&t) {
                let (p, rest) = small_decimal_prefix(text.as_bytes()).expect("a prefix");
                proptest::prop_assert_eq!(p.serialize(), d.serialize());
                proptest::prop_assert_eq!(rest, after.as_bytes());
            }
        }
    }

    #[test]
    fn the_short_cut_takes_the_usual_forms_and_leaves_the_rest() {
        for t in ["0", "62000", "1.50", "-3.5", "+5", "0.00", "123456789012345678"] {
            assert!(small_decimal(t).is_some(), "{t}");
        }
        for t in ["-0", "-0.00", ".5", "5.", "1234567890123456789", "1e5", ""] {
            assert!(small_decimal(t).is_none(), "{t}");
        }
    }

    #[test]
    fn parses_exact_text_and_rejects_floats_syntax() {
        assert_eq!(
            parse_decimal("12345678901234567890.12").unwrap().to_string(),
            "12345678901234567890.12"
        );
        assert!(parse_decimal("1e5").is_err());
        assert!(parse_decimal("50 000").is_err());
        assert!(parse_decimal("").is_err());
        assert!(parse_decimal(".").is_err());
    }

    #[test]
    fn rounds_half_away_from_zero() {
        let r = Rounding {
            decimals: 2,
            mode: RoundingMode::HalfAwayFromZero,
            reference: String::new(),
        };
        assert_eq!(r.apply(Decimal::new(12345, 3)).to_string(), "12.35");
        assert_eq!(r.apply(Decimal::new(-12345, 3)).to_string(), "-12.35");
    }
}
