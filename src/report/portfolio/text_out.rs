//! A portfolio as text tables for people (French, amounts as `1 234,50 €`): one line per
//! CPTS-year, then the sums by tier, mission, region and department, the total, and the summary.
//! Under variants the report opens with their banner, as every other report does.

use crate::diagnostic::Diagnostic;
use crate::money::format_eur;
use crate::portfolio::{Aggregates, Portfolio, Row, Run, Selection, Summary, Sums};
use crate::rules::RuleSet;
use crate::variant::Variant;
use std::fmt::Write;

pub(crate) fn right(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(width.saturating_sub(n)))
}

pub(crate) fn left(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

const W: usize = 16;

fn sums_header(o: &mut String, first: &str, width: usize) {
    let _ = writeln!(
        o,
        "{}{}{}{}{}{}{}",
        left(first, width),
        right("CPTS-années", 12),
        right("Fonctionnement", W),
        right("Parts fixes", W),
        right("Parts var.", W),
        right("Crise", W),
        right("Total", W)
    );
}

fn sums_line(o: &mut String, name: &str, width: usize, s: &Sums) {
    let t = &s.totals;
    let _ = writeln!(
        o,
        "{}{}{}{}{}{}{}",
        left(name, width),
        right(&s.cpts_years.to_string(), 12),
        right(&format_eur(t.fonctionnement), W),
        right(&format_eur(t.fixed), W),
        right(&format_eur(t.variable), W),
        right(&format_eur(t.crisis), W),
        right(&format_eur(t.total), W)
    );
}

/// The sums section (shared by `compute` on a portfolio).
pub fn aggregates(rules: &RuleSet, a: &Aggregates) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Par taille");
    sums_header(&mut o, "  Taille", 24);
    for (t, s) in rules.tiers.iter().zip(&a.by_tier) {
        sums_line(&mut o, &format!("  {}", t.id), 24, s);
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Par mission");
    let _ = writeln!(
        o,
        "{}{}{}{}{}{}",
        left("  Mission", 24),
        right("CPTS-années", 12),
        right("Parts fixes", W),
        right("Parts var.", W),
        right("Crise", W),
        right("Total", W)
    );
    for (m, s) in rules.missions.iter().zip(&a.total.missions) {
        let _ = writeln!(
            o,
            "{}{}{}{}{}{}",
            left(&format!("  {}", m.id), 24),
            right(&s.cpts_years.to_string(), 12),
            right(&format_eur(s.fixed), W),
            right(&format_eur(s.variable), W),
            right(&format_eur(s.crisis), W),
            right(&format_eur(s.total), W)
        );
    }
    for (title, groups) in [("Par région", &a.by_region), ("Par département", &a.by_department)] {
        let _ = writeln!(o);
        let _ = writeln!(o, "{title}");
        sums_header(&mut o, "", 24);
        for (g, s) in groups {
            let name = if g.is_empty() { "(non renseigné)" } else { g.as_str() };
            sums_line(&mut o, &format!("  {name}"), 24, s);
        }
    }
    let _ = writeln!(o);
    sums_header(&mut o, "", 24);
    sums_line(&mut o, "TOTAL", 24, &a.total);
    if !a.total.totals.provisional.is_zero() {
        let _ = writeln!(
            o,
            "{}{}",
            " ".repeat(24 + 12),
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
