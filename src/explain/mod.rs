//! Plain-language explanations of a contract year, for a board report: the text in force, the
//! tier and why (once per year), then each amount with its article, its formula with the
//! numbers, the prorata and the rounding applied, whether the amount is provisional, and when it
//! is paid. French by default, English on request. Built on the audit trail
//! ([`crate::audit`]): ids, labels, references, amounts and (in French) the formula come
//! from there; this module only puts them into sentences. It never prints.

mod en;

use crate::audit::payment_label;
use crate::audit::words::{formula, tier_reason};
pub use crate::audit::Lang;
use crate::audit::{audit_line, line_id};
use crate::diagnostic::Code;
use crate::diagnostic::{did_you_mean, Diagnostic, Location};
use crate::eval::{Breakdown, Item, Line, PaymentKind};
use crate::money::{format_eur, format_plain, Rounding, RoundingMode};
use rust_decimal::Decimal;

/// One amount explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineExplanation {
    pub id: String,
    pub label: String,
    pub amount: Decimal,
    /// Short sentences: the calculation, the rounding, the article, the status, the payments.
    pub sentences: Vec<String>,
}

/// A contract year explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearExplanation {
    pub contract_year: u32,
    pub lang: Lang,
    /// "CPTS X — contract year K (from … to …)".
    pub title: String,
    /// The text in force, the tier and why, the total.
    pub context: Vec<String>,
    pub lines: Vec<LineExplanation>,
}

/// The indices of the lines `selector` names: a line id (`acces_soins.fixed`), a mission id
/// (all its lines) or an indicator id (its line). `None` selects every line.
pub fn select(b: &Breakdown, selector: Option<&str>) -> Result<Vec<usize>, Diagnostic> {
    let ids: Vec<String> = b.lines.iter().map(line_id).collect();
    let Some(sel) = selector else { return Ok((0..ids.len()).collect()) };
    let hits: Vec<usize> = b
        .lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            ids[*i] == sel
                || match l.item {
                    Item::Fonctionnement { .. } => false,
                    Item::Uplift { uplift } => uplift.id == sel,
                    Item::Fixed { mission, .. }
                    | Item::Crisis { mission }
                    | Item::AssumedVariable { mission }
                    | Item::VariableCap { mission } => mission.id == sel,
                    Item::Variable { mission, indicator } => {
                        mission.id == sel || *indicator.id == *sel
                    }
                }
        })
        .map(|(i, _)| i)
        .collect();
    if hits.is_empty() {
        let mut d = Diagnostic::error(
            Code::E0404,
            format!("no line `{sel}` in contract year {} of `{}`", b.contract_year, b.contract.id),
            Location::file(&b.contract.file),
        );
        let mut names: Vec<&str> = ids.iter().map(String::as_str).collect();
        for l in &b.lines {
            match l.item {
                Item::Fixed { mission, .. }
                | Item::Crisis { mission }
                | Item::AssumedVariable { mission }
                | Item::VariableCap { mission } => names.push(&mission.id),
                Item::Variable { mission, indicator } => {
                    names.extend([mission.id.as_str(), &*indicator.id])
                }
                Item::Uplift { uplift } => names.push(&uplift.id),
                Item::Fonctionnement { .. } => {}
            }
        }
        d.help = Some(match did_you_mean(sel, names) {
            Some(s) => format!("did you mean `{s}`? lines of this year: {}", ids.join(", ")),
            None => format!("lines of this year: {}", ids.join(", ")),
        });
        return Err(d);
    }
    Ok(hits)
}

