//! The `diff` text report and its CSV table.

use super::{signed, variants_text, W};
use crate::diagnostic::Diagnostic;
use crate::money::format_eur;
use crate::portfolio::{Portfolio, Selection};
use crate::report::portfolio::csv_out::{CsvOptions, CsvWriter};
use crate::report::portfolio::text_out::{left, right};
use crate::rules::RuleSet;
use crate::variant::diff::{Delta, Diff, DiffRow, DiffSums};
use crate::variant::Variant;
use rust_decimal::Decimal;
use std::fmt::Write;

fn delta_line(o: &mut String, name: &str, d: &Delta) {
    let _ = writeln!(
        o,
        "{}{}{}{}{}",
        left(name, 34),
        right(&d.cpts_years.to_string(), 12),
        right(&format_eur(d.base), W),
        right(&format_eur(d.variant), W),
        right(&signed(d.delta), W)
    );
}

fn delta_header(o: &mut String, first: &str) {
    let _ = writeln!(
        o,
        "{}{}{}{}{}",
        left(first, 34),
        right("CPTS-années", 12),
        right("Base", W),
        right("Variante", W),
        right("Écart", W)
    );
}

/// The `diff` text report. A streamed file is written in the same parts: [`diff_text_head`],
/// each chunk's [`diff_text_rows`], [`diff_text_sums`], each chunk's
/// [`diff_text_tier_changes`], [`diff_text_tail`], each chunk's [`diff_text_failures`].
pub fn diff_text(
    base: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    d: &Diff,
    selection: Selection,
) -> String {
    let s = DiffSums::of(d, p, 0);
    let mut o = diff_text_head(base, variants, &s, selection);
    o.push_str(&diff_text_rows(base, p, &d.rows));
    o.push_str(&diff_text_sums(base, &s));
    o.push_str(&diff_text_tier_changes(base, p, &d.rows));
    o.push_str(&diff_text_tail(&s));
    o.push_str(&diff_text_failures(p, &d.failures));
    o
}

/// The variants, the rules, the portfolio's counts and the head of the table of CPTS-years.
pub fn diff_text_head(
    base: &RuleSet,
    variants: &[Variant],
    s: &DiffSums,
    selection: Selection,
) -> String {
    let mut o = String::new();
    variants_text(&mut o, variants);
    let _ = writeln!(
        o,
        "Règles de base : {} (sha256 {})",
        base.file,
        base.sha256.get(..12).unwrap_or(&base.sha256)
    );
    let _ = writeln!(o, "Portefeuille : {}", s.summary.phrase(selection));
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Par CPTS ({} CPTS-années sur {} changent ; toutes en CSV et JSON)",
        s.changed, s.rows
    );
    let _ = writeln!(
        o,
        "{}{}{}{}{}{}",
        left("  CPTS", 30),
        right("Année", 6),
        right("Taille", 10),
        right("Base", W),
        right("Variante", W),
        right("Écart", W)
    );
    o
}

/// The CPTS-years of `rows` whose amount or tier changes, one line each.
pub fn diff_text_rows(base: &RuleSet, p: &Portfolio, rows: &[DiffRow]) -> String {
    let mut o = String::new();
    for r in rows.iter().filter(|r| r.changes()) {
        let tiers = if r.base_tier == r.variant_tier {
            base.tiers[r.base_tier].id.clone()
        } else {
            format!("{}→{}", base.tiers[r.base_tier].id, base.tiers[r.variant_tier].id)
        };
        let _ = writeln!(
            o,
            "{}{}{}{}{}{}",
            left(&format!("  {}", p.contracts[r.contract].id), 30),
            right(&r.contract_year.to_string(), 6),
            right(&tiers, 10),
            right(&format_eur(r.base.total), W),
            right(&format_eur(r.variant.total), W),
            right(&signed(r.delta), W)
        );
    }
    o
}

