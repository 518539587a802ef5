//! The dated payments of a contract year under the rules' payment policy (ACI 2019 art. 9.1;
//! Sénat 2025 for the fixed part; choice `due_dates`): the fonctionnement of year 1 in full at
//! signature; otherwise a 75 % advance at the start of the year (or at the mission's start) and
//! the balance at the anniversary; the variable part at the anniversary that closes the year plus
//! the rules' declared delay in months (0 by default: no fixed calendar date, no cliff). The
//! advance is rounded by the declared rule and the balance is the remainder, so the payments of
//! a year add up exactly to its total.

use super::{EvalError, Formula, Item, Line};
use crate::calendar::{add_months, next_month_day, Date};
use crate::input::Contract;
use crate::rules::{BalanceDue, FirstYearFonctionnement, RuleSet, VariableDue};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PaymentKind {
    /// Paid in full at signature (fonctionnement of the first year).
    AtSignature,
    Advance,
    Balance,
    Variable,
    Crisis,
}

/// One dated payment. `line` is the index of the line it pays (for the variable part, the
/// first indicator line of the mission: the payment covers all of that mission's indicators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub date: Date,
    pub kind: PaymentKind,
    pub line: usize,
    pub amount: Decimal,
}

/// The payment calendar of one contract year: the advance rate in force on its first day and
/// the date its variable part is due.
pub(crate) struct Calendar<'r> {
    rules: &'r RuleSet,
    rate: Decimal,
    to: Date,
    variable_date: Date,
}

impl<'r> Calendar<'r> {
    /// The calendar of the contract year `[from, to)` under `rules`.
    pub(crate) fn new(rules: &'r RuleSet, from: Date, to: Date) -> Result<Self, EvalError> {
        let policy = &rules.payment;
        let rate = policy
            .advance_rate
            .at(from)
            .map(|(_, c)| c.amount)
            .ok_or(EvalError::NoValue { date: from })?;
        let variable_date = match policy.variable_due {
            VariableDue::AfterYearEnd { months, .. } => add_months(to, months),
            VariableDue::FirstDateAfter { month, day } => next_month_day(to, month, day),
        }
        .ok_or(EvalError::NoValue { date: to })?;
        Ok(Calendar { rules, rate, to, variable_date })
    }

    fn due(&self, b: BalanceDue) -> Date {
        match b {
            BalanceDue::YearEnd => self.to,
            BalanceDue::WithVariable => self.variable_date,
        }
    }

    /// `amount` split into its advance (rounded by the declared rule) and the balance (the
    /// rest).
    fn split(&self, amount: Decimal) -> Result<(Decimal, Decimal), EvalError> {
        let advance =
            self.rules.rounding.apply(amount.checked_mul(self.rate).ok_or(EvalError::Overflow)?);
        let balance = amount.checked_sub(advance).ok_or(EvalError::Overflow)?;
        Ok((advance, balance))
    }

    /// Whether the fonctionnement of contract year `k` is paid in full at signature.
    fn at_signature(&self, k: u32) -> bool {
        k == 1
            && self.rules.payment.first_year_fonctionnement == FirstYearFonctionnement::AtSignature
    }

    /// What of `line` is paid at signature or as an advance (a fonctionnement, uplift or fixed
    /// line), as [`build`] pays it; `None` for the lines paid later.
    pub(crate) fn advance(&self, k: u32, line: &Line) -> Result<Option<Decimal>, EvalError> {
        match line.item {
            Item::Fonctionnement { .. } | Item::Uplift { .. } if self.at_signature(k) => {
                Ok(Some(line.amount))
            }
            Item::Fonctionnement { .. } | Item::Uplift { .. } | Item::Fixed { .. } => {
                self.split(line.amount).map(|(advance, _)| Some(advance))
            }
            Item::Variable { .. }
            | Item::AssumedVariable { .. }
            | Item::VariableCap { .. }
            | Item::Crisis { .. } => Ok(None),
        }
    }
}

pub(super) fn build(
    rules: &RuleSet,
    contract: &Contract,
    k: u32,
    from: Date,
    to: Date,
    lines: &[Line],
) -> Result<Vec<Payment>, EvalError> {
    let policy = &rules.payment;
    let calendar = Calendar::new(rules, from, to)?;
    let mut out = Vec::with_capacity(lines.len() + 4);
    let split =
        |out: &mut Vec<Payment>, at: Date, i: usize, amount: Decimal| -> Result<(), EvalError> {
            let (advance, balance) = calendar.split(amount)?;
            out.push(Payment { date: at, kind: PaymentKind::Advance, line: i, amount: advance });
            out.push(Payment {
                date: calendar.due(policy.balance_due),
                kind: PaymentKind::Balance,
                line: i,
                amount: balance,
            });
            Ok(())
        };
    let mut variable_mission: Option<&str> = None;
    for (i, line) in lines.iter().enumerate() {
        match line.item {
            // An uplift is paid as the fonctionnement of its year (README, *Rules format: uplifts*).
            Item::Fonctionnement { .. } | Item::Uplift { .. } => {
                if calendar.at_signature(k) {
                    out.push(Payment {
                        date: contract.signature,
                        kind: PaymentKind::AtSignature,
                        line: i,
                        amount: line.amount,
                    });
                } else {
                    split(&mut out, from, i, line.amount)?;
                }
            }
            Item::Fixed { .. } => {
                let at = match line.formula {
                    Formula::Prorata { start, .. } => start,
                    _ => from,
                };
                split(&mut out, at, i, line.amount)?;
            }
            Item::Variable { mission, .. }
            | Item::AssumedVariable { mission }
            | Item::VariableCap { mission } => {
                // One payment per mission, for all its indicators (or its assumed attainment):
                // the mission's first variable line opens it, the others add to it.
                match out.last_mut() {
                    Some(last) if variable_mission == Some(mission.id.as_str()) => {
                        last.amount =
                            last.amount.checked_add(line.amount).ok_or(EvalError::Overflow)?;
                    }
                    _ => {
                        variable_mission = Some(&mission.id);
                        out.push(Payment {
                            date: calendar.variable_date,
                            kind: PaymentKind::Variable,
                            line: i,
                            amount: Decimal::ZERO
                                .checked_add(line.amount)
                                .ok_or(EvalError::Overflow)?,
                        });
                    }
                }
            }
            Item::Crisis { .. } => out.push(Payment {
                date: calendar.due(policy.crisis_due),
                kind: PaymentKind::Crisis,
                line: i,
                amount: line.amount,
            }),
        }
    }
    out.retain(|p| !p.amount.is_zero());
    out.sort_by_key(|p| p.date);
    Ok(out)
}
