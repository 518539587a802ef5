//! Dates: parsing `YYYY-MM-DD` text, contract years (anniversary to anniversary), months after
//! a date, and day counts for the prorata. No clock is read here: "today" is never implicit.

use chrono::{Datelike, Months, NaiveDate};

pub type Date = NaiveDate;

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<Date, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date (expected YYYY-MM-DD, e.g. 2019-08-25)"))
}

/// `date` plus `months` calendar months; the 31st becomes the last day of a shorter month.
pub fn add_months(date: Date, months: u32) -> Option<Date> {
    date.checked_add_months(Months::new(months))
}

/// The period of contract year `k` (1-based) of a contract signed on `signature`: from the
/// (k-1)th anniversary, inclusive, to the kth anniversary, exclusive.
pub fn contract_year_period(signature: Date, k: u32) -> Option<(Date, Date)> {
    let from = add_months(signature, 12 * k.checked_sub(1)?)?;
    let to = add_months(signature, 12 * k)?;
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
    fn next_april_30() {
        assert_eq!(next_month_day(d("2024-03-15"), 4, 30), Some(d("2024-04-30")));
        assert_eq!(next_month_day(d("2024-04-30"), 4, 30), Some(d("2025-04-30")));
    }
}