/// The sums by tier, mission, region and department, the total, and the count of tier changes.
pub fn diff_text_sums(base: &RuleSet, s: &DiffSums) -> String {
    let mut o = String::new();
    let _ = writeln!(o);
    let _ = writeln!(o, "Par taille (taille de base)");
    delta_header(&mut o, "");
    for (t, d) in base.tiers.iter().zip(&s.by_tier) {
        delta_line(&mut o, &format!("  {}", t.id), d);
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Par mission");
    delta_header(&mut o, "");
    for (id, _, d) in &s.by_mission {
        delta_line(&mut o, &format!("  {id}"), d);
    }
    for (title, list) in [("Par région", &s.by_region), ("Par département", &s.by_department)] {
        let _ = writeln!(o);
        let _ = writeln!(o, "{title}");
        delta_header(&mut o, "");
        for (g, x) in list {
            delta_line(&mut o, &format!("  {g}"), x);
        }
    }
    let _ = writeln!(o);
    delta_header(&mut o, "");
    delta_line(&mut o, "TOTAL", &s.total);
    delta_line(&mut o, "  dont versé d'avance", &s.advances);
    let _ = writeln!(o);
    let _ = writeln!(o, "CPTS qui changent de taille : {}", s.tier_changes);
    o
}

/// The CPTS-years of `rows` whose tier changes, one line each.
pub fn diff_text_tier_changes(base: &RuleSet, p: &Portfolio, rows: &[DiffRow]) -> String {
    let mut o = String::new();
    for r in rows.iter().filter(|r| r.base_tier != r.variant_tier) {
        let _ = writeln!(
            o,
            "  {} année {} (population {}) : {} → {}",
            p.contracts[r.contract].id,
            r.contract_year,
            r.population,
            base.tiers[r.base_tier].id,
            base.tiers[r.variant_tier].id
        );
    }
    o
}

/// Who gains and who loses, the cash by calendar year, the attribution, and the head of the
/// records not compared.
pub fn diff_text_tail(s: &DiffSums) -> String {
    let mut o = String::new();
    gains_text(&mut o, s);
    let a = &s.attribution;
    let _ = writeln!(o);
    let _ = writeln!(o, "Attribution de l'écart total ({})", signed(a.total));
    let _ = writeln!(o, "  seule : chaque modification appliquée seule à la base ; l'interaction est l'écart total moins leur somme.");
    let _ = writeln!(o, "  séquentielle : les modifications appliquées dans l'ordre, chacune créditée de ce qu'elle ajoute aux précédentes (somme exacte, dépend de l'ordre).");
    let _ = writeln!(
        o,
        "{}{}{}",
        left("  Modification", 64),
        right("Seule", W),
        right("Séquentielle", W)
    );
    for (i, e) in a.effects.iter().enumerate() {
        let alone = e.alone.map_or_else(|| "(dépend)".to_string(), signed);
        let _ = writeln!(
            o,
            "{}{}{}",
            left(&format!("  {}. {}", i + 1, e.describe), 64),
            right(&alone, W),
            right(&signed(e.sequential), W)
        );
    }
    let _ = writeln!(
        o,
        "{}{}{}",
        left("  Interaction (résidu)", 64),
        right(&signed(a.interaction), W),
        right(&signed(Decimal::ZERO), W)
    );
    let _ = writeln!(
        o,
        "{}{}{}",
        left("  Total", 64),
        right(&signed(a.total), W),
        right(&signed(a.total), W)
    );
    if s.failed > 0 {
        let _ = writeln!(o);
        let _ = writeln!(o, "Non comparés ({}, détails sur la sortie d'erreur)", s.failed);
    }
    o
}

/// The records not compared (of `p`), one line each: where, and the first diagnostic.
pub fn diff_text_failures(p: &Portfolio, failures: &[(usize, Vec<Diagnostic>)]) -> String {
    let mut o = String::new();
    for (i, ds) in failures {
        let first =
            ds.first().map(|d| format!("error[{}]: {}", d.code, d.message)).unwrap_or_default();
        let _ = writeln!(o, "  {}: {first}", p.records[*i].origin);
    }
    o
}

/// Who gains and who loses, and the cash by calendar year.
fn gains_text(o: &mut String, s: &DiffSums) {
    let g = &s.gains;
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Gagnants et perdants (écart de chaque CPTS sur ses années comparées) : {} gagnent, {} perdent, {} inchangées",
        g.gain, g.lose, g.unchanged
    );
    for (title, list) in
        [("Plus fortes hausses", &g.largest_gains), ("Plus fortes baisses", &g.largest_losses)]
    {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "  {title}");
        for c in list {
            let _ = writeln!(
                o,
                "{}{}",
                left(&format!("    {} ({})", c.id, c.name), 64),
                right(&signed(c.delta), W)
            );
        }
    }
    if !s.cash.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "Versements par année civile (toutes les années de contrat des CPTS comparées, scénario attendu)"
        );
        let _ = writeln!(
            o,
            "{}{}{}{}",
            left("  Année", 34),
            right("Base", 12 + W),
            right("Variante", W),
            right("Écart", W)
        );
        for c in &s.cash {
            let _ = writeln!(
                o,
                "{}{}{}{}",
                left(&format!("  {}", c.year), 34),
                right(&format_eur(c.delta.base), 12 + W),
                right(&format_eur(c.delta.variant), W),
                right(&signed(c.delta.delta), W)
            );
        }
    }
}

