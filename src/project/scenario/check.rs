//! A scenario file checked whole against the rules: every field read, every problem located,
//! none stopping the others.

use super::*;

pub(super) struct Check<'a> {
    pub(super) loc: &'a Locator,
    pub(super) errors: Vec<Diagnostic>,
}

/// `"A"` or `"A..B"`.
fn split_range(text: &str) -> (&str, &str) {
    match text.split_once("..") {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (text.trim(), text.trim()),
    }
}

/// The days of `2019` or `2021-Q3`.
pub(super) fn period_days(label: &str) -> Option<(Date, Date)> {
    let (y, q) = match label.split_once('-') {
        Some((y, q)) => (y, Some(q)),
        None => (label, None),
    };
    let year: i32 = y.trim().parse().ok().filter(|y| (1900..=9999).contains(y))?;
    let (m1, m2) = match q.map(|q| q.trim().to_ascii_uppercase()) {
        None => (1, 12),
        Some(q) => {
            let n: u32 = q.strip_prefix('Q')?.parse().ok().filter(|n| (1..=4).contains(n))?;
            (3 * n - 2, 3 * n)
        }
    };
    let first = Date::from_ymd_opt(year, m1, 1)?;
    let next = if m2 == 12 {
        Date::from_ymd_opt(year + 1, 1, 1)?
    } else {
        Date::from_ymd_opt(year, m2 + 1, 1)?
    };
    Some((first, next.pred_opt()?))
}

