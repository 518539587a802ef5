//! `max --variant`: per tier, the base's and the variant's maxima and the difference, as text
//! and JSON.

use super::{signed, variant_docs, variants_text, VariantDoc, W};
use crate::money::format_eur;
use crate::report::amount;
use crate::report::portfolio::json_out::RulesDoc;
use crate::report::portfolio::text_out::{left, right};
use crate::rules::RuleSet;
use crate::variant::max::MaxPair;
use crate::variant::Variant;
use serde::Serialize;
use std::fmt::Write;

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
