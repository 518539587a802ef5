//! A running sum of amounts, held in whole cents while it can be: the exact `Decimal` that
//! adding the amounts one by one with [`add`] gives (value, scale, and the sign of a zero),
//! without `Decimal` arithmetic for the amounts an evaluation's totals and a portfolio's sums add
//! up (two decimals at most, rounded by the rules' `rounding`). An amount of more decimals, or a sum past `i64` cents, goes on as a
//! `Decimal` through [`add`], so an overflow is still [`EvalError::Overflow`], where `add` says it.

use super::{add, EvalError};
use rust_decimal::Decimal;

/// A `Decimal` of scale 0 to 2 whose value in cents fits an `i64`, with its scale and sign bit
/// (which a zero keeps: `Decimal` has a negative zero, and adding it returns it as is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cents {
    cents: i64,
    scale: u8,
    negative: bool,
}

const CENTS_PER_UNIT: [i64; 3] = [100, 10, 1];

impl Cents {
    const ZERO: Cents = Cents { cents: 0, scale: 0, negative: false };

    /// `d` in cents, when it has at most two decimals and they fit.
    pub(crate) fn of(d: Decimal) -> Option<Cents> {
        let u = d.unpack();
        let per = *CENTS_PER_UNIT.get(u.scale as usize)?;
        if u.hi != 0 {
            return None;
        }
        let magnitude = i64::try_from((u64::from(u.mid) << 32) | u64::from(u.lo)).ok()?;
        let cents = magnitude.checked_mul(per)?;
        let cents = if u.negative { -cents } else { cents };
        Some(Cents { cents, scale: u.scale as u8, negative: u.negative })
    }

    pub(crate) fn to_decimal(self) -> Decimal {
        // Exact: a value of scale `s` is a whole number of 10^-s.
        let mut d =
            Decimal::new(self.cents / CENTS_PER_UNIT[self.scale as usize], self.scale.into());
        d.set_sign_negative(self.negative);
        d
    }

    /// `self + b` as `Decimal::checked_add` gives it, in place; `false` (and `self` unchanged)
    /// past `i64` cents. A zero operand gives the other one unchanged (its scale too); two others
    /// give their exact sum at the larger scale, a positive zero when they cancel.
    #[inline]
    fn add(&mut self, b: Cents) -> bool {
        if b.cents == 0 {
            if self.cents == 0 {
                *self = b;
            }
            return true;
        }
        if self.cents == 0 {
            *self = b;
            return true;
        }
        let Some(cents) = self.cents.checked_add(b.cents) else {
            return false;
        };
        // Fields set one by one: no copy of the whole (padded) value.
        self.cents = cents;
        self.scale = self.scale.max(b.scale);
        self.negative = cents < 0;
        true
    }
}

/// An amount to add to sums, with its cents worked out once for all the sums it goes into.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Term {
    cents: Option<Cents>,
    value: Decimal,
}

impl Term {
    pub(crate) fn of(value: Decimal) -> Term {
        Term { cents: Cents::of(value), value }
    }
}

/// A sum of amounts; [`Sum::value`] is what [`add`] from zero, one amount after the other, gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sum {
    Cents(Cents),
    /// An amount or the sum left the cents: plain `Decimal` additions from then on.
    Decimal(Decimal),
}

impl Default for Sum {
    fn default() -> Self {
        Sum::Cents(Cents::ZERO)
    }
}

impl Sum {
    #[inline]
    pub(crate) fn add(&mut self, t: &Term) -> Result<(), EvalError> {
        if let (Sum::Cents(a), Some(b)) = (&mut *self, t.cents) {
            if a.add(b) {
                return Ok(());
            }
        }
        self.add_decimal(t.value)
    }

    /// What leaves the cents (rare): a `Decimal` addition.
    #[cold]
    #[inline(never)]
    fn add_decimal(&mut self, d: Decimal) -> Result<(), EvalError> {
        *self = Sum::Decimal(add(self.value(), d)?);
        Ok(())
    }

