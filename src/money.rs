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
    let ok = !t.is_empty()
        && t.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')))
        && t.chars().filter(|c| *c == '.').count() <= 1
        && t.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return Err(format!("`{text}` is not a decimal number (write digits with an optional `.`, e.g. \"50000\" or \"0.75\")"));
    }
    Decimal::from_str_exact(t).map_err(|e| format!("`{text}` is not a representable decimal: {e}"))
}

/// How a rounding rounds: half away from zero, half to even, or toward zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    TwoDp(value).to_string()
}

/// Formats an amount the French way for people: `87 500,00 €` (narrow no-break space U+202F
/// between thousands).
pub fn format_eur(value: Decimal) -> String {
    Eur(value).to_string()
}

/// Formats a number as written, without trailing zeros (`"55.5"`, `"120"`).
pub fn format_plain(value: Decimal) -> String {
    Plain(value).to_string()
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

/// Sign and cents of `value` rounded half away from zero to 2 decimals.
fn cents(value: Decimal) -> (bool, u128) {
    let r = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let mut c = r.mantissa().unsigned_abs();
    for _ in r.scale()..2 {
        c *= 10;
    }
    (r.is_sign_negative() && c != 0, c)
}

/// Writes the decimal digits of `n` at the end of `buf`, returning where they start; with
/// `group`, a U+202F (3 bytes) every three digits.
fn digits(mut n: u128, buf: &mut [u8; 128], group: bool) -> usize {
    let mut i = buf.len();
    let mut count = 0;
    loop {
        if group && count > 0 && count % 3 == 0 {
            i -= 3;
            buf[i..i + 3].copy_from_slice("\u{202f}".as_bytes());
        }
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        count += 1;
        if n == 0 {
            return i;
        }
    }
}

fn write_cents(f: &mut fmt::Formatter<'_>, value: Decimal, group: bool, comma: bool) -> fmt::Result {
    let (neg, c) = cents(value);
    let mut buf = [0u8; 128];
    let start = digits(c / 100, &mut buf, group);
    if neg {
        f.write_str("-")?;
    }
    // Only ASCII digits and U+202F were written.
    f.write_str(std::str::from_utf8(&buf[start..]).map_err(|_| fmt::Error)?)?;
    let frac = (c % 100) as u8;
    let tail = [if comma { b',' } else { b'.' }, b'0' + frac / 10, b'0' + frac % 10];
    f.write_str(std::str::from_utf8(&tail).map_err(|_| fmt::Error)?)
}

impl fmt::Display for TwoDp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_cents(f, self.0, false, false)
    }
}

impl fmt::Display for Eur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_cents(f, self.0, true, true)?;
        f.write_str(" €")
    }
}

impl fmt::Display for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = self.0.mantissa().unsigned_abs();
        let mut scale = self.0.scale();
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        let mut buf = [0u8; 128];
        let mut start = digits(m, &mut buf, false);
        let scale = scale as usize;
        if m != 0 && self.0.is_sign_negative() {
            f.write_str("-")?;
        }
        if scale == 0 {
            return f.write_str(std::str::from_utf8(&buf[start..]).map_err(|_| fmt::Error)?);
        }
        // Pad with leading zeros so there is at least one integer digit.
        while buf.len() - start < scale + 1 {
            start -= 1;
            buf[start] = b'0';
        }
        let point = buf.len() - scale;
        f.write_str(std::str::from_utf8(&buf[start..point]).map_err(|_| fmt::Error)?)?;
        f.write_str(".")?;
        f.write_str(std::str::from_utf8(&buf[point..]).map_err(|_| fmt::Error)?)
    }
}

/// Parses a plain decimal (used for money in tests and CLI values).
pub fn dec(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_text_and_rejects_floats_syntax() {
        assert_eq!(parse_decimal("12345678901234567890.12").unwrap().to_string(), "12345678901234567890.12");
        assert!(parse_decimal("1e5").is_err());
        assert!(parse_decimal("50 000").is_err());
        assert!(parse_decimal("").is_err());
        assert!(parse_decimal(".").is_err());
    }

    #[test]
    fn rounds_half_away_from_zero() {
        let r = Rounding { decimals: 2, mode: RoundingMode::HalfAwayFromZero, reference: String::new() };
        assert_eq!(r.apply(Decimal::new(12345, 3)).to_string(), "12.35");
        assert_eq!(r.apply(Decimal::new(-12345, 3)).to_string(), "-12.35");
    }

    fn arb_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (any::<i64>(), 0u32..12).prop_map(|(m, s)| Decimal::new(m, s))
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