impl Check<'_> {
    fn err(&mut self, code: Code, path: &str, msg: String) -> &mut Diagnostic {
        crate::diagnostic::pushed(&mut self.errors, Diagnostic::error(code, msg, self.loc.at(path)))
    }

    /// A share from 0 to 1.
    fn share(&mut self, path: &str, text: &str) -> Option<Decimal> {
        match parse_decimal(text) {
            Err(m) => {
                self.err(Code::E0206, path, m);
                None
            }
            Ok(d) if d < Decimal::ZERO || d > Decimal::ONE => {
                self.err(Code::E0801, path, format!("share {d} is outside 0 to 1"));
                None
            }
            Ok(d) => Some(d),
        }
    }

    fn share_range(&mut self, path: &str, text: &str) -> Option<(Decimal, Decimal)> {
        let (a, b) = split_range(text);
        let (a, b) = (self.share(path, a)?, self.share(path, b)?);
        if a > b {
            self.err(Code::E0802, path, format!("range `{text}` is reversed: {a} > {b}")).help =
                Some("write the smaller bound first, e.g. \"0.3..0.8\"".into());
            return None;
        }
        Some((a, b))
    }

    fn months_range(&mut self, path: &str, text: &str, most: u32) -> Option<(u32, u32)> {
        let (a, b) = split_range(text);
        let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) else {
            self.err(
                Code::E0802,
                path,
                format!("`{text}` is not a number of months or a range of months"),
            )
            .help = Some("write whole months: \"6\" or \"3..12\"".into());
            return None;
        };
        if a > b {
            self.err(Code::E0802, path, format!("range `{text}` is reversed: {a} > {b}")).help =
                Some("write the smaller bound first, e.g. \"3..12\"".into());
            return None;
        }
        if b > most {
            self.err(
                Code::E0802,
                path,
                format!("{b} months is beyond the contract ({most} months)"),
            );
            return None;
        }
        Some((a, b))
    }

    pub(super) fn scenario(&mut self, raw: &RawScenario, rules: &RuleSet) -> RolloutScenario {
        if raw.format_version != 1 {
            self.err(
                Code::E0216,
                "format_version",
                format!(
                    "unsupported format_version {}: this engine reads version 1",
                    raw.format_version
                ),
            );
        }
        let first_text = rules.texts.first().map(|t| t.in_force_from);
        let mut signatures: Vec<SignaturePeriod> = Vec::new();
        let mut total: u64 = 0;
        for (label, &count) in &raw.signatures {
            let path = format!("signatures.{label}");
            let Some((first, last)) = period_days(label) else {
                self.err(
                    Code::E0803,
                    &path,
                    format!("`{label}` is not a signature period: write a year or a quarter"),
                )
                .help = Some("e.g. `2021: 40` or `2021-Q3: 12`".into());
                continue;
            };
            if let Some(f) = first_text.filter(|f| last < *f) {
                self.err(
                    Code::E0803,
                    &path,
                    format!("period `{label}` ends before the first text in force ({f})"),
                );
                continue;
            }
            total = total.saturating_add(count);
            let first = first_text.map_or(first, |f| first.max(f));
            signatures.push(SignaturePeriod { label: label.clone(), first, last, count });
        }
        signatures.sort_by_key(|p| p.first);
        for w in signatures.windows(2) {
            if w[1].first <= w[0].last {
                let path = format!("signatures.{}", w[1].label);
                self.err(
                    Code::E0803,
                    &path,
                    format!("period `{}` overlaps period `{}`", w[1].label, w[0].label),
                );
            }
        }
        if total > MAX_CONTRACTS {
            self.err(
                Code::E0210,
                "signatures",
                format!("{total} contracts: a scenario signs at most {MAX_CONTRACTS}"),
            );
        }
        let bands = self.bands(raw, rules);
        let missions = self.missions(raw, rules);
        let mut published = BTreeMap::new();
        for (i, p) in raw.published.iter().enumerate() {
            let path = format!("published[{i}].amount");
            match parse_decimal(&p.amount) {
                Err(m) => {
                    self.err(Code::E0206, &path, m);
                }
                Ok(a) if a < Decimal::ZERO => {
                    self.err(Code::E0207, &path, format!("published amount {a} is negative"));
                }
                Ok(amount) => {
                    let entry = Published { amount, source: p.source.clone() };
                    if published.insert(p.year, entry).is_some() {
                        self.err(
                            Code::E0209,
                            &format!("published[{i}].year"),
                            format!("year {} is published twice", p.year),
                        );
                    }
                }
            }
        }
        RolloutScenario {
            id: raw.id.clone(),
            title: raw.title.clone(),
            description: raw.description.clone(),
            file: String::new(),
            sha256: String::new(),
            seed: raw.seed,
            signatures,
            bands,
            missions,
            crisis_years: raw.crisis_years.iter().copied().collect(),
            published,
        }
    }

    /// The population bands: one per tier (`tiers`, within the tier's bounds) or as written
    /// (`population`); their shares must add up to 1.
    fn bands(&mut self, raw: &RawScenario, rules: &RuleSet) -> Vec<Band> {
        let mut bands = Vec::new();
        let errors_before = self.errors.len();
        let what = match (&raw.tiers, &raw.population) {
            (Some(_), Some(_)) | (None, None) => {
                self.err(
                    Code::E0801,
                    "",
                    "give the split of the signatures either by tier (`tiers`) or as a population \
                     distribution (`population`), exactly one of them"
                        .to_string(),
                );
                return bands;
            }
            (Some(tiers), None) => {
                for (id, t) in tiers {
                    let path = format!("tiers.{id}");
                    let Some(tier) = rules.tiers.iter().find(|x| x.id == *id) else {
                        let known: Vec<&str> = rules.tiers.iter().map(|x| x.id.as_str()).collect();
                        self.err(Code::E0203, &path, format!("unknown tier `{id}`")).help =
                            Some(format!("the rules' tiers are: {}", known.join(", ")));
                        continue;
                    };
                    let share = self.share(&format!("{path}.share"), &t.share);
                    let min = t.min_population.unwrap_or(tier.min);
                    let Some(max) = t.max_population.or(tier.max) else {
                        self.err(
                            Code::E0802,
                            &path,
                            format!(
                                "tier `{id}` has no upper bound: give `max_population` to draw \
                                 populations in it"
                            ),
                        );
                        continue;
                    };
                    if min < tier.min || tier.max.is_some_and(|m| max > m) || min > max {
                        self.err(
                            Code::E0802,
                            &path,
                            format!(
                                "populations {min}..{max} are not within tier `{id}` ({})",
                                tier.bounds_text
                            ),
                        );
                        continue;
                    }
                    if let Some(share) = share {
                        bands.push(Band { min, max, share });
                    }
                }
                "tiers"
            }
            (None, Some(list)) => {
                for (i, b) in list.iter().enumerate() {
                    let path = format!("population[{i}]");
                    let share = self.share(&format!("{path}.share"), &b.share);
                    if b.min > b.max {
                        self.err(
                            Code::E0802,
                            &path,
                            format!("band {}..{} is reversed", b.min, b.max),
                        );
                        continue;
                    }
                    if let Some(share) = share {
                        bands.push(Band { min: b.min, max: b.max, share });
                    }
                }
                "population"
            }
        };
        // The sum is only meaningful when every band was read.
        let sum: Decimal = bands.iter().map(|b| b.share).sum();
        if self.errors.len() == errors_before && !bands.is_empty() && sum != Decimal::ONE {
            self.err(Code::E0801, what, format!("the shares add up to {sum}, not 1"));
        }
        bands
    }

    fn missions(&mut self, raw: &RawScenario, rules: &RuleSet) -> Vec<MissionPlan> {
        let most = rules.contract_length_years.saturating_mul(12);
        let mut out: Vec<MissionPlan> = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for (i, m) in raw.missions.iter().enumerate() {
            let path = format!("missions[{i}]");
            let Some(mission) = rules.mission(&m.mission) else {
                let known: Vec<&str> = rules.missions.iter().map(|x| x.id.as_str()).collect();
                self.err(
                    Code::E0301,
                    &format!("{path}.mission"),
                    format!("unknown mission `{}`", m.mission),
                )
                .help = Some(format!("the rules' missions are: {}", known.join(", ")));
                continue;
            };
            if !seen.insert(m.mission.as_str()) {
                self.err(
                    Code::E0308,
                    &format!("{path}.mission"),
                    format!("mission `{}` is planned twice", m.mission),
                );
                continue;
            }
            let engaged = match &m.engaged {
                None => Some(Decimal::ONE),
                Some(t) => self.share(&format!("{path}.engaged"), t),
            };
            let start = self.months_range(
                &format!("{path}.start_after_months"),
                &m.start_after_months,
                most,
            );
            let variable_share = match (&m.variable_share, mission.variable.is_some()) {
                (Some(t), true) => self.share_range(&format!("{path}.variable_share"), t).map(Some),
                (None, false) => Some(None),
                (Some(_), false) => {
                    self.err(
                        Code::E0802,
                        &format!("{path}.variable_share"),
                        format!("mission `{}` has no variable envelope in the rules", m.mission),
                    )
                    .help = Some("remove `variable_share`".into());
                    None
                }
                (None, true) => {
                    self.err(
                        Code::E0104,
                        &path,
                        format!(
                            "missing key `variable_share`: the share of mission `{}`'s variable \
                             envelope reached (an assumption: write its source or `# guess`)",
                            m.mission
                        ),
                    );
                    None
                }
            };
            if let (Some(engaged), Some(start), Some(variable_share)) =
                (engaged, start, variable_share)
            {
                out.push(MissionPlan {
                    mission: m.mission.clone(),
                    engaged,
                    start_after_months: start,
                    variable_share,
                });
            }
        }
        // Missions in rule order, whatever the file's order: the draws do not depend on it.
        let order = |id: &str| rules.missions.iter().position(|m| m.id == id);
        out.sort_by_key(|p| order(&p.mission));
        out
    }
}
