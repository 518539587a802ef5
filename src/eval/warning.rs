//! Things an evaluation reports without failing (W05xx): provisional amounts used, missing
//! observations, missed mission deadlines, a tier change, an indicator set that does not use the
//! whole envelope. Data here; messages are rendered by [`Warning::message`] (English, JSON)
//! and [`Warning::message_fr`] (French reports).

use crate::calendar::{add_months, Date};
use crate::diagnostic::Code;
use crate::input::{Contract, Indicator};
use crate::money::format_eur;
use crate::rules::{Mission, MissionKind, Text, Tier};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning<'a> {
    Provisional {
        lines: usize,
    },
    MissingObservation {
        mission: &'a Mission,
        indicator: &'a Indicator,
    },
    MissedStart {
        mission: &'a Mission,
        start: Date,
        deadline: Date,
    },
    NotStarted {
        mission: &'a Mission,
        deadline: Date,
    },
    MissedDeployment {
        mission: &'a Mission,
        deployed: Date,
        deadline: Date,
    },
    TierChange {
        from: &'a Tier,
        to: &'a Tier,
        population: u64,
    },
    EnvelopeShortfall {
        mission: &'a Mission,
        maxima: Decimal,
        envelope: Decimal,
    },
    MissionNotInText {
        mission: &'a Mission,
        text: &'a Text,
    },
    CrisisWithoutMission,
    /// A variant's new mission pays its variable part at an assumed attainment (0 to 1).
    AssumedAttainment {
        mission: &'a Mission,
        attainment: Decimal,
    },
    /// Observations given for a mission that starts after the contract year: ignored.
    ObservationBeforeStart {
        mission: &'a Mission,
        start: Date,
        indicators: Vec<&'a str>,
    },
    /// The mission's indicators paid more than the variable envelope of the year's tier: `cut`
    /// (positive) was taken off so that the variable part is `cap`.
    VariableCapped {
        mission: &'a Mission,
        cap: Decimal,
        cut: Decimal,
        tier: &'a Tier,
    },
}

