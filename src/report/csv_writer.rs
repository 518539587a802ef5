//! The CSV writer every table report uses (portfolio, diff, sweep, cash flow, projection): RFC
//! 4180 quoting, the separator and decimal point asked for, amounts, counts and dates written
//! from their digits into one byte buffer.

use crate::calendar::push_date;
use crate::diagnostic::Code;
use crate::money::{push_2dp_bytes, push_whole_bytes};
use crate::portfolio::Origin;
use rust_decimal::Decimal;

/// How to write CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    pub separator: char,
    pub decimal_comma: bool,
    pub bom: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { separator: ',', decimal_comma: false, bom: false }
    }
}

impl CsvOptions {
    /// What French Excel opens as is: `;`, decimal comma, UTF-8 with BOM.
    pub fn excel_fr() -> Self {
        CsvOptions { separator: ';', decimal_comma: true, bom: true }
    }
}

/// Writes CSV fields, quoting when needed (RFC 4180). The text is held as bytes, each cell
/// written straight into it (amounts, counts and dates from their digits, without `fmt`), and
/// made a `String` once at the end.
pub struct CsvWriter {
    out: Vec<u8>,
    opts: CsvOptions,
    /// The separator in UTF-8.
    sep: ([u8; 4], usize),
    /// The bytes that make a cell quoted: `"`, line breaks, a one-byte separator.
    special: [bool; 256],
    at_start: bool,
    /// For the cells written as text first (dates).
    scratch: String,
}

/// The integers a CSV cell takes (`u32`, `u64`, `usize`, and `i32` for literals): whether it
/// is negative, and its magnitude.
pub trait Count {
    fn parts(self) -> (bool, u64);
}

impl Count for u32 {
    fn parts(self) -> (bool, u64) {
        (false, self.into())
    }
}

impl Count for u64 {
    fn parts(self) -> (bool, u64) {
        (false, self)
    }
}

impl Count for usize {
    fn parts(self) -> (bool, u64) {
        (false, u64::try_from(self).unwrap_or(u64::MAX))
    }
}

impl Count for i32 {
    fn parts(self) -> (bool, u64) {
        (self < 0, self.unsigned_abs().into())
    }
}

impl CsvWriter {
    pub fn new(opts: CsvOptions) -> Self {
        let mut out = Vec::with_capacity(1 << 16);
        if opts.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        let mut sep = [0; 4];
        let len = opts.separator.encode_utf8(&mut sep).len();
        let mut special = [false; 256];
        for b in [b'"', b'\n', b'\r'] {
            special[usize::from(b)] = true;
        }
        if len == 1 {
            special[usize::from(sep[0])] = true;
        }
        CsvWriter { out, opts, sep: (sep, len), special, at_start: true, scratch: String::new() }
    }

    fn sep(&mut self) {
        if !self.at_start {
            let (sep, len) = self.sep;
            self.out.extend_from_slice(&sep[..len]);
        }
        self.at_start = false;
    }

    pub fn field(&mut self, s: &str) {
        self.sep();
        let at = self.out.len();
        self.out.extend_from_slice(s.as_bytes());
        self.quote_from(at);
    }

    /// Quotes the cell written from byte `at` if it needs it: a separator, a quote or a line
    /// break in it, or a space at either end.
    fn quote_from(&mut self, at: usize) {
        let cell = &self.out[at..];
        let (sep, len) = self.sep;
        let sep = &sep[..len];
        let quote = cell.first() == Some(&b' ')
            || cell.last() == Some(&b' ')
            || cell.iter().any(|b| self.special[usize::from(*b)])
            || (len > 1 && cell.windows(len).any(|w| w == sep));
        if !quote {
            return;
        }
        let raw = self.out.split_off(at);
        self.out.push(b'"');
        for &b in &raw {
            if b == b'"' {
                self.out.push(b'"');
            }
            self.out.push(b);
        }
        self.out.push(b'"');
    }

    pub fn empty(&mut self) {
        self.sep();
    }

    /// The first cells of a CPTS-year row: `cpts`, no group, the contract's id, name, region
    /// and department.
    pub fn cpts(&mut self, c: &crate::input::Contract) {
        self.field("cpts");
        self.empty();
        self.field(&c.id);
        self.field(&c.name);
        self.field(c.region.as_deref().unwrap_or(""));
        self.field(c.department.as_deref().unwrap_or(""));
    }

    pub fn count(&mut self, n: impl Count) {
        self.sep();
        let (negative, n) = n.parts();
        if negative {
            self.out.push(b'-');
        }
        push_whole_bytes(&mut self.out, n);
    }

    /// An amount with two decimals (point or comma).
    pub fn amount(&mut self, d: Decimal) {
        self.sep();
        push_2dp_bytes(&mut self.out, d, if self.opts.decimal_comma { b',' } else { b'.' });
    }

