//! The budget for people: the plain-text report of `budget`, and the French words it shares
//! with the Markdown and HTML pages (standing of an indicator, what the next step adds, month
//! names, grouped warnings).

use super::payment_label;
use crate::budget::{Budget, Goal, Lever, Month, Source, Standing};
use crate::diagnostic::Code;
use crate::eval::{Breakdown, Formula, Totals};
use crate::input::{Direction, Observation, Payout};
use crate::money::{format_eur, format_plain};
use rust_decimal::Decimal;
use std::fmt::Write;

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `mars 2024`.
pub fn month_name(year: i32, month: u32) -> String {
    let name = MONTHS.get((month as usize).wrapping_sub(1)).copied().unwrap_or("?");
    format!("{name} {year}")
}

/// Where the expectations come from, in words.
pub fn source_words(s: &Source) -> String {
    match s {
        Source::None => "aucune (ni section `expected` dans le contrat, ni fichier de scénario) : les indicateurs non mesurés comptent pour 0".into(),
        Source::Contract => "section `expected` du contrat".into(),
        Source::File { file, .. } => format!("fichier de scénario {file}"),
    }
}

fn op(d: Direction) -> &'static str {
    match d {
        Direction::HigherIsBetter => "≥",
        Direction::LowerIsBetter => "≤",
    }
}

fn observation_words(o: Observation) -> String {
    match o {
        Observation::Reached(true) => "atteint".into(),
        Observation::Reached(false) => "non atteint".into(),
        Observation::Value(v) => format_plain(v),
    }
}

/// Where an indicator stands: `120 (mesuré) : palier ≤ 219 atteint, 3 000,00 €`.
pub fn standing_words(b: &Breakdown, l: &Lever) -> String {
    let what = match l.standing {
        Standing::Measured(o) => format!("{} (mesuré)", observation_words(o)),
        Standing::Expected(o) => format!("{} (attendu)", observation_words(o)),
        Standing::Attainment { fraction, observation } => {
            format!(
                "{} % du maximum attendu, soit {}",
                format_plain((fraction * Decimal::ONE_HUNDRED).normalize()),
                observation_words(observation)
            )
        }
        Standing::Unknown => "non mesuré, sans hypothèse".into(),
    };
    let step = match (&b.lines[l.line].formula, &l.indicator.payout) {
        (Formula::Steps { reached: Some(i), .. }, Payout::Steps { direction, steps }) => {
            format!(" : palier {} {} atteint", op(*direction), format_plain(steps[*i].threshold))
        }
        (Formula::Steps { reached: None, .. }, _) => " : aucun palier atteint".into(),
        _ => String::new(),
    };
    format!("{what}{step}, {}", format_eur(l.amount))
}

/// What the better results add: `palier suivant ≤ 100 → +3 000,00 € ; ≤ 50 → +6 000,00 €`.
pub fn next_words(l: &Lever) -> String {
    if l.next.is_empty() {
        return "maximum atteint".into();
    }
    let parts: Vec<String> = l
        .next
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let goal = match n.goal {
                Goal::Reached => "objectif atteint".to_string(),
                Goal::Step { threshold, direction, .. } if i == 0 => {
                    format!("palier suivant {} {}", op(direction), format_plain(threshold))
                }
                Goal::Step { threshold, direction, .. } => {
                    format!("{} {}", op(direction), format_plain(threshold))
                }
                Goal::Target { target } => format!("cible {}", format_plain(target)),
            };
            format!("{goal} → +{}", format_eur(n.gain))
        })
        .collect();
    parts.join(" ; ")
}

/// The warnings of the expected scenario, identical ones grouped: (years, code, message).
/// A year without measured results rests on expectations: instead of a "no observed value"
/// (W0502) per indicator, one line (W0511) names those years (issue 12).
pub fn grouped_warnings(budget: &Budget) -> Vec<(Vec<u32>, Code, String)> {
    let mut out: Vec<(Vec<u32>, Code, String)> = Vec::new();
    let mut projected: Vec<u32> = Vec::new();
    for y in &budget.years {
        let measured = budget.scenarios.contract.results.contains_key(&y.contract_year);
        if !measured && y.indicators > 0 {
            projected.push(y.contract_year);
        }
        for w in &y.expected.warnings {
            if !measured && w.code() == Code::W0502 {
                continue;
            }
            let msg = w.message_fr();
            match out.iter_mut().find(|(_, c, m)| *c == w.code() && *m == msg) {
                Some((years, _, _)) => years.push(y.contract_year),
                None => out.push((vec![y.contract_year], w.code(), msg)),
            }
        }
    }
    if !projected.is_empty() {
        out.push((
            projected,
            Code::W0511,
            "pas encore de résultats mesurés : ces années reposent sur les hypothèses du trésorier (valeurs et atteintes attendues) ; un indicateur sans hypothèse ne rapporte rien".into(),
        ));
    }
    out
}

/// `1`, `1, 2 et 5`.
pub fn years_words(years: &[u32]) -> String {
    let v: Vec<String> = years.iter().map(u32::to_string).collect();
    match v.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} et {last}", rest.join(", ")),
        _ => v.join(""),
    }
}

fn right(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(width.saturating_sub(n)))
}

const W: usize = 16;

fn categories(t: &Totals) -> [Decimal; 5] {
    [t.fonctionnement, t.fixed, t.variable, t.crisis, t.total]
}

