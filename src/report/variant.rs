//! Reports of the variant commands: `diff` (text, CSV, JSON), `sweep` (CSV, text) and
//! `max --variant` (text, JSON). They take computed data and return strings.

use crate::money::{format_eur, format_plain};
use crate::portfolio::{Portfolio, Selection};
use crate::report::amount;
use crate::report::portfolio::csv_out::{CsvOptions, CsvWriter};
use crate::report::portfolio::json_out::{selection_doc, RulesDoc, SelectionDoc, SummaryDoc};
use crate::report::portfolio::text_out::{left, right};
use crate::rules::RuleSet;
use crate::variant::diff::{Delta, Diff};
use crate::variant::max::MaxPair;
use crate::variant::sweep::Sweep;
use crate::variant::Variant;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;

const W: usize = 17;

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", format_eur(d))
    } else {
        format_eur(d)
    }
}

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

/// The variants' titles and rationales, and their changes.
fn variants_text(o: &mut String, variants: &[Variant]) {
    for v in variants {
        let _ = writeln!(o, "Variante : {} ({}, {})", v.title, v.id, v.file);
        for l in v.rationale.trim().lines() {
            let _ = writeln!(o, "  {}", l.trim());
        }
        for (i, c) in v.changes.iter().enumerate() {
            let note = c.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default();
            let _ = writeln!(o, "  {}. {}{note}", i + 1, c.describe());
        }
    }
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
/// attribution (`level` = `change`, `interaction`).
pub fn diff_csv(base: &RuleSet, p: &Portfolio, d: &Diff, opts: CsvOptions) -> String {
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
    for r in &d.rows {
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

#[derive(Serialize)]
struct ChangeDoc {
    path: String,
    from: String,
    operation: String,
    note: Option<String>,
}

#[derive(Serialize)]
struct VariantDoc {
    id: String,
    title: String,
    rationale: String,
    file: String,
    sha256: String,
    changes: Vec<ChangeDoc>,
}

fn variant_docs(variants: &[Variant]) -> Vec<VariantDoc> {
    variants
        .iter()
        .map(|v| VariantDoc {
            id: v.id.clone(),
            title: v.title.clone(),
            rationale: v.rationale.trim().to_string(),
            file: v.file.clone(),
            sha256: v.sha256.clone(),
            changes: v
                .changes
                .iter()
                .map(|c| ChangeDoc {
                    path: c.path.clone(),
                    from: c.from.to_string(),
                    operation: c.op.describe(),
                    note: c.note.clone(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct SideDoc {
    tier: String,
    total: String,
    fonctionnement: String,
    fixed: String,
    variable: String,
    crisis: String,
}

#[derive(Serialize)]
struct DiffRowDoc {
    id: String,
    name: String,
    contract_year: u32,
    population: u64,
    base: SideDoc,
    variant: SideDoc,
    delta: String,
}

#[derive(Serialize)]
struct GainsDoc {
    gain: usize,
    lose: usize,
    unchanged: usize,
    largest_gains: Vec<CptsDeltaDoc>,
    largest_losses: Vec<CptsDeltaDoc>,
}

#[derive(Serialize)]
struct CptsDeltaDoc {
    id: String,
    name: String,
    delta: String,
}

#[derive(Serialize)]
struct CashYearDoc {
    year: i32,
    base: String,
    variant: String,
    delta: String,
}

#[derive(Serialize)]
struct DeltaDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    cpts_years: usize,
    base: String,
    variant: String,
    delta: String,
}

fn delta_doc(group: Option<String>, d: &Delta) -> DeltaDoc {
    DeltaDoc {
        group,
        cpts_years: d.cpts_years,
        base: amount(d.base),
        variant: amount(d.variant),
        delta: amount(d.delta),
    }
}

#[derive(Serialize)]
struct TierChangeDoc {
    id: String,
    contract_year: u32,
    population: u64,
    from: String,
    to: String,
}

#[derive(Serialize)]
struct EffectDoc {
    variant: String,
    change: usize,
    description: String,
    one_at_a_time: Option<String>,
    sequential: String,
}

#[derive(Serialize)]
struct AttributionDoc {
    method: &'static str,
    changes: Vec<EffectDoc>,
    interaction: String,
    total: String,
}

#[derive(Serialize)]
struct FailureDoc {
    file: String,
    line: Option<usize>,
    entry: Option<String>,
    diagnostics: Vec<crate::diagnostic::Diagnostic>,
}

#[derive(Serialize)]
struct DiffDoc {
    format_version: u32,
    kind: &'static str,
    selection: SelectionDoc,
    rules: RulesDoc,
    variants: Vec<VariantDoc>,
    summary: SummaryDoc,
    rows: Vec<DiffRowDoc>,
    by_tier: Vec<DeltaDoc>,
    by_mission: Vec<DeltaDoc>,
    by_region: Vec<DeltaDoc>,
    by_department: Vec<DeltaDoc>,
    total: DeltaDoc,
    advances: DeltaDoc,
    gains: GainsDoc,
    cash_by_year: Vec<CashYearDoc>,
    tier_changes: Vec<TierChangeDoc>,
    attribution: AttributionDoc,
    failures: Vec<FailureDoc>,
}

/// The `diff --format json` document.
pub fn diff_json(
    base: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    d: &Diff,
    selection: Selection,
) -> String {
    let side = |tier: usize, t: &crate::eval::Totals| SideDoc {
        tier: base.tiers[tier].id.clone(),
        total: amount(t.total),
        fonctionnement: amount(t.fonctionnement),
        fixed: amount(t.fixed),
        variable: amount(t.variable),
        crisis: amount(t.crisis),
    };
    let s = d.base.summary;
    let doc = DiffDoc {
        format_version: 1,
        kind: "diff",
        selection: selection_doc(selection),
        rules: RulesDoc { file: base.file.clone(), sha256: base.sha256.clone() },
        variants: variant_docs(variants),
        summary: SummaryDoc { read: s.read, evaluated: d.rows.iter().map(|r| r.record).collect::<std::collections::BTreeSet<_>>().len(), failed: d.failures.len(), not_selected: s.not_selected, rows: d.rows.len() },
        rows: d
            .rows
            .iter()
            .map(|r| {
                let c = &p.contracts[r.contract];
                DiffRowDoc { id: c.id.clone(), name: c.name.clone(), contract_year: r.contract_year, population: r.population, base: side(r.base_tier, &r.base), variant: side(r.variant_tier, &r.variant), delta: amount(r.delta) }
            })
            .collect(),
        by_tier: base.tiers.iter().zip(&d.by_tier).map(|(t, x)| delta_doc(Some(t.id.clone()), x)).collect(),
        by_mission: d.by_mission.iter().map(|(id, _, x)| delta_doc(Some(id.clone()), x)).collect(),
        by_region: d.by_region.iter().map(|(g, x)| delta_doc(Some(g.clone()), x)).collect(),
        by_department: d.by_department.iter().map(|(g, x)| delta_doc(Some(g.clone()), x)).collect(),
        total: delta_doc(None, &d.total),
        advances: delta_doc(None, &d.advances),
        gains: {
            let named = |l: &[(usize, Decimal)]| {
                l.iter()
                    .map(|(c, x)| CptsDeltaDoc {
                        id: p.contracts[*c].id.clone(),
                        name: p.contracts[*c].name.clone(),
                        delta: amount(*x),
                    })
                    .collect()
            };
            GainsDoc {
                gain: d.gains.gain,
                lose: d.gains.lose,
                unchanged: d.gains.unchanged,
                largest_gains: named(&d.gains.largest_gains),
                largest_losses: named(&d.gains.largest_losses),
            }
        },
        cash_by_year: d
            .cash
            .iter()
            .map(|c| CashYearDoc {
                year: c.year,
                base: amount(c.delta.base),
                variant: amount(c.delta.variant),
                delta: amount(c.delta.delta),
            })
            .collect(),
        tier_changes: d
            .tier_changes
            .iter()
            .map(|&i| {
                let r = &d.rows[i];
                TierChangeDoc { id: p.contracts[r.contract].id.clone(), contract_year: r.contract_year, population: r.population, from: base.tiers[r.base_tier].id.clone(), to: base.tiers[r.variant_tier].id.clone() }
            })
            .collect(),
        attribution: AttributionDoc {
            method: "one_at_a_time: each change applied alone to the base, interaction = total - their sum; sequential: changes applied in order, each credited with what it adds to the previous ones (adds up exactly, depends on the order)",
            changes: d.attribution.effects.iter().map(|e| EffectDoc { variant: variants[e.variant].id.clone(), change: e.change + 1, description: e.describe.clone(), one_at_a_time: e.alone.map(amount), sequential: amount(e.sequential) }).collect(),
            interaction: amount(d.attribution.interaction),
            total: amount(d.attribution.total),
        },
        failures: d
            .failures
            .iter()
            .map(|(i, ds)| {
                let o = &p.records[*i].origin;
                FailureDoc { file: o.file.clone(), line: o.line, entry: o.entry.clone(), diagnostics: ds.clone() }
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The `sweep` CSV: one row per value.
pub fn sweep_csv(rules: &RuleSet, s: &Sweep, opts: CsvOptions) -> String {
    let mut w = CsvWriter::new(opts);
    for c in [
        "param",
        "value",
        "cpts_years",
        "failed",
        "fonctionnement",
        "fixed",
        "variable",
        "crisis",
        "total",
        "delta",
    ] {
        w.field(c);
    }
    for t in &rules.tiers {
        w.field(&format!("total_{}", t.id));
    }
    w.field("note");
    w.end_row();
    for p in &s.points {
        w.field(&s.spec.path);
        w.number(p.value);
        match &p.result {
            Ok(t) => {
                w.count(t.rows);
                w.count(t.failed);
                for v in [
                    t.totals.fonctionnement,
                    t.totals.fixed,
                    t.totals.variable,
                    t.totals.crisis,
                    t.totals.total,
                    t.totals.total - s.base.totals.total,
                ] {
                    w.amount(v);
                }
                for v in &t.by_tier {
                    w.amount(*v);
                }
                w.empty();
            }
            Err(m) => {
                for _ in 0..(8 + rules.tiers.len()) {
                    w.empty();
                }
                w.field(m);
            }
        }
        w.end_row();
    }
    w.finish()
}

/// The `max --variant` text: per tier, the base's and the variant's maxima and the difference.
pub fn max_text(pair: &MaxPair, variants: &[Variant]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Financement annuel maximal par taille au {} : base et variante",
        pair.base.date
    );
    variants_text(&mut o, variants);
    let _ = writeln!(
        o,
        "Texte en vigueur : {} — {}",
        pair.variant.text.label, pair.variant.text.reference
    );
    let _ = writeln!(o);
    let crisis = pair.base.has_crisis || pair.variant.has_crisis;
    let mut h = format!(
        "{}{}{}{}",
        left("Taille", 8),
        right("Total base", W),
        right("Total variante", W),
        right("Écart", W)
    );
    if crisis {
        h += &format!(
            "{}{}{}",
            right("+ crise base", W),
            right("+ crise var.", W),
            right("Écart", W)
        );
    }
    let _ = writeln!(o, "{h}");
    for (b, v) in pair.base.rows.iter().zip(&pair.variant.rows) {
        let _ = write!(
            o,
            "{}{}{}{}",
            left(&b.tier.id, 8),
            right(&format_eur(b.total), W),
            right(&format_eur(v.total), W),
            right(&signed(v.total - b.total), W)
        );
        if crisis {
            let _ = write!(
                o,
                "{}{}{}",
                right(&format_eur(b.total_with_crisis), W),
                right(&format_eur(v.total_with_crisis), W),
                right(&signed(v.total_with_crisis - b.total_with_crisis), W)
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Détail sous la variante");
    let _ = writeln!(
        o,
        "{}{}{}{}{}",
        left("Taille", 36),
        right("Fonctionnement", W),
        right("Parts fixes", W),
        right("Parts var.", W),
        right("Env. crise", W)
    );
    for v in &pair.variant.rows {
        let _ = writeln!(
            o,
            "{}{}{}{}{}",
            left(&format!("{} ({})", v.tier.id, v.tier.bounds_text), 36),
            right(&format_eur(v.fonctionnement), W),
            right(&format_eur(v.fixed), W),
            right(&format_eur(v.variable), W),
            right(&format_eur(v.crisis), W)
        );
    }
    o
}

#[derive(Serialize)]
struct MaxRowDoc {
    tier: String,
    bounds: String,
    base: MaxSideDoc,
    variant: MaxSideDoc,
    delta: String,
    delta_with_crisis: String,
}

#[derive(Serialize)]
struct MaxSideDoc {
    fonctionnement: String,
    fixed: String,
    variable: String,
    crisis: String,
    total: String,
    total_with_crisis: String,
}

#[derive(Serialize)]
struct MaxPairDoc {
    format_version: u32,
    kind: &'static str,
    date: String,
    rules: RulesDoc,
    variants: Vec<VariantDoc>,
    tiers: Vec<MaxRowDoc>,
}

/// The `max --variant --format json` document.
pub fn max_json(pair: &MaxPair, base: &RuleSet, variants: &[Variant]) -> String {
    let side = |r: &crate::eval::MaxRow| MaxSideDoc {
        fonctionnement: amount(r.fonctionnement),
        fixed: amount(r.fixed),
        variable: amount(r.variable),
        crisis: amount(r.crisis),
        total: amount(r.total),
        total_with_crisis: amount(r.total_with_crisis),
    };
    let doc = MaxPairDoc {
        format_version: 1,
        kind: "max_variant",
        date: pair.base.date.to_string(),
        rules: RulesDoc { file: base.file.clone(), sha256: base.sha256.clone() },
        variants: variant_docs(variants),
        tiers: pair
            .base
            .rows
            .iter()
            .zip(&pair.variant.rows)
            .map(|(b, v)| MaxRowDoc {
                tier: b.tier.id.clone(),
                bounds: v.tier.bounds_text.clone(),
                base: side(b),
                variant: side(v),
                delta: amount(v.total - b.total),
                delta_with_crisis: amount(v.total_with_crisis - b.total_with_crisis),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[derive(Serialize)]
struct PointDoc {
    value: String,
    cpts_years: Option<usize>,
    failed: Option<usize>,
    total: Option<String>,
    delta: Option<String>,
    by_tier: Option<std::collections::BTreeMap<String, String>>,
    note: Option<String>,
}

#[derive(Serialize)]
struct SweepDoc {
    format_version: u32,
    kind: &'static str,
    param: String,
    from: String,
    rules: RulesDoc,
    base_total: String,
    points: Vec<PointDoc>,
}

/// The `sweep --format json` document.
pub fn sweep_json(rules: &RuleSet, s: &Sweep) -> String {
    let doc = SweepDoc {
        format_version: 1,
        kind: "sweep",
        param: s.spec.path.clone(),
        from: s.spec.from.to_string(),
        rules: RulesDoc { file: rules.file.clone(), sha256: rules.sha256.clone() },
        base_total: amount(s.base.totals.total),
        points: s
            .points
            .iter()
            .map(|p| match &p.result {
                Ok(t) => PointDoc {
                    value: format_plain(p.value),
                    cpts_years: Some(t.rows),
                    failed: Some(t.failed),
                    total: Some(amount(t.totals.total)),
                    delta: Some(amount(t.totals.total - s.base.totals.total)),
                    by_tier: Some(
                        rules
                            .tiers
                            .iter()
                            .zip(&t.by_tier)
                            .map(|(tier, v)| (tier.id.clone(), amount(*v)))
                            .collect(),
                    ),
                    note: None,
                },
                Err(m) => PointDoc {
                    value: format_plain(p.value),
                    cpts_years: None,
                    failed: None,
                    total: None,
                    delta: None,
                    by_tier: None,
                    note: Some(m.clone()),
                },
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The lines a report under variants starts with: a variant is a negotiation hypothesis, not a
/// text in force, and the reader must see it before any amount.
pub fn banner_lines(variants: &[Variant]) -> Vec<String> {
    variants
        .iter()
        .map(|v| {
            format!(
                "Variante (hypothèse de négociation, pas un texte en vigueur) : {} ({}, {})",
                v.title, v.id, v.file
            )
        })
        .collect()
}

/// [`banner_lines`] as the first lines of a text report.
pub fn banner(variants: &[Variant]) -> String {
    banner_lines(variants).into_iter().map(|l| l + "\n").collect()
}