impl Warning<'_> {
    pub fn code(&self) -> Code {
        match self {
            Warning::Provisional { .. } => Code::W0501,
            Warning::MissingObservation { .. } => Code::W0502,
            Warning::MissedStart { .. }
            | Warning::NotStarted { .. }
            | Warning::MissedDeployment { .. } => Code::W0503,
            Warning::TierChange { .. } => Code::W0504,
            Warning::EnvelopeShortfall { .. } => Code::W0505,
            Warning::MissionNotInText { .. } => Code::W0506,
            Warning::CrisisWithoutMission => Code::W0507,
            Warning::AssumedAttainment { .. } => Code::W0508,
            Warning::VariableCapped { .. } => Code::W0509,
            Warning::ObservationBeforeStart { .. } => Code::W0510,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Warning::Provisional { lines } => format!("{lines} line(s) use a provisional amount (not sourced cell by cell; see the rules' `sources`): the result is an estimate"),
            Warning::MissingObservation { mission, indicator } => format!("no observed value for indicator `{}` of mission `{}`: it pays nothing", indicator.id, mission.id),
            Warning::MissedStart { mission, start, deadline } => format!("mission `{}` started on {start}, after its deadline of {deadline}", mission.id),
            Warning::NotStarted { mission, deadline } => format!("socle mission `{}` has not started; its deadline was {deadline}", mission.id),
            Warning::MissedDeployment { mission, deployed, deadline } => format!("mission `{}` was fully deployed on {deployed}, after its deadline of {deadline}", mission.id),
            Warning::TierChange { from, to, population } => format!("tier changed since the previous contract year: {} -> {} (population {population})", from.id, to.id),
            Warning::EnvelopeShortfall { mission, maxima, envelope } => format!("indicator maxima of mission `{}` add up to {}, below its variable envelope of {}", mission.id, format_eur(*maxima), format_eur(*envelope)),
            Warning::MissionNotInText { mission, text } => format!("mission `{}` does not exist in the text in force ({}): nothing paid for it this year", mission.id, text.id),
            Warning::CrisisWithoutMission => "a sanitary crisis was recognised but no crisis mission runs this year: no crisis envelope is paid".to_string(),
            Warning::AssumedAttainment { mission, attainment } => format!("variable part of new mission `{}` assumed at {} % attainment (variant assumption, not a contract result)", mission.id, percent(*attainment)),
            Warning::ObservationBeforeStart { mission, start, indicators } => format!("observed value(s) for {} ignored: mission `{}` starts on {start}, after this contract year", ticks(indicators), mission.id),
            Warning::VariableCapped { mission, cap, cut, tier } => format!("variable part of mission `{}` capped at the {} envelope of {}: {} cut (indicator maxima sized for another tier)", mission.id, tier.id, format_eur(*cap), format_eur(*cut)),
        }
    }

    /// The same message in French, for the reports a treasurer reads (text, Markdown, HTML).
    /// Ids stay as written in the files, so that a line can be found again.
    pub fn message_fr(&self) -> String {
        match self {
            Warning::Provisional { lines } => format!("{lines} ligne(s) utilisent un montant provisoire (non sourcé cellule par cellule ; voir les `sources` des règles) : le résultat est une estimation"),
            Warning::MissingObservation { mission, indicator } => format!("aucune valeur observée pour l'indicateur `{}` de la mission `{}` : il ne rapporte rien", indicator.id, mission.id),
            Warning::MissedStart { mission, start, deadline } => format!("la mission `{}` a démarré le {start}, après sa date limite du {deadline}", mission.id),
            Warning::NotStarted { mission, deadline } => format!("la mission socle `{}` n'a pas démarré ; sa date limite était le {deadline}", mission.id),
            Warning::MissedDeployment { mission, deployed, deadline } => format!("la mission `{}` a été pleinement déployée le {deployed}, après sa date limite du {deadline}", mission.id),
            Warning::TierChange { from, to, population } => format!("changement de taille depuis l'année de contrat précédente : {} → {} (population {} habitants)", from.id, to.id, grouped(*population)),
            Warning::EnvelopeShortfall { mission, maxima, envelope } => format!("les maxima des indicateurs de la mission `{}` totalisent {}, moins que son enveloppe variable de {}", mission.id, eur(*maxima), eur(*envelope)),
            Warning::MissionNotInText { mission, text } => format!("la mission `{}` n'existe pas dans le texte en vigueur ({}) : rien n'est versé pour elle cette année", mission.id, text.id),
            Warning::CrisisWithoutMission => "une crise sanitaire a été reconnue mais aucune mission crise ne court cette année : aucune enveloppe crise n'est versée".to_string(),
            Warning::AssumedAttainment { mission, attainment } => format!("part variable de la nouvelle mission `{}` supposée atteinte à {} % (hypothèse de la variante, pas un résultat de contrat)", mission.id, percent(*attainment).replace('.', ",")),
            Warning::ObservationBeforeStart { mission, start, indicators } => format!("valeur(s) observée(s) pour {} ignorée(s) : la mission `{}` démarre le {start}, après cette année de contrat", ticks(indicators), mission.id),
            Warning::VariableCapped { mission, cap, cut, tier } => format!("part variable de la mission `{}` plafonnée à l'enveloppe de la taille {} ({}) : {} retirés (maxima des indicateurs prévus pour une autre taille)", mission.id, tier.id, eur(*cap), eur(*cut)),
        }
    }
}

/// `` `a`, `b` ``.
fn ticks(ids: &[&str]) -> String {
    ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

/// `3 500,00 €`, the French way (the treasurer's reports).
fn eur(d: Decimal) -> String {
    let mut s = String::new();
    crate::money::push_eur(&mut s, d);
    s
}

/// `62 000`: a count written the French way, thousands apart (the narrow no-break space of the
/// amounts).
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// `0.8` -> `80`, `0.755` -> `75.5`.
fn percent(share: Decimal) -> String {
    share.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(share).normalize().to_string()
}

/// Mission deadlines (choice `mission_deadlines`): months after the signature, or after the
/// mission's entry into force if later. Each warning is given in the year it concerns.
pub(super) fn deadlines<'a>(
    contract: &Contract,
    mission: &'a Mission,
    engagement: Option<&crate::input::Engagement>,
    from: Date,
    to: Date,
    out: &mut impl FnMut(Warning<'a>),
) {
    let origin = contract.signature.max(mission.exists_from);
    let start_deadline = mission.start_within_months.and_then(|m| add_months(origin, m));
    if let Some(deadline) = start_deadline {
        match engagement {
            Some(e) if e.start > deadline && e.start >= from && e.start < to => {
                out(Warning::MissedStart { mission, start: e.start, deadline })
            }
            Some(e) if e.start > deadline && deadline < to && e.start >= to => {
                out(Warning::NotStarted { mission, deadline })
            }
            None if mission.kind == MissionKind::Socle
                && deadline < to
                && mission.exists_from <= from =>
            {
                out(Warning::NotStarted { mission, deadline })
            }
            _ => {}
        }
    }
    if let (Some(e), Some(m)) = (engagement, mission.deployed_within_months) {
        if let (Some(deployed), Some(deadline)) = (e.full_deployment, add_months(origin, m)) {
            if deployed > deadline && deployed >= from && deployed < to {
                out(Warning::MissedDeployment { mission, deployed, deadline });
            }
        }
    }
}
