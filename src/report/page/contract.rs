//! The pages of one contract: `compute` (each evaluated year with its lines, totals, payments,
//! chart, warnings and explanations) and `explain`; and what the budget page shares with them.

use super::{cols, eur, Block, Chart, Page, Row, Section, Table};
use crate::calendar::Date;
use crate::eval::{Breakdown, Payment};
use crate::explain::{explain_year, Lang, YearExplanation};
use crate::report::json::tier_reason;
use crate::report::payment_label;
use rust_decimal::Decimal;

pub(super) fn last_day(b: &Breakdown) -> Date {
    b.to.pred_opt().unwrap_or(b.to)
}

/// A table of (label, amount) rows with a strong total row.
fn totals_rows(b: &Breakdown) -> Vec<Row> {
    let t = &b.totals;
    let mut rows: Vec<Row> = [
        ("Fonctionnement", t.fonctionnement),
        ("Parts fixes des missions", t.fixed),
        ("Parts variables (indicateurs)", t.variable),
        ("Enveloppe crise", t.crisis),
    ]
    .iter()
    .map(|(l, v)| Row::new(vec![l.to_string(), String::new(), eur(*v)]))
    .collect();
    rows.push(Row { cells: vec!["TOTAL".into(), String::new(), eur(t.total)], strong: true });
    if !t.provisional.is_zero() {
        rows.push(Row::new(vec![
            crate::report::text::provisional_words(t.provisional),
            String::new(),
            String::new(),
        ]));
    }
    rows
}

pub(super) fn schedule_table(items: &[(u32, &Breakdown, &Payment)], with_year: bool) -> Table {
    let mut head = vec!["Date".to_string()];
    if with_year {
        head.push("Année".into());
    }
    head.extend(["Versement".to_string(), "Montant".to_string()]);
    let cols = cols(if with_year { "wttn" } else { "wtn" });
    let rows = items
        .iter()
        .map(|(k, b, p)| {
            let mut cells = vec![p.date.to_string()];
            if with_year {
                cells.push(k.to_string());
            }
            cells.extend([payment_label(b, p), eur(p.amount)]);
            Row::new(cells)
        })
        .collect();
    Table { head, cols, rows, foot: Vec::new() }
}

fn warnings_of(b: &Breakdown) -> Vec<String> {
    b.warnings.iter().map(|w| format!("warning[{}]: {}", w.code(), w.message_fr())).collect()
}

pub(super) fn explanations(b: &Breakdown, lang: Lang) -> Vec<Block> {
    let all: Vec<usize> = (0..b.lines.len()).collect();
    let e = explain_year(b, &all, lang);
    let mut blocks = vec![Block::Heading(e.title)];
    blocks.extend(e.context.into_iter().map(Block::Para));
    blocks.push(Block::Explanations(e.lines));
    blocks
}

