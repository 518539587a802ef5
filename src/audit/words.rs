//! The words of an audit formula: one walk over the structured line ([`Formula`] × [`Item`] ×
//! [`Payout`]) that decides what is said and in which order, and one [`Words`] table per
//! language that says it. The matches have no wildcard arm: a new formula, item or indicator
//! kind does not compile until the walk says how it is written, in every language at once.
//!
//! The walk writes into one buffer with the allocation-free number and date writers: it runs for
//! every line of every CPTS of a portfolio.

use crate::calendar::push_date;
use crate::eval::{Breakdown, Formula, Item, Line};
use crate::input::{Direction, Payout};
use crate::money::{push_eur, push_plain};
use crate::rules::{Uplift, UpliftPay};
use rust_decimal::Decimal;

/// A language of the explanations and audit words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The language's code (`fr`, `en`), as in HTML `lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// The fixed parts of each formula sentence, in the order the walk writes them between the
/// numbers (see [`write_formula`]).
pub struct Words {
    /// Uplifted fonctionnement: `…tier…in force on…, signed on…(on or before…): amount`.
    pub uplift: [&'static str; 5],
    /// When an uplift pays, opening its formula: once or yearly from a date, `…and before…`, `: `.
    pub uplift_when: [&'static str; 4],
    /// An uplift's share of the fonctionnement: `…tier…in force on… (base) × rate = amount`.
    pub share: [&'static str; 4],
    /// A crisis envelope: `…tier…in force on… = amount`.
    pub crisis: [&'static str; 3],
    /// A tier amount: `…tier…in force on… = amount`.
    pub tier_amount: [&'static str; 3],
    /// A prorata: `…full × days…start…anniversary…) / year days… = amount`.
    pub prorata: [&'static str; 6],
    /// Binary: `target reached: maximum amount` or `target not reached: 0`; when a budget
    /// assumes the result, the `expected` forms say it is not measured.
    pub binary_reached: &'static str,
    pub binary_not_reached: &'static str,
    pub binary_expected_reached: &'static str,
    pub binary_expected_not_reached: &'static str,
    /// Steps: `observed value N` (`expected value N` when a budget assumes it), then
    /// `: step ≥ T reached → amount`.
    pub steps_observed: &'static str,
    pub steps_expected: &'static str,
    pub step_reached: [&'static str; 2],
    pub no_step_reached: &'static str,
    /// Linear: `max × (obs − base) / (target − base), clamped (= ratio) → amount`.
    pub linear_clamped: &'static str,
    pub missing: &'static str,
    /// A variant's assumed attainment: `…tier…in force on… (envelope) × attainment… = amount`.
    pub assumed: [&'static str; 5],
    /// A variable part capped: `…tier…in force on… (envelope) − indicators… = amount`.
    pub cap: [&'static str; 5],
    /// `inhabitants` in the tier reason.
    pub inhabitants: &'static str,
    /// The sources of the population in the tier reason: the contract year's, the contract's
    /// with its year, the contract's.
    pub population_of_year: &'static str,
    pub population_of_contract_year: [&'static str; 2],
    pub population_of_contract: &'static str,
    /// Whether the tier reason names the tier id after its bounds (`… < 80000 (t2)`).
    pub tier_id_after_bounds: bool,
}

pub const FR: Words = Words {
    uplift: [
        "montant majoré de la taille ",
        " en vigueur au ",
        ", contrat signé le ",
        " (au plus tard le ",
        "): ",
    ],
    uplift_when: [
        "versement unique, la première année de contrat commençant à partir du ",
        "chaque année de contrat commençant à partir du ",
        " et avant le ",
        ": ",
    ],
    share: ["fonctionnement de la taille ", " en vigueur au ", " (", ") × "],
    crisis: [
        "crise sanitaire grave reconnue par l'ARS: enveloppe de la taille ",
        " en vigueur au ",
        " = ",
    ],
    tier_amount: ["montant de la taille ", " en vigueur au ", " = "],
    prorata: [
        "prorata au jour près: ",
        " × ",
        " j (du démarrage le ",
        " à l'anniversaire du ",
        ") / ",
        " j = ",
    ],
    binary_reached: "objectif atteint: maximum ",
    binary_not_reached: "objectif non atteint: 0,00 €",
    binary_expected_reached: "objectif attendu comme atteint: maximum ",
    binary_expected_not_reached: "objectif attendu comme non atteint: 0,00 €",
    steps_observed: "valeur observée ",
    steps_expected: "valeur attendue ",
    step_reached: [": palier ", " atteint → "],
    no_step_reached: ": aucun palier atteint → 0,00 €",
    linear_clamped: "), borné entre 0 et 1 (= ",
    missing: "pas de valeur observée pour l'année: 0,00 € (choix `missing_observation`)",
    assumed: [
        "enveloppe variable de la taille ",
        " en vigueur au ",
        " (",
        ") × atteinte supposée par la variante ",
        " (hypothèse, pas un résultat de contrat ; part variable non proratisée) = ",
    ],
    cap: [
        "part variable plafonnée à l'enveloppe de la taille ",
        " en vigueur au ",
        ": ",
        " − ce que paient les indicateurs (maxima prévus pour une autre taille) ",
        " = ",
    ],
    inhabitants: " habitants, ",
    population_of_year: "population de l'année de contrat ",
    population_of_contract_year: ["population du contrat (chiffre ", ")"],
    population_of_contract: "population du contrat",
    tier_id_after_bounds: true,
};

pub const EN: Words = Words {
    uplift: [
        "uplifted amount of tier ",
        " in force on ",
        ", contract signed on ",
        " (on or before ",
        "): ",
    ],
    uplift_when: [
        "paid once, in the first contract year starting on or after ",
        "every contract year starting on or after ",
        " and before ",
        ": ",
    ],
    share: ["fonctionnement of tier ", " in force on ", " (", ") × "],
    crisis: [
        "serious sanitary crisis recognised by the ARS: envelope of tier ",
        " in force on ",
        " = ",
    ],
    tier_amount: ["amount of tier ", " in force on ", " = "],
    prorata: [
        "pro rata by days: ",
        " × ",
        " d (from the mission start on ",
        " to the anniversary on ",
        ") / ",
        " d = ",
    ],
    binary_reached: "target reached: maximum ",
    binary_not_reached: "target not reached: 0,00 €",
    binary_expected_reached: "target expected to be reached: maximum ",
    binary_expected_not_reached: "target expected not to be reached: 0,00 €",
    steps_observed: "observed value ",
    steps_expected: "expected value ",
    step_reached: [": step ", " reached → "],
    no_step_reached: ": no step reached → 0,00 €",
    linear_clamped: "), clamped between 0 and 1 (= ",
    missing: "no observed value for the year: 0,00 € (choice `missing_observation`)",
    assumed: [
        "variable envelope of tier ",
        " in force on ",
        " (",
        ") × attainment assumed by the variant ",
        " (a hypothesis, not a contract result; the variable part is not prorated) = ",
    ],
    cap: [
        "variable part capped at the envelope of tier ",
        " in force on ",
        ": ",
        " − what the indicators pay (maxima sized for another tier) ",
        " = ",
    ],
    inhabitants: " inhabitants, ",
    population_of_year: "population of contract year ",
    population_of_contract_year: ["population of the contract (", " figure)"],
    population_of_contract: "population of the contract",
    tier_id_after_bounds: false,
};

pub fn op(direction: Direction) -> &'static str {
    match direction {
        Direction::HigherIsBetter => "≥",
        Direction::LowerIsBetter => "≤",
    }
}

/// The formula of `line` with its numbers, in `lang`.
pub fn formula(b: &Breakdown, line: &Line, lang: Lang) -> String {
    let mut o = String::with_capacity(256);
    write_formula(&mut o, b, line, lang.words());
    o
}

/// Writes the formula of `line` with the words `w`.
pub fn write_formula(o: &mut String, b: &Breakdown, line: &Line, w: &Words) {
    let tier = b.tier.id.as_str();
    let before = line.before_rounding;
    let rounded = b.rules.rounding.apply(line.before_rounding);
    // `tier … in force on <date>`: the opening of every tier-amount sentence.
    let tier_in_force = |o: &mut String, words: &[&str]| {
        o.push_str(words[0]);
        o.push_str(tier);
        o.push_str(words[1]);
        push_date(o, b.value_date);
    };
    // `paid once, in the first contract year starting on or after <from> … : `.
    let uplift_when = |o: &mut String, u: &Uplift| {
        o.push_str(match u.pay {
            UpliftPay::Once => w.uplift_when[0],
            UpliftPay::Yearly => w.uplift_when[1],
        });
        push_date(o, u.from);
        if let Some(until) = u.until {
            o.push_str(w.uplift_when[2]);
            push_date(o, until);
        }
        o.push_str(w.uplift_when[3]);
    };
    match &line.formula {
        Formula::TierAmount => match line.item {
            // The older `fonctionnement_uplift` says its signature date (its words unchanged).
            Item::Fonctionnement { uplift: Some(u) } => match u.contracts.signed_on_or_before {
                Some(limit) => {
                    tier_in_force(o, &w.uplift);
                    o.push_str(w.uplift[2]);
                    push_date(o, b.contract.signature);
                    o.push_str(w.uplift[3]);
                    push_date(o, limit);
                    o.push_str(w.uplift[4]);
                    push_eur(o, before);
                }
                None => {
                    uplift_when(o, u);
                    tier_in_force(o, &w.uplift);
                    o.push_str(w.uplift[4]);
                    push_eur(o, before);
                }
            },
            Item::Uplift { uplift } => {
                uplift_when(o, uplift);
                tier_in_force(o, &w.tier_amount);
                o.push_str(w.tier_amount[2]);
                push_eur(o, before);
            }
            Item::Crisis { .. } => {
                tier_in_force(o, &w.crisis);
                o.push_str(w.crisis[2]);
                push_eur(o, before);
            }
            Item::Fonctionnement { uplift: None }
            | Item::Fixed { .. }
            | Item::Variable { .. }
            | Item::AssumedVariable { .. }
            | Item::VariableCap { .. } => {
                tier_in_force(o, &w.tier_amount);
                o.push_str(w.tier_amount[2]);
                push_eur(o, before);
            }
        },
        Formula::Prorata { full, start, days, year_days } => {
            o.push_str(w.prorata[0]);
            push_eur(o, *full);
            o.push_str(w.prorata[1]);
            push_plain(o, Decimal::from(*days));
            o.push_str(w.prorata[2]);
            push_date(o, *start);
            o.push_str(w.prorata[3]);
            push_date(o, b.to);
            o.push_str(w.prorata[4]);
            push_plain(o, Decimal::from(*year_days));
            o.push_str(w.prorata[5]);
            push_eur(o, rounded);
        }
        Formula::Binary { reached: true } => {
            o.push_str(if expected(b, line) {
                w.binary_expected_reached
            } else {
                w.binary_reached
            });
            push_eur(o, before);
        }
        Formula::Binary { reached: false } => o.push_str(if expected(b, line) {
            w.binary_expected_not_reached
        } else {
            w.binary_not_reached
        }),
        Formula::Steps { observed, reached } => {
            o.push_str(if expected(b, line) { w.steps_expected } else { w.steps_observed });
            push_plain(o, *observed);
            let step = match (reached, variable_payout(line)) {
                (Some(i), Some(Payout::Steps { direction, steps })) => {
                    steps.get(*i).map(|s| (*direction, s.threshold))
                }
                (Some(_), Some(Payout::Binary | Payout::Linear { .. }) | None) | (None, _) => None,
            };
            match step {
                Some((direction, threshold)) => {
                    o.push_str(w.step_reached[0]);
                    o.push_str(op(direction));
                    o.push(' ');
                    push_plain(o, threshold);
                    o.push_str(w.step_reached[1]);
                    push_eur(o, before);
                }
                None => o.push_str(w.no_step_reached),
            }
        }
        Formula::Linear { observed, ratio } => {
            // A linear formula is only made for a linear indicator (eval::indicator).
            let (Some(Payout::Linear { baseline, target }), Item::Variable { indicator, .. }) =
                (variable_payout(line), line.item)
            else {
                return;
            };
            push_eur(o, indicator.max);
            o.push_str(" × (");
            push_plain(o, *observed);
            o.push_str(" − ");
            push_plain(o, *baseline);
            o.push_str(") / (");
            push_plain(o, *target);
            o.push_str(" − ");
            push_plain(o, *baseline);
            o.push_str(w.linear_clamped);
            push_plain(o, ratio.round_dp(6));
            o.push_str(") → ");
            push_eur(o, rounded);
        }
        Formula::Missing => o.push_str(w.missing),
        Formula::Share { base, rate } => {
            if let Item::Uplift { uplift } = line.item {
                uplift_when(o, uplift);
            }
            tier_in_force(o, &w.share);
            o.push_str(w.share[2]);
            push_eur(o, *base);
            o.push_str(w.share[3]);
            push_plain(o, *rate);
            o.push_str(w.tier_amount[2]);
            push_eur(o, rounded);
        }
        Formula::Cap { envelope, indicators } => {
            tier_in_force(o, &w.cap);
            o.push_str(w.cap[2]);
            push_eur(o, *envelope);
            o.push_str(w.cap[3]);
            push_eur(o, *indicators);
            o.push_str(w.cap[4]);
            push_eur(o, rounded);
        }
        Formula::Assumed { envelope, attainment } => {
            tier_in_force(o, &w.assumed);
            o.push_str(w.assumed[2]);
            push_eur(o, *envelope);
            o.push_str(w.assumed[3]);
            push_plain(o, *attainment);
            o.push_str(w.assumed[4]);
            push_eur(o, rounded);
        }
    }
}

/// The payout of an indicator line.
fn variable_payout<'a>(line: &Line<'a>) -> Option<&'a Payout> {
    match line.item {
        Item::Variable { indicator, .. } => Some(&indicator.payout),
        Item::Fonctionnement { .. }
        | Item::Uplift { .. }
        | Item::Fixed { .. }
        | Item::Crisis { .. }
        | Item::AssumedVariable { .. }
        | Item::VariableCap { .. } => None,
    }
}

/// Whether an indicator line's result is a treasurer's expectation (a budget's expected
/// scenario marks them), not a measure: its words then say "attendu(e)".
fn expected(b: &Breakdown, line: &Line) -> bool {
    match line.item {
        Item::Variable { indicator, .. } => b
            .contract
            .results
            .get(&b.contract_year)
            .is_some_and(|r| r.expected.contains(&*indicator.id)),
        Item::Fonctionnement { .. }
        | Item::Uplift { .. }
        | Item::Fixed { .. }
        | Item::Crisis { .. }
        | Item::AssumedVariable { .. }
        | Item::VariableCap { .. } => false,
    }
}

/// Why the CPTS is in its tier: the population used, its source, and the tier's bounds.
pub fn tier_reason(b: &Breakdown, lang: Lang) -> String {
    let w = lang.words();
    let mut o = String::with_capacity(128);
    match b.contract.results.get(&b.contract_year).and_then(|r| r.population) {
        Some(_) => {
            o.push_str(w.population_of_year);
            o.push_str(&b.contract_year.to_string());
        }
        None => match b.contract.population_year {
            Some(y) => {
                o.push_str(w.population_of_contract_year[0]);
                o.push_str(&y.to_string());
                o.push_str(w.population_of_contract_year[1]);
            }
            None => o.push_str(w.population_of_contract),
        },
    }
    o.push_str(": ");
    o.push_str(&b.population.to_string());
    o.push_str(w.inhabitants);
    o.push_str(&b.tier.bounds_text);
    if w.tier_id_after_bounds {
        o.push_str(" (");
        o.push_str(&b.tier.id);
        o.push(')');
    }
    o
}
