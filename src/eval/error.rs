//! Why an evaluation could not be done (E04xx). Warnings are not errors: see `warning`.

use crate::calendar::Date;
use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostic, Location};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EvalError {
    #[error("contract year {year} is outside the contract (years 1 to {length})")]
    YearOutOfContract { year: u32, length: u32 },
    #[error("no contract year starts in {year}: the contract was signed on {signature}, so its years start in {first} to {last}")]
    NoYearStartingIn { year: i32, signature: Date, first: i32, last: i32 },
    #[error("{date} is before the first text in force ({first}): no rules apply")]
    DateOutOfTexts { date: Date, first: Date },
    #[error("no value in force on {date} in a table of the rules")]
    NoValue { date: Date },
    #[error("arithmetic overflow while computing an amount")]
    Overflow,
}

impl EvalError {
    pub fn code(&self) -> Code {
        match self {
            EvalError::YearOutOfContract { .. } => Code::E0401,
            EvalError::NoYearStartingIn { .. } => Code::E0401,
            EvalError::DateOutOfTexts { .. } => Code::E0402,
            EvalError::NoValue { .. } => Code::E0402,
            EvalError::Overflow => Code::E0403,
        }
    }

    /// As a diagnostic about `file` (the contract or the rules being evaluated).
    pub fn to_diagnostic(&self, file: &str) -> Diagnostic {
        Diagnostic::error(self.code(), self.to_string(), Location::file(file))
    }
}