/// The `compute` report of one contract: each evaluated year with its lines, totals, payments,
/// chart, warnings and explanations.
pub fn compute(breakdowns: &[Breakdown]) -> Page {
    let Some(first) = breakdowns.first() else {
        return Page {
            lang: "fr",
            title: "Financement ACI CPTS".into(),
            subtitle: Vec::new(),
            sections: Vec::new(),
            footer: String::new(),
        };
    };
    let c = first.contract;
    // One contract per page; should several come, each section names its CPTS.
    let several = breakdowns.iter().any(|b| b.contract.id != c.id || b.contract.file != c.file);
    let who =
        |b: &Breakdown| if several { format!("{} — ", b.contract.name) } else { String::new() };
    let mut sections = Vec::new();
    for b in breakdowns {
        let mut blocks = vec![
            Block::Para(format!(
                "Du {} au {} (contrat signé le {}).",
                b.from,
                last_day(b),
                b.contract.signature
            )),
            Block::Para(format!(
                "Texte en vigueur : {} — {} (valeurs au {}).",
                b.text.label, b.text.reference, b.value_date
            )),
            Block::Para(format!(
                "Taille {} — {} ; pourquoi : {}.",
                b.tier.id,
                b.tier.label,
                tier_reason(b)
            )),
        ];
        let rows = b
            .lines
            .iter()
            .map(|l| {
                let a = crate::audit::audit_line(b, l);
                let flag = if l.is_provisional() { " [provisoire]" } else { "" };
                Row::new(vec![format!("{}{flag}", a.label), a.formula, eur(a.amount)])
            })
            .collect();
        blocks.push(Block::Table(Table {
            head: vec!["Ligne".into(), "Calcul".into(), "Montant".into()],
            cols: cols("ttn"),
            rows,
            foot: totals_rows(b),
        }));
        let dated: Vec<(Date, Decimal)> = b.schedule.iter().map(|p| (p.date, p.amount)).collect();
        blocks.push(Block::Chart(Chart::from_payments("Versements par mois et cumul", &dated)));
        let items: Vec<(u32, &Breakdown, &Payment)> =
            b.schedule.iter().map(|p| (b.contract_year, b, p)).collect();
        blocks.push(Block::Heading("Calendrier des versements".into()));
        blocks.push(Block::Table(schedule_table(&items, false)));
        let w = warnings_of(b);
        if !w.is_empty() {
            blocks.push(Block::Heading("Avertissements".into()));
            blocks.push(Block::Warnings(w));
        }
        sections.push(Section {
            title: format!(
                "{}Année de contrat {} : {}",
                who(b),
                b.contract_year,
                eur(b.totals.total)
            ),
            blocks,
            page_break: false,
        });
    }
    for (i, b) in breakdowns.iter().enumerate() {
        sections.push(Section {
            title: format!("{}Explications — année {}", who(b), b.contract_year),
            blocks: explanations(b, Lang::Fr),
            page_break: i == 0,
        });
    }
    let short = |h: &str| h.get(..12).unwrap_or(h).to_string();
    Page {
        lang: "fr",
        title: if several {
            "Financement ACI CPTS".to_string()
        } else {
            format!("Financement ACI CPTS — {}", c.name)
        },
        subtitle: if several { Vec::new() } else { subtitle(c) },
        sections,
        footer: if several {
            format!(
                "Règles : {} (sha256 {}) ; moteur cpts-funding {}",
                first.rules.file,
                short(&first.rules.sha256),
                env!("CARGO_PKG_VERSION")
            )
        } else {
            format!(
                "Règles : {} (sha256 {}) ; contrat : {} (sha256 {}) ; moteur cpts-funding {}",
                first.rules.file,
                short(&first.rules.sha256),
                c.file,
                short(&c.sha256),
                env!("CARGO_PKG_VERSION")
            )
        },
    }
}

pub(super) fn subtitle(c: &crate::input::Contract) -> Vec<String> {
    let mut s = vec![format!(
        "{} — population {} habitants — contrat signé le {}",
        c.id, c.population, c.signature
    )];
    let place: Vec<&str> =
        [c.region.as_deref(), c.department.as_deref()].into_iter().flatten().collect();
    if !place.is_empty() {
        s[0].push_str(&format!(" — {}", place.join(", ")));
    }
    s
}

/// The `explain` report: each year's context and explained lines.
pub fn explain(
    years: &[YearExplanation],
    rules: &crate::rules::RuleSet,
    c: &crate::input::Contract,
) -> Page {
    let lang = years.first().map(|y| y.lang).unwrap_or_default();
    let sections = years
        .iter()
        .map(|y| {
            let mut blocks: Vec<Block> = y.context.iter().cloned().map(Block::Para).collect();
            blocks.push(Block::Explanations(y.lines.clone()));
            Section { title: y.title.clone(), blocks, page_break: false }
        })
        .collect();
    let short = |h: &str| h.get(..12).unwrap_or(h).to_string();
    let (title, footer) = match lang {
        Lang::Fr => (
            format!("Explications — {}", c.name),
            format!(
                "Règles : {} (sha256 {}) ; contrat : {} (sha256 {}) ; moteur cpts-funding {}",
                rules.file,
                short(&rules.sha256),
                c.file,
                short(&c.sha256),
                env!("CARGO_PKG_VERSION")
            ),
        ),
        Lang::En => (
            format!("Explanations — {}", c.name),
            format!(
                "Rules: {} (sha256 {}); contract: {} (sha256 {}); engine cpts-funding {}",
                rules.file,
                short(&rules.sha256),
                c.file,
                short(&c.sha256),
                env!("CARGO_PKG_VERSION")
            ),
        ),
    };
    Page { lang: lang.code(), title, subtitle: Vec::new(), sections, footer }
}
