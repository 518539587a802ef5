//! The `diff` page: what a variant costs, in the words of the text report (`report::variant`):
//! the variants and their changes, the CPTS-years that change, the sums per tier, mission,
//! region and department, the total with the advances and the provisional part, the CPTS that
//! change tier, who gains and who loses, the cash per calendar year, the attribution of the
//! delta to each change, the records not compared, and the receipt.

use super::{
    banner, cols, eur, failure_rows, failures_section, failures_table, receipt, short, signed,
    table_rows, variant_blocks, Block, Page, Row, Section, Table,
};
use crate::diagnostic::Diagnostic;
use crate::portfolio::{Portfolio, Selection};
use crate::report::text::provisional_words;
use crate::rules::RuleSet;
use crate::variant::diff::{Delta, Diff, DiffRow, DiffSums};
use crate::variant::Variant;
use rust_decimal::Decimal;

fn delta_cells(name: &str, d: &Delta) -> Vec<String> {
    vec![name.to_string(), d.cpts_years.to_string(), eur(d.base), eur(d.variant), signed(d.delta)]
}

fn delta_table(first: &str, rows: Vec<Row>, foot: Vec<Row>) -> Table {
    Table {
        head: [first, "CPTS-années", "Base", "Variante", "Écart"].map(String::from).to_vec(),
        cols: cols("tnnnn"),
        rows,
        foot,
    }
}

fn tier_id(base: &RuleSet, i: usize) -> String {
    base.tiers.get(i).map_or_else(String::new, |t| t.id.clone())
}

/// The sums of the CPTS-years compared, and the total with the advances and what rests on
/// provisional amounts under each rule set.
fn sums(base: &RuleSet, d: &DiffSums) -> Section {
    let mut blocks = vec![Block::Heading("Par taille (taille de base)".into())];
    let rows = base.tiers.iter().zip(&d.by_tier).map(|(t, x)| Row::new(delta_cells(&t.id, x)));
    blocks.push(Block::Table(delta_table("Taille", rows.collect(), Vec::new())));
    blocks.push(Block::Heading("Par mission".into()));
    let rows = d.by_mission.iter().map(|(id, _, x)| Row::new(delta_cells(id, x)));
    blocks.push(Block::Table(delta_table("Mission", rows.collect(), Vec::new())));
    for (title, first, list) in [
        ("Par région", "Région", &d.by_region),
        ("Par département", "Département", &d.by_department),
    ] {
        blocks.push(Block::Heading(title.into()));
        let rows = list.iter().map(|(g, x)| Row::new(delta_cells(g, x)));
        blocks.push(Block::Table(delta_table(first, rows.collect(), Vec::new())));
    }
    blocks.push(Block::Heading("Total".into()));
    let mut foot = vec![
        Row { cells: delta_cells("TOTAL", &d.total), strong: true },
        Row::new(delta_cells("dont versé d'avance", &d.advances)),
    ];
    if let (Some(b), Some(v)) = (d.base_provisional, d.variant_provisional) {
        if !(b.is_zero() && v.is_zero()) {
            foot.push(Row::new(vec![
                String::new(),
                String::new(),
                provisional_words(b),
                provisional_words(v),
                String::new(),
            ]));
        }
    }
    blocks.push(Block::Table(delta_table("", Vec::new(), foot)));
    Section { title: "Sommes".into(), blocks, page_break: false }
}

