//! raw -> [`RuleSet`]: checks a rules document whole and reports every problem, each located in
//! the file (E02xx codes). Nothing stops at the first error.

use super::raw::*;
use super::*;
use crate::calendar::parse_date;
use crate::diagnostic::Code;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::limits::MAX_CONTRACT_YEARS;
use crate::money::{parse_decimal, Rounding};
use crate::yaml::Locator;
use std::collections::{BTreeMap, HashSet};

mod tables;
mod tiers;
mod uplifts;

use tiers::{tier_changes, tiers};
use uplifts::{legacy_uplift, uplift_rule};

struct Ctx<'a> {
    loc: &'a Locator,
    errors: Vec<Diagnostic>,
    tier_ids: Vec<String>,
    source_ids: Vec<String>,
    choice_ids: Vec<String>,
    first_text: Option<Date>,
}

impl Ctx<'_> {
    fn err(&mut self, code: Code, path: &str, msg: impl Into<String>) -> &mut Diagnostic {
        crate::diagnostic::pushed(&mut self.errors, Diagnostic::error(code, msg, self.loc.at(path)))
    }

    fn date(&mut self, path: &str, text: &str) -> Option<Date> {
        match parse_date(text) {
            Ok(d) => Some(d),
            Err(m) => {
                self.err(Code::E0205, path, m);
                None
            }
        }
    }

    fn choice(&mut self, path: &str, id: &Option<String>) {
        if let Some(id) = id {
            if !self.choice_ids.contains(id) {
                let hint = did_you_mean(id, self.choice_ids.iter().map(String::as_str))
                    .map(str::to_string);
                let d = self.err(
                    Code::E0215,
                    path,
                    format!("unknown choice `{id}`: not declared under `choices`"),
                );
                if let Some(h) = hint {
                    d.help = Some(format!("did you mean `{h}`?"));
                }
            }
        }
    }
}

/// The variable part's due date: a delay in months after the year (at most 24), or the older
/// `{month, day}` form; not both, not neither.
fn variable_due(ctx: &mut Ctx, v: &RawVariableDue) -> VariableDue {
    const PATH: &str = "payment.variable_due";
    let fallback = VariableDue::AfterYearEnd { months: 0, source: None };
    if let Some(source) = &v.source {
        if !ctx.source_ids.contains(source) {
            let d = ctx.err(
                Code::E0211,
                &format!("{PATH}.source"),
                format!("unknown source `{source}`: not listed under `sources`"),
            );
            d.help = Some("add it to `sources` with its citation".into());
        }
    }
    match (v.months_after_year_end, v.month, v.day) {
        (Some(months), None, None) => {
            if months > 24 {
                ctx.err(
                    Code::E0210,
                    &format!("{PATH}.months_after_year_end"),
                    format!("a delay of {months} months after the year is above 24"),
                );
            }
            VariableDue::AfterYearEnd { months, source: v.source.clone() }
        }
        (None, Some(month), Some(day)) => {
            if chrono::NaiveDate::from_ymd_opt(2000, month, day).is_none() {
                ctx.err(Code::E0205, PATH, format!("{day}/{month} is not a day of the year"));
            }
            VariableDue::FirstDateAfter { month, day }
        }
        (None, _, _) => {
            let d = ctx.err(Code::E0104, PATH, "missing key `months_after_year_end`");
            d.help = Some(
                "write `months_after_year_end: 0` (paid at the anniversary that closes the year)"
                    .into(),
            );
            fallback
        }
        (Some(_), _, _) => {
            ctx.err(
                Code::E0102,
                PATH,
                "`months_after_year_end` and `month`/`day` are two ways to say the same date: keep one",
            );
            fallback
        }
    }
}

