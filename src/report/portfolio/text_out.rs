//! A portfolio as text tables for people (French, amounts as `1 234,50 €`): one line per
//! CPTS-year, then the sums by tier, mission, region and department, the total, and the summary.
//! Under variants the report opens with their banner, as every other report does.

use crate::money::format_eur;
use crate::portfolio::{Aggregates, Portfolio, Run, Sums};
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
pub fn portfolio(
    rules: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    run: &Run,
    a: &Aggregates,
) -> String {
    let mut o = crate::report::variant::banner(variants);
    let _ = writeln!(o, "Portefeuille : {}", run.summary.phrase(run.selection));
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
    for r in run.rows() {
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
    let _ = writeln!(o);
    o.push_str(&aggregates(rules, a));
    let failures: Vec<_> = run.failures().collect();
    if !failures.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "En échec ({}, détails sur la sortie d'erreur)", failures.len());
        for (i, d) in failures {
            let first =
                d.first().map(|d| format!("error[{}]: {}", d.code, d.message)).unwrap_or_default();
            let _ = writeln!(o, "  {}: {first}", p.records[i].origin);
        }
    }
    o
}