/// Who gains and who loses, the CPTS that change tier, and the cash by calendar year.
fn gains(d: &DiffSums, tier_rows: Vec<Row>) -> Vec<Section> {
    let g = &d.gains;
    let mut blocks = vec![Block::Para(format!(
        "Écart de chaque CPTS sur ses années comparées : {} gagnent, {} perdent, {} inchangées.",
        g.gain, g.lose, g.unchanged
    ))];
    for (title, list) in
        [("Plus fortes hausses", &g.largest_gains), ("Plus fortes baisses", &g.largest_losses)]
    {
        if list.is_empty() {
            continue;
        }
        blocks.push(Block::Heading(title.into()));
        let rows = list
            .iter()
            .map(|c| Row::new(vec![c.id.clone(), c.name.clone(), signed(c.delta)]))
            .collect();
        blocks.push(Block::Table(Table {
            head: ["CPTS", "Nom", "Écart"].map(String::from).to_vec(),
            cols: cols("ttn"),
            rows,
            foot: Vec::new(),
        }));
    }
    let mut sections =
        vec![Section { title: "Gagnants et perdants".into(), blocks, page_break: false }];
    let mut blocks = Vec::new();
    if d.tier_changes > 0 {
        blocks.push(Block::Table(Table { rows: tier_rows, ..list_table(1) }));
    }
    sections.push(Section {
        title: format!("CPTS qui changent de taille : {}", d.tier_changes),
        blocks,
        page_break: false,
    });
    if !d.cash.is_empty() {
        let rows = d
            .cash
            .iter()
            .map(|c| {
                Row::new(vec![
                    c.year.to_string(),
                    eur(c.delta.base),
                    eur(c.delta.variant),
                    signed(c.delta.delta),
                ])
            })
            .collect();
        sections.push(Section {
            title: "Versements par année civile".into(),
            blocks: vec![
                Block::Note(
                    "Toutes les années de contrat des CPTS comparées, scénario attendu.".into(),
                ),
                Block::Table(Table {
                    head: ["Année", "Base", "Variante", "Écart"].map(String::from).to_vec(),
                    cols: cols("wnnn"),
                    rows,
                    foot: Vec::new(),
                }),
            ],
            page_break: false,
        });
    }
    sections
}

/// The attribution of the total delta to each change, by the two methods.
fn attribution(d: &DiffSums) -> Section {
    let a = &d.attribution;
    let rows = a
        .effects
        .iter()
        .enumerate()
        .map(|(i, e)| {
            Row::new(vec![
                format!("{}. {}", i + 1, e.describe),
                e.alone.map_or_else(|| "(dépend)".to_string(), signed),
                signed(e.sequential),
            ])
        })
        .collect();
    let foot = vec![
        Row::new(vec!["Interaction (résidu)".into(), signed(a.interaction), signed(Decimal::ZERO)]),
        Row { cells: vec!["Total".into(), signed(a.total), signed(a.total)], strong: true },
    ];
    Section {
        title: format!("Attribution de l'écart total ({})", signed(a.total)),
        blocks: vec![
            Block::Note("Seule : chaque modification appliquée seule à la base ; l'interaction est l'écart total moins leur somme.".into()),
            Block::Note("Séquentielle : les modifications appliquées dans l'ordre, chacune créditée de ce qu'elle ajoute aux précédentes (somme exacte, dépend de l'ordre).".into()),
            Block::Table(Table {
                head: ["Modification", "Seule", "Séquentielle"].map(String::from).to_vec(),
                cols: cols("tnn"),
                rows,
                foot,
            }),
        ],
        page_break: false,
    }
}

/// The table of long list `i` of the page ([`DiffLists`] order), without rows or foot.
fn list_table(i: usize) -> Table {
    let (head, c): (&[&str], &str) = match i {
        0 => (&["CPTS", "Année", "Taille", "Base", "Variante", "Écart"], "tnwnnn"),
        1 => {
            (&["CPTS", "Année", "Population", "Taille de base", "Taille sous la variante"], "tnntt")
        }
        _ => return failures_table(),
    };
    Table {
        head: head.iter().map(|h| h.to_string()).collect(),
        cols: cols(c),
        rows: Vec::new(),
        foot: Vec::new(),
    }
}

/// Rows of long list `i` of the page ([`DiffLists`] order: 0 the CPTS-years that change, 1 the
/// tier changes, 2 the failures) as the page writes them: a streamed file's chunk by chunk. (The
/// first table's foot, its total, is no row of a CPTS-year: the year cell tells them apart.)
pub fn diff_list_rows(i: usize, rows: Vec<Row>, html: bool) -> String {
    if rows.is_empty() {
        return String::new();
    }
    table_rows(&Table { rows, ..list_table(i) }, html)
}

