//! Turns a structured [`Line`] into an audit line a treasurer can read: id, label, legal
//! reference, the inputs used with their values, the formula in words (French, like the
//! agreement), the amount before rounding, the rounding applied, and the amount.
//!
//! Building the trail must stay cheap (a CPAM runs it for every CPTS of its area, a negotiator
//! for every variant): texts that live in the rules or the contract are borrowed, input values
//! stay typed ([`Value`]) until a report writes them, and the formula is written into one buffer
//! through the allocation-free formatters of [`crate::money`].

pub mod words;

use crate::calendar::Date;
use crate::eval::{Breakdown, Category, Formula, Item, Line, Payment, PaymentKind};
use crate::input::{Contract, Direction, Observation, Payout, Step};
use crate::money::format_2dp;
use crate::money::{Eur, Plain, TwoDp};
use crate::rules::{Mission, RuleSet, Uplift, UpliftAmount, UpliftPay};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt;
pub use words::Lang;

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine<'a> {
    /// Stable id: `fonctionnement`, `parcours.fixed`, `acces_soins.variable.ald_sans_mt`, ...
    pub id: Cow<'a, str>,
    pub label: Cow<'a, str>,
    pub category: Category,
    pub mission: Option<&'a str>,
    /// Legal reference (article of the agreement).
    pub reference: &'a str,
    /// The inputs used, by name (`tier`, `population`, `observed`, ...), in a stable order.
    pub inputs: Vec<(&'static str, Value<'a>)>,
    /// The calculation in words with its numbers, in French.
    pub formula: String,
    pub before_rounding: Decimal,
    pub rounding_applied: bool,
    pub amount: Decimal,
    /// `confirmed` or `provisional`, for amounts read from a tier table.
    pub status: Option<&'static str>,
    pub source: Option<&'a str>,
}

/// An input value of an audit line; `Display` gives its text form (the one in the JSON report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    Text(&'a str),
    Count(u64),
    Date(Date),
    Bool(bool),
    /// An amount, written with 2 decimals (`9000.00`).
    Money(Decimal),
    /// A number as written (`55.5`).
    Number(Decimal),
    /// A steps scale: `≤ 50 → 9 000,00 €; ≤ 100 → 6 000,00 €`.
    Steps(Direction, &'a [Step]),
    /// No observation for the year.
    Missing,
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(t) => f.write_str(t),
            Value::Count(n) => write!(f, "{n}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Money(m) => write!(f, "{}", TwoDp(*m)),
            Value::Number(n) => write!(f, "{}", Plain(*n)),
            Value::Steps(direction, steps) => {
                for (i, s) in steps.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "; " };
                    write!(
                        f,
                        "{sep}{} {} → {}",
                        words::op(*direction),
                        Plain(s.threshold),
                        Eur(s.amount)
                    )?;
                }
                Ok(())
            }
            Value::Missing => f.write_str("(none)"),
        }
    }
}

pub fn category_name(c: Category) -> &'static str {
    match c {
        Category::Fonctionnement => "fonctionnement",
        Category::Fixed => "fixed",
        Category::Variable => "variable",
        Category::Crisis => "crisis",
    }
}

/// The stable id of a line: `fonctionnement`, `parcours.fixed`, `crise.fixed_first_year`,
/// `acces_soins.variable.ald_sans_mt`, `crise.crisis_envelope`.
pub fn line_id(line: &Line) -> String {
    line_id_cow(line).into_owned()
}

fn line_id_cow<'a>(line: &Line<'a>) -> Cow<'a, str> {
    match line.item {
        Item::Fonctionnement { .. } => Cow::Borrowed("fonctionnement"),
        Item::Uplift { uplift } => Cow::Owned(concat(&["uplift.", &uplift.id])),
        Item::Fixed { mission, first_year: true } => {
            Cow::Owned(concat(&[&mission.id, ".fixed_first_year"]))
        }
        Item::Fixed { mission, .. } => Cow::Owned(concat(&[&mission.id, ".fixed"])),
        Item::Variable { mission, indicator } => {
            Cow::Owned(concat(&[&mission.id, ".variable.", &indicator.id]))
        }
        Item::Crisis { mission } => Cow::Owned(concat(&[&mission.id, ".crisis_envelope"])),
        Item::AssumedVariable { mission } => {
            Cow::Owned(concat(&[&mission.id, ".variable.assumed"]))
        }
        Item::VariableCap { mission } => Cow::Owned(concat(&[&mission.id, ".variable_cap"])),
    }
}

/// The French label of a line, e.g. `Amélioration de l'accès aux soins: part fixe`.
pub fn line_label(b: &Breakdown, line: &Line) -> String {
    line_label_cow(b, line).into_owned()
}

