//! The fonctionnement line of a contract year: the tier's amount, replaced or topped up by the
//! uplift rules that pay this contract and year.

use super::*;

/// Whether uplift `u` pays this contract year of `contract`: the contract is one it names
/// (signature, tier of the year, a mission engaged and started by the end of the year), the
/// year's value date is in its dates, and, for `once`, the year is the first one whose value
/// date is on or after `from` (the previous one's is before it, or there is none).
fn uplift_applies(u: &Uplift, contract: &Contract, y: &Year) -> bool {
    let c = &u.contracts;
    let signed = c.signed_on_or_before.is_none_or(|d| contract.signature <= d)
        && c.signed_after.is_none_or(|d| contract.signature > d);
    let tier = c.tiers.as_ref().is_none_or(|t| t.iter().any(|t| t == y.tier_id));
    let mission =
        c.mission.as_ref().is_none_or(|m| contract.engagement(m).is_some_and(|e| e.start < y.to));
    let when = match u.pay {
        UpliftPay::Yearly => true,
        UpliftPay::Once => y.k == 1 || y.prev_from.is_some_and(|p| p < u.from),
    };
    signed && tier && mission && u.in_force_on(y.from) && when
}

/// The fonctionnement line (its amount replaced by the uplift that says so, if it applies),
/// then one line per other uplift that applies, in the rules' order.
pub(super) fn fonctionnement<'a, S: Sink<'a>>(
    rules: &'a RuleSet,
    contract: &Contract,
    y: &Year,
    out: &mut Out<'a, '_, S>,
) -> Result<(), EvalError> {
    let base = cell_at(&rules.fonctionnement.table, y.from, y.tier)?;
    let replacement = rules.fonctionnement_replacement().filter(|u| uplift_applies(u, contract, y));
    let cell = match replacement.and_then(|u| u.table()) {
        Some(table) => cell_at(table, y.from, y.tier)?,
        None => base,
    };
    out.line(Line {
        item: Item::Fonctionnement { uplift: replacement },
        cell: Some(cell),
        formula: Formula::TierAmount,
        before_rounding: cell.amount,
        amount: cell.amount,
    });
    for u in rules.uplifts.iter().filter(|u| uplift_applies(u, contract, y)) {
        let (cell, formula, before) = match &u.amount {
            UpliftAmount::FonctionnementAmount(_) => continue,
            UpliftAmount::ShareOfFonctionnement(rate) => {
                let v = base.amount.checked_mul(rate.amount).ok_or(EvalError::Overflow)?;
                (base, Formula::Share { base: base.amount, rate: rate.amount }, v)
            }
            UpliftAmount::PerTier(table) => {
                let c = cell_at(table, y.from, y.tier)?;
                (c, Formula::TierAmount, c.amount)
            }
        };
        out.line(Line {
            item: Item::Uplift { uplift: u },
            cell: Some(cell),
            formula,
            before_rounding: before,
            amount: before,
        });
    }
    Ok(())
}
