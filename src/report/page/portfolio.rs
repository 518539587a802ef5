//! The page of `compute` on a portfolio: one row per CPTS-year, the sums by tier, mission,
//! region and department, the total with what rests on provisional amounts, the records that
//! failed with their diagnostics, and the receipt (rules, variants and every input hashed). The
//! same content as the text report (`report::portfolio::text_out`), in its words.

use super::{banner, cols, eur, failures, receipt, Block, Page, Row, Section, Table};
use crate::portfolio::{Aggregates, Portfolio, Run, Sums};
use crate::report::text::provisional_words;
use crate::rules::RuleSet;
use crate::variant::Variant;

const SUMS_HEAD: [&str; 6] =
    ["CPTS-années", "Fonctionnement", "Parts fixes", "Parts var.", "Crise", "Total"];

fn sums_cells(name: &str, s: &Sums) -> Vec<String> {
    let t = &s.totals;
    vec![
        name.to_string(),
        s.cpts_years.to_string(),
        eur(t.fonctionnement),
        eur(t.fixed),
        eur(t.variable),
        eur(t.crisis),
        eur(t.total),
    ]
}

fn sums_table(first: &str, rows: Vec<Row>) -> Table {
    let mut head = vec![first.to_string()];
    head.extend(SUMS_HEAD.map(String::from));
    Table { head, cols: cols("tnnnnnn"), rows, foot: Vec::new() }
}

/// The total row, and the part of it resting on provisional cells when there is one.
fn total_rows(total: &Sums, width: usize) -> Vec<Row> {
    let mut cells = sums_cells("TOTAL", total);
    cells.truncate(width);
    let mut rows = vec![Row { cells, strong: true }];
    if !total.totals.provisional.is_zero() {
        let mut cells = vec![String::new(); width.saturating_sub(1)];
        cells.insert(0, provisional_words(total.totals.provisional));
        rows.push(Row::new(cells));
    }
    rows
}

/// The sums: by tier, by mission, by region, by department, and the total.
fn sums_section(rules: &RuleSet, a: &Aggregates) -> Section {
    let mut blocks = vec![Block::Heading("Par taille".into())];
    let rows = rules.tiers.iter().zip(&a.by_tier).map(|(t, s)| Row::new(sums_cells(&t.id, s)));
    blocks.push(Block::Table(sums_table("Taille", rows.collect())));
    blocks.push(Block::Heading("Par mission".into()));
    let rows = rules
        .missions
        .iter()
        .zip(&a.total.missions)
        .map(|(m, s)| {
            Row::new(vec![
                m.id.clone(),
                s.cpts_years.to_string(),
                eur(s.fixed),
                eur(s.variable),
                eur(s.crisis),
                eur(s.total),
            ])
        })
        .collect();
    let head = ["Mission", "CPTS-années", "Parts fixes", "Parts var.", "Crise", "Total"];
    blocks.push(Block::Table(Table {
        head: head.map(String::from).to_vec(),
        cols: cols("tnnnnn"),
        rows,
        foot: Vec::new(),
    }));
    for (title, first, groups) in [
        ("Par région", "Région", &a.by_region),
        ("Par département", "Département", &a.by_department),
    ] {
        blocks.push(Block::Heading(title.into()));
        let rows = groups
            .iter()
            .map(|(g, s)| {
                let name = if g.is_empty() { "(non renseigné)" } else { g.as_str() };
                Row::new(sums_cells(name, s))
            })
            .collect();
        blocks.push(Block::Table(sums_table(first, rows)));
    }
    blocks.push(Block::Heading("Total".into()));
    let mut t = sums_table("", Vec::new());
    t.foot = total_rows(&a.total, 7);
    blocks.push(Block::Table(t));
    Section { title: "Sommes".into(), blocks, page_break: false }
}

/// The `compute PORTFOLIO` page (`rules`: the rules applied, variants included).
pub fn portfolio(
    rules: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    run: &Run,
    a: &Aggregates,
) -> Page {
    let rows = run
        .rows()
        .map(|r| {
            let t = &r.totals;
            let c = p.contracts.get(r.contract);
            Row::new(vec![
                c.map_or_else(String::new, |c| c.id.clone()),
                c.map_or_else(String::new, |c| c.name.clone()),
                r.contract_year.to_string(),
                format!("{} → {}", r.from, r.to.pred_opt().unwrap_or(r.to)),
                rules.tiers.get(r.tier).map_or_else(String::new, |t| t.id.clone()),
                r.population.to_string(),
                eur(t.fonctionnement),
                eur(t.fixed),
                eur(t.variable),
                eur(t.crisis),
                eur(t.total),
            ])
        })
        .collect();
    let head = [
        "CPTS",
        "Nom",
        "Année",
        "Période",
        "Taille",
        "Population",
        "Fonctionnement",
        "Parts fixes",
        "Parts var.",
        "Crise",
        "Total",
    ];
    // The total under the rows, each sum under its column.
    let t = &a.total.totals;
    let mut foot = vec![Row {
        cells: vec![
            "TOTAL".into(),
            String::new(),
            format!("{} CPTS-années", a.total.cpts_years),
            String::new(),
            String::new(),
            String::new(),
            eur(t.fonctionnement),
            eur(t.fixed),
            eur(t.variable),
            eur(t.crisis),
            eur(t.total),
        ],
        strong: true,
    }];
    if !t.provisional.is_zero() {
        let mut cells = vec![String::new(); head.len()];
        if let Some(c) = cells.get_mut(1) {
            *c = provisional_words(t.provisional);
        }
        foot.push(Row::new(cells));
    }
    let mut sections = vec![Section {
        title: "Par CPTS-année".into(),
        blocks: vec![Block::Table(Table {
            head: head.map(String::from).to_vec(),
            cols: cols("ttnwtnnnnnn"),
            rows,
            foot,
        })],
        page_break: false,
    }];
    sections.push(sums_section(rules, a));
    sections.extend(failures(p, "En échec", run.failures()));
    let mut subtitle = banner(variants);
    subtitle.push(format!("Portefeuille : {}", run.summary.phrase(run.selection)));
    subtitle.push(format!("Total : {}", eur(a.total.totals.total)));
    if !a.total.totals.provisional.is_zero() {
        if let Some(last) = subtitle.last_mut() {
            *last += &format!(", {}", provisional_words(a.total.totals.provisional));
        }
    }
    Page {
        lang: "fr",
        title: "Portefeuille — financement ACI CPTS".into(),
        subtitle,
        sections,
        footer: receipt(rules, &[], &p.inputs),
    }
}
