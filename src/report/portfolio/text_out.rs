//! A portfolio as text tables for people (French, amounts as `1 234,50 €`): one line per
//! CPTS-year, then the sums by tier, mission, region and department, the total, and the summary.
//! Under variants the report opens with their banner, as every other report does.

use crate::diagnostic::Diagnostic;
use crate::money::format_eur;
use crate::portfolio::{Aggregates, Portfolio, Row, Run, Selection, Summary, Sums};
use crate::rules::RuleSet;
use crate::variant::Variant;
use std::fmt::Write;

/// `s` on the right of a column `width` characters wide, with at least one space before it: a
/// figure wider than its column (a sum past 100 million euros in a 16-character column) shifts
/// the rest of its line instead of running into the figure before it.
pub(crate) fn right(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(width.saturating_sub(n).max(1)))
}

pub(crate) fn left(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// Widens column widths to fit `rows`: cell `i` of a row is in column `slot(i)` of `widths`,
/// which grows to the cell's width (with a space before it, but for a row's first cell).
pub(crate) fn fit<'r>(
    widths: &mut [usize],
    slot: impl Fn(usize) -> usize,
    rows: impl IntoIterator<Item = &'r [String]>,
) {
    for cells in rows {
        for (i, cell) in cells.iter().enumerate() {
            let w = &mut widths[slot(i)];
            *w = (*w).max(cell.chars().count() + usize::from(i > 0));
        }
    }
}

/// One row of cells in the columns [`fit`] widened: the first on the left, the others on the
/// right.
pub(crate) fn row_text(
    cells: &[String],
    widths: &[usize],
    slot: impl Fn(usize) -> usize,
) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        let w = widths[slot(i)];
        line.push_str(&if i == 0 { left(cell, w) } else { right(cell, w) });
    }
    line
}

const W: usize = 16;

/// The amounts of a sums line: fonctionnement, fixed and variable parts, crisis, total.
fn sums_amounts(s: &Sums) -> [String; 5] {
    let t = &s.totals;
    [t.fonctionnement, t.fixed, t.variable, t.crisis, t.total].map(format_eur)
}

