//! The reports of a cash flow (`cashflow`): French text for a CPAM agent, CSV that opens in
//! French Excel, and the versioned JSON document. Every sum says how much rests on assumptions
//! (years not yet measured) and on provisional amounts.

use crate::cashflow::{CashFlow, Sum};
use crate::money::format_eur;
use crate::report::amount;
use crate::report::page::{Block, Chart, Col, Page, Row, Section, Table};
use crate::report::portfolio::csv_out::{CsvOptions, CsvWriter};
use crate::report::portfolio::json_out::RulesDoc;
use crate::report::portfolio::text_out::{left, right};
use crate::rules::RuleSet;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

const W: usize = 17;

fn by_words(c: &CashFlow) -> &'static str {
    match c.spec.by {
        crate::cashflow::Period::Month => "par mois",
        crate::cashflow::Period::Quarter => "par trimestre",
        crate::cashflow::Period::Year => "par année",
    }
}

fn scenario_words(c: &CashFlow) -> &'static str {
    match c.spec.scenario {
        crate::cashflow::Scenario::Minimum => "minimum (indicateurs non mesurés non atteints)",
        crate::cashflow::Scenario::Expected => {
            "attendu (indicateurs non mesurés : valeurs attendues du contrat)"
        }
        crate::cashflow::Scenario::Maximum => {
            "maximum (indicateurs non mesurés pleinement atteints)"
        }
    }
}

fn row(o: &mut String, name: &str, s: &Sum, running: Option<&str>) {
    let line = format!(
        "{}{}{}{}{}",
        left(name, 22),
        right(&format_eur(s.amount), W),
        right(&format_eur(s.assumed), W),
        right(&format_eur(s.provisional), W),
        right(running.unwrap_or(""), W),
    );
    o.push_str(line.trim_end());
    o.push('\n');
}

/// The cash flow as French text: one line per period (and per group under it), the total.
pub fn text(c: &CashFlow) -> String {
    let mut o = String::with_capacity(256 + 128 * c.periods.len());
    let _ = writeln!(
        o,
        "Versements du {} au {}, {} — {} CPTS, scénario {}",
        c.spec.from,
        c.spec.to,
        by_words(c),
        c.contracts,
        scenario_words(c)
    );
    if let Some(g) = c.spec.group {
        let _ = writeln!(o, "Détail par {}", group_words(g));
    }
    o.push('\n');
    let _ = writeln!(
        o,
        "{}{}{}{}{}",
        left("Période", 22),
        right("Montant", W),
        right("dont hypothèses", W),
        right("dont provisoire", W),
        right("Cumul", W)
    );
    for p in &c.periods {
        row(&mut o, &p.period, &p.total, Some(&format_eur(p.running_total)));
        for (g, s) in &p.groups {
            row(&mut o, &format!("  {g}"), s, None);
        }
    }
    row(&mut o, "TOTAL", &c.total, None);
    if !c.groups.is_empty() {
        for (g, s) in &c.groups {
            row(&mut o, &format!("  {g}"), s, None);
        }
    }
    if !c.failures.is_empty() {
        let _ = writeln!(
            o,
            "\nAttention : {} enregistrement(s) en erreur ne sont pas comptés (voir les messages).",
            c.failures.len()
        );
    }
    o
}

fn group_words(g: crate::cashflow::Grouping) -> &'static str {
    match g {
        crate::cashflow::Grouping::Tier => "taille",
        crate::cashflow::Grouping::Mission => "mission",
        crate::cashflow::Grouping::Department => "département",
        crate::cashflow::Grouping::Region => "région",
        crate::cashflow::Grouping::Kind => "nature de versement",
    }
}

fn csv_row(w: &mut CsvWriter, period: &str, group: &str, s: &Sum, running: Option<&Sum>) {
    w.field(period);
    w.field(group);
    w.amount(s.amount);
    w.amount(s.assumed);
    w.amount(s.provisional);
    w.count(s.payments);
    match running {
        Some(r) => w.amount(r.amount),
        None => w.empty(),
    }
    w.end_row();
}

/// The cash flow as CSV: `period, group, amount, assumed, provisional, payments, running_total`;
/// a period's total has an empty group; the last rows are the window's total (`total`).
pub fn csv(c: &CashFlow, opts: CsvOptions) -> String {
    let mut w = CsvWriter::new(opts);
    for h in ["period", "group", "amount", "assumed", "provisional", "payments", "running_total"] {
        w.field(h);
    }
    w.end_row();
    for p in &c.periods {
        let running = Sum { amount: p.running_total, ..Sum::default() };
        csv_row(&mut w, &p.period, "", &p.total, Some(&running));
        for (g, s) in &p.groups {
            csv_row(&mut w, &p.period, g, s, None);
        }
    }
    csv_row(&mut w, "total", "", &c.total, None);
    for (g, s) in &c.groups {
        csv_row(&mut w, "total", g, s, None);
    }
    w.finish()
}

#[derive(Serialize)]
struct SumDoc {
    amount: String,
    assumed: String,
    provisional: String,
    payments: usize,
}

