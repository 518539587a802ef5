//! One cell's text as a spreadsheet writes it: numbers with a decimal comma, French dates,
//! yes/no words, and the payout-scale mini-language.

use super::read::CsvRow;
use crate::input::raw::RawStep;
use crate::input::{Direction, IndicatorKind};
use std::borrow::Cow;

/// A number as a spreadsheet may write it: spaces (also no-break) dropped, a decimal comma
/// turned into a point.
/// Borrowed when there is nothing to change (the common case: no allocation).
pub(super) fn number(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    // A byte scan (the spaces to drop are ` ` and two non-ASCII characters).
    if !t.bytes().any(|b| b == b' ' || b == b',' || !b.is_ascii()) {
        return Cow::Borrowed(t);
    }
    let t: String =
        s.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    Cow::Owned(if t.contains(',') && !t.contains('.') { t.replace(',', ".") } else { t })
}

/// `DD/MM/YYYY` (French Excel) -> `YYYY-MM-DD` (chrono's parser); anything else as written,
/// for the date reader to report.
pub(super) fn date(s: &str) -> String {
    let t = s.trim();
    match chrono::NaiveDate::parse_from_str(t, "%d/%m/%Y") {
        Ok(d) if t.len() <= 10 => d.format("%Y-%m-%d").to_string(),
        _ => t.to_string(),
    }
}

pub(super) fn boolean(s: &str) -> Option<bool> {
    let s = s.trim();
    if !s.is_ascii() {
        return boolean_lower(&s.to_lowercase());
    }
    // ASCII: compared without building the lower-case copy (the same answer).
    let mut lower = [0u8; 5];
    let b = s.as_bytes();
    if b.len() > lower.len() {
        return None;
    }
    lower[..b.len()].copy_from_slice(b);
    lower.make_ascii_lowercase();
    boolean_lower(std::str::from_utf8(&lower[..b.len()]).ok()?)
}

fn boolean_lower(s: &str) -> Option<bool> {
    match s {
        "true" | "vrai" | "oui" | "yes" | "1" | "x" => Some(true),
        "false" | "faux" | "non" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// An indicator's payout scale: empty or `binary`; `linear BASELINE..TARGET`;
/// `steps <= T:A T:A ...` (lower is better) or `steps >= T:A ...` (higher is better).
/// A payout scale as the raw indicator's fields: kind, direction, steps, baseline, target.
pub(super) type Scale =
    (IndicatorKind, Option<Direction>, Option<Vec<RawStep>>, Option<String>, Option<String>);

pub(super) fn scale(s: &str) -> Result<Scale, String> {
    let t = s.trim();
    let (word, rest) = t.split_once(char::is_whitespace).map_or((t, ""), |(w, r)| (w, r.trim()));
    match word.to_lowercase().as_str() {
        "" | "binary" if rest.is_empty() => Ok((IndicatorKind::Binary, None, None, None, None)),
        "linear" => match rest.split_once("..") {
            Some((b, t)) if !b.trim().is_empty() && !t.trim().is_empty() => Ok((IndicatorKind::Linear, None, None, Some(number(b).into_owned()), Some(number(t).into_owned()))),
            _ => Err(format!("`{t}`: write `linear BASELINE..TARGET`, e.g. `linear 40..70`")),
        },
        "steps" => {
            let mut tokens = rest.split_whitespace();
            let direction = match tokens.next() {
                Some("<=") | Some("≤") => Direction::LowerIsBetter,
                Some(">=") | Some("≥") => Direction::HigherIsBetter,
                _ => return Err(format!("`{t}`: after `steps` write `<=` (lower is better) or `>=` (higher is better), then THRESHOLD:AMOUNT pairs, e.g. `steps <= 50:9000 100:6000`")),
            };
            let mut steps = Vec::new();
            for tok in tokens {
                let Some((th, am)) = tok.split_once(':') else {
                    return Err(format!("`{tok}` in `{t}` is not a THRESHOLD:AMOUNT pair (e.g. `100:6000`)"));
                };
                steps.push(RawStep { threshold: number(th).into_owned(), amount: number(am).into_owned() });
            }
            if steps.is_empty() {
                return Err(format!("`{t}`: no THRESHOLD:AMOUNT step"));
            }
            Ok((IndicatorKind::Steps, Some(direction), Some(steps), None, None))
        }
        _ => Err(format!("`{t}` is not a payout scale: leave it empty (binary), or write `linear 40..70`, `steps <= 50:9000 100:6000` or `steps >= 69.7:1000 75:3500`")),
    }
}

/// The trimmed text of column `col` in `row` (empty when the row is short or the column absent).
#[inline]
pub(super) fn cell<'r>(row: &'r CsvRow<'_>, col: Option<usize>) -> &'r str {
    col.and_then(|c| row.text(c)).map_or("", trimmed)
}

/// `s.trim()`, answered at once when `s` is empty or starts and ends with a visible ASCII
/// character (most cells: `trim` is called for every use of a cell).
fn trimmed(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if !(a.is_ascii_graphic() && z.is_ascii_graphic()) => s.trim(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales() {
        assert!(matches!(scale("").unwrap().0, IndicatorKind::Binary));
        let (k, _, _, b, t) = scale("linear 40,5..70").unwrap();
        assert_eq!(
            (k, b.as_deref(), t.as_deref()),
            (IndicatorKind::Linear, Some("40.5"), Some("70"))
        );
        let (_, d, s, _, _) = scale("steps <= 50:9000 100:6000").unwrap();
        assert_eq!(d, Some(Direction::LowerIsBetter));
        assert_eq!(s.unwrap().len(), 2);
        assert!(scale("steps 50:9000").is_err());
        assert_eq!(date("5/3/2024"), "2024-03-05");
        assert_eq!(number("62 000,5"), "62000.5");
    }
}