/// The `diff --format csv` table: one row per CPTS-year, then the sums by tier, mission, region,
/// department and the total, the advances, the cash by calendar year (`cash_year`), then the
/// attribution (`level` = `change`, `interaction`). A streamed file is written in the same three
/// parts: [`diff_csv_header`], the [`diff_csv_rows`] of each chunk, the [`diff_csv_sums`] merged.
pub fn diff_csv(base: &RuleSet, p: &Portfolio, d: &Diff, opts: CsvOptions) -> String {
    let mut o = diff_csv_header(opts);
    let opts = CsvOptions { bom: false, ..opts };
    o.push_str(&diff_csv_rows(base, p, &d.rows, opts));
    o.push_str(&diff_csv_sums(base, &DiffSums::of(d, p, 0), opts));
    o
}

/// The header of the `diff` CSV (after the BOM when asked).
pub fn diff_csv_header(opts: CsvOptions) -> String {
    let mut w = CsvWriter::new(opts);
    for c in [
        "level",
        "group",
        "id",
        "name",
        "region",
        "department",
        "contract_year",
        "population",
        "tier_base",
        "tier_variant",
        "cpts_years",
        "base",
        "variant",
        "delta",
        "one_at_a_time",
        "sequential",
    ] {
        w.field(c);
    }
    w.end_row();
    w.finish()
}

/// The CPTS-year rows of the `diff` CSV (of `p`, or of a chunk of a streamed file), without
/// header or BOM.
pub fn diff_csv_rows(base: &RuleSet, p: &Portfolio, rows: &[DiffRow], opts: CsvOptions) -> String {
    let mut w = CsvWriter::new(CsvOptions { bom: false, ..opts });
    for r in rows {
        w.cpts(&p.contracts[r.contract]);
        w.count(r.contract_year);
        w.count(r.population);
        w.field(&base.tiers[r.base_tier].id);
        w.field(&base.tiers[r.variant_tier].id);
        w.count(1);
        w.amount(r.base.total);
        w.amount(r.variant.total);
        w.amount(r.delta);
        w.empty();
        w.empty();
        w.end_row();
    }
    w.finish()
}

/// The sums and the attribution of the `diff` CSV, without header or BOM.
pub fn diff_csv_sums(base: &RuleSet, d: &DiffSums, opts: CsvOptions) -> String {
    let mut w = CsvWriter::new(CsvOptions { bom: false, ..opts });
    let sums = |w: &mut CsvWriter, level: &str, group: &str, d: &Delta| {
        w.field(level);
        w.field(group);
        for _ in 0..8 {
            w.empty();
        }
        w.count(d.cpts_years);
        w.amount(d.base);
        w.amount(d.variant);
        w.amount(d.delta);
        w.empty();
        w.empty();
        w.end_row();
    };
    for (t, s) in base.tiers.iter().zip(&d.by_tier) {
        sums(&mut w, "tier", &t.id, s);
    }
    for (id, _, s) in &d.by_mission {
        sums(&mut w, "mission", id, s);
    }
    for (g, s) in &d.by_region {
        sums(&mut w, "region", g, s);
    }
    for (g, s) in &d.by_department {
        sums(&mut w, "department", g, s);
    }
    sums(&mut w, "total", "", &d.total);
    sums(&mut w, "advances", "", &d.advances);
    for c in &d.cash {
        sums(&mut w, "cash_year", &c.year.to_string(), &c.delta);
    }
    for (i, e) in d.attribution.effects.iter().enumerate() {
        w.field("change");
        w.count(i + 1);
        w.empty();
        w.field(&e.describe);
        for _ in 0..10 {
            w.empty();
        }
        match e.alone {
            Some(a) => w.amount(a),
            None => w.empty(),
        }
        w.amount(e.sequential);
        w.end_row();
    }
    w.field("interaction");
    for _ in 0..12 {
        w.empty();
    }
    w.amount(d.attribution.interaction);
    w.amount(d.attribution.interaction);
    w.amount(Decimal::ZERO);
    w.end_row();
    w.finish()
}