/// The `budget` report in plain text.
pub fn text(budget: &Budget) -> String {
    let mut o = String::new();
    let c = &budget.scenarios.contract;
    let _ = writeln!(o, "Budget prévisionnel — {} ({})", c.name, c.id);
    if let (Some(first), Some(last)) = (budget.years.first(), budget.years.last()) {
        let _ = writeln!(
            o,
            "Contrat signé le {} : {} années de contrat, du {} au {}",
            c.signature,
            budget.years.len(),
            first.expected.from,
            last.expected.to.pred_opt().unwrap_or(last.expected.to)
        );
    }
    let _ =
        writeln!(o, "Hypothèses du scénario attendu : {}", source_words(&budget.scenarios.source));
    let _ = writeln!(o);
    let _ = writeln!(o, "Par année de contrat (scénario attendu)");
    let _ = writeln!(
        o,
        "Année  Période                  Taille{}{}{}{}{}",
        right("Fonctionnement", W),
        right("Parts fixes", W),
        right("Parts var.", W),
        right("Env. crise", W),
        right("Total", W)
    );
    let mut sum = [Decimal::ZERO; 5];
    for y in &budget.years {
        let b = &y.expected;
        let _ = write!(
            o,
            "{:>5}  {} → {}  {:<6}",
            y.contract_year,
            b.from,
            b.to.pred_opt().unwrap_or(b.to),
            b.tier.id
        );
        for (i, v) in categories(&b.totals).iter().enumerate() {
            sum[i] = sum[i].saturating_add(*v);
            let _ = write!(o, "{}", right(&format_eur(*v), W));
        }
        let _ = writeln!(o);
    }
    let _ = write!(o, "{:<44}", "TOTAL");
    for v in sum {
        let _ = write!(o, "{}", right(&format_eur(v), W));
    }
    let _ = writeln!(o);
    let _ = writeln!(o);
    let _ = writeln!(o, "Scénarios (les indicateurs déjà mesurés gardent leur valeur)");
    let _ = writeln!(
        o,
        "Année  Indicateurs mesurés{}{}{}",
        right("Minimum", W),
        right("Attendu", W),
        right("Maximum", W)
    );
    for y in &budget.years {
        let _ = writeln!(
            o,
            "{:>5}  {:<19}{}{}{}",
            y.contract_year,
            format!("{} / {}", y.measured, y.indicators),
            right(&format_eur(y.minimum.totals.total), W),
            right(&format_eur(y.expected.totals.total), W),
            right(&format_eur(y.maximum.totals.total), W)
        );
    }
    let t = &budget.totals;
    let _ = writeln!(
        o,
        "{:<26}{}{}{}",
        "TOTAL",
        right(&format_eur(t.minimum), W),
        right(&format_eur(t.expected), W),
        right(&format_eur(t.maximum), W)
    );
    let _ = writeln!(o, "  minimum : aucun indicateur non mesuré atteint ; maximum : tous atteints ; attendu : les hypothèses ci-dessus.");
    let _ = writeln!(o);
    let _ = writeln!(o, "Versements datés (scénario attendu)");
    for r in &budget.payments {
        if let Some((b, p)) = budget.payment(*r) {
            let _ = writeln!(
                o,
                "  {}  année {}{}  {}",
                p.date,
                r.contract_year,
                right(&format_eur(p.amount), W),
                payment_label(b, p)
            );
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Calendrier par année civile et par mois (scénario attendu)");
    let _ = writeln!(o, "  {:<16}{}{}", "Mois", right("Reçu", W), right("Cumul", W));
    let mut current: Option<i32> = None;
    for m in &budget.months {
        if current.is_some_and(|y| y != m.year) {
            calendar_year_line(&mut o, budget, current);
        }
        current = Some(m.year);
        month_line(&mut o, m);
    }
    calendar_year_line(&mut o, budget, current);
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Ce que rapporterait chaque indicateur (scénario attendu ; gains calculés par le moteur)"
    );
    for y in &budget.years {
        if y.levers.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "  Année {} ({} → {})",
            y.contract_year,
            y.expected.from,
            y.expected.to.pred_opt().unwrap_or(y.expected.to)
        );
        for l in &y.levers {
            let _ = writeln!(o, "    {} : {}", l.indicator.label, standing_words(&y.expected, l));
            let _ = writeln!(o, "      {}", next_words(l));
        }
    }
    let warnings = grouped_warnings(budget);
    if !warnings.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Avertissements (scénario attendu)");
        for (years, code, msg) in warnings {
            let _ = writeln!(o, "  année(s) {} : warning[{code}]: {msg}", years_words(&years));
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", receipt_words(budget));
    o
}

fn month_line(o: &mut String, m: &Month) {
    let _ = writeln!(
        o,
        "  {:<16}{}{}",
        month_name(m.year, m.month),
        right(&format_eur(m.amount), W),
        right(&format_eur(m.running_total), W)
    );
}

fn calendar_year_line(o: &mut String, budget: &Budget, year: Option<i32>) {
    if let Some(c) = year.and_then(|y| budget.calendar_years.iter().find(|c| c.year == y)) {
        let _ =
            writeln!(o, "  {:<16}{}", format!("Total {}", c.year), right(&format_eur(c.amount), W));
    }
}

/// Rules, contract and scenario used, with their hashes, and the engine version.
pub fn receipt_words(budget: &Budget) -> String {
    let short = |h: &str| h.get(..12).unwrap_or(h).to_string();
    let c = &budget.scenarios.contract;
    let mut s = format!(
        "Règles : {} (sha256 {}) ; contrat : {} (sha256 {})",
        budget.rules.file,
        short(&budget.rules.sha256),
        c.file,
        short(&c.sha256)
    );
    if let Source::File { file, sha256 } = &budget.scenarios.source {
        let _ = write!(s, " ; scénario : {file} (sha256 {})", short(sha256));
    }
    let _ = write!(s, " ; moteur cpts-funding {}", env!("CARGO_PKG_VERSION"));
    s
}
