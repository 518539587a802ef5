//! The rules in force at a date as one JSON document (`format_version` 1): the text, the tiers,
//! every table's cells for that date (amount, status, source), the payment policy, the declared
//! choices and the maxima per tier. It is what the web rules page and `GET /api/v1/rules` show; it
//! reads the validated `RuleSet` only and computes nothing but the maxima (through `eval::max`).

use crate::audit::amount;
use crate::calendar::Date;
use crate::eval::{max_per_tier, EvalError};
use crate::rules::{Cell, RuleSet, TierTable};
use serde::Serialize;

#[derive(Serialize)]
struct RulesDoc {
    format_version: u32,
    date: String,
    title: String,
    rules_sha256: String,
    text: TextDoc,
    tiers: Vec<TierDoc>,
    fonctionnement: TableDoc,
    #[serde(skip_serializing_if = "Option::is_none")]
    fonctionnement_uplift: Option<UpliftDoc>,
    /// The rules of `uplifts` (the older key is shown as `fonctionnement_uplift`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    uplifts: Vec<UpliftRuleDoc>,
    missions: Vec<MissionDoc>,
    payment: PaymentDoc,
    choices: Vec<ChoiceDoc>,
    maxima: Vec<MaxDoc>,
}

#[derive(Serialize)]
struct TextDoc {
    id: String,
    label: String,
    reference: String,
    in_force_from: String,
}

#[derive(Serialize)]
struct TierDoc {
    id: String,
    label: String,
    min_population: u64,
    max_population: Option<u64>,
    bounds: String,
}

/// One table at the date: the date its values took effect and one cell per tier.
#[derive(Serialize)]
struct TableDoc {
    label: String,
    reference: String,
    in_force_from: Option<String>,
    cells: Vec<CellDoc>,
}

#[derive(Serialize)]
struct CellDoc {
    tier: String,
    amount: String,
    status: &'static str,
    source: String,
    citation: Option<String>,
}

#[derive(Serialize)]
struct UpliftDoc {
    table: TableDoc,
    signed_on_or_before: String,
    scope: crate::rules::UpliftScope,
}

/// One uplift rule: which contracts, what it pays (a share of the fonctionnement with its status
/// and source, or a table by tier), when.
#[derive(Serialize)]
struct UpliftRuleDoc {
    id: String,
    label: String,
    text: Option<String>,
    reference: String,
    choice: Option<String>,
    /// Whether a contract year whose values apply on the date is in its dates.
    in_force: bool,
    contracts: UpliftContractsDoc,
    from: String,
    until: Option<String>,
    pay: crate::rules::UpliftPay,
    /// The rate, as a cell (`amount` is the rate).
    #[serde(skip_serializing_if = "Option::is_none")]
    share_of_fonctionnement: Option<CellDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_tier: Option<TableDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fonctionnement_amount: Option<TableDoc>,
}

#[derive(Serialize)]
struct UpliftContractsDoc {
    signed_on_or_before: Option<String>,
    signed_after: Option<String>,
    tiers: Option<Vec<String>>,
    mission: Option<String>,
}

#[derive(Serialize)]
struct MissionDoc {
    id: String,
    label: String,
    kind: crate::rules::MissionKind,
    reference: String,
    exists_from: String,
    in_force: bool,
    start_within_months: Option<u32>,
    deployed_within_months: Option<u32>,
    fixed: TableDoc,
    fixed_first_year: Option<TableDoc>,
    variable: Option<TableDoc>,
    crisis_envelope: Option<TableDoc>,
}

#[derive(Serialize)]
struct PaymentDoc {
    reference: String,
    advance_rate: Option<CellDoc>,
    first_year_fonctionnement: crate::rules::FirstYearFonctionnement,
    balance_due: crate::rules::BalanceDue,
    variable_due: VariableDueDoc,
    crisis_due: crate::rules::BalanceDue,
}

/// When the variable part is paid: `{"months_after_year_end": 0}` (with the balance, at the
/// anniversary that closes the year, plus a delay), or the older `{"first_date_after": "04-30"}`.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum VariableDueDoc {
    MonthsAfterYearEnd(u32),
    FirstDateAfter(String),
}