impl From<&Sum> for SumDoc {
    fn from(s: &Sum) -> SumDoc {
        SumDoc {
            amount: amount(s.amount),
            assumed: amount(s.assumed),
            provisional: amount(s.provisional),
            payments: s.payments,
        }
    }
}

#[derive(Serialize)]
struct PeriodDoc {
    period: String,
    total: String,
    assumed: String,
    provisional: String,
    payments: usize,
    running_total: String,
    groups: BTreeMap<String, SumDoc>,
}

#[derive(Serialize)]
struct CashFlowDoc {
    format_version: u32,
    kind: &'static str,
    engine_version: &'static str,
    rules: RulesDoc,
    from: String,
    to: String,
    by: &'static str,
    group: Option<&'static str>,
    scenario: &'static str,
    contracts: usize,
    failed: usize,
    periods: Vec<PeriodDoc>,
    total: String,
    assumed: String,
    provisional: String,
    payments: usize,
    groups: BTreeMap<String, SumDoc>,
}

/// The cash flow as the versioned JSON document (`"kind": "cashflow"`).
pub fn json(rules: &RuleSet, c: &CashFlow) -> String {
    let doc = CashFlowDoc {
        format_version: 1,
        kind: "cashflow",
        engine_version: env!("CARGO_PKG_VERSION"),
        rules: RulesDoc { file: rules.file.clone(), sha256: rules.sha256.clone() },
        from: c.spec.from.to_string(),
        to: c.spec.to.to_string(),
        by: c.spec.by.name(),
        group: c.spec.group.map(|g| g.name()),
        scenario: c.spec.scenario.name(),
        contracts: c.contracts,
        failed: c.failures.len(),
        periods: c
            .periods
            .iter()
            .map(|p| PeriodDoc {
                period: p.period.clone(),
                total: amount(p.total.amount),
                assumed: amount(p.total.assumed),
                provisional: amount(p.total.provisional),
                payments: p.total.payments,
                running_total: amount(p.running_total),
                groups: p.groups.iter().map(|(g, s)| (g.clone(), s.into())).collect(),
            })
            .collect(),
        total: amount(c.total.amount),
        assumed: amount(c.total.assumed),
        provisional: amount(c.total.provisional),
        payments: c.total.payments,
        groups: c.groups.iter().map(|(g, s)| (g.clone(), s.into())).collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The cash flow as a printable page: a chart of what arrives each month (`monthly`: the same
/// flow by month) and the table of periods with their groups.
pub fn page(rules: &RuleSet, c: &CashFlow, monthly: &CashFlow) -> Page {
    let chart = Chart {
        title: format!("Versements par mois du {} au {}", c.spec.from, c.spec.to),
        months: monthly
            .periods
            .iter()
            .map(|p| (p.first.year, p.first.month, p.total.amount))
            .collect(),
    };
    let row = |name: &str, s: &Sum, running: Option<Decimal>, strong: bool| Row {
        cells: vec![
            name.to_string(),
            format_eur(s.amount),
            format_eur(s.assumed),
            format_eur(s.provisional),
            running.map(format_eur).unwrap_or_default(),
        ],
        strong,
    };
    let mut rows = Vec::new();
    for p in &c.periods {
        rows.push(row(&p.period, &p.total, Some(p.running_total), !p.groups.is_empty()));
        for (g, s) in &p.groups {
            rows.push(row(&format!("  {g}"), s, None, false));
        }
    }
    let mut foot = vec![row("Total", &c.total, None, true)];
    for (g, s) in &c.groups {
        foot.push(row(&format!("  {g}"), s, None, false));
    }
    let table = Table {
        head: ["Période", "Montant", "dont hypothèses", "dont provisoire", "Cumul"]
            .map(String::from)
            .to_vec(),
        cols: vec![Col::NoWrap, Col::Number, Col::Number, Col::Number, Col::Number],
        rows,
        foot,
    };
    let mut blocks = vec![Block::Chart(chart), Block::Table(table)];
    blocks.push(Block::Note(format!(
        "« dont hypothèses » : parts variables d'indicateurs non encore mesurés (scénario {}) ; \
         « dont provisoire » : montants lus dans une cellule provisoire des règles.",
        match c.spec.scenario {
            crate::cashflow::Scenario::Minimum => "minimum",
            crate::cashflow::Scenario::Expected => "attendu",
            crate::cashflow::Scenario::Maximum => "maximum",
        }
    )));
    if !c.failures.is_empty() {
        blocks.push(Block::Warnings(vec![format!(
            "{} enregistrement(s) en erreur ne sont pas comptés",
            c.failures.len()
        )]));
    }
    Page {
        lang: "fr",
        title: "Flux de trésorerie".to_string(),
        subtitle: vec![format!(
            "Versements du {} au {}, {} — {} CPTS, scénario {}",
            c.spec.from,
            c.spec.to,
            by_words(c),
            c.contracts,
            scenario_words(c)
        )],
        sections: vec![Section { title: String::new(), blocks, page_break: false }],
        footer: format!(
            "Règles : {} (sha256 {}) — cpts-funding {}",
            rules.file,
            rules.sha256.get(..12).unwrap_or(&rules.sha256),
            env!("CARGO_PKG_VERSION")
        ),
    }
}
