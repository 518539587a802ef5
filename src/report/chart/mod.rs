//! The SVG charts: the cash flow of a budget page (`cash`) and a sweep's total against the swept
//! value (`sweep`). Both compute their coordinates in whole pixels from `Decimal` and escape
//! every text through [`crate::report::escape`].

pub mod cash;
pub mod sweep;