#[derive(Serialize)]
struct ChoiceDoc {
    id: String,
    topic: String,
    choice: String,
}

#[derive(Serialize)]
struct MaxDoc {
    tier: String,
    fonctionnement: String,
    fixed: String,
    variable: String,
    crisis: String,
    total: String,
    total_with_crisis: String,
}

fn cell(rules: &RuleSet, tier: &str, c: &Cell, value: String) -> CellDoc {
    CellDoc {
        tier: tier.to_string(),
        amount: value,
        status: c.status.name(),
        source: c.source.clone(),
        citation: rules.source_citation(&c.source).map(str::to_string),
    }
}

fn table(rules: &RuleSet, label: &str, reference: &str, t: &TierTable, date: Date) -> TableDoc {
    let tiers = rules.tiers_at(date);
    let (from, cells) = match t.at(date) {
        Some((from, cells)) => (
            Some(from.to_string()),
            cells
                .iter()
                .zip(tiers)
                .map(|(c, tier)| cell(rules, &tier.id, c, amount(c.amount)))
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    TableDoc {
        label: label.to_string(),
        reference: reference.to_string(),
        in_force_from: from,
        cells,
    }
}

/// The rules in force on `date`, as pretty JSON. Fails (E0402) before the first text in force.
pub fn rules_at(rules: &RuleSet, date: Date) -> Result<String, EvalError> {
    let doc = doc(rules, date)?;
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n")
}

fn doc(rules: &RuleSet, date: Date) -> Result<RulesDoc, EvalError> {
    let max = max_per_tier(rules, date)?;
    let t = max.text;
    let sub = |r: &Option<String>, fallback: &str| r.clone().unwrap_or_else(|| fallback.into());
    let missions = rules
        .missions
        .iter()
        .map(|m| MissionDoc {
            id: m.id.clone(),
            label: m.label.clone(),
            kind: m.kind,
            reference: m.reference.clone(),
            exists_from: m.exists_from.to_string(),
            in_force: m.exists_on(date),
            start_within_months: m.start_within_months,
            deployed_within_months: m.deployed_within_months,
            fixed: table(rules, "part fixe", &sub(&m.fixed.0, &m.reference), &m.fixed.1, date),
            fixed_first_year: m.fixed_first_year.as_ref().map(|(r, t)| {
                table(rules, "part fixe de la première année", &sub(r, &m.reference), t, date)
            }),
            variable: m
                .variable
                .as_ref()
                .map(|t| table(rules, "part variable (enveloppe)", &m.reference, t, date)),
            crisis_envelope: m.crisis_envelope.as_ref().map(|(r, t)| {
                table(rules, "enveloppe crise sanitaire grave", &sub(r, &m.reference), t, date)
            }),
        })
        .collect();
    let p = &rules.payment;
    let doc = RulesDoc {
        format_version: 1,
        date: date.to_string(),
        title: rules.title.clone(),
        rules_sha256: rules.sha256.clone(),
        text: TextDoc {
            id: t.id.clone(),
            label: t.label.clone(),
            reference: t.reference.clone(),
            in_force_from: t.in_force_from.to_string(),
        },
        tiers: rules
            .tiers_at(date)
            .iter()
            .map(|t| TierDoc {
                id: t.id.clone(),
                label: t.label.clone(),
                min_population: t.min,
                max_population: t.max,
                bounds: t.bounds_text.clone(),
            })
            .collect(),
        fonctionnement: table(
            rules,
            &rules.fonctionnement.label,
            &rules.fonctionnement.reference,
            &rules.fonctionnement.table,
            date,
        ),
        fonctionnement_uplift: rules.uplifts.iter().find(|u| u.legacy).and_then(|u| {
            Some(UpliftDoc {
                table: table(rules, &u.label, &u.reference, u.table()?, date),
                signed_on_or_before: u.contracts.signed_on_or_before?.to_string(),
                scope: match u.pay {
                    crate::rules::UpliftPay::Once => crate::rules::UpliftScope::Once,
                    crate::rules::UpliftPay::Yearly => crate::rules::UpliftScope::Annual,
                },
            })
        }),
        uplifts: rules
            .uplifts
            .iter()
            .filter(|u| !u.legacy)
            .map(|u| uplift_doc(rules, u, date))
            .collect(),
        missions,
        payment: PaymentDoc {
            reference: p.reference.clone(),
            advance_rate: p
                .advance_rate
                .at(date)
                .map(|(_, c)| cell(rules, "*", c, c.amount.to_string())),
            first_year_fonctionnement: p.first_year_fonctionnement,
            balance_due: p.balance_due,
            variable_due: match &p.variable_due {
                crate::rules::VariableDue::AfterYearEnd { months, .. } => {
                    VariableDueDoc::MonthsAfterYearEnd(*months)
                }
                crate::rules::VariableDue::FirstDateAfter { month, day } => {
                    VariableDueDoc::FirstDateAfter(format!("{month:02}-{day:02}"))
                }
            },
            crisis_due: p.crisis_due,
        },
        choices: rules
            .choices
            .iter()
            .map(|c| ChoiceDoc {
                id: c.id.clone(),
                topic: c.topic.clone(),
                choice: c.choice.clone(),
            })
            .collect(),
        maxima: max
            .rows
            .iter()
            .map(|r| MaxDoc {
                tier: r.tier.id.clone(),
                fonctionnement: amount(r.fonctionnement),
                fixed: amount(r.fixed),
                variable: amount(r.variable),
                crisis: amount(r.crisis),
                total: amount(r.total),
                total_with_crisis: amount(r.total_with_crisis),
            })
            .collect(),
    };
    Ok(doc)
}

fn uplift_doc(rules: &RuleSet, u: &crate::rules::Uplift, date: Date) -> UpliftRuleDoc {
    use crate::rules::UpliftAmount;
    let c = &u.contracts;
    let t = |t: &TierTable| table(rules, &u.label, &u.reference, t, date);
    UpliftRuleDoc {
        id: u.id.clone(),
        label: u.label.clone(),
        text: u.text.clone(),
        reference: u.reference.clone(),
        choice: u.choice.clone(),
        in_force: u.in_force_on(date),
        contracts: UpliftContractsDoc {
            signed_on_or_before: c.signed_on_or_before.map(|d| d.to_string()),
            signed_after: c.signed_after.map(|d| d.to_string()),
            tiers: c.tiers.clone(),
            mission: c.mission.clone(),
        },
        from: u.from.to_string(),
        until: u.until.map(|d| d.to_string()),
        pay: u.pay,
        share_of_fonctionnement: match &u.amount {
            UpliftAmount::ShareOfFonctionnement(r) => {
                Some(cell(rules, "*", r, r.amount.to_string()))
            }
            UpliftAmount::PerTier(_) | UpliftAmount::FonctionnementAmount(_) => None,
        },
        per_tier: match &u.amount {
            UpliftAmount::PerTier(x) => Some(t(x)),
            UpliftAmount::ShareOfFonctionnement(_) | UpliftAmount::FonctionnementAmount(_) => None,
        },
        fonctionnement_amount: match &u.amount {
            UpliftAmount::FonctionnementAmount(x) => Some(t(x)),
            UpliftAmount::ShareOfFonctionnement(_) | UpliftAmount::PerTier(_) => None,
        },
    }
}

/// The group under which the uplifts' tables are listed.
const UPLIFTS_GROUP: &str = "Majorations et versements ponctuels";

/// One uplift in French: what it pays, when, for which contracts (the `rules` text and page).
fn uplift_sentence(u: &UpliftRuleDoc) -> String {
    let what = match (&u.share_of_fonctionnement, &u.per_tier) {
        (Some(r), _) => format!(
            "{} % du fonctionnement de l'année ({}{}, source : {})",
            r.amount
                .parse::<rust_decimal::Decimal>()
                .ok()
                .and_then(|d| d.checked_mul(rust_decimal::Decimal::ONE_HUNDRED))
                .map_or_else(|| r.amount.clone(), crate::money::format_plain),
            if r.status == "provisional" { "provisoire" } else { "confirmé" },
            if r.status == "provisional" { " *" } else { "" },
            r.citation.as_deref().unwrap_or(&r.source)
        ),
        (None, Some(_)) => "un montant par taille (tableau des montants)".into(),
        (None, None) => "le fonctionnement payé au montant par taille du tableau".into(),
    };
    let until = u.until.as_ref().map_or_else(String::new, |d| format!(" et avant le {d}"));
    let when = match u.pay {
        crate::rules::UpliftPay::Once => format!(
            "une fois, la première année de contrat commençant à partir du {}{until}",
            u.from
        ),
        crate::rules::UpliftPay::Yearly => {
            format!("chaque année de contrat commençant à partir du {}{until}", u.from)
        }
    };
    let c = &u.contracts;
    let mut who = Vec::new();
    if let Some(d) = &c.signed_on_or_before {
        who.push(format!("signés au plus tard le {d}"));
    }
    if let Some(d) = &c.signed_after {
        who.push(format!("signés après le {d}"));
    }
    if let Some(t) = &c.tiers {
        who.push(format!("tailles {}", t.join(", ")));
    }
    if let Some(m) = &c.mission {
        who.push(format!("engageant la mission {m}"));
    }
    let who = if who.is_empty() { "tous".to_string() } else { who.join(", ") };
    let choice = u.choice.as_ref().map_or_else(String::new, |c| format!(" ; choix déclaré : {c}"));
    format!("{} — {} ({}) : {what} ; {when} ; contrats : {who}{choice}", u.id, u.label, u.reference)
}

fn eur_text(amount: &str) -> String {
    amount.parse().map(crate::money::format_eur).unwrap_or_else(|_| amount.to_string())
}

/// Every table of the document with its row label: fonctionnement, the uplift, then each
/// mission's tables.
fn tables(d: &RulesDoc) -> Vec<(Option<&str>, &TableDoc)> {
    let mut out = vec![(None, &d.fonctionnement)];
    if let Some(u) = &d.fonctionnement_uplift {
        out.push((None, &u.table));
    }
    for u in d.uplifts.iter().filter(|u| u.in_force) {
        for t in [&u.per_tier, &u.fonctionnement_amount].into_iter().flatten() {
            out.push((Some(UPLIFTS_GROUP), t));
        }
    }
    for m in d.missions.iter().filter(|m| m.in_force) {
        let parts = [
            Some(&m.fixed),
            m.fixed_first_year.as_ref(),
            m.variable.as_ref(),
            m.crisis_envelope.as_ref(),
        ];
        for t in parts.into_iter().flatten() {
            out.push((Some(m.label.as_str()), t));
        }
    }
    out
}

/// The rules in force on `date` in French, for an agent or a treasurer: the text, the tiers, each
/// table's cells per tier (`*` marks a provisional cell), the payment policy, the declared
/// choices and the maxima. With `only_provisional`, the cells still to confirm, each with its
/// source and what would confirm it.
pub fn rules_text(
    rules: &RuleSet,
    date: Date,
    only_provisional: bool,
) -> Result<String, EvalError> {
    use std::fmt::Write;
    let d = doc(rules, date)?;
    let mut o = String::new();
    let _ = writeln!(o, "Règles en vigueur au {} : {}", d.date, d.title);
    let _ = writeln!(
        o,
        "Texte : {} ({}), en vigueur depuis le {}",
        d.text.label, d.text.reference, d.text.in_force_from
    );
    if only_provisional {
        let _ = writeln!(o, "\nCellules provisoires (à confirmer par le Journal officiel : le tableau du texte en vigueur, taille par taille)");
        let mut n = 0;
        for (mission, t) in tables(&d) {
            let label = mission.map_or(t.label.clone(), |m| format!("{m} : {}", t.label));
            for c in t.cells.iter().filter(|c| c.status == "provisional") {
                n += 1;
                let _ = writeln!(
                    o,
                    "  {label} — {} : {} (depuis le {}) ; source : {}",
                    c.tier,
                    eur_text(&c.amount),
                    t.in_force_from.as_deref().unwrap_or("?"),
                    c.citation.as_deref().unwrap_or(&c.source)
                );
            }
        }
        for u in d.uplifts.iter().filter(|u| u.in_force) {
            for r in u.share_of_fonctionnement.iter().filter(|r| r.status == "provisional") {
                n += 1;
                let _ = writeln!(
                    o,
                    "  {UPLIFTS_GROUP} : {} — taux {} (depuis le {}) ; source : {}",
                    u.label,
                    r.amount,
                    u.from,
                    r.citation.as_deref().unwrap_or(&r.source)
                );
            }
        }
        let _ = writeln!(o, "{n} cellule(s) provisoire(s) ; une correction est une ligne du fichier de règles (`status: confirmed` et sa `source`), et `cpts-funding test rules/tests/*.yaml` dit ce qu'elle change.");
        return Ok(o);
    }
    let _ = writeln!(o, "\nTailles");
    for t in &d.tiers {
        let _ = writeln!(o, "  {} — {} ({})", t.id, t.label, t.bounds);
    }
    let tiers: Vec<&str> = d.tiers.iter().map(|t| t.id.as_str()).collect();
    let _ = writeln!(o, "\nMontants par taille (* : provisoire)");
    let mut head = format!("  {:<48}", "");
    for t in &tiers {
        let _ = write!(head, "{:>16}", t);
    }
    let _ = writeln!(o, "{}", head.trim_end());
    let mut current: Option<&str> = None;
    for (mission, t) in tables(&d) {
        if mission.is_some() && mission != current {
            let _ = writeln!(o, "  {}", mission.unwrap_or_default());
        }
        current = mission;
        let indent = if mission.is_some() { "    " } else { "" };
        let name: String = format!("{indent}{}", t.label).chars().take(48).collect();
        let mut line = format!("  {name:<48}");
        for tier in &tiers {
            let cell = t.cells.iter().find(|c| c.tier == *tier);
            let v = cell.map_or_else(String::new, |c| {
                format!(
                    "{}{}",
                    eur_text(&c.amount),
                    if c.status == "provisional" { "*" } else { " " }
                )
            });
            let _ = write!(line, "{v:>16}");
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }
    let in_force: Vec<&UpliftRuleDoc> = d.uplifts.iter().filter(|u| u.in_force).collect();
    if !in_force.is_empty() {
        let _ = writeln!(o, "\n{UPLIFTS_GROUP} (versés comme le fonctionnement de l'année)");
        for u in in_force {
            let _ = writeln!(o, "  {}", uplift_sentence(u));
        }
    }
    let p = &d.payment;
    let _ = writeln!(o, "\nVersements ({})", p.reference);
    if let Some(a) = &p.advance_rate {
        let rate: rust_decimal::Decimal = a.amount.parse().unwrap_or_default();
        let _ = writeln!(o, "  avance : {} % au début de chaque année de contrat, le solde à l'anniversaire qui la clôt", crate::money::format_plain(rate * rust_decimal::Decimal::ONE_HUNDRED));
    }
    let _ = writeln!(
        o,
        "  part variable : {}",
        match &p.variable_due {
            VariableDueDoc::MonthsAfterYearEnd(0) =>
                "avec le solde, à l'anniversaire qui clôt l'année".to_string(),
            VariableDueDoc::MonthsAfterYearEnd(m) =>
                format!("{m} mois après l'anniversaire qui clôt l'année"),
            VariableDueDoc::FirstDateAfter(md) => format!("le {md} (mois-jour) suivant l'année"),
        }
    );
    let _ = writeln!(o, "\nChoix déclarés (lectures qu'aucune source ne tranche)");
    for c in &d.choices {
        let _ = writeln!(o, "  {} — {} : {}", c.id, c.topic, c.choice);
    }
    let _ = writeln!(
        o,
        "\nMaxima annuels par taille (toutes missions déployées, indicateurs atteints)"
    );
    for m in &d.maxima {
        let _ = writeln!(
            o,
            "  {} : {} (avec une crise reconnue : {})",
            m.tier,
            eur_text(&m.total),
            eur_text(&m.total_with_crisis)
        );
    }
    Ok(o)
}

/// The rules in force on `date` as a printable page (Markdown or HTML through the one page
/// model): the text, the tiers, one table per group of cells with provisional ones marked, the
/// payment policy, the declared choices and the maxima.
pub fn rules_page(rules: &RuleSet, date: Date) -> Result<crate::report::page::Page, EvalError> {
    use crate::report::page::{Block, Col, Page, Row, Section, Table};
    let d = doc(rules, date)?;
    let tiers: Vec<String> = d.tiers.iter().map(|t| t.id.clone()).collect();
    let mut rows = Vec::new();
    let mut current: Option<&str> = None;
    for (mission, t) in tables(&d) {
        if mission.is_some() && mission != current {
            let mut cells = vec![mission.unwrap_or_default().to_string()];
            cells.extend(tiers.iter().map(|_| String::new()));
            rows.push(Row { cells, strong: true });
        }
        current = mission;
        let mut cells = vec![t.label.clone()];
        for tier in &tiers {
            cells.push(t.cells.iter().find(|c| c.tier == *tier).map_or_else(String::new, |c| {
                format!(
                    "{}{}",
                    eur_text(&c.amount),
                    if c.status == "provisional" { " *" } else { "" }
                )
            }));
        }
        rows.push(Row { cells, strong: false });
    }
    let mut head = vec!["Montant par taille".to_string()];
    head.extend(tiers.iter().cloned());
    let mut cols = vec![Col::Text];
    cols.extend(tiers.iter().map(|_| Col::Number));
    let amounts = Table { head, cols: cols.clone(), rows, foot: Vec::new() };
    let tier_rows = d
        .tiers
        .iter()
        .map(|t| Row {
            cells: vec![t.id.clone(), t.label.clone(), t.bounds.clone()],
            strong: false,
        })
        .collect();
    let tier_table = Table {
        head: vec!["Taille".into(), "Libellé".into(), "Bornes".into()],
        cols: vec![Col::NoWrap, Col::Text, Col::NoWrap],
        rows: tier_rows,
        foot: Vec::new(),
    };
    let max_rows = d
        .maxima
        .iter()
        .map(|m| Row {
            cells: vec![m.tier.clone(), eur_text(&m.total), eur_text(&m.total_with_crisis)],
            strong: false,
        })
        .collect();
    let max_table = Table {
        head: vec!["Taille".into(), "Maximum annuel".into(), "Avec une crise reconnue".into()],
        cols: vec![Col::NoWrap, Col::Number, Col::Number],
        rows: max_rows,
        foot: Vec::new(),
    };
    let choices = d
        .choices
        .iter()
        .map(|c| Block::Para(format!("{} — {} : {}", c.id, c.topic, c.choice)))
        .collect();
    let uplifts: Vec<Block> =
        d.uplifts.iter().filter(|u| u.in_force).map(|u| Block::Para(uplift_sentence(u))).collect();
    let provisional: usize = tables(&d)
        .iter()
        .map(|(_, t)| t.cells.iter().filter(|c| c.status == "provisional").count())
        .sum::<usize>()
        + d.uplifts
            .iter()
            .filter(|u| u.in_force)
            .filter(|u| {
                u.share_of_fonctionnement.as_ref().is_some_and(|r| r.status == "provisional")
            })
            .count();
    let mut sections = vec![
        Section { title: "Tailles".into(), blocks: vec![Block::Table(tier_table)], page_break: false },
        Section {
            title: "Montants par taille".into(),
            blocks: vec![
                Block::Table(amounts),
                Block::Note(format!("* : cellule provisoire ({provisional} au total), à confirmer par le Journal officiel ; `cpts-funding rules --provisional` les liste avec leurs sources.")),
            ],
            page_break: false,
        },
    ];
    if !uplifts.is_empty() {
        sections.push(Section { title: UPLIFTS_GROUP.into(), blocks: uplifts, page_break: false });
    }
    sections.extend([
        Section {
            title: "Maxima par taille".into(),
            blocks: vec![Block::Table(max_table)],
            page_break: false,
        },
        Section { title: "Choix déclarés".into(), blocks: choices, page_break: false },
    ]);
    Ok(Page {
        lang: "fr",
        title: format!("Règles en vigueur au {}", d.date),
        subtitle: vec![
            d.title.clone(),
            format!(
                "{} ({}), en vigueur depuis le {}",
                d.text.label, d.text.reference, d.text.in_force_from
            ),
        ],
        sections,
        footer: format!(
            "Règles : {} (sha256 {}) — cpts-funding {}",
            rules.file,
            rules.sha256.get(..12).unwrap_or(&rules.sha256),
            env!("CARGO_PKG_VERSION")
        ),
    })
}
