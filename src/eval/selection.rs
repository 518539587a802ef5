//! Which contract years a run evaluates: the one starting in a calendar year, contract year `k`,
//! or all of them. One definition for one contract and for a portfolio, so that `--year` and
//! `--contract-year` mean the same thing (and fail the same way) whatever the input.

use crate::eval::EvalError;
use crate::input::Contract;
use crate::rules::RuleSet;
use chrono::Datelike;

/// Which contract years to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The contract year starting in this calendar year.
    Year(i32),
    /// Contract year `k` (1-based).
    ContractYear(u32),
    /// Every contract year (a CSV row: its own year).
    All,
}

impl Selection {
    /// `--year Y` wins over `--contract-year K`; neither is every year.
    pub fn new(year: Option<i32>, contract_year: Option<u32>) -> Selection {
        match (year, contract_year) {
            (Some(y), _) => Selection::Year(y),
            (None, Some(k)) => Selection::ContractYear(k),
            (None, None) => Selection::All,
        }
    }

    /// A contract year outside the contract (`0`, or past its length) is an error (E0401) before
    /// anything is read: no contract could have it.
    pub fn check(self, rules: &RuleSet) -> Result<(), EvalError> {
        match self {
            Selection::ContractYear(k) if k == 0 || k > rules.contract_length_years => {
                Err(EvalError::YearOutOfContract { year: k, length: rules.contract_length_years })
            }
            _ => Ok(()),
        }
    }

    /// The contract years of `contract` selected, in order. `fixed`: the record is one contract
    /// year (a CSV row), selected or not. Empty when the contract has no such year.
    pub fn years_of(self, rules: &RuleSet, contract: &Contract, fixed: Option<u32>) -> Vec<u32> {
        let wanted = |k: u32| match self {
            Selection::Year(y) => contract.year_starting_in(y) == Some(k),
            Selection::ContractYear(j) => j == k,
            Selection::All => true,
        };
        match fixed {
            Some(k) => {
                if wanted(k) {
                    vec![k]
                } else {
                    Vec::new()
                }
            }
            None => (1..=rules.contract_length_years).filter(|k| wanted(*k)).collect(),
        }
    }

    /// Why [`Selection::years_of`] is empty for `contract` (for one contract, an error; in a
    /// portfolio, a record outside the selection).
    pub fn why_none(self, rules: &RuleSet, contract: &Contract) -> EvalError {
        match self {
            Selection::Year(year) => {
                let first = contract.signature.year();
                let last = first.saturating_add_unsigned(rules.contract_length_years) - 1;
                EvalError::NoYearStartingIn { year, signature: contract.signature, first, last }
            }
            Selection::ContractYear(year) => {
                EvalError::YearOutOfContract { year, length: rules.contract_length_years }
            }
            // Every year of a contract of at least one year: never empty.
            Selection::All => {
                EvalError::YearOutOfContract { year: 0, length: rules.contract_length_years }
            }
        }
    }

    /// The contract years of one contract, or why there are none.
    pub fn years(self, rules: &RuleSet, contract: &Contract) -> Result<Vec<u32>, EvalError> {
        self.check(rules)?;
        let ks = self.years_of(rules, contract, None);
        if ks.is_empty() {
            return Err(self.why_none(rules, contract));
        }
        Ok(ks)
    }
}
