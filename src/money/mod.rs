//! Money and exact numbers: parsed from text, never from a float; checked arithmetic; rounding
//! only through a declared [`Rounding`] rule, which returns what it did so the audit trail can
//! record it.

mod format;
mod parse;

pub use format::*;
pub use parse::{dec, parse_decimal};
pub(crate) use parse::{small_decimal, small_decimal_prefix};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

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
