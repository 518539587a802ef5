//! Dated tables of the rules and their cells: an amount or rate with its status and source, a
//! value dated on or after the first text, one cell per tier at each date, and a table that
//! answers from the day it serves (E0204).

use super::*;

impl Ctx<'_> {
    pub(super) fn cell(
        &mut self,
        path: &str,
        raw: &RawCell,
        allow_above_one: bool,
    ) -> Option<Cell> {
        let amount = match parse_decimal(&raw.amount) {
            Ok(a) => a,
            Err(m) => {
                self.err(Code::E0206, &format!("{path}.amount"), m);
                return None;
            }
        };
        if amount.is_sign_negative() && !amount.is_zero() {
            self.err(
                Code::E0207,
                &format!("{path}.amount"),
                format!("amount {amount} is negative"),
            );
            return None;
        }
        if !allow_above_one && amount > Decimal::ONE {
            self.err(Code::E0210, &format!("{path}.amount"), format!("rate {amount} is above 1"));
            return None;
        }
        if !self.source_ids.contains(&raw.source) {
            let hint = did_you_mean(&raw.source, self.source_ids.iter().map(String::as_str))
                .map(str::to_string);
            let d = self.err(
                Code::E0211,
                &format!("{path}.source"),
                format!("unknown source `{}`: not listed under `sources`", raw.source),
            );
            d.help = Some(match hint {
                Some(h) => format!("did you mean `{h}`?"),
                None => "add it to `sources` with its citation".into(),
            });
        }
        let status = match raw.status {
            RawStatus::Confirmed => Status::Confirmed,
            RawStatus::Provisional => Status::Provisional,
        };
        Some(Cell { amount, status, source: raw.source.clone(), path: path.to_string() })
    }

    /// A rate with its provenance (`{rate, status, source}`), as a cell whose amount is the
    /// rate: a non-negative decimal (an uplift may be above 100 %).
    pub(super) fn rate(&mut self, path: &str, raw: &RawRate) -> Option<Cell> {
        let cell =
            RawCell { amount: raw.rate.clone(), status: raw.status, source: raw.source.clone() };
        let before = self.errors.len();
        let c = self.cell(path, &cell, true);
        // `cell` locates a bad amount under `.amount`: here the key is `rate`.
        let at = self.loc.at(&format!("{path}.rate"));
        for d in &mut self.errors[before..] {
            if matches!(d.code, Code::E0206 | Code::E0207) {
                d.location = at.clone();
                d.message = d.message.replace("amount", "rate");
            }
        }
        c
    }

    pub(super) fn value_date(&mut self, path: &str, key: &str) -> Option<Date> {
        let d = self.date(path, key)?;
        if let Some(first) = self.first_text {
            if d < first {
                self.err(
                    Code::E0208,
                    path,
                    format!("value dated {d} is before the first text in force ({first})"),
                );
                return None;
            }
        }
        Some(d)
    }

    pub(super) fn table(
        &mut self,
        path: &str,
        values: &BTreeMap<String, BTreeMap<String, RawCell>>,
    ) -> TierTable {
        let mut entries = Vec::new();
        if values.is_empty() {
            self.err(
                Code::E0204,
                &format!("{path}.values"),
                "no dated values: give at least one `YYYY-MM-DD:` entry",
            );
        }
        for (date_text, cells) in values {
            let dpath = format!("{path}.values.{date_text}");
            let date = self.value_date(&dpath, date_text);
            for id in cells.keys() {
                if !self.tier_ids.contains(id) {
                    // A tier missing from this very row is the likeliest meaning; else the closest name.
                    let mut missing = self.tier_ids.iter().filter(|t| !cells.contains_key(*t));
                    let hint = match (missing.next(), missing.next()) {
                        (Some(only), None) => Some(only.clone()),
                        _ => did_you_mean(id, self.tier_ids.iter().map(String::as_str))
                            .map(str::to_string),
                    };
                    let all = self.tier_ids.join(", ");
                    let mut d = Diagnostic::error(
                        Code::E0203,
                        format!("unknown tier `{id}`"),
                        self.loc.key(&format!("{dpath}.{id}")),
                    );
                    d.help = Some(match hint {
                        Some(h) => format!("did you mean `{h}`? tiers are: {all}"),
                        None => format!("tiers are: {all}"),
                    });
                    self.errors.push(d);
                }
            }
            let mut row = Vec::new();
            for tier in self.tier_ids.clone() {
                match cells.get(&tier) {
                    Some(c) => {
                        if let Some(cell) = self.cell(&format!("{dpath}.{tier}"), c, true) {
                            row.push(cell);
                        }
                    }
                    None => {
                        self.err(
                            Code::E0204,
                            &dpath,
                            format!("no amount for tier `{tier}` at {date_text}"),
                        );
                    }
                }
            }
            if let (Some(d), true) = (date, row.len() == self.tier_ids.len()) {
                entries.push((d, row));
            }
        }
        Dated::new(entries)
    }

    /// E0204 when `table` (read from `values` at `path`) gives no amount on `from`, the first
    /// day it must answer for (`why`): evaluating a year between `from` and its first entry
    /// would find no amount. Said here, where the table is written, not once per contract year.
    pub(super) fn starts_by(
        &mut self,
        path: &str,
        values: &BTreeMap<String, BTreeMap<String, RawCell>>,
        table: &TierTable,
        from: Option<Date>,
        why: &str,
    ) {
        let (Some(from), Some(first)) = (from, table.first_date()) else { return };
        if first <= from {
            return;
        }
        let key = values
            .keys()
            .find(|k| crate::calendar::parse_date(k).is_ok_and(|d| d == first))
            .map_or_else(|| format!("{path}.values"), |k| format!("{path}.values.{k}"));
        let d = self.err(
            Code::E0204,
            &key,
            format!("no amount before {first}: the table must give one from {from} ({why})"),
        );
        d.help = Some(format!("date its first entry {from}, or add an entry for {from}"));
    }

    pub(super) fn labelled(&mut self, path: &str, t: &RawTierTable) -> (Option<String>, TierTable) {
        (t.label.clone(), self.table(path, &t.values))
    }
}
