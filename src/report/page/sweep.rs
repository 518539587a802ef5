//! The `sweep` page: the portfolio's total cost against the swept value, as the chart the
//! `--svg` file holds (one [`super::Curve`], drawn by `report::chart::sweep`) and the table of
//! points the CSV holds (totals, delta against the base, provisional part, per tier, the values
//! that cannot apply with why), the records left out with their diagnostics, and the receipt.

use super::{banner, cols, eur, failures, receipt, signed, Block, Page, Row, Section, Table};
use crate::money::format_plain;
use crate::portfolio::{Portfolio, RecordState};
use crate::report::chart::sweep::curve;
use crate::rules::RuleSet;
use crate::variant::sweep::Sweep;
use crate::variant::Variant;

/// The `sweep` page (`rules`: the rules the sweep ran on, variants included).
pub fn sweep(rules: &RuleSet, variants: &[Variant], p: &Portfolio, s: &Sweep) -> Page {
    let base = s.base.totals.total;
    let (mut points, mut parts, mut tiers) = (Vec::new(), Vec::new(), Vec::new());
    for pt in &s.points {
        let value = format_plain(pt.value);
        match &pt.result {
            Ok(t) => {
                let x = &t.totals;
                points.push(Row::new(vec![
                    value.clone(),
                    t.rows.to_string(),
                    t.failed.to_string(),
                    eur(x.total),
                    x.total.checked_sub(base).map_or_else(String::new, signed),
                    eur(x.provisional),
                    String::new(),
                ]));
                parts.push(Row::new(vec![
                    value.clone(),
                    eur(x.fonctionnement),
                    eur(x.fixed),
                    eur(x.variable),
                    eur(x.crisis),
                ]));
                let mut cells = vec![value];
                cells.extend(t.by_tier.iter().map(|v| eur(*v)));
                tiers.push(Row::new(cells));
            }
            Err(m) => {
                let mut cells = vec![value];
                cells.extend(std::iter::repeat_n(String::new(), 5));
                cells.push(m.clone());
                points.push(Row::new(cells));
            }
        }
    }
    let impossible = s.points.iter().filter(|p| p.result.is_err()).count();
    let title = format!("Coût total du portefeuille selon {}", s.spec.path);
    let mut tier_head = vec!["Valeur".to_string()];
    tier_head.extend(rules.tiers.iter().map(|t| format!("Total {}", t.id)));
    let blocks = vec![
        Block::Curve(curve(s, &title)),
        Block::Table(Table {
            head: ["Valeur", "CPTS-années", "En échec", "Total", "Écart", "dont provisoire", "Note"]
                .map(String::from)
                .to_vec(),
            cols: cols("nnnnnnt"),
            rows: points,
            foot: vec![Row {
                cells: vec![
                    "base".into(),
                    s.base.rows.to_string(),
                    s.base.failed.to_string(),
                    eur(base),
                    String::new(),
                    eur(s.base.totals.provisional),
                    "sans la valeur balayée".into(),
                ],
                strong: true,
            }],
        }),
        Block::Note("Écart : le total à cette valeur moins celui de la base (les règles sans la valeur balayée) ; dont provisoire : la part du total lue dans des cellules provisoires des règles.".into()),
        Block::Heading("Par poste".into()),
        Block::Table(Table {
            head: ["Valeur", "Fonctionnement", "Parts fixes", "Parts var.", "Crise"]
                .map(String::from)
                .to_vec(),
            cols: cols("nnnnn"),
            rows: parts,
            foot: Vec::new(),
        }),
        Block::Heading("Par taille".into()),
        Block::Table(Table {
            cols: std::iter::repeat_n(super::Col::Number, tier_head.len()).collect(),
            head: tier_head,
            rows: tiers,
            foot: Vec::new(),
        }),
    ];
    let mut sections = vec![Section { title, blocks, page_break: false }];
    let failed = p.records.iter().enumerate().filter_map(|(i, r)| match &r.state {
        RecordState::Failed(d) => Some((i, d.as_slice())),
        RecordState::Loaded { .. } => None,
    });
    sections.extend(failures(p, "En échec", failed));
    let mut subtitle = banner(variants);
    subtitle.push(format!(
        "{} de {} à {} par pas de {}, à partir du {}",
        s.spec.path,
        format_plain(s.spec.start),
        format_plain(s.spec.end),
        format_plain(s.spec.step),
        s.spec.from
    ));
    subtitle.push(format!(
        "{} point(s), {impossible} impossible(s) ; base : {}",
        s.points.len(),
        eur(base)
    ));
    Page {
        lang: "fr",
        title: format!("Balayage de {}", s.spec.path),
        subtitle,
        sections,
        footer: receipt(rules, &[], &p.inputs),
    }
}
