//! The `budget` page: summary, scenarios, cash flow (chart and calendar), dated payments, what
//! it takes, warnings, explanations.

use super::contract::{explanations, last_day, schedule_table, subtitle};
use super::{cols, eur, Block, Chart, Page, Row, Section, Table};
use crate::budget::Budget;
use crate::explain::Lang;
use crate::report::budget::{
    grouped_warnings, month_name, next_words, receipt_words, source_words, standing_words,
    years_words,
};
use rust_decimal::Decimal;

/// The `budget` report: summary, scenarios, cash flow (chart and calendar), dated payments,
/// what it takes, warnings, explanations.
pub fn budget(budget: &Budget) -> Page {
    let c = &budget.scenarios.contract;
    let t = &budget.totals;
    let mut sections = Vec::new();

    let mut rows = Vec::new();
    let mut sum = [Decimal::ZERO; 5];
    for y in &budget.years {
        let b = &y.expected;
        let v = [
            b.totals.fonctionnement,
            b.totals.fixed,
            b.totals.variable,
            b.totals.crisis,
            b.totals.total,
        ];
        for (s, x) in sum.iter_mut().zip(v) {
            *s = s.saturating_add(x);
        }
        let mut cells = vec![
            y.contract_year.to_string(),
            format!("{} → {}", b.from, last_day(b)),
            b.tier.id.clone(),
        ];
        cells.extend(v.iter().map(|x| eur(*x)));
        rows.push(Row::new(cells));
    }
    let mut foot = vec!["TOTAL".to_string(), String::new(), String::new()];
    foot.extend(sum.iter().map(|x| eur(*x)));
    let head = [
        "Année",
        "Période",
        "Taille",
        "Fonctionnement",
        "Parts fixes",
        "Parts var.",
        "Crise",
        "Total",
    ]
    .map(String::from)
    .to_vec();
    sections.push(Section {
        title: "Synthèse".into(),
        blocks: vec![
            Block::Para(format!("Sur les {} années du contrat, la CPTS peut attendre {} (scénario attendu), entre {} si aucun indicateur non encore mesuré n'est atteint et {} s'ils le sont tous.", budget.years.len(), eur(t.expected), eur(t.minimum), eur(t.maximum))),
            Block::Table(Table { head, cols: cols("tttnnnnn"), rows, foot: vec![Row { cells: foot, strong: true }] }),
        ],
        page_break: false,
    });

    let rows = budget
        .years
        .iter()
        .map(|y| {
            Row::new(vec![
                y.contract_year.to_string(),
                format!("{} / {}", y.measured, y.indicators),
                eur(y.minimum.totals.total),
                eur(y.expected.totals.total),
                eur(y.maximum.totals.total),
            ])
        })
        .collect();
    sections.push(Section {
        title: "Scénarios".into(),
        blocks: vec![
            Block::Table(Table {
                head: ["Année", "Indicateurs mesurés", "Minimum", "Attendu", "Maximum"].map(String::from).to_vec(),
                cols: cols("ttnnn"),
                rows,
                foot: vec![Row { cells: vec!["TOTAL".into(), String::new(), eur(t.minimum), eur(t.expected), eur(t.maximum)], strong: true }],
            }),
            Block::Note("Les indicateurs déjà mesurés gardent leur valeur dans les trois scénarios. Minimum : aucun autre indicateur atteint ; maximum : tous atteints ; attendu : les hypothèses du trésorier.".into()),
            Block::Note(format!("Hypothèses du scénario attendu : {}.", source_words(&budget.scenarios.source))),
        ],
        page_break: false,
    });

    let mut dated = Vec::new();
    let mut items = Vec::new();
    for r in &budget.payments {
        if let Some((b, p)) = budget.payment(*r) {
            dated.push((p.date, p.amount));
            items.push((r.contract_year, b, p));
        }
    }
    let mut rows = Vec::new();
    for (i, m) in budget.months.iter().enumerate() {
        rows.push(Row::new(vec![month_name(m.year, m.month), eur(m.amount), eur(m.running_total)]));
        if budget.months.get(i + 1).is_none_or(|n| n.year != m.year) {
            if let Some(cy) = budget.calendar_years.iter().find(|c| c.year == m.year) {
                rows.push(Row {
                    cells: vec![
                        format!("Total {}", cy.year),
                        eur(cy.amount),
                        eur(cy.running_total),
                    ],
                    strong: true,
                });
            }
        }
    }
    sections.push(Section {
        title: "Trésorerie : ce qui arrive, mois par mois".into(),
        blocks: vec![
            Block::Chart(Chart::from_payments(
                "Versements par mois (barres) et cumul (ligne), scénario attendu",
                &dated,
            )),
            Block::Table(Table {
                head: ["Mois", "Reçu", "Cumul"].map(String::from).to_vec(),
                cols: cols("wnn"),
                rows,
                foot: Vec::new(),
            }),
            Block::Heading("Versements datés".into()),
            Block::Table(schedule_table(&items, true)),
        ],
        page_break: true,
    });

    let mut blocks = vec![Block::Note("Pour chaque indicateur : où il en est dans le scénario attendu, et ce qu'un meilleur résultat ajouterait au total de l'année (recalculé par le moteur).".into())];
    for y in budget.years.iter().filter(|y| !y.levers.is_empty()) {
        blocks.push(Block::Heading(format!(
            "Année {} ({} → {})",
            y.contract_year,
            y.expected.from,
            last_day(&y.expected)
        )));
        let rows = y
            .levers
            .iter()
            .map(|l| {
                Row::new(vec![
                    l.indicator.label.to_string(),
                    standing_words(&y.expected, l),
                    next_words(l),
                ])
            })
            .collect();
        blocks.push(Block::Table(Table {
            head: ["Indicateur", "Où il en est", "Un meilleur résultat ajouterait"]
                .map(String::from)
                .to_vec(),
            cols: cols("ttt"),
            rows,
            foot: Vec::new(),
        }));
    }
    sections.push(Section {
        title: "Ce que rapporterait chaque indicateur".into(),
        blocks,
        page_break: false,
    });

    let w: Vec<String> = grouped_warnings(budget)
        .into_iter()
        .map(|(years, code, msg)| {
            format!("année(s) {} : warning[{code}]: {msg}", years_words(&years))
        })
        .collect();
    if !w.is_empty() {
        sections.push(Section {
            title: "Avertissements".into(),
            blocks: vec![Block::Warnings(w)],
            page_break: false,
        });
    }
    for (i, y) in budget.years.iter().enumerate() {
        sections.push(Section {
            title: format!("Explications — année {} (scénario attendu)", y.contract_year),
            blocks: explanations(&y.expected, Lang::Fr),
            page_break: i == 0,
        });
    }
    let mut subtitle = subtitle(c);
    subtitle.push(format!(
        "Total attendu sur {} ans : {} (minimum {}, maximum {})",
        budget.years.len(),
        eur(t.expected),
        eur(t.minimum),
        eur(t.maximum)
    ));
    Page {
        lang: "fr",
        title: format!("Budget prévisionnel — {}", c.name),
        subtitle,
        sections,
        footer: receipt_words(budget),
    }
}
