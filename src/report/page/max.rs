//! The `max` page: the maximum annual funding per tier under the text in force on a date, and
//! with `--variant` the variant's maxima beside the base's (the text reports of `report::text`
//! and `report::variant`, in their words).

use super::{banner, cols, eur, receipt, signed, variant_blocks, Block, Page, Row, Section, Table};
use crate::eval::MaxTable;
use crate::rules::RuleSet;
use crate::variant::max::MaxPair;
use crate::variant::Variant;

const ASSUMPTIONS: &str = "Hypothèses : toutes les missions déployées toute l'année, tous les indicateurs atteints, mission crise en 1re année (rédaction du plan).";

fn provisional(t: &MaxTable) -> Option<Block> {
    (t.provisional_cells > 0).then(|| {
        Block::Warnings(vec![format!(
            "warning[W0501]: {} montant(s) par taille utilisé(s) sont provisoires (non sourcés cellule par cellule) : les totaux publiés sont reproduits, la répartition par mission est une estimation.",
            t.provisional_cells
        )])
    })
}

/// `variant − base`, signed (empty if it cannot be represented).
fn delta(variant: rust_decimal::Decimal, base: rust_decimal::Decimal) -> String {
    variant.checked_sub(base).map_or_else(String::new, signed)
}

/// The maxima per tier under the rules alone.
pub fn max(t: &MaxTable, rules: &RuleSet) -> Page {
    let mut head = vec!["Taille", "Bornes", "Fonctionnement", "Parts fixes", "Parts var.", "Total"];
    if t.has_crisis {
        head.extend(["Env. crise", "Total + crise"]);
    }
    let rows = t
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                r.tier.id.clone(),
                r.tier.bounds_text.clone(),
                eur(r.fonctionnement),
                eur(r.fixed),
                eur(r.variable),
                eur(r.total),
            ];
            if t.has_crisis {
                cells.extend([eur(r.crisis), eur(r.total_with_crisis)]);
            }
            Row::new(cells)
        })
        .collect();
    let mut blocks = vec![
        Block::Table(Table {
            head: head.into_iter().map(String::from).collect(),
            cols: cols(if t.has_crisis { "ttnnnnnn" } else { "ttnnnn" }),
            rows,
            foot: Vec::new(),
        }),
        Block::Note(ASSUMPTIONS.into()),
    ];
    blocks.extend(provisional(t));
    Page {
        lang: "fr",
        title: format!("Financement annuel maximal par taille au {}", t.date),
        subtitle: vec![format!("Texte en vigueur : {} — {}", t.text.label, t.text.reference)],
        sections: vec![Section { title: "Maxima par taille".into(), blocks, page_break: false }],
        footer: receipt(rules, &[], &[]),
    }
}

/// The maxima per tier under the base and under the variants, and the difference.
pub fn max_pair(pair: &MaxPair, base: &RuleSet, variants: &[Variant]) -> Page {
    let crisis = pair.base.has_crisis || pair.variant.has_crisis;
    let mut head = vec!["Taille", "Total base", "Total variante", "Écart"];
    if crisis {
        head.extend(["+ crise base", "+ crise var.", "Écart"]);
    }
    let rows = pair
        .base
        .rows
        .iter()
        .zip(&pair.variant.rows)
        .map(|(b, v)| {
            let mut cells =
                vec![b.tier.id.clone(), eur(b.total), eur(v.total), delta(v.total, b.total)];
            if crisis {
                cells.extend([
                    eur(b.total_with_crisis),
                    eur(v.total_with_crisis),
                    delta(v.total_with_crisis, b.total_with_crisis),
                ]);
            }
            Row::new(cells)
        })
        .collect();
    let detail = pair
        .variant
        .rows
        .iter()
        .map(|v| {
            Row::new(vec![
                format!("{} ({})", v.tier.id, v.tier.bounds_text),
                eur(v.fonctionnement),
                eur(v.fixed),
                eur(v.variable),
                eur(v.crisis),
            ])
        })
        .collect();
    let mut blocks = vec![
        Block::Table(Table {
            head: head.into_iter().map(String::from).collect(),
            cols: cols(if crisis { "tnnnnnn" } else { "tnnn" }),
            rows,
            foot: Vec::new(),
        }),
        Block::Note(ASSUMPTIONS.into()),
        Block::Heading("Détail sous la variante".into()),
        Block::Table(Table {
            head: ["Taille", "Fonctionnement", "Parts fixes", "Parts var.", "Env. crise"]
                .map(String::from)
                .to_vec(),
            cols: cols("tnnnn"),
            rows: detail,
            foot: Vec::new(),
        }),
    ];
    blocks.extend(provisional(&pair.variant));
    let mut subtitle = banner(variants);
    subtitle.push(format!(
        "Texte en vigueur : {} — {}",
        pair.variant.text.label, pair.variant.text.reference
    ));
    Page {
        lang: "fr",
        title: format!(
            "Financement annuel maximal par taille au {} : base et variante",
            pair.base.date
        ),
        subtitle,
        sections: vec![
            Section {
                title: "Variantes".into(),
                blocks: variant_blocks(variants),
                page_break: false,
            },
            Section { title: "Maxima par taille".into(), blocks, page_break: false },
        ],
        footer: receipt(base, variants, &[]),
    }
}
