//! Plain-text reports for people: the year's breakdown (tier and why, text in force, one line
//! per payment item with its formula, totals, dated payments, warnings) and the maxima table.

use super::json::tier_reason;
use super::payment_label;
use crate::audit::audit_line;
use crate::eval::{Breakdown, MaxTable};
use crate::money::format_eur;
use std::fmt::Write;

fn right(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(width.saturating_sub(n)))
}

const W: usize = 15;

pub fn breakdown(b: &Breakdown) -> String {
    let mut o = String::new();
    let c = b.contract;
    let last_day = b.to.pred_opt().unwrap_or(b.to);
    let _ = writeln!(o, "{} ({})", c.name, c.id);
    let _ = writeln!(
        o,
        "Année de contrat {} : du {} au {} (contrat signé le {})",
        b.contract_year, b.from, last_day, c.signature
    );
    let _ = writeln!(
        o,
        "Texte en vigueur : {} — {} (valeurs au {})",
        b.text.label, b.text.reference, b.value_date
    );
    let _ = writeln!(o, "Taille : {} — {}", b.tier.id, b.tier.label);
    let _ = writeln!(o, "  pourquoi : {}", tier_reason(b));
    let _ = writeln!(o);
    let _ = writeln!(o, "{}  Ligne", right("Montant", W));
    for line in &b.lines {
        let a = audit_line(b, line);
        let flag = if line.is_provisional() { "  [provisoire]" } else { "" };
        let _ = writeln!(o, "{}  {}{flag}", right(&format_eur(a.amount), W), a.label);
        let _ = writeln!(o, "{}  = {}", " ".repeat(W), a.formula);
        let _ = writeln!(o, "{}    [{}] {}", " ".repeat(W), a.id, a.reference);
    }
    let _ = writeln!(o);
    let t = &b.totals;
    for (label, v) in [
        ("Fonctionnement", t.fonctionnement),
        ("Parts fixes des missions", t.fixed),
        ("Parts variables (indicateurs)", t.variable),
        ("Enveloppe crise", t.crisis),
        ("TOTAL", t.total),
    ] {
        let _ = writeln!(o, "{}  {label}", right(&format_eur(v), W));
    }
    if !t.provisional.is_zero() {
        let _ = writeln!(o, "{}  {}", " ".repeat(W), provisional_words(t.provisional));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Calendrier des versements");
    for p in &b.schedule {
        let _ = writeln!(
            o,
            "  {}  {}  {}",
            p.date,
            right(&format_eur(p.amount), W),
            payment_label(b, p)
        );
    }
    if !b.warnings.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Avertissements");
        for w in &b.warnings {
            let _ = writeln!(o, "  warning[{}]: {}", w.code(), w.message_fr());
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Règles : {} (sha256 {}) ; moteur cpts-funding {}",
        b.rules.file,
        short(&b.rules.sha256),
        env!("CARGO_PKG_VERSION")
    );
    o
}

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

pub fn max_table(t: &MaxTable) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Financement annuel maximal par taille au {}", t.date);
    let _ = writeln!(o, "Texte en vigueur : {} — {}", t.text.label, t.text.reference);
    let _ = writeln!(o, "Hypothèses : toutes les missions déployées toute l'année, tous les indicateurs atteints, mission crise en 1re année (rédaction du plan).");
    let _ = writeln!(o);
    let mut header = format!(
        "{:<6}{}{}{}",
        "Taille",
        right("Fonctionnement", W),
        right("Parts fixes", W),
        right("Parts var.", W)
    );
    if t.has_crisis {
        let _ = write!(
            header,
            "{}{}{}",
            right("Total", W),
            right("Env. crise", W),
            right("Total + crise", W)
        );
    } else {
        let _ = write!(header, "{}", right("Total", W));
    }
    let _ = writeln!(o, "{header}");
    for r in &t.rows {
        let _ = write!(
            o,
            "{:<6}{}{}{}{}",
            r.tier.id,
            right(&format_eur(r.fonctionnement), W),
            right(&format_eur(r.fixed), W),
            right(&format_eur(r.variable), W),
            right(&format_eur(r.total), W)
        );
        if t.has_crisis {
            let _ = write!(
                o,
                "{}{}",
                right(&format_eur(r.crisis), W),
                right(&format_eur(r.total_with_crisis), W)
            );
        }
        let _ = writeln!(o);
    }
    if t.provisional_cells > 0 {
        let _ = writeln!(o);
        let _ = writeln!(o, "warning[W0501]: {} montant(s) par taille utilisé(s) sont provisoires (non sourcés cellule par cellule) : les totaux publiés sont reproduits, la répartition par mission est une estimation.", t.provisional_cells);
    }
    o
}

/// One line per evaluation, for a quick look at many years.
pub fn summary_line(b: &Breakdown) -> String {
    format!(
        "{} année {} ({} → {}) {} total {}",
        b.contract.id,
        b.contract_year,
        b.from,
        b.to,
        b.tier.id,
        format_eur(b.totals.total)
    )
}

/// `dont 37 191,78 € sur des montants provisoires`: the part of a total resting on provisional
/// cells, as every French report writes it.
pub fn provisional_words(amount: rust_decimal::Decimal) -> String {
    format!("dont {} sur des montants provisoires", format_eur(amount))
}
