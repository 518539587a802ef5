//! The `diff` page: what a variant costs, in the words of the text report (`report::variant`):
//! the variants and their changes, the CPTS-years that change, the sums per tier, mission,
//! region and department, the total with the advances and the provisional part, the CPTS that
//! change tier, who gains and who loses, the cash per calendar year, the attribution of the
//! delta to each change, the records not compared, and the receipt.

use super::{
    banner, cols, eur, failures, receipt, short, signed, variant_blocks, Block, Page, Row, Section,
    Table,
};
use crate::portfolio::{Portfolio, Selection};
use crate::report::text::provisional_words;
use crate::rules::RuleSet;
use crate::variant::diff::{Delta, Diff};
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
fn sums(base: &RuleSet, d: &Diff) -> Section {
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
    let provisional = |side: fn(&crate::variant::diff::DiffRow) -> Decimal| {
        d.rows.iter().try_fold(Decimal::ZERO, |s, r| s.checked_add(side(r)))
    };
    if let (Some(b), Some(v)) =
        (provisional(|r| r.base.provisional), provisional(|r| r.variant.provisional))
    {
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
fn gains(base: &RuleSet, p: &Portfolio, d: &Diff) -> Vec<Section> {
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
            .filter_map(|(c, x)| p.contracts.get(*c).map(|c| (c, x)))
            .map(|(c, x)| Row::new(vec![c.id.clone(), c.name.clone(), signed(*x)]))
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
    let rows: Vec<Row> = d
        .tier_changes
        .iter()
        .filter_map(|&i| d.rows.get(i))
        .map(|r| {
            Row::new(vec![
                p.contracts.get(r.contract).map_or_else(String::new, |c| c.id.clone()),
                r.contract_year.to_string(),
                r.population.to_string(),
                tier_id(base, r.base_tier),
                tier_id(base, r.variant_tier),
            ])
        })
        .collect();
    let mut blocks = Vec::new();
    if !rows.is_empty() {
        blocks.push(Block::Table(Table {
            head: ["CPTS", "Année", "Population", "Taille de base", "Taille sous la variante"]
                .map(String::from)
                .to_vec(),
            cols: cols("tnntt"),
            rows,
            foot: Vec::new(),
        }));
    }
    sections.push(Section {
        title: format!("CPTS qui changent de taille : {}", d.tier_changes.len()),
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
fn attribution(d: &Diff) -> Section {
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

/// The `diff` page.
pub fn diff(
    base: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    d: &Diff,
    selection: Selection,
) -> Page {
    let changed: Vec<Row> = d
        .rows
        .iter()
        .filter(|r| !r.delta.is_zero() || r.base_tier != r.variant_tier)
        .map(|r| {
            let tiers = if r.base_tier == r.variant_tier {
                tier_id(base, r.base_tier)
            } else {
                format!("{}→{}", tier_id(base, r.base_tier), tier_id(base, r.variant_tier))
            };
            Row::new(vec![
                p.contracts.get(r.contract).map_or_else(String::new, |c| c.id.clone()),
                r.contract_year.to_string(),
                tiers,
                eur(r.base.total),
                eur(r.variant.total),
                signed(r.delta),
            ])
        })
        .collect();
    let mut sections = vec![
        Section { title: "Variantes".into(), blocks: variant_blocks(variants), page_break: false },
        Section {
            title: format!(
                "Par CPTS ({} CPTS-années sur {} changent ; toutes en CSV et JSON)",
                changed.len(),
                d.rows.len()
            ),
            blocks: vec![Block::Table(Table {
                head: ["CPTS", "Année", "Taille", "Base", "Variante", "Écart"]
                    .map(String::from)
                    .to_vec(),
                cols: cols("tnwnnn"),
                rows: changed,
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
            })],
            page_break: false,
        },
        sums(base, d),
    ];
    sections.extend(gains(base, p, d));
    sections.push(attribution(d));
    sections.extend(failures(
        p,
        "Non comparés",
        d.failures.iter().map(|(i, ds)| (*i, ds.as_slice())),
    ));
    let mut subtitle = banner(variants);
    subtitle.push(format!("Règles de base : {} (sha256 {})", base.file, short(&base.sha256)));
    subtitle.push(format!("Portefeuille : {}", d.base.summary.phrase(selection)));
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
        footer: receipt(base, variants, &p.inputs),
    }
}
