//! Amounts and numbers written as text: two decimals for files (`1234.50`), the French way for
//! people (`1 234,50 €`), as written (`55.5`); from their digits, without `fmt` on the usual path.

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

/// Formats an amount with exactly two decimals (`"1234.50"`), the JSON and CSV form. Amounts are
/// rounded half away from zero to the cent first (a display rounding: the engine's own rounding
/// is the rules' `rounding`, recorded in the audit trail).
pub fn format_2dp(value: Decimal) -> String {
    let mut s = String::new();
    push_2dp(&mut s, value);
    s
}

/// Formats an amount the French way for people: `87 500,00 €` (narrow no-break space U+202F
/// between thousands).
pub fn format_eur(value: Decimal) -> String {
    let mut s = String::new();
    push_eur(&mut s, value);
    s
}

/// Formats a number as written, without trailing zeros (`"55.5"`, `"120"`).
pub fn format_plain(value: Decimal) -> String {
    let mut s = String::new();
    push_plain(&mut s, value);
    s
}

/// [`format_2dp`] as a `Display` adapter, to write into a buffer without allocating.
#[derive(Debug, Clone, Copy)]
pub struct TwoDp(pub Decimal);

/// [`format_eur`] as a `Display` adapter.
#[derive(Debug, Clone, Copy)]
pub struct Eur(pub Decimal);

/// [`format_plain`] as a `Display` adapter.
#[derive(Debug, Clone, Copy)]
pub struct Plain(pub Decimal);

/// A number written right to left into a stack buffer (no allocation).
struct Rev {
    buf: [u8; 96],
    at: usize,
}

impl Rev {
    fn new() -> Self {
        Rev { buf: [0; 96], at: 96 }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.at -= bytes.len();
        self.buf[self.at..self.at + bytes.len()].copy_from_slice(bytes);
    }

    fn digit<N: Digits>(&mut self, d: N) {
        self.at -= 1;
        self.buf[self.at] = b'0' + d.rem10();
    }

