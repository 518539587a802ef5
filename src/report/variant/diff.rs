//! The `diff` text report and its CSV table.

use super::{signed, variants_text, W};
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

/// The `diff` text report.
pub fn diff_text(
    base: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    d: &Diff,
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
    let _ = writeln!(o, "Portefeuille : {}", d.base.summary.phrase(selection));
    let _ = writeln!(o);
    let changed: Vec<_> =
        d.rows.iter().filter(|r| !r.delta.is_zero() || r.base_tier != r.variant_tier).collect();
    let _ = writeln!(
        o,
        "Par CPTS ({} CPTS-années sur {} changent ; toutes en CSV et JSON)",
        changed.len(),
        d.rows.len()
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
    for r in changed {
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
    let _ = writeln!(o);
    let _ = writeln!(o, "Par taille (taille de base)");
    delta_header(&mut o, "");
    for (t, d) in base.tiers.iter().zip(&d.by_tier) {
        delta_line(&mut o, &format!("  {}", t.id), d);
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Par mission");
    delta_header(&mut o, "");
    for (id, _, d) in &d.by_mission {
        delta_line(&mut o, &format!("  {id}"), d);
    }
    for (title, list) in [("Par région", &d.by_region), ("Par département", &d.by_department)] {
        let _ = writeln!(o);
        let _ = writeln!(o, "{title}");
        delta_header(&mut o, "");
        for (g, x) in list {
            delta_line(&mut o, &format!("  {g}"), x);
        }
    }
    let _ = writeln!(o);
    delta_header(&mut o, "");
    delta_line(&mut o, "TOTAL", &d.total);
    delta_line(&mut o, "  dont versé d'avance", &d.advances);
    let _ = writeln!(o);
    let _ = writeln!(o, "CPTS qui changent de taille : {}", d.tier_changes.len());
    for &i in &d.tier_changes {
        let r = &d.rows[i];
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
    gains_text(&mut o, p, d);
    let a = &d.attribution;
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
    if !d.failures.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Non comparés ({}, détails sur la sortie d'erreur)", d.failures.len());
        for (i, ds) in &d.failures {
            let first =
                ds.first().map(|d| format!("error[{}]: {}", d.code, d.message)).unwrap_or_default();
            let _ = writeln!(o, "  {}: {first}", p.records[*i].origin);
        }
    }
    o
}

/// Who gains and who loses, and the cash by calendar year.
fn gains_text(o: &mut String, p: &Portfolio, d: &Diff) {
    let g = &d.gains;
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
        for (c, x) in list {
            let c = &p.contracts[*c];
            let _ = writeln!(
                o,
                "{}{}",
                left(&format!("    {} ({})", c.id, c.name), 64),
                right(&signed(*x), W)
            );
        }
    }
    if !d.cash.is_empty() {
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
        for c in &d.cash {
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
        let c = &p.contracts[r.contract];
        w.field("cpts");
        w.empty();
        w.field(&c.id);
        w.field(&c.name);
        w.field(c.region.as_deref().unwrap_or(""));
        w.field(c.department.as_deref().unwrap_or(""));
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
