//! The reports of a roll-out projection (`project`): French text, CSV that opens in French
//! Excel (one row per calendar year), and the versioned JSON document (`json`, `"kind":
//! "projection"`). Beside each year with a published figure: that figure, its source and the
//! gap. Under variants: the base, the variant and the delta per year.

use crate::money::{format_eur, format_plain};
use crate::project::{Comparison, Projection, RolloutScenario, YearRow};
use crate::report::portfolio::csv_out::{CsvOptions, CsvWriter};
use crate::report::portfolio::text_out::{fit, row_text};
use crate::rules::RuleSet;
use crate::variant::Variant;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

mod json;
pub use json::json;

/// What a report shows: the scenario, its projection under the base rules and, under variants,
/// under the rules they make.
pub struct Report<'a> {
    pub scenario: &'a RolloutScenario,
    pub base: &'a Projection,
    pub variant: Option<(&'a [Variant], &'a Projection)>,
}

const W: usize = 19;

fn percent_fr(p: Option<Decimal>) -> String {
    p.map(|p| format!("{} %", format_plain(p).replace('.', ","))).unwrap_or_default()
}

/// The kinds of payment in their order of the year (signature, advances, balances, variable,
/// crisis), then any other name.
fn kind_order(name: &str) -> usize {
    ["at_signature", "advance", "balance", "variable", "crisis"]
        .iter()
        .position(|k| *k == name)
        .unwrap_or(9)
}

/// The group names of one split, over every year.
fn names(p: &Projection, f: fn(&YearRow) -> &BTreeMap<String, Decimal>) -> Vec<String> {
    let set: BTreeSet<&String> = p.years.iter().flat_map(|y| f(y).keys()).collect();
    set.into_iter().cloned().collect()
}

fn kinds(y: &YearRow) -> &BTreeMap<String, Decimal> {
    &y.by_kind
}
fn tiers(y: &YearRow) -> &BTreeMap<String, Decimal> {
    &y.by_tier
}
fn missions(y: &YearRow) -> &BTreeMap<String, Decimal> {
    &y.by_mission
}

fn kind_names(p: &Projection) -> Vec<String> {
    let mut n = names(p, kinds);
    n.sort_by_key(|k| (kind_order(k), k.clone()));
    n
}

/// The rules' missions order, `fonctionnement` first.
fn mission_names(rules: &RuleSet, p: &Projection) -> Vec<String> {
    let mut n = names(p, missions);
    let order = |id: &str| {
        if id == "fonctionnement" {
            0
        } else {
            rules.missions.iter().position(|m| m.id == id).map_or(usize::MAX, |i| i + 1)
        }
    };
    n.sort_by_key(|k| (order(k), k.clone()));
    n
}

fn push_line(o: &mut String, line: &str) {
    o.push_str(line.trim_end());
    o.push('\n');
}

/// `rows` laid out in columns, the first cell of a row on the left and the others on the right:
/// column `i` is `widths[i]` wide, or wider when one of its cells needs it (with a space before
/// it), so that two figures never run together (a published 10^27 € included).
fn table(o: &mut String, widths: &[usize], rows: &[Vec<String>]) {
    let mut w = widths.to_vec();
    fit(&mut w, |i| i, rows.iter().map(Vec::as_slice));
    for row in rows {
        push_line(o, &row_text(row, &w, |i| i));
    }
}

fn split_table(
    o: &mut String,
    title: &str,
    p: &Projection,
    cols: &[String],
    f: fn(&YearRow) -> &BTreeMap<String, Decimal>,
) {
    let _ = writeln!(o, "\n{title}");
    let mut rows = vec![std::iter::once("Année".to_string()).chain(cols.iter().cloned()).collect()];
    for y in &p.years {
        let amounts = cols.iter().map(|c| format_eur(f(y).get(c).copied().unwrap_or_default()));
        rows.push(std::iter::once(y.year.to_string()).chain(amounts).collect());
    }
    let widths: Vec<usize> = std::iter::once(7).chain(cols.iter().map(|_| W)).collect();
    table(o, &widths, &rows);
}

