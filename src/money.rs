//! Money and exact numbers: parsed from text, never from a float; checked arithmetic; rounding
//! only through a declared [`Rounding`] rule, which returns what it did so the audit trail can
//! record it.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::fmt;
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
        let p = 10i128.pow(d);
        return if sa < sb { (ma * p).cmp(&mb) } else { ma.cmp(&(mb * p)) };
    }
    a.cmp(&b)
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
    let (mut mantissa, mut digits, mut scale, mut point) = (0i64, 0u32, 0u32, false);
    for (i, c) in body.iter().enumerate() {
        match c {
            b'0'..=b'9' if digits < 18 => {
                mantissa = mantissa * 10 + i64::from(c - b'0');
                digits += 1;
                scale += u32::from(point);
            }
            b'.' if i > 0 && i + 1 < body.len() && !point => point = true,
            _ => return None,
        }
    }
    if digits == 0 || (negative && mantissa == 0) {
        return None;
    }
    Some(Decimal::new(if negative { -mantissa } else { mantissa }, scale))
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
    pub fn apply(&self, value: Decimal) -> Decimal {
        value.round_dp_with_strategy(self.decimals, self.mode.strategy())
    }
}

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

/// Parses a plain decimal (used for money in tests and CLI values).
pub fn dec(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
