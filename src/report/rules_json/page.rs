//! The rules in force at a date as a page (`rules --format md|html`), from the same document as
//! the JSON.

use super::text::{eur_text, tables, uplift_sentence};
use super::*;

/// The rules in force on `date` as a printable page (Markdown or HTML through the one page
/// model): the text, the tiers, one table per group of cells with provisional ones marked, the
/// payment policy, the declared choices and the maxima.
pub fn rules_page(rules: &RuleSet, date: Date) -> Result<crate::report::page::Page, EvalError> {
    use crate::report::page::{Block, Col, Page, Row, Section, Table};
    let d = doc(rules, date)?;
    let tiers: Vec<String> = d.tiers.iter().map(|t| t.id.clone()).collect();
    let mut rows = Vec::new();
    let mut current: Option<&str> = None;
    for (mission, t) in tables(&d) {
        if mission.is_some() && mission != current {
            let mut cells = vec![mission.unwrap_or_default().to_string()];
            cells.extend(tiers.iter().map(|_| String::new()));
            rows.push(Row { cells, strong: true });
        }
        current = mission;
        let mut cells = vec![t.label.clone()];
        for tier in &tiers {
            cells.push(t.cells.iter().find(|c| c.tier == *tier).map_or_else(String::new, |c| {
                format!(
                    "{}{}",
                    eur_text(&c.amount),
                    if c.status == "provisional" { " *" } else { "" }
                )
            }));
        }
        rows.push(Row { cells, strong: false });
    }
    let mut head = vec!["Montant par taille".to_string()];
    head.extend(tiers.iter().cloned());
    let mut cols = vec![Col::Text];
    cols.extend(tiers.iter().map(|_| Col::Number));
    let amounts = Table { head, cols: cols.clone(), rows, foot: Vec::new() };
    let tier_rows = d
        .tiers
        .iter()
        .map(|t| Row {
            cells: vec![t.id.clone(), t.label.clone(), t.bounds.clone()],
            strong: false,
        })
        .collect();
    let tier_table = Table {
        head: vec!["Taille".into(), "Libellé".into(), "Bornes".into()],
        cols: vec![Col::NoWrap, Col::Text, Col::NoWrap],
        rows: tier_rows,
        foot: Vec::new(),
    };
    let max_rows = d
        .maxima
        .iter()
        .map(|m| Row {
            cells: vec![m.tier.clone(), eur_text(&m.total), eur_text(&m.total_with_crisis)],
            strong: false,
        })
        .collect();
    let max_table = Table {
        head: vec!["Taille".into(), "Maximum annuel".into(), "Avec une crise reconnue".into()],
        cols: vec![Col::NoWrap, Col::Number, Col::Number],
        rows: max_rows,
        foot: Vec::new(),
    };
    let choices = d
        .choices
        .iter()
        .map(|c| Block::Para(format!("{} — {} : {}", c.id, c.topic, c.choice)))
        .collect();
    let uplifts: Vec<Block> =
        d.uplifts.iter().filter(|u| u.in_force).map(|u| Block::Para(uplift_sentence(u))).collect();
    let provisional: usize = tables(&d)
        .iter()
        .map(|(_, t)| t.cells.iter().filter(|c| c.status == "provisional").count())
        .sum::<usize>()
        + d.uplifts
            .iter()
            .filter(|u| u.in_force)
            .filter(|u| {
                u.share_of_fonctionnement.as_ref().is_some_and(|r| r.status == "provisional")
            })
            .count();
    let mut sections = vec![
        Section { title: "Tailles".into(), blocks: vec![Block::Table(tier_table)], page_break: false },
        Section {
            title: "Montants par taille".into(),
            blocks: vec![
                Block::Table(amounts),
                Block::Note(format!("* : cellule provisoire ({provisional} au total), à confirmer par le Journal officiel ; `cpts-funding rules --provisional` les liste avec leurs sources.")),
            ],
            page_break: false,
        },
    ];
    if !uplifts.is_empty() {
        sections.push(Section { title: UPLIFTS_GROUP.into(), blocks: uplifts, page_break: false });
    }
    sections.extend([
        Section {
            title: "Maxima par taille".into(),
            blocks: vec![Block::Table(max_table)],
            page_break: false,
        },
        Section { title: "Choix déclarés".into(), blocks: choices, page_break: false },
    ]);
    Ok(Page {
        lang: "fr",
        title: format!("Règles en vigueur au {}", d.date),
        subtitle: vec![
            d.title.clone(),
            format!(
                "{} ({}), en vigueur depuis le {}",
                d.text.label, d.text.reference, d.text.in_force_from
            ),
        ],
        sections,
        footer: format!(
            "Règles : {} (sha256 {}) — cpts-funding {}",
            rules.file,
            rules.sha256.get(..12).unwrap_or(&rules.sha256),
            env!("CARGO_PKG_VERSION")
        ),
    })
}