/// Explains the lines `which` (indices into `b.lines`) of a contract year.
pub fn explain_year(b: &Breakdown, which: &[usize], lang: Lang) -> YearExplanation {
    let last_day = b.to.pred_opt().unwrap_or(b.to);
    let (title, context) = match lang {
        Lang::Fr => (
            format!(
                "{} — année de contrat {} (du {} au {})",
                b.contract.name, b.contract_year, b.from, last_day
            ),
            vec![
                format!(
                    "Texte en vigueur au {} (premier jour de l'année de contrat) : {} — {}.",
                    b.value_date, b.text.label, b.text.reference
                ),
                format!(
                    "Taille {} — {} ; pourquoi : {}.",
                    b.tier.id,
                    b.tier.label,
                    tier_reason(b, Lang::Fr)
                ),
                format!("Total de l'année : {}.", format_eur(b.totals.total)),
            ],
        ),
        Lang::En => (
            format!(
                "{} — contract year {} (from {} to {})",
                b.contract.name, b.contract_year, b.from, last_day
            ),
            vec![
                format!(
                    "Text in force on {} (the first day of the contract year): {} — {}.",
                    b.value_date, b.text.label, b.text.reference
                ),
                format!(
                    "Tier {} — {}; why: {}.",
                    b.tier.id,
                    b.tier.label,
                    tier_reason(b, Lang::En)
                ),
                format!("Total of the year: {}.", format_eur(b.totals.total)),
            ],
        ),
    };
    let lines = which
        .iter()
        .filter_map(|i| b.lines.get(*i).map(|l| explain_line(b, *i, l, lang)))
        .collect();
    YearExplanation { contract_year: b.contract_year, lang, title, context, lines }
}

/// A number before rounding, at most 6 decimals (`…` if cut), in the French style of every
/// amount shown to people: `37 191,780822…`.
fn unrounded(d: Decimal) -> String {
    let cut = d.round_dp(6);
    let plain = format_plain(cut);
    let (sign, digits) = plain.strip_prefix('-').map(|x| ("-", x)).unwrap_or(("", plain.as_str()));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let (group, point) = ('\u{202f}', ',');
    let mut s = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            s.push(group);
        }
        s.push(c);
    }
    if !frac.is_empty() {
        s.push(point);
        s.push_str(frac);
    }
    if cut != d {
        s.push('…');
    }
    s
}

fn mode_words(r: &Rounding, lang: Lang) -> &'static str {
    match (r.mode, lang) {
        (RoundingMode::HalfAwayFromZero, Lang::Fr) => "au plus proche, moitié loin de zéro",
        (RoundingMode::HalfEven, Lang::Fr) => "au plus proche, moitié au pair",
        (RoundingMode::Down, Lang::Fr) => "vers zéro",
        (RoundingMode::HalfAwayFromZero, Lang::En) => "to the nearest, half away from zero",
        (RoundingMode::HalfEven, Lang::En) => "to the nearest, half to even",
        (RoundingMode::Down, Lang::En) => "toward zero",
    }
}

fn explain_line(b: &Breakdown, index: usize, line: &Line, lang: Lang) -> LineExplanation {
    let a = audit_line(b, line);
    let mut s = Vec::with_capacity(5);
    let formula = match lang {
        Lang::Fr => a.formula.clone(),
        Lang::En => formula(b, line, Lang::En),
    };
    s.push(match lang {
        Lang::Fr => format!("Calcul : {formula}."),
        Lang::En => format!("Calculation: {formula}."),
    });
    if a.rounding_applied {
        let r = &b.rules.rounding;
        s.push(match lang {
            Lang::Fr => format!(
                "Arrondi à {} décimale(s), {} (règle déclarée) : {} € → {}.",
                r.decimals,
                mode_words(r, lang),
                unrounded(a.before_rounding),
                format_eur(a.amount)
            ),
            Lang::En => format!(
                "Rounded to {} decimal(s), {} (declared rule): {} € → {}.",
                r.decimals,
                mode_words(r, lang),
                unrounded(a.before_rounding),
                format_eur(a.amount)
            ),
        });
    }
    s.push(match lang {
        Lang::Fr => format!("Article : {}.", a.reference),
        Lang::En => format!("Article: {}.", a.reference),
    });
    if line.is_provisional() {
        let citation = a.source.and_then(|id| b.rules.source_citation(id)).unwrap_or_default();
        s.push(match lang {
            Lang::Fr => format!("Montant provisoire, à confirmer (source : {citation})."),
            Lang::En => format!("Provisional amount, to be confirmed (source: {citation})."),
        });
    }
    if let Some(p) = payments(b, index, line, lang) {
        s.push(p);
    }
    LineExplanation {
        id: a.id.into_owned(),
        label: a.label.into_owned(),
        amount: a.amount,
        sentences: s,
    }
}