/// The sums section (shared by `compute` on a portfolio): by tier, mission, region and
/// department, and the total. Its tables share their column widths, each as usual (names 24
/// characters, counts 12, amounts 16) or as its widest cell and a space: a portfolio of billions
/// of euros or a long region name keeps its columns apart and aligned.
pub fn aggregates(rules: &RuleSet, a: &Aggregates) -> String {
    const HEAD: [&str; 6] =
        ["CPTS-années", "Fonctionnement", "Parts fixes", "Parts var.", "Crise", "Total"];
    // (title, header, rows): a header and its rows are a name, a count and amounts.
    type Table = (Option<&'static str>, Vec<String>, Vec<Vec<String>>);
    let line = |name: String, s: &Sums| -> Vec<String> {
        [name, s.cpts_years.to_string()].into_iter().chain(sums_amounts(s)).collect()
    };
    let head = |first: &str| -> Vec<String> {
        std::iter::once(first.to_string()).chain(HEAD.map(String::from)).collect()
    };
    let mut tables: Vec<Table> = vec![(
        Some("Par taille"),
        head("  Taille"),
        rules.tiers.iter().zip(&a.by_tier).map(|(t, s)| line(format!("  {}", t.id), s)).collect(),
    )];
    // Missions have no fonctionnement column.
    let mut mission_head = head("  Mission");
    mission_head.remove(2);
    let missions = rules.missions.iter().zip(&a.total.missions).map(|(m, s)| {
        [format!("  {}", m.id), s.cpts_years.to_string()]
            .into_iter()
            .chain([s.fixed, s.variable, s.crisis, s.total].map(format_eur))
            .collect()
    });
    tables.push((Some("Par mission"), mission_head, missions.collect()));
    for (title, groups) in [("Par région", &a.by_region), ("Par département", &a.by_department)] {
        let rows = groups.iter().map(|(g, s)| {
            let name = if g.is_empty() { "(non renseigné)" } else { g.as_str() };
            line(format!("  {name}"), s)
        });
        tables.push((Some(title), head(""), rows.collect()));
    }
    tables.push((None, head(""), vec![line("TOTAL".into(), &a.total)]));
    // The widths: the name, the count, then every amount column alike.
    let slot = |i: usize| i.min(2);
    let mut widths = [24, 12, W];
    for (_, h, rows) in &tables {
        fit(&mut widths, slot, std::iter::once(h).chain(rows).map(Vec::as_slice));
    }
    let mut o = String::new();
    for (n, (title, h, rows)) in tables.iter().enumerate() {
        if n > 0 {
            o.push('\n');
        }
        if let Some(title) = title {
            let _ = writeln!(o, "{title}");
        }
        for cells in std::iter::once(h).chain(rows) {
            o.push_str(&row_text(cells, &widths, slot));
            o.push('\n');
        }
    }
    if !a.total.totals.provisional.is_zero() {
        let _ = writeln!(
            o,
            "{}{}",
            " ".repeat(widths[0] + widths[1]),
            crate::report::text::provisional_words(a.total.totals.provisional)
        );
    }
    o
}

/// The `compute PORTFOLIO` text report; `variants` are those applied to `rules` (none for the
/// rules in force): a variant is a negotiation hypothesis, so its banner comes before any amount.
/// A streamed file is written in the same parts: [`portfolio_head`] (under counts of the whole
/// file), the chunks' [`portfolio_rows`], [`portfolio_sums`], [`portfolio_failures_title`] and
/// the chunks' [`portfolio_failures`].
pub fn portfolio(
    rules: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    run: &Run,
    a: &Aggregates,
) -> String {
    let mut o = portfolio_head(rules, variants, &run.summary, run.selection);
    o.push_str(&portfolio_rows(rules, p, run.rows()));
    o.push_str(&portfolio_sums(rules, a));
    o.push_str(&portfolio_failures_title(run.summary.failed));
    o.push_str(&portfolio_failures(p, run.failures()));
    o
}

/// What comes before the rows: the variants' banner, the counts of the whole run, the rules
/// used, the rows' column titles.
pub fn portfolio_head(
    rules: &RuleSet,
    variants: &[Variant],
    summary: &Summary,
    selection: Selection,
) -> String {
    let mut o = crate::report::variant::banner(variants);
    let _ = writeln!(o, "Portefeuille : {}", summary.phrase(selection));
    let _ = writeln!(
        o,
        "Règles : {} (sha256 {})",
        rules.file,
        rules.sha256.get(..12).unwrap_or(&rules.sha256)
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{}{}{}{}{}{}{}{}{}",
        left("CPTS", 28),
        right("Année", 6),
        right("Taille", 7),
        right("Population", 11),
        right("Fonctionnement", W),
        right("Parts fixes", W),
        right("Parts var.", W),
        right("Crise", W),
        right("Total", W)
    );
    o
}

/// One line per CPTS-year of `rows` (of `p`).
pub fn portfolio_rows<'r>(
    rules: &RuleSet,
    p: &Portfolio,
    rows: impl IntoIterator<Item = &'r Row>,
) -> String {
    let mut o = String::new();
    for r in rows {
        let c = &p.contracts[r.contract];
        let t = &r.totals;
        let _ = writeln!(
            o,
            "{}{}{}{}{}{}{}{}{}",
            left(&c.id, 28),
            right(&r.contract_year.to_string(), 6),
            right(rules.tiers.get(r.tier).map_or("", |t| t.id.as_str()), 7),
            right(&r.population.to_string(), 11),
            right(&format_eur(t.fonctionnement), W),
            right(&format_eur(t.fixed), W),
            right(&format_eur(t.variable), W),
            right(&format_eur(t.crisis), W),
            right(&format_eur(t.total), W)
        );
    }
    o
}

/// What comes after the rows: the sums of the whole run.
pub fn portfolio_sums(rules: &RuleSet, a: &Aggregates) -> String {
    let mut o = String::from("\n");
    o.push_str(&aggregates(rules, a));
    o
}

/// The title of the failed records' list, with their count in the whole run (nothing when none
/// failed).
pub fn portfolio_failures_title(failed: usize) -> String {
    if failed == 0 {
        return String::new();
    }
    format!("\nEn échec ({failed}, détails sur la sortie d'erreur)\n")
}

/// One line per failed record (of `p`, by record index), its first diagnostic.
pub fn portfolio_failures<'d>(
    p: &Portfolio,
    failures: impl IntoIterator<Item = (usize, &'d [Diagnostic])>,
) -> String {
    let mut o = String::new();
    for (i, d) in failures {
        let first =
            d.first().map(|d| format!("error[{}]: {}", d.code, d.message)).unwrap_or_default();
        let _ = writeln!(o, "  {}: {first}", p.records[i].origin);
    }
    o
}