fn line_label_cow<'a>(b: &Breakdown<'a>, line: &Line<'a>) -> Cow<'a, str> {
    let rules: &'a RuleSet = b.rules;
    match line.item {
        Item::Fonctionnement { uplift: Some(u) } | Item::Uplift { uplift: u } => {
            Cow::Borrowed(u.label.as_str())
        }
        Item::Fonctionnement { uplift: None } => Cow::Borrowed(&rules.fonctionnement.label),
        Item::Fixed { mission, first_year } => {
            let table_label = if first_year {
                mission.fixed_first_year.as_ref().and_then(|(l, _)| l.as_ref())
            } else {
                mission.fixed.0.as_ref()
            };
            Cow::Owned(match table_label {
                Some(l) => concat(&[&mission.label, ": part fixe (", l, ")"]),
                None => concat(&[&mission.label, ": part fixe"]),
            })
        }
        Item::Variable { mission, indicator } => {
            Cow::Owned(concat(&[&mission.label, ": ", &indicator.label]))
        }
        Item::Crisis { mission } => {
            let l = mission
                .crisis_envelope
                .as_ref()
                .and_then(|(l, _)| l.as_deref())
                .unwrap_or("enveloppe crise");
            Cow::Owned(concat(&[&mission.label, ": ", l]))
        }
        Item::AssumedVariable { mission } => Cow::Owned(concat(&[
            &mission.label,
            ": part variable (atteinte supposée par la variante)",
        ])),
        Item::VariableCap { mission } => Cow::Owned(concat(&[
            &mission.label,
            ": part variable plafonnée à l'enveloppe de la taille de l'année",
        ])),
    }
}

/// The parts joined, allocated once at the right size.
fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// The audit line of `line`, one of `b.lines`.
pub fn audit_line<'a>(b: &Breakdown<'a>, line: &Line<'a>) -> AuditLine<'a> {
    let rules: &'a RuleSet = b.rules;
    let contract: &'a Contract = b.contract;
    let tier: &'a str = &b.tier.id;
    let mut inputs: Vec<(&'static str, Value<'a>)> = Vec::with_capacity(8);
    let (mission, reference): (Option<&'a Mission>, &'a str) = match line.item {
        Item::Fonctionnement { uplift } => {
            inputs.push(("tier", Value::Text(tier)));
            inputs.push(("population", Value::Count(b.population)));
            inputs.push(("value_date", Value::Date(b.value_date)));
            match uplift {
                Some(u) => {
                    uplift_inputs(&mut inputs, contract, u);
                    (None, u.reference.as_str())
                }
                None => (None, rules.fonctionnement.reference.as_str()),
            }
        }
        Item::Uplift { uplift } => {
            inputs.push(("tier", Value::Text(tier)));
            inputs.push(("population", Value::Count(b.population)));
            inputs.push(("value_date", Value::Date(b.value_date)));
            uplift_inputs(&mut inputs, contract, uplift);
            inputs.push(("uplift_from", Value::Date(uplift.from)));
            if let Some(u) = uplift.until {
                inputs.push(("uplift_until", Value::Date(u)));
            }
            inputs.push(("pay", Value::Text(pay_name(uplift.pay))));
            if let UpliftAmount::ShareOfFonctionnement(rate) = &uplift.amount {
                inputs.push(("rate", Value::Number(rate.amount)));
                inputs.push(("rate_status", Value::Text(rate.status.name())));
                inputs.push(("rate_source", Value::Text(&rate.source)));
            }
            (None, uplift.reference.as_str())
        }
        Item::Fixed { mission, .. } => {
            inputs.push(("tier", Value::Text(tier)));
            inputs.push(("value_date", Value::Date(b.value_date)));
            if let Some(e) = contract.engagement(&mission.id) {
                inputs.push(("mission_start", Value::Date(e.start)));
            }
            (Some(mission), &mission.reference)
        }
        Item::Variable { mission, indicator } => {
            inputs.push(("indicator", Value::Text(&indicator.id)));
            inputs.push(("max", Value::Money(indicator.max)));
            match &indicator.payout {
                Payout::Binary => inputs.push(("kind", Value::Text("binary"))),
                Payout::Steps { direction, steps } => {
                    inputs.push(("kind", Value::Text("steps")));
                    inputs.push(("steps", Value::Steps(*direction, steps)));
                }
                Payout::Linear { baseline, target } => {
                    inputs.push(("kind", Value::Text("linear")));
                    inputs.push(("baseline", Value::Number(*baseline)));
                    inputs.push(("target", Value::Number(*target)));
                }
            }
            let observed =
                contract.results.get(&b.contract_year).and_then(|r| r.observations.get(indicator));
            let observed = match observed {
                Some(Observation::Reached(r)) => Value::Bool(r),
                Some(Observation::Value(v)) => Value::Number(v),
                None => Value::Missing,
            };
            inputs.push(("observed", observed));
            (Some(mission), &mission.reference)
        }
        Item::Crisis { mission } => {
            inputs.push(("tier", Value::Text(tier)));
            inputs.push(("value_date", Value::Date(b.value_date)));
            inputs.push(("crisis_recognised", Value::Bool(true)));
            (Some(mission), &mission.reference)
        }
        Item::VariableCap { mission } => {
            inputs.push(("tier", Value::Text(tier)));
            inputs.push(("value_date", Value::Date(b.value_date)));
            if let Formula::Cap { indicators, .. } = line.formula {
                inputs.push(("indicators_paid", Value::Money(indicators)));
            }
            (Some(mission), &mission.reference)
        }
        Item::AssumedVariable { mission } => {
            inputs.push(("tier", Value::Text(tier)));
            inputs.push(("value_date", Value::Date(b.value_date)));
            if let Formula::Assumed { attainment, .. } = line.formula {
                inputs.push(("assumed_attainment", Value::Number(attainment)));
            }
            (Some(mission), &mission.reference)
        }
    };
    if let Some(c) = line.cell {
        inputs.push(("tier_amount", Value::Money(c.amount)));
    }
    AuditLine {
        id: line_id_cow(line),
        label: line_label_cow(b, line),
        category: line.item.category(),
        mission: mission.map(|m| m.id.as_str()),
        reference,
        inputs,
        formula: formula_words(b, line),
        before_rounding: line.before_rounding,
        rounding_applied: line.before_rounding != line.amount,
        amount: line.amount,
        // A line on a confirmed cell is provisional when an uplift's rate is.
        status: line.cell.map(|c| {
            if line.is_provisional() {
                crate::rules::Status::Provisional.name()
            } else {
                c.status.name()
            }
        }),
        source: line.cell.map(|c| c.source.as_str()),
    }
}

