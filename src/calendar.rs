//! Dates: parsing `YYYY-MM-DD` text, contract years (anniversary to anniversary), months after
//! a date, and day counts for the prorata. No clock is read here: "today" is never implicit.

use chrono::{Datelike, Months, NaiveDate};

pub type Date = NaiveDate;

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    // The common, zero-padded form read without chrono's format interpreter (the same date:
    // `%Y-%m-%d` reads these ten bytes so); any other form goes through it.
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *t.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if digits.iter().all(u8::is_ascii_digit) {
            let n = |ds: &[u8]| ds.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
            let year = i32::try_from(n(&digits[..4])).unwrap_or(0);
            return NaiveDate::from_ymd_opt(year, n(&digits[4..6]), n(&digits[6..])).ok_or_else(
                || format!("`{text}` is not a date (expected YYYY-MM-DD, e.g. 2019-08-25)"),
            );
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date (expected YYYY-MM-DD, e.g. 2019-08-25)"))
}

/// `date` plus `months` calendar months; the 31st becomes the last day of a shorter month.
pub fn add_months(date: Date, months: u32) -> Option<Date> {
    date.checked_add_months(Months::new(months))
}

/// The anniversary of a 29 February signature in a common year (choice
/// `leap_day_anniversary`): no source settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum LeapDay {
    /// 28 February: the last day of the same month (what adding 12 months gives).
    #[default]
    #[serde(rename = "february_28")]
    February28,
    /// 1 March: the day after 28 February, as if 29 February existed.
    #[serde(rename = "march_1")]
    March1,
}

/// The `n`th anniversary of `signature` (n = 0: the signature itself), a 29 February read as
/// `leap` says in common years.
pub fn anniversary(signature: Date, n: u32, leap: LeapDay) -> Option<Date> {
    // `12 n` months later, as `add_months` finds it (a 29 February lands on the 28th in a
    // common year), by moving the year alone (tested: `anniversaries_are_twelve_months_apart`).
    n.checked_mul(12)?;
    let year = signature.year().checked_add(i32::try_from(n).ok()?)?;
    let same_month = match signature.with_year(year) {
        Some(d) => d,
        None if signature.month() == 2 && signature.day() == 29 => {
            NaiveDate::from_ymd_opt(year, 2, 28)?
        }
        None => return None,
    };
    let shifted = signature.month() == 2 && signature.day() == 29 && same_month.day() == 28;
    match leap {
        LeapDay::March1 if shifted => same_month.succ_opt(),
        _ => Some(same_month),
    }
}

/// The period of contract year `k` (1-based) of a contract signed on `signature`: from the
/// (k-1)th anniversary, inclusive, to the kth anniversary, exclusive; a 29 February signature
/// has its anniversaries on 28 February in common years (the rules' default reading; see
/// [`contract_year_period_with`]).
pub fn contract_year_period(signature: Date, k: u32) -> Option<(Date, Date)> {
    contract_year_period_with(signature, k, LeapDay::February28)
}

/// [`contract_year_period`] under a declared reading of the 29 February anniversary.
pub fn contract_year_period_with(signature: Date, k: u32, leap: LeapDay) -> Option<(Date, Date)> {
    let from = anniversary(signature, k.checked_sub(1)?, leap)?;
    let to = anniversary(signature, k, leap)?;
    Some((from, to))
}

/// Whole days from `a` to `b` (negative when `b` is before `a`).
pub fn days_between(a: Date, b: Date) -> i64 {
    (b - a).num_days()
}

/// The first date strictly after `after` that falls on `month`/`day`.
pub fn next_month_day(after: Date, month: u32, day: u32) -> Option<Date> {
    let this_year = NaiveDate::from_ymd_opt(after.year(), month, day)?;
    if this_year > after {
        Some(this_year)
    } else {
        NaiveDate::from_ymd_opt(after.year() + 1, month, day)
    }
}

/// Appends `date` as `YYYY-MM-DD` to `out` without going through `fmt` (the audit trail writes
/// many dates).
pub fn push_date(out: &mut String, date: Date) {
    let y = date.year();
    if !(0..=9999).contains(&y) {
        out.push_str(&date.to_string());
        return;
    }
    let (m, d) = (date.month(), date.day());
    let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10];
    for v in digits {
        out.push(char::from(b'0' + v as u8));
    }
    out.push('-');
    out.push(char::from(b'0' + (m / 10) as u8));
    out.push(char::from(b'0' + (m % 10) as u8));
    out.push('-');
    out.push(char::from(b'0' + (d / 10) as u8));
    out.push(char::from(b'0' + (d % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// An anniversary moves the year alone: the date `add_months` gives 12 n months later
        /// (29 February signatures included), none where that has none.
        #[test]
        fn anniversaries_are_twelve_months_apart(
            days in -800_000i64..800_000,
            n in proptest::prop_oneof![0u32..=30, proptest::prelude::any::<u32>()],
            leap_day in proptest::prelude::any::<bool>(),
        ) {
            let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
            // A 29 February often.
            let signature = if leap_day {
                NaiveDate::from_ymd_opt(2000 + 4 * days.rem_euclid(25) as i32, 2, 29).unwrap()
            } else {
                base + chrono::Duration::days(days)
            };
            for leap in [LeapDay::February28, LeapDay::March1] {
                let by_months = n.checked_mul(12).and_then(|m| add_months(signature, m)).and_then(|same| {
                    let shifted = signature.month() == 2 && signature.day() == 29 && same.day() == 28;
                    if shifted && leap == LeapDay::March1 { same.succ_opt() } else { Some(same) }
                });
                proptest::prop_assert_eq!(anniversary(signature, n, leap), by_months, "{} + {}", signature, n);
            }
        }
    }

    #[test]
    fn push_date_writes_iso_dates() {
        let mut s = String::new();
        push_date(&mut s, parse_date("2024-03-05").unwrap());
        assert_eq!(s, "2024-03-05");
    }

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn contract_years_run_anniversary_to_anniversary() {
        assert_eq!(
            contract_year_period(d("2020-02-29"), 2),
            Some((d("2021-02-28"), d("2022-02-28")))
        );
        assert_eq!(
            contract_year_period(d("2023-03-15"), 1),
            Some((d("2023-03-15"), d("2024-03-15")))
        );
        assert_eq!(contract_year_period(d("2023-03-15"), 0), None);
    }

    #[test]
    fn a_leap_day_signature_under_each_reading() {
        let p = |k, leap| contract_year_period_with(d("2024-02-29"), k, leap);
        assert_eq!(p(1, LeapDay::February28), Some((d("2024-02-29"), d("2025-02-28"))));
        assert_eq!(p(1, LeapDay::March1), Some((d("2024-02-29"), d("2025-03-01"))));
        assert_eq!(p(4, LeapDay::March1), Some((d("2027-03-01"), d("2028-02-29"))));
        // Any other date is the same under both readings.
        assert_eq!(
            contract_year_period_with(d("2024-02-28"), 1, LeapDay::March1),
            Some((d("2024-02-28"), d("2025-02-28")))
        );
    }

    #[test]
    fn next_april_30() {
        assert_eq!(next_month_day(d("2024-03-15"), 4, 30), Some(d("2024-04-30")));
        assert_eq!(next_month_day(d("2024-04-30"), 4, 30), Some(d("2025-04-30")));
    }
}