pub(super) fn validate(raw: &RawRules, loc: &Locator) -> Result<Loaded, Vec<Diagnostic>> {
    let mut ctx = Ctx {
        loc,
        errors: Vec::new(),
        tier_ids: raw.tiers.list.iter().map(|t| t.id.clone()).collect(),
        source_ids: raw.sources.iter().map(|s| s.id.clone()).collect(),
        choice_ids: raw.choices.iter().map(|c| c.id.clone()).collect(),
        first_text: None,
    };
    if raw.format_version != 1 {
        ctx.err(
            Code::E0216,
            "format_version",
            format!(
                "unsupported format_version {}: this engine reads version 1",
                raw.format_version
            ),
        );
    }
    if raw.contract_length_years == 0 {
        ctx.err(Code::E0210, "contract_length_years", "contract_length_years must be at least 1");
    }
    // Every year of a contract is evaluated and scheduled: a bound keeps that work sane.
    if raw.contract_length_years > MAX_CONTRACT_YEARS {
        ctx.err(
            Code::E0210,
            "contract_length_years",
            format!(
                "contract_length_years {} is above {MAX_CONTRACT_YEARS} (the agreement signs for 5 years)",
                raw.contract_length_years
            ),
        );
    }
    for (what, ids) in [("source", &ctx.source_ids.clone()), ("choice", &ctx.choice_ids.clone())] {
        let mut seen = HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            if !seen.insert(id) {
                ctx.err(
                    Code::E0209,
                    &format!("{what}s[{i}].id"),
                    format!("duplicate {what} id `{id}`"),
                );
            }
        }
    }

    // Texts, in increasing order of entry into force.
    let mut texts: Vec<Text> = Vec::new();
    let mut seen = HashSet::new();
    for (i, t) in raw.texts.iter().enumerate() {
        let path = format!("texts[{i}]");
        if !seen.insert(t.id.clone()) {
            ctx.err(Code::E0209, &format!("{path}.id"), format!("duplicate text id `{}`", t.id));
        }
        if let Some(d) = ctx.date(&format!("{path}.in_force_from"), &t.in_force_from) {
            if let Some(prev) = texts.last() {
                if d <= prev.in_force_from {
                    ctx.err(Code::E0214, &format!("{path}.in_force_from"), format!("text `{}` comes into force on {d}, not after the previous text `{}` ({})", t.id, prev.id, prev.in_force_from));
                }
            }
            texts.push(Text {
                id: t.id.clone(),
                label: t.label.clone(),
                reference: t.reference.clone(),
                in_force_from: d,
            });
        }
    }
    if raw.texts.is_empty() {
        ctx.err(Code::E0214, "texts", "no texts: at least the founding text is needed");
    }
    ctx.first_text = texts.first().map(|t| t.in_force_from);

    let tiers = tiers(&mut ctx, &raw.tiers);
    let tiers_from = tier_changes(&mut ctx, &raw.tiers, &tiers);
    ctx.choice("tiers.choice", &raw.tiers.choice);

    let fonctionnement = AmountItem {
        label: raw.fonctionnement.label.clone(),
        reference: raw.fonctionnement.reference.clone(),
        table: ctx.table("fonctionnement", &raw.fonctionnement.values),
    };
    let first_text = ctx.first_text;
    ctx.starts_by(
        "fonctionnement",
        &raw.fonctionnement.values,
        &fonctionnement.table,
        first_text,
        "the first text's entry into force",
    );

    let mut uplifts = Vec::new();
    if let Some(u) = &raw.fonctionnement_uplift {
        uplifts.extend(legacy_uplift(&mut ctx, u));
    }
    let mission_ids: Vec<&str> = raw.missions.iter().map(|m| m.id.as_str()).collect();
    for (i, u) in raw.uplifts.iter().enumerate() {
        let path = format!("uplifts[{i}]");
        if uplifts.iter().any(|x: &Uplift| x.id == u.id) {
            ctx.err(Code::E0209, &format!("{path}.id"), format!("duplicate uplift id `{}`", u.id));
        }
        if let Some(rule) = uplift_rule(&mut ctx, &path, u, &texts, &mission_ids) {
            let replaces = |x: &Uplift| matches!(x.amount, UpliftAmount::FonctionnementAmount(_));
            if replaces(&rule) && uplifts.iter().any(replaces) {
                let d = ctx.err(
                    Code::E0218,
                    &format!("{path}.amount.fonctionnement_amount"),
                    format!(
                        "uplift `{}` replaces the fonctionnement amount, as an earlier rule does: one rule at most may",
                        u.id
                    ),
                );
                d.help = Some(
                    "write it as `per_tier` (paid on top of the fonctionnement) or merge the two tables"
                        .into(),
                );
            }
            uplifts.push(rule);
        }
    }

    let mut missions = Vec::new();
    let mut seen = HashSet::new();
    for (i, m) in raw.missions.iter().enumerate() {
        let path = format!("missions[{i}]");
        if !seen.insert(m.id.clone()) {
            ctx.err(Code::E0209, &format!("{path}.id"), format!("duplicate mission id `{}`", m.id));
        }
        ctx.choice(&format!("{path}.choice"), &m.choice);
        let exists_from = ctx.value_date(&format!("{path}.exists_from"), &m.exists_from);
        let exists_until = m
            .exists_until
            .as_ref()
            .and_then(|d| ctx.value_date(&format!("{path}.exists_until"), d));
        if let (Some(f), Some(u)) = (exists_from, exists_until) {
            if u <= f {
                ctx.err(
                    Code::E0210,
                    &format!("{path}.exists_until"),
                    format!("mission `{}` ends on {u}, not after it starts ({f})", m.id),
                );
            }
        }
        if let (Some(s), Some(d)) = (m.start_within_months, m.deployed_within_months) {
            if d < s {
                ctx.err(
                    Code::E0210,
                    &format!("{path}.deployed_within_months"),
                    format!(
                        "mission `{}` must be deployed ({d} months) after it starts ({s} months)",
                        m.id
                    ),
                );
            }
        }
        let mission = Mission {
            id: m.id.clone(),
            label: m.label.clone(),
            kind: m.kind,
            reference: m.reference.clone(),
            exists_from: exists_from.unwrap_or_default(),
            exists_until,
            start_within_months: m.start_within_months,
            deployed_within_months: m.deployed_within_months,
            choice: m.choice.clone(),
            fixed_first_year: m
                .fixed_first_year
                .as_ref()
                .map(|t| ctx.labelled(&format!("{path}.fixed_first_year"), t)),
            fixed: ctx.labelled(&format!("{path}.fixed"), &m.fixed),
            variable: m
                .variable
                .as_ref()
                .map(|t| ctx.table(&format!("{path}.variable"), &t.values)),
            crisis_envelope: m
                .crisis_envelope
                .as_ref()
                .map(|t| ctx.labelled(&format!("{path}.crisis_envelope"), t)),
            overlay: MissionOverlay::default(),
        };
        // Each table answers from the day the mission exists under a text.
        let from = exists_from.max(first_text).filter(|_| first_text.is_some());
        let why = format!("the day mission `{}` exists under a text", m.id);
        let tables = [
            ("fixed", Some(&m.fixed.values), Some(&mission.fixed.1)),
            (
                "fixed_first_year",
                m.fixed_first_year.as_ref().map(|t| &t.values),
                mission.fixed_first_year.as_ref().map(|t| &t.1),
            ),
            ("variable", m.variable.as_ref().map(|t| &t.values), mission.variable.as_ref()),
            (
                "crisis_envelope",
                m.crisis_envelope.as_ref().map(|t| &t.values),
                mission.crisis_envelope.as_ref().map(|t| &t.1),
            ),
        ];
        for (what, values, table) in tables {
            if let (Some(values), Some(table)) = (values, table) {
                ctx.starts_by(&format!("{path}.{what}"), values, table, from, &why);
            }
        }
        missions.push(mission);
    }

    let p = &raw.payment;
    ctx.choice("payment.choice", &p.choice);
    ctx.choice("payment.prorata.choice", &p.prorata.choice);
    let mut rates = Vec::new();
    for (date_text, cell) in &p.advance_rate.values {
        let path = format!("payment.advance_rate.values.{date_text}");
        let d = ctx.value_date(&path, date_text);
        if let (Some(d), Some(c)) = (d, ctx.cell(&path, cell, false)) {
            rates.push((d, c));
        }
    }
    if p.advance_rate.values.is_empty() {
        ctx.err(Code::E0204, "payment.advance_rate.values", "no dated advance rate");
    }
    let variable_due = variable_due(&mut ctx, &p.variable_due);
    let payment = Payment {
        reference: p.reference.clone(),
        choice: p.choice.clone(),
        advance_rate: Dated::new(rates),
        first_year_fonctionnement: p.first_year_fonctionnement,
        balance_due: p.balance_due,
        variable_due,
        crisis_due: p.crisis_due,
        prorata_choice: p.prorata.choice.clone(),
    };

    ctx.choice("rounding.choice", &raw.rounding.choice);
    if let Some(a) = &raw.anniversaries {
        ctx.choice("anniversaries.choice", &a.choice);
    }
    if raw.rounding.decimals > 6 {
        ctx.err(
            Code::E0210,
            "rounding.decimals",
            format!("{} decimals: money is rounded to at most 6", raw.rounding.decimals),
        );
    }
    let rounding = Rounding {
        decimals: raw.rounding.decimals,
        mode: raw.rounding.mode,
        reference: raw.rounding.reference.clone(),
    };

    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    let rules = RuleSet {
        id: raw.id.clone(),
        title: raw.title.clone(),
        file: loc.file().to_string(),
        sha256: String::new(),
        contract_length_years: raw.contract_length_years,
        texts,
        sources: raw.sources.iter().map(|s| (s.id.clone(), s.citation.clone())).collect(),
        choices: raw
            .choices
            .iter()
            .map(|c| Choice { id: c.id.clone(), topic: c.topic.clone(), choice: c.choice.clone() })
            .collect(),
        tiers_reference: raw.tiers.reference.clone(),
        tiers,
        fonctionnement,
        uplifts,
        missions,
        payment,
        rounding,
        leap_day: raw.anniversaries.as_ref().map(|a| a.leap_day).unwrap_or_default(),
        overlay: RulesOverlay { tiers_from },
    };
    Ok((rules, Vec::new()))
}