/// When the line is paid. The variable part of a mission is paid at once for all its
/// indicators: an indicator line says so.
fn payments(b: &Breakdown, index: usize, line: &Line, lang: Lang) -> Option<String> {
    if let Item::Variable { mission, .. } | Item::VariableCap { mission } = line.item {
        let p = b.schedule.iter().find(|p| p.kind == PaymentKind::Variable && matches!(b.lines[p.line].item, Item::Variable { mission: m, .. } if m.id == mission.id))?;
        return Some(match lang {
            Lang::Fr => format!(
                "Versé avec la part variable de la mission le {} ({} pour toute la mission).",
                p.date,
                format_eur(p.amount)
            ),
            Lang::En => format!(
                "Paid with the mission's variable part on {} ({} for the whole mission).",
                p.date,
                format_eur(p.amount)
            ),
        });
    }
    let parts: Vec<String> = b
        .schedule
        .iter()
        .filter(|p| p.line == index)
        .map(|p| match lang {
            Lang::Fr => {
                let label = payment_label(b, p);
                let kind = label.split(':').next().unwrap_or_default().to_lowercase();
                format!("{} le {} ({kind})", format_eur(p.amount), p.date)
            }
            Lang::En => {
                format!("{} on {} ({})", format_eur(p.amount), p.date, en::payment_kind(b, p.kind))
            }
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(match lang {
        Lang::Fr => format!("Versements : {}.", parts.join(", ")),
        Lang::En => format!("Payments: {}.", parts.join(", ")),
    })
}

/// Plain text, for the `explain` command.
pub fn render_text(years: &[YearExplanation]) -> String {
    let mut o = String::new();
    for (n, y) in years.iter().enumerate() {
        if n > 0 {
            o.push('\n');
        }
        o.push_str(&y.title);
        o.push('\n');
        for c in &y.context {
            o.push_str(c);
            o.push('\n');
        }
        for l in &y.lines {
            o.push('\n');
            o.push_str(&format!("{} : {}  [{}]\n", l.label, format_eur(l.amount), l.id));
            for s in &l.sentences {
                o.push_str("  ");
                o.push_str(s);
                o.push('\n');
            }
        }
    }
    o
}

#[derive(serde::Serialize)]
struct ExplainDoc<'a> {
    format_version: u32,
    explanations: Vec<YearDoc<'a>>,
}

#[derive(serde::Serialize)]
struct YearDoc<'a> {
    contract_year: u32,
    lang: &'static str,
    title: &'a str,
    context: &'a [String],
    lines: Vec<LineDoc<'a>>,
}

#[derive(serde::Serialize)]
struct LineDoc<'a> {
    id: &'a str,
    label: &'a str,
    amount: String,
    sentences: &'a [String],
}

/// The `explain --format json` document (`format_version` 1).
pub fn render_json(years: &[YearExplanation]) -> String {
    let doc = ExplainDoc {
        format_version: 1,
        explanations: years
            .iter()
            .map(|y| YearDoc {
                contract_year: y.contract_year,
                lang: y.lang.code(),
                title: &y.title,
                context: &y.context,
                lines: y
                    .lines
                    .iter()
                    .map(|l| LineDoc {
                        id: &l.id,
                        label: &l.label,
                        amount: crate::audit::amount(l.amount),
                        sentences: &l.sentences,
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