    /// The digits of `n`, with a U+202F every three digits when `group`.
    fn int<N: Digits>(&mut self, mut n: N, group: bool) {
        let mut count = 0;
        loop {
            if group && count > 0 && count % 3 == 0 {
                self.push("\u{202f}".as_bytes());
            }
            self.digit(n);
            n = n.div10();
            count += 1;
            if n.is_zero() {
                return;
            }
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII and whole UTF-8 sequences are ever pushed.
        std::str::from_utf8(&self.buf[self.at..]).unwrap_or_default()
    }
}

/// `value` rounded half away from zero to the cent, with 2 decimals; French style (`1 234,50`)
/// when `french`, else `1234.50`.
fn cents_text(value: Decimal, french: bool, suffix: &str) -> Rev {
    // Amounts are mostly already rounded to the cent: no rounding work then.
    let r = if value.scale() <= 2 {
        value
    } else {
        value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    };
    let m = r.mantissa().unsigned_abs();
    let negative = r.is_sign_negative() && m != 0;
    let scale = r.scale();
    // 64-bit arithmetic whenever the cents fit (always for real amounts): 128-bit division is slow.
    let cents64 =
        u64::try_from(m).ok().and_then(|m| (scale..2).try_fold(m, |c, _| c.checked_mul(10)));
    match cents64 {
        Some(c) => cents_digits(c, negative, french, suffix),
        None => cents_digits((scale..2).fold(m, |c, _| c * 10), negative, french, suffix),
    }
}

fn cents_digits<N: Digits>(c: N, negative: bool, french: bool, suffix: &str) -> Rev {
    let mut out = Rev::new();
    out.push(suffix.as_bytes());
    out.digit(c);
    out.digit(c.div10());
    out.push(if french { b"," } else { b"." });
    out.int(c.div10().div10(), french);
    if negative {
        out.push(b"-");
    }
    out
}

/// `value` as written, without trailing zeros.
fn plain_text(value: Decimal) -> Rev {
    let m = value.mantissa().unsigned_abs();
    let negative = value.is_sign_negative() && !value.is_zero();
    match u64::try_from(m) {
        Ok(m) => plain_digits(m, value.scale(), negative),
        Err(_) => plain_digits(m, value.scale(), negative),
    }
}

fn plain_digits<N: Digits>(mut m: N, mut scale: u32, negative: bool) -> Rev {
    while scale > 0 && m.rem10() == 0 {
        m = m.div10();
        scale -= 1;
    }
    let mut out = Rev::new();
    for _ in 0..scale {
        out.digit(m);
        m = m.div10();
    }
    if scale > 0 {
        out.push(b".");
    }
    out.int(m, false);
    if negative {
        out.push(b"-");
    }
    out
}

/// Unsigned integers the writers above take: `u64` on the fast path, `u128` for the rest.
trait Digits: Copy {
    fn rem10(self) -> u8;
    fn div10(self) -> Self;
    fn is_zero(self) -> bool;
}

macro_rules! impl_digits {
    ($($t:ty),*) => {$(
        impl Digits for $t {
            fn rem10(self) -> u8 {
                (self % 10) as u8
            }
            fn div10(self) -> Self {
                self / 10
            }
            fn is_zero(self) -> bool {
                self == 0
            }
        }
    )*};
}
impl_digits!(u64, u128);

/// Appends [`format_eur`] of `value` to `out`.
pub fn push_eur(out: &mut String, value: Decimal) {
    out.push_str(cents_text(value, true, " €").as_str());
}

/// Appends [`format_2dp`] of `value` to `out`.
pub fn push_2dp(out: &mut String, value: Decimal) {
    match short_2dp(value, b'.') {
        Some(short) => out.push_str(short.as_str()),
        None => out.push_str(cents_text(value, false, "").as_str()),
    }
}

/// Appends [`format_plain`] of `value` to `out`.
pub fn push_plain(out: &mut String, value: Decimal) {
    out.push_str(plain_text(value).as_str());
}

/// Appends [`format_2dp`] of `value` to `out` as bytes, with `point` (`.` or `,`) before the
/// cents: what a CSV writer that holds bytes takes.
pub fn push_2dp_bytes(out: &mut Vec<u8>, value: Decimal, point: u8) {
    if let Some(short) = short_2dp(value, point) {
        out.extend_from_slice(short.as_bytes());
        return;
    }
    let at = out.len();
    out.extend_from_slice(cents_text(value, false, "").as_str().as_bytes());
    if let Some(b) = out[at..].iter_mut().find(|b| **b == b'.') {
        *b = point;
    }
}

/// Appends the digits of `n` to `out` (a count in a CSV cell).
pub fn push_whole_bytes(out: &mut Vec<u8>, n: u64) {
    let mut s = Short { buf: [0; 24], at: 24 };
    s.whole(n);
    out.extend_from_slice(s.as_bytes());
}

/// The ASCII of a short number, written right to left.
struct Short {
    buf: [u8; 24],
    at: usize,
}

impl Short {
    fn byte(&mut self, b: u8) {
        self.at -= 1;
        self.buf[self.at] = b;
    }

    /// The two digits of `n` (below 100).
    fn pair(&mut self, n: u64) {
        let i = 2 * n as usize;
        self.at -= 2;
        self.buf[self.at..self.at + 2].copy_from_slice(&DIGIT_PAIRS[i..i + 2]);
    }

    /// The digits of `n`.
    #[inline]
    fn whole(&mut self, mut n: u64) {
        while n >= 100 {
            self.pair(n % 100);
            n /= 100;
        }
        if n >= 10 {
            self.pair(n);
        } else {
            self.byte(b'0' + n as u8);
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[self.at..]
    }

    fn as_str(&self) -> &str {
        // Only ASCII is ever written.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

/// `00`, `01`, ... `99`: the digits of a number two at a time.
const DIGIT_PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// [`format_2dp`] of `value` when it has at most two decimals and its cents fit a `u64` (every
/// amount the rules round to the cent): nothing to round, the digits straight from the mantissa.
#[inline]
fn short_2dp(value: Decimal, point: u8) -> Option<Short> {
    let u = value.unpack();
    let per_unit = *[100u64, 10, 1].get(u.scale as usize)?;
    if u.hi != 0 {
        return None;
    }
    let cents = ((u64::from(u.mid) << 32) | u64::from(u.lo)).checked_mul(per_unit)?;
    let mut s = Short { buf: [0; 24], at: 24 };
    s.pair(cents % 100);
    s.byte(point);
    s.whole(cents / 100);
    // A negative zero is written `0.00`, as by `cents_text`.
    if u.negative && cents != 0 {
        s.byte(b'-');
    }
    Some(s)
}

impl fmt::Display for TwoDp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match short_2dp(self.0, b'.') {
            Some(short) => f.write_str(short.as_str()),
            None => f.write_str(cents_text(self.0, false, "").as_str()),
        }
    }
}

impl fmt::Display for Eur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(cents_text(self.0, true, " €").as_str())
    }
}