/// The conditions of an uplift the contract met: its signature and the dates it was compared to,
/// the mission it engages.
fn uplift_inputs<'a>(
    inputs: &mut Vec<(&'static str, Value<'a>)>,
    contract: &Contract,
    u: &'a Uplift,
) {
    inputs.push(("signature_date", Value::Date(contract.signature)));
    if let Some(d) = u.contracts.signed_on_or_before {
        inputs.push(("signed_on_or_before", Value::Date(d)));
    }
    if let Some(d) = u.contracts.signed_after {
        inputs.push(("signed_after", Value::Date(d)));
    }
    if let Some(m) = &u.contracts.mission {
        inputs.push(("mission_engaged", Value::Text(m)));
    }
}

/// `once` or `yearly`, as in the rules file.
pub fn pay_name(p: UpliftPay) -> &'static str {
    match p {
        UpliftPay::Once => "once",
        UpliftPay::Yearly => "yearly",
    }
}

/// The formula with its numbers, in French.
pub fn formula_words(b: &Breakdown, line: &Line) -> String {
    words::formula(b, line, Lang::Fr)
}

/// The label of a dated payment, in French.
pub fn payment_label(b: &Breakdown, p: &Payment) -> String {
    let line = &b.lines[p.line];
    let label = line_label(b, line);
    let rate = b
        .rules
        .payment
        .advance_rate
        .at(b.from)
        .map(|(_, c)| c.amount * rust_decimal::Decimal::ONE_HUNDRED)
        .unwrap_or_default();
    match p.kind {
        PaymentKind::AtSignature => format!("Versement à la signature: {label}"),
        PaymentKind::Advance => format!("Avance {} %: {label}", rate.normalize()),
        PaymentKind::Balance => format!("Solde: {label}"),
        PaymentKind::Variable => match line.item {
            Item::Variable { mission, .. } => format!("Part variable: {}", mission.label),
            _ => format!("Part variable: {label}"),
        },
        PaymentKind::Crisis => format!("Enveloppe crise: {label}"),
    }
}

pub fn payment_kind_name(k: PaymentKind) -> &'static str {
    match k {
        PaymentKind::AtSignature => "at_signature",
        PaymentKind::Advance => "advance",
        PaymentKind::Balance => "balance",
        PaymentKind::Variable => "variable",
        PaymentKind::Crisis => "crisis",
    }
}

/// `"1234.50"`: amounts in machine outputs.
pub fn amount(d: rust_decimal::Decimal) -> String {
    format_2dp(d)
}