    /// A decimal as written (a parameter value), with a comma when asked.
    pub fn number(&mut self, d: Decimal) {
        let s = crate::money::format_plain(d);
        let s = if self.opts.decimal_comma { s.replace('.', ",") } else { s };
        self.field(&s);
    }

    /// A date, `2025-01-31` (as `calendar::push_date` writes it).
    pub fn date(&mut self, d: crate::calendar::Date) {
        self.sep();
        use chrono::Datelike;
        let (y, m, day) = (d.year(), d.month(), d.day());
        match u32::try_from(y) {
            Ok(y) if y <= 9999 => {
                let digit = |n: u32| b'0' + (n % 10) as u8;
                self.out.extend_from_slice(&[
                    digit(y / 1000),
                    digit(y / 100),
                    digit(y / 10),
                    digit(y),
                    b'-',
                    digit(m / 10),
                    digit(m),
                    b'-',
                    digit(day / 10),
                    digit(day),
                ]);
            }
            _ => {
                self.scratch.clear();
                push_date(&mut self.scratch, d);
                self.out.extend_from_slice(self.scratch.as_bytes());
            }
        }
    }

    /// Where a record comes from, as [`Origin`]'s `Display` writes it (`file:line (entry)`).
    pub fn origin(&mut self, o: &Origin) {
        self.sep();
        let at = self.out.len();
        self.out.extend_from_slice(o.file.as_bytes());
        if let Some(l) = o.line {
            self.out.push(b':');
            push_whole_bytes(&mut self.out, l.parts().1);
        }
        if let Some(e) = &o.entry {
            self.out.extend_from_slice(b" (");
            self.out.extend_from_slice(e.as_bytes());
            self.out.push(b')');
        }
        self.quote_from(at);
    }

    /// Warning codes, separated by spaces.
    pub fn codes(&mut self, codes: &[Code]) {
        self.sep();
        let at = self.out.len();
        for (i, c) in codes.iter().enumerate() {
            if i > 0 {
                self.out.push(b' ');
            }
            self.out.extend_from_slice(c.as_str().as_bytes());
        }
        self.quote_from(at);
    }

    pub fn end_row(&mut self) {
        self.out.push(b'\n');
        self.at_start = true;
    }

    pub fn finish(self) -> String {
        // Only whole `str`s and ASCII are ever written: always UTF-8.
        String::from_utf8(self.out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 4180 quoting as the writer did it on `String`s, cell by cell: the reference.
    fn quoted(s: &str, sep: char) -> String {
        if s.contains([sep, '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }

    fn writer(sep: char) -> CsvWriter {
        CsvWriter::new(CsvOptions { separator: sep, ..CsvOptions::default() })
    }

    proptest! {
        /// Cells are quoted exactly when they must be, whatever the separator (one byte or more).
        #[test]
        fn fields_are_quoted_as_rfc_4180_says(
            cells in proptest::collection::vec("[a ,;\"\n\r\té€|]{0,6}", 1..4),
            sep in proptest::sample::select(vec![',', ';', '\t', '|', '€']),
        ) {
            let mut w = writer(sep);
            for c in &cells {
                w.field(c);
            }
            w.end_row();
            let expected: Vec<String> = cells.iter().map(|c| quoted(c, sep)).collect();
            prop_assert_eq!(w.finish(), expected.join(&sep.to_string()) + "\n");
        }

        /// Dates as `calendar::push_date` writes them, for every year it takes.
        #[test]
        fn dates_are_written_as_push_date_writes_them(day in -400_000i32..4_000_000) {
            let d = crate::calendar::Date::from_num_days_from_ce_opt(day).unwrap();
            let mut w = writer(',');
            w.date(d);
            let mut expected = String::new();
            push_date(&mut expected, d);
            prop_assert_eq!(w.finish(), expected);
        }

        /// Counts as `Display` writes them.
        #[test]
        fn counts_are_written_as_display_writes_them(n in any::<u64>(), m in any::<i32>(), u in any::<usize>()) {
            let mut w = writer(';');
            w.count(n);
            w.count(m);
            w.count(u);
            w.count(n as u32);
            prop_assert_eq!(w.finish(), format!("{n};{m};{u};{}", n as u32));
        }
    }

    #[test]
    fn an_origin_and_codes_are_written_as_their_display_and_join() {
        for origin in [
            Origin { file: "a.csv".into(), line: Some(12), entry: Some("row 12".into()) },
            Origin { file: "dir/c.yaml".into(), line: None, entry: None },
            Origin { file: "p.yaml".into(), line: Some(3), entry: None },
            Origin { file: "x;y \"z\".csv".into(), line: None, entry: Some("cpts[3]".into()) },
        ] {
            let mut w = writer(';');
            w.origin(&origin);
            assert_eq!(w.finish(), quoted(&origin.to_string(), ';'), "{origin:?}");
        }
        let codes = [Code::W0502, Code::W0505];
        let mut w = writer(',');
        w.codes(&codes);
        w.codes(&[]);
        assert_eq!(w.finish(), "W0502 W0505,");
    }
}