impl fmt::Display for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(plain_text(self.0).as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        // Everyday amounts (64-bit mantissas, the fast path) and the 96-bit extremes (the slow path).
        prop_oneof![
            (any::<i64>(), 0u32..12).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<i128>(), 0u32..28).prop_map(|(m, s)| Decimal::from_i128_with_scale(m >> 33, s)),
        ]
    }

    proptest::proptest! {
        /// The digit writers give exactly what `Decimal`'s own formatting gives.
        #[test]
        fn fast_formatting_matches_decimal_display(d in arb_decimal()) {
            let r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let twodp = format!("{r:.2}");
            let twodp = if twodp.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { twodp.trim_start_matches('-').to_string() } else { twodp };
            proptest::prop_assert_eq!(format_2dp(d), twodp);
            proptest::prop_assert_eq!(format_plain(d), d.normalize().to_string());
            let eur = format_eur(d);
            let plain_eur = eur.replace('\u{202f}', "").replace(',', ".");
            proptest::prop_assert_eq!(plain_eur.trim_end_matches(" €"), format_2dp(d));
        }
    }

    proptest::proptest! {
        /// The short path writes what the general one writes, with either point, for every
        /// decimal (the short path takes two decimals at most and `u64` cents; zeros of either
        /// sign; the others fall back).
        #[test]
        fn bytes_2dp_match_format_2dp(
            d in proptest::prop_oneof![
                arb_decimal(),
                (any::<i64>(), 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
                (0u32..=4).prop_map(|s| { let mut z = Decimal::new(0, s); z.set_sign_negative(true); z }),
                (u64::MAX / 100 - 2..=u64::MAX / 100 + 2, 0u32..=2, proptest::bool::ANY).prop_map(
                    |(m, s, n)| Decimal::from_i128_with_scale(if n { -i128::from(m) } else { i128::from(m) }, s)
                ),
            ],
            comma in proptest::bool::ANY,
        ) {
            let mut out = b"x".to_vec();
            push_2dp_bytes(&mut out, d, if comma { b',' } else { b'.' });
            let expected = format!("x{}", format_2dp(d));
            let expected = if comma { expected.replace('.', ",") } else { expected };
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), expected);
            // The String writers take the short path too: the same text as the general one.
            let general = cents_text(d, false, "");
            proptest::prop_assert_eq!(format_2dp(d), general.as_str());
            proptest::prop_assert_eq!(TwoDp(d).to_string(), general.as_str());
            let mut s = String::from("y");
            push_2dp(&mut s, d);
            proptest::prop_assert_eq!(s, format!("y{}", general.as_str()));
        }
    }

    #[test]
    fn formats_for_people_and_machines() {
        assert_eq!(format_2dp(Decimal::new(875, 1)), "87.50");
        assert_eq!(format_eur(Decimal::new(8750000, 2)), "87\u{202f}500,00 €");
        assert_eq!(format_eur(Decimal::new(-100, 0)), "-100,00 €");
        assert_eq!(format_eur(Decimal::new(-1, 3)), "0,00 €");
        assert_eq!(format_eur(Decimal::new(123456789, 2)), "1\u{202f}234\u{202f}567,89 €");
        assert_eq!(format_plain(Decimal::new(-5, 3)), "-0.005");
        assert_eq!(format_plain(Decimal::new(55500, 3)), "55.5");
    }
}
