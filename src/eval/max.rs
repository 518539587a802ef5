//! The maximum annual funding per tier under the text in force on a date: every mission
//! deployed for the whole year, every indicator fully attained (its mission's whole variable
//! envelope), the crisis mission in its first, plan-writing year; with and without a recognised
//! sanitary crisis. The fonctionnement is the base amount (the avenant-2 uplift is a transitional
//! measure for early signers, not part of the published maxima).

use super::EvalError;
use crate::calendar::Date;
use crate::rules::{RuleSet, Status, Text, Tier, TierTable};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxRow<'a> {
    pub tier: &'a Tier,
    pub fonctionnement: Decimal,
    pub fixed: Decimal,
    pub variable: Decimal,
    /// The crisis envelope (0 where the text has none).
    pub crisis: Decimal,
    /// Without a recognised crisis.
    pub total: Decimal,
    /// With a recognised crisis.
    pub total_with_crisis: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxTable<'a> {
    pub date: Date,
    pub text: &'a Text,
    pub rows: Vec<MaxRow<'a>>,
    /// Whether the text has a crisis envelope at all.
    pub has_crisis: bool,
    /// How many tier-table cells used are provisional.
    pub provisional_cells: usize,
}

/// The maxima per tier on `date`.
pub fn max_per_tier(rules: &RuleSet, date: Date) -> Result<MaxTable<'_>, EvalError> {
    let first = rules.texts[0].in_force_from;
    let text = rules.text_at(date).ok_or(EvalError::DateOutOfTexts { date, first })?;
    let mut provisional = 0;
    let mut rows = Vec::new();
    let mut has_crisis = false;
    for (t, tier) in rules.tiers_at(date).iter().enumerate() {
        let mut get = |table: &TierTable| -> Result<Decimal, EvalError> {
            let (_, row) = table.at(date).ok_or(EvalError::NoValue { date })?;
            if row[t].status == Status::Provisional {
                provisional += 1;
            }
            Ok(row[t].amount)
        };
        let fonctionnement = get(&rules.fonctionnement.table)?;
        let (mut fixed, mut variable, mut crisis) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        let sum = |a: Decimal, b: Decimal| a.checked_add(b).ok_or(EvalError::Overflow);
        for m in rules.missions.iter().filter(|m| m.exists_on(date)) {
            let table = m.fixed_first_year.as_ref().map(|(_, t)| t).unwrap_or(&m.fixed.1);
            fixed = sum(fixed, get(table)?)?;
            if let Some(v) = &m.variable {
                variable = sum(variable, get(v)?)?;
            }
            if let Some((_, c)) = &m.crisis_envelope {
                has_crisis = true;
                crisis = sum(crisis, get(c)?)?;
            }
        }
        let total = sum(sum(fonctionnement, fixed)?, variable)?;
        rows.push(MaxRow {
            tier,
            fonctionnement,
            fixed,
            variable,
            crisis,
            total,
            total_with_crisis: sum(total, crisis)?,
        });
    }
    Ok(MaxTable { date, text, rows, has_crisis, provisional_cells: provisional })
}
