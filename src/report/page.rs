//! A printable report as a document model: headings, paragraphs, tables, warnings, a cash-flow
//! chart and explanations, built once from a budget or from evaluated years, then written as
//! HTML ([`super::html`]) or Markdown ([`super::md`]). Both formats therefore hold the same
//! content; only the chart differs in form (SVG in HTML, text bars in Markdown).

use super::budget::{
    grouped_warnings, month_name, next_words, receipt_words, source_words, standing_words,
    years_words,
};
use super::json::tier_reason;
use super::payment_label;
use crate::budget::Budget;
use crate::calendar::Date;
use crate::eval::{Breakdown, Payment};
use crate::explain::{explain_year, Lang, LineExplanation, YearExplanation};
use crate::money::format_eur;
use chrono::Datelike;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The language of the page (`fr`, `en`).
    pub lang: &'static str,
    pub title: String,
    /// Lines under the title (who, which contract, which hypotheses).
    pub subtitle: Vec<String>,
    pub sections: Vec<Section>,
    /// The receipt: rules, inputs and engine used.
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
    /// Start on a new sheet when printed.
    pub page_break: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Para(String),
    /// A short remark, printed smaller.
    Note(String),
    Table(Table),
    /// `warning[W0501]: ...` lines.
    Warnings(Vec<String>),
    Chart(Chart),
    Explanations(Vec<LineExplanation>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub head: Vec<String>,
    /// How each column is set.
    pub cols: Vec<Col>,
    pub rows: Vec<Row>,
    pub foot: Vec<Row>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Text,
    /// An amount: right-aligned, never wrapped.
    Number,
    /// A date or a period: never wrapped.
    NoWrap,
}

/// Columns from a compact spec: `t` text, `n` number, `w` no wrap.
fn cols(spec: &str) -> Vec<Col> {
    spec.chars()
        .map(|c| match c {
            'n' => Col::Number,
            'w' => Col::NoWrap,
            _ => Col::Text,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    /// A subtotal row, set in bold.
    pub strong: bool,
}

impl Row {
    fn new(cells: Vec<String>) -> Row {
        Row { cells, strong: false }
    }
}

/// Money arriving month by month, from the first payment's month to the last's (months without
/// payment included, so that time runs evenly along the axis).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub title: String,
    /// (year, month, amount received that month).
    pub months: Vec<(i32, u32, Decimal)>,
}

impl Chart {
    /// A chart of dated amounts.
    pub fn from_payments(title: &str, dated: &[(Date, Decimal)]) -> Chart {
        let mut months: Vec<(i32, u32, Decimal)> = Vec::new();
        let (Some(first), Some(last)) =
            (dated.iter().map(|d| d.0).min(), dated.iter().map(|d| d.0).max())
        else {
            return Chart { title: title.to_string(), months };
        };
        let (mut y, mut m) = (first.year(), first.month());
        while (y, m) <= (last.year(), last.month()) {
            let sum = dated
                .iter()
                .filter(|(d, _)| d.year() == y && d.month() == m)
                .fold(Decimal::ZERO, |a, (_, v)| a.saturating_add(*v));
            months.push((y, m, sum));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        Chart { title: title.to_string(), months }
    }
}

fn eur(d: Decimal) -> String {
    format_eur(d)
}

fn last_day(b: &Breakdown) -> Date {
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
            super::text::provisional_words(t.provisional),
            String::new(),
            String::new(),
        ]));
    }
    rows
}

fn schedule_table(items: &[(u32, &Breakdown, &Payment)], with_year: bool) -> Table {
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

fn explanations(b: &Breakdown, lang: Lang) -> Vec<Block> {
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

fn subtitle(c: &crate::input::Contract) -> Vec<String> {
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
                    l.indicator.label.clone(),
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
