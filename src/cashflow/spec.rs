//! What a cash flow computes: its window of months, its periods, its groups and its scenario.

use crate::calendar::Date;
use chrono::Datelike;
use std::fmt;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn of(d: Date) -> YearMonth {
        YearMonth { year: d.year(), month: d.month() }
    }

    /// `2025-01` (or `2025-1`); the month must be 1 to 12.
    pub fn parse(s: &str) -> Result<YearMonth, String> {
        let bad = || format!("`{s}` is not a month: write YYYY-MM (e.g. 2025-01)");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(YearMonth { year, month })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

/// How payments are gathered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    pub fn name(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    /// The period a month falls in: `2025-03`, `2025-Q1`, `2025`; periods sort in time order.
    pub fn label(self, m: YearMonth) -> String {
        match self {
            Period::Month => m.to_string(),
            Period::Quarter => format!("{}-Q{}", m.year, (m.month - 1) / 3 + 1),
            Period::Year => m.year.to_string(),
        }
    }
}

/// What the sums are split by, besides the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// The tier of the contract year paid (`t1` … `t4`).
    Tier,
    /// The mission paid, or `fonctionnement`.
    Mission,
    Department,
    Region,
    /// The kind of payment: `at_signature`, `advance`, `balance`, `variable`, `crisis`.
    Kind,
}

impl Grouping {
    pub fn name(self) -> &'static str {
        match self {
            Grouping::Tier => "tier",
            Grouping::Mission => "mission",
            Grouping::Department => "department",
            Grouping::Region => "region",
            Grouping::Kind => "kind",
        }
    }
}

/// Which scenario the years without measures follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scenario {
    Minimum,
    #[default]
    Expected,
    Maximum,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Minimum => "minimum",
            Scenario::Expected => "expected",
            Scenario::Maximum => "maximum",
        }
    }
}

/// What to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// First and last month of the window, both included.
    pub from: YearMonth,
    pub to: YearMonth,
    pub by: Period,
    pub group: Option<Grouping>,
    pub scenario: Scenario,
}
