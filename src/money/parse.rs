//! Decimals read from text: the general reader of a plain decimal, and the short cuts that read
//! the usual forms (a whole cell, or a number at the start of a scale's bytes) as it would.

use rust_decimal::Decimal;
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

/// Parses a plain decimal (used for money in tests and CLI values).
pub fn dec(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