/// The three long lists of the page, as table rows: the CPTS-years that change, those that
/// change tier, and the diagnostics of the records not compared (of `p`, or of one chunk of a
/// streamed file).
#[derive(Debug, Default)]
pub struct DiffLists {
    pub changed: Vec<Row>,
    pub tier_changes: Vec<Row>,
    pub failures: Vec<Row>,
}

/// [`DiffLists`] of `rows` and `failures`, a diff of `p`.
pub fn diff_lists(
    base: &RuleSet,
    p: &Portfolio,
    rows: &[DiffRow],
    failed: &[(usize, Vec<Diagnostic>)],
) -> DiffLists {
    let id = |r: &DiffRow| p.contracts.get(r.contract).map_or_else(String::new, |c| c.id.clone());
    let changed = rows
        .iter()
        .filter(|r| r.changes())
        .map(|r| {
            let tiers = if r.base_tier == r.variant_tier {
                tier_id(base, r.base_tier)
            } else {
                format!("{}→{}", tier_id(base, r.base_tier), tier_id(base, r.variant_tier))
            };
            Row::new(vec![
                id(r),
                r.contract_year.to_string(),
                tiers,
                eur(r.base.total),
                eur(r.variant.total),
                signed(r.delta),
            ])
        })
        .collect();
    let tier_changes = rows
        .iter()
        .filter(|r| r.base_tier != r.variant_tier)
        .map(|r| {
            Row::new(vec![
                id(r),
                r.contract_year.to_string(),
                r.population.to_string(),
                tier_id(base, r.base_tier),
                tier_id(base, r.variant_tier),
            ])
        })
        .collect();
    let (_, failures) = failure_rows(p, failed.iter().map(|(i, ds)| (*i, ds.as_slice())));
    DiffLists { changed, tier_changes, failures }
}

/// The `diff` page.
pub fn diff(
    base: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    d: &Diff,
    selection: Selection,
) -> Page {
    let lists = diff_lists(base, p, &d.rows, &d.failures);
    diff_page(base, variants, &DiffSums::of(d, p, 0), selection, &p.inputs, lists)
}

/// The `diff` page of the sums `d` (of a portfolio read from `inputs`: names and SHA-256) and
/// its long lists (a streamed file's page holds a [`super::marker`] in each).
pub fn diff_page(
    base: &RuleSet,
    variants: &[Variant],
    d: &DiffSums,
    selection: Selection,
    inputs: &[(String, String)],
    lists: DiffLists,
) -> Page {
    let mut sections = vec![
        Section { title: "Variantes".into(), blocks: variant_blocks(variants), page_break: false },
        Section {
            title: format!(
                "Par CPTS ({} CPTS-années sur {} changent ; toutes en CSV et JSON)",
                d.changed, d.rows
            ),
            blocks: vec![Block::Table(Table {
                rows: lists.changed,
                foot: vec![Row {
                    cells: vec![
                        "TOTAL".into(),
                        String::new(),
                        String::new(),
                        eur(d.total.base),
                        eur(d.total.variant),
                        signed(d.total.delta),
                    ],
                    strong: true,
                }],
                ..list_table(0)
            })],
            page_break: false,
        },
        sums(base, d),
    ];
    sections.extend(gains(d, lists.tier_changes));
    sections.push(attribution(d));
    sections.extend(failures_section("Non comparés", d.failed, lists.failures));
    let mut subtitle = banner(variants);
    subtitle.push(format!("Règles de base : {} (sha256 {})", base.file, short(&base.sha256)));
    subtitle.push(format!("Portefeuille : {}", d.summary.phrase(selection)));
    subtitle.push(format!(
        "Écart total : {} ({} sous la base, {} sous la variante)",
        signed(d.total.delta),
        eur(d.total.base),
        eur(d.total.variant)
    ));
    Page {
        lang: "fr",
        title: "Coût d'une variante — financement ACI CPTS".into(),
        subtitle,
        sections,
        footer: receipt(base, variants, inputs),
    }
}