    pub(crate) fn value(&self) -> Decimal {
        match *self {
            Sum::Cents(c) => c.to_decimal(),
            Sum::Decimal(d) => d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn negative_zero(scale: u32) -> Decimal {
        let mut z = Decimal::new(0, scale);
        z.set_sign_negative(true);
        z
    }

    /// Amounts as a portfolio has them (cents, mostly), and what must leave the cents: zeros of
    /// every scale and sign, more decimals, sums past `i64` cents, and the 96-bit extremes where
    /// `Decimal` rounds or overflows.
    fn amount() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            4 => (-10_000_000i64..10_000_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
            2 => (0u32..=4, any::<bool>()).prop_map(|(s, n)| {
                if n { negative_zero(s) } else { Decimal::new(0, s) }
            }),
            1 => (any::<i64>(), 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
            1 => (i64::MAX / 100 - 3..=i64::MAX / 100 + 3, 0u32..=2, any::<bool>())
                .prop_map(|(m, s, n)| Decimal::new(if n { -m } else { m }, s)),
            1 => (any::<i128>(), 0u32..=28)
                .prop_map(|(m, s)| Decimal::from_i128_with_scale(m >> 32, s)),
            1 => (0u32..=3, any::<bool>()).prop_map(|(s, n)| {
                let d = if n { Decimal::MIN } else { Decimal::MAX };
                d / Decimal::new(10i64.pow(s), 0)
            }),
        ]
    }

    proptest! {
        /// Against `add` one by one from zero: the same 16 bytes (value, scale, sign of a zero)
        /// after every amount, and an overflow at the same amount.
        #[test]
        fn a_sum_is_what_adding_one_by_one_gives(
            mut amounts in proptest::collection::vec(amount(), 0..12),
            cancel in any::<bool>(),
        ) {
            if cancel {
                // Back to zero: sums that cancel on the way.
                let negated: Vec<Decimal> = amounts.iter().rev().map(|d| -*d).collect();
                amounts.extend(negated);
            }
            let mut sum = Sum::default();
            let mut plain = Decimal::ZERO;
            prop_assert_eq!(sum.value().serialize(), plain.serialize());
            for (i, d) in amounts.iter().enumerate() {
                match (sum.add(&Term::of(*d)), add(plain, *d)) {
                    (Ok(()), Ok(p)) => {
                        plain = p;
                        prop_assert_eq!(sum.value().serialize(), p.serialize(), "after {}: {:?}", i, amounts);
                    }
                    (Err(a), Err(b)) => {
                        prop_assert_eq!(a, b);
                        break;
                    }
                    (a, b) => prop_assert!(false, "after {}: {:?} vs {:?} ({:?})", i, a, b, amounts),
                }
            }
        }

        /// Every amount of at most two decimals whose cents fit comes back as it was.
        #[test]
        fn cents_keep_the_decimal(m in any::<i64>(), s in 0u32..=2, zero_sign in any::<bool>()) {
            let d = if m == 0 && zero_sign { negative_zero(s) } else { Decimal::new(m, s) };
            if let Some(c) = Cents::of(d) {
                prop_assert_eq!(c.to_decimal().serialize(), d.serialize());
            } else {
                prop_assert!((i128::from(m) * 10i128.pow(2 - s)).unsigned_abs() > i64::MAX as u128);
            }
        }
    }

    impl Sum {
        fn add_amount(&mut self, d: Decimal) -> Result<(), EvalError> {
            self.add(&Term::of(d))
        }
    }

    #[test]
    fn zeros_pass_through_with_their_scale_and_sign() {
        let mut s = Sum::default();
        s.add_amount(Decimal::new(0, 2)).unwrap();
        assert_eq!(s.value().scale(), 2);
        s.add_amount(Decimal::new(150, 1)).unwrap();
        // 0.00 + 15.0 is 15.0: adding to a zero gives the other operand.
        assert_eq!(s.value().serialize(), Decimal::new(150, 1).serialize());
        s.add_amount(Decimal::new(-1500, 2)).unwrap();
        assert_eq!(s.value().serialize(), Decimal::new(0, 2).serialize());
        s.add_amount(negative_zero(3)).unwrap();
        assert_eq!(s.value().serialize(), negative_zero(3).serialize());
    }

    #[test]
    fn an_overflow_is_reported() {
        let mut s = Sum::default();
        s.add_amount(Decimal::MAX).unwrap();
        assert_eq!(s.add_amount(Decimal::ONE), Err(EvalError::Overflow));
    }
}
