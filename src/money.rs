//! Money and exact numbers: parsed from text, never from a float; checked arithmetic; rounding
//! only through a declared [`Rounding`] rule, which returns what it did so the audit trail can
//! record it.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
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

/// Formats an amount with exactly two decimals (`"1234.50"`), the JSON and CSV form.
pub fn format_2dp(value: Decimal) -> String {
    let v = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    format!("{v:.2}")
}

/// Formats an amount the French way for people: `87 500,00 €`.
pub fn format_eur(value: Decimal) -> String {
    let s = format_2dp(value);
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    format!("{}{grouped},{frac} €", if neg { "-" } else { "" })
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

    #[test]
    fn formats_for_people_and_machines() {
        assert_eq!(format_2dp(Decimal::new(875, 1)), "87.50");
        assert_eq!(format_eur(Decimal::new(8750000, 2)), "87\u{202f}500,00 €");
        assert_eq!(format_eur(Decimal::new(-100, 0)), "-100,00 €");
    }
}