/// The projection as French text.
pub fn text(rules: &RuleSet, r: &Report) -> String {
    let (s, p) = (r.scenario, r.base);
    let mut o = String::with_capacity(4096);
    let _ = writeln!(o, "Projection du déploiement : {} ({})", s.title, s.id);
    let _ = writeln!(
        o,
        "Scénario {} (graine {}) : {} contrats générés, {} en erreur ; années civiles {} à {}",
        s.file,
        s.seed,
        p.contracts,
        p.failures.len(),
        p.from,
        p.to
    );
    o.push_str(
        "Versé : toute date de versement tombant dans l'année civile (signature, avances, soldes, \
         parts variables, crise).\nAnnées de contrat : total des années de contrat qui commencent \
         dans l'année.\n\n",
    );
    let cmp: BTreeMap<i32, Comparison> =
        p.compare(&s.published).into_iter().map(|c| (c.year, c)).collect();
    let mut rows: Vec<Vec<String>> = vec![[
        "Année",
        "Signatures",
        "Sous contrat",
        "Versé",
        "Années de contrat",
        "Publié",
        "Écart",
        "Écart %",
    ]
    .map(String::from)
    .to_vec()];
    for y in &p.years {
        let c = cmp.get(&y.year);
        rows.push(vec![
            y.year.to_string(),
            y.signatures.to_string(),
            y.under_contract.to_string(),
            format_eur(y.cash),
            format_eur(y.contract_years),
            c.map(|c| format_eur(c.published)).unwrap_or_default(),
            c.map(|c| format_eur(c.gap)).unwrap_or_default(),
            percent_fr(c.and_then(|c| c.gap_percent)),
        ]);
    }
    let cash: Decimal = p.years.iter().map(|y| y.cash).sum();
    let prov: Decimal = p.years.iter().map(|y| y.provisional).sum();
    rows.push(vec!["TOTAL".into(), String::new(), String::new(), format_eur(cash)]);
    table(&mut o, &[7, 11, 14, W, W, W, W, 10], &rows);
    let _ = writeln!(
        o,
        "\nDont {} versés sur des montants provisoires des règles (cellules `provisional`).",
        format_eur(prov)
    );
    for c in cmp.values() {
        let _ = writeln!(o, "Publié {} : {} ({})", c.year, format_eur(c.published), c.source);
    }
    o.push_str(
        "Sous contrat : contrats en cours au 31 décembre (signés, et pas encore au terme de leurs \
         cinq ans ; un renouvellement n'est pas projeté).\n",
    );
    split_table(&mut o, "Versé par nature de versement", p, &kind_names(p), kinds);
    split_table(&mut o, "Versé par taille", p, &names(p, tiers), tiers);
    split_table(&mut o, "Versé par mission", p, &mission_names(rules, p), missions);
    if let Some((variants, v)) = r.variant {
        o.push('\n');
        o.push_str(&crate::report::variant::banner(variants));
        let mut rows: Vec<Vec<String>> = vec![[
            "Année",
            "Versé (base)",
            "Versé (variante)",
            "Écart",
            "Contrat (base)",
            "Contrat (variante)",
            "Écart",
        ]
        .map(String::from)
        .to_vec()];
        for (b, x) in p.years.iter().zip(&v.years) {
            rows.push(vec![
                b.year.to_string(),
                format_eur(b.cash),
                format_eur(x.cash),
                format_eur(x.cash - b.cash),
                format_eur(b.contract_years),
                format_eur(x.contract_years),
                format_eur(x.contract_years - b.contract_years),
            ]);
        }
        table(&mut o, &[7, W, W, W, W, W, W], &rows);
    }
    if !p.failures.is_empty() {
        let _ = writeln!(
            o,
            "\nAttention : {} contrat(s) généré(s) en erreur ne sont pas comptés (voir les messages).",
            p.failures.len()
        );
    }
    o
}

/// The projection as CSV: one row per calendar year.
pub fn csv(rules: &RuleSet, r: &Report, opts: CsvOptions) -> String {
    let p = r.base;
    let (k, t, m) = (kind_names(p), names(p, tiers), mission_names(rules, p));
    let mut w = CsvWriter::new(opts);
    let fixed = [
        "year",
        "signatures",
        "under_contract",
        "cash",
        "provisional",
        "contract_years",
        "contract_years_count",
        "published",
        "gap",
        "gap_percent",
    ];
    for h in fixed {
        w.field(h);
    }
    for (prefix, cols) in [("kind", &k), ("tier", &t), ("mission", &m)] {
        for c in cols {
            w.field(&format!("{prefix}.{c}"));
        }
    }
    if r.variant.is_some() {
        for h in ["variant_cash", "variant_contract_years", "delta_cash", "delta_contract_years"] {
            w.field(h);
        }
    }
    w.end_row();
    let cmp: BTreeMap<i32, Comparison> =
        p.compare(&r.scenario.published).into_iter().map(|c| (c.year, c)).collect();
    for (i, y) in p.years.iter().enumerate() {
        w.field(&y.year.to_string());
        w.count(y.signatures);
        w.count(y.under_contract);
        w.amount(y.cash);
        w.amount(y.provisional);
        w.amount(y.contract_years);
        w.count(y.contract_years_count);
        match cmp.get(&y.year) {
            Some(c) => {
                w.amount(c.published);
                w.amount(c.gap);
                match c.gap_percent {
                    Some(g) => w.number(g),
                    None => w.empty(),
                }
            }
            None => {
                w.empty();
                w.empty();
                w.empty();
            }
        }
        type Split = fn(&YearRow) -> &BTreeMap<String, Decimal>;
        for (cols, f) in [(&k, kinds as Split), (&t, tiers as Split), (&m, missions as Split)] {
            for c in cols {
                w.amount(f(y).get(c).copied().unwrap_or_default());
            }
        }
        if let Some((_, v)) = r.variant {
            let x = &v.years[i];
            w.amount(x.cash);
            w.amount(x.contract_years);
            w.amount(x.cash - y.cash);
            w.amount(x.contract_years - y.contract_years);
        }
        w.end_row();
    }
    w.finish()
}
