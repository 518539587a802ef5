//! The located path of a CSV portfolio: the rows of one CPTS as a raw contract, with where each
//! of its document paths is written (the cell's line and column), validated as a contract file
//! is; it runs when the fast path ([`super::fast`]) declines, and says what is wrong and where.

use super::cells::{boolean, cell, date, number, scale};
use super::header::IndicatorCols;
use super::read::CsvRow;
use super::Ctx;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::input::raw::{RawContract, RawEngagement, RawIndicator, RawYearResult};
use crate::input::IndicatorKind;
use crate::yaml::Locator;
use std::collections::{BTreeMap, HashMap};

impl Ctx<'_> {
    /// The raw contract of a CPTS from its first row and the rows kept, and where each of its
    /// paths is written. Cells that cannot even be mapped (a bad scale) are diagnostics.
    /// Positions are only recorded when `locate` (the second pass, to place the diagnostics of
    /// an invalid contract): a valid contract needs none.
    pub(super) fn raw(
        &self,
        first: &CsvRow,
        rows: &[&CsvRow],
        locate: bool,
    ) -> Result<(RawContract, Locator), Vec<Diagnostic>> {
        let c = self.cols;
        let f = |k: &str| c.fixed.get(k).copied();
        let mut loc = Locator::new(self.file);
        let mut errors = Vec::new();
        macro_rules! put {
            ($path:expr, $row:expr, $col:expr) => {
                if locate {
                    let (l, cc) = self.pos($row, $col);
                    loc.insert($path, l, cc);
                }
            };
        }
        put!(String::new(), first, None);
        for key in [
            "id",
            "name",
            "region",
            "department",
            "population",
            "population_year",
            "signature_date",
        ] {
            if f(key).is_some() {
                put!(key.to_string(), first, f(key));
            }
        }
        let opt = |col: Option<usize>| {
            Some(cell(first, col)).filter(|s| !s.is_empty()).map(str::to_string)
        };
        let population_year = match opt(f("population_year")) {
            None => None,
            Some(y) => match y.parse::<u32>() {
                Ok(y) => Some(y),
                Err(_) => {
                    errors.push(Diagnostic::error(
                        Code::E0102,
                        format!("population_year `{y}` is not a year"),
                        self.loc(first, f("population_year").unwrap_or(0)),
                    ));
                    None
                }
            },
        };
        let mut missions = Vec::new();
        for (m, mission) in self.rules.missions.iter().enumerate() {
            let start = cell(first, c.start[m]);
            let declared: Vec<&IndicatorCols> = c
                .indicators
                .iter()
                .filter(|x| x.mission == m && !cell(first, x.max).is_empty())
                .collect();
            if start.is_empty() {
                if let Some(x) = declared.first() {
                    let mut d = Diagnostic::error(Code::E0104, format!("indicator `{}` of mission `{}` has a maximum but the mission has no start date", x.id, mission.id), self.loc(first, x.max.unwrap_or(0)));
                    d.help = Some(format!(
                        "fill `{}.start`, or empty the indicator's `.max`",
                        mission.id
                    ));
                    errors.push(d);
                }
                continue;
            }
            let i = missions.len();
            let p = format!("missions[{i}]");
            for path in if locate {
                vec![p.clone(), format!("{p}.mission"), format!("{p}.start")]
            } else {
                Vec::new()
            } {
                put!(path, first, c.start[m]);
            }
            put!(format!("{p}.full_deployment"), first, c.deployed[m]);
            put!(format!("{p}.indicators"), first, declared.first().map_or(c.start[m], |x| x.max));
            let mut indicators = Vec::new();
            for (j, x) in declared.iter().enumerate() {
                let ip = format!("{p}.indicators[{j}]");
                for path in if locate {
                    vec![ip.clone(), format!("{ip}.id"), format!("{ip}.max"), format!("{ip}.kind")]
                } else {
                    Vec::new()
                } {
                    put!(path, first, x.max);
                }
                put!(format!("{ip}.label"), first, x.label.or(x.max));
                for path in
                    if locate { &["steps", "direction", "baseline", "target"][..] } else { &[] }
                {
                    put!(format!("{ip}.{path}"), first, x.scale.or(x.max));
                }
                let (kind, direction, steps, baseline, target) = match scale(cell(first, x.scale)) {
                    Ok(s) => s,
                    Err(m) => {
                        errors.push(Diagnostic::error(
                            Code::E0704,
                            format!("indicator `{}`: {m}", x.id),
                            self.loc(first, x.scale.unwrap_or(0)),
                        ));
                        continue;
                    }
                };
                let label = Some(cell(first, x.label))
                    .filter(|s| !s.is_empty())
                    .unwrap_or(&x.id)
                    .to_string();
                indicators.push(RawIndicator {
                    id: x.id.to_string(),
                    label,
                    max: number(cell(first, x.max)).into_owned(),
                    kind,
                    direction,
                    steps,
                    baseline,
                    target,
                });
            }
            let deployed = Some(cell(first, c.deployed[m])).filter(|s| !s.is_empty()).map(date);
            missions.push(RawEngagement {
                mission: mission.id.clone(),
                start: date(start),
                full_deployment: deployed,
                indicators,
            });
        }
        let kinds: HashMap<&str, IndicatorKind> =
            missions.iter().flat_map(|e| &e.indicators).map(|i| (i.id.as_str(), i.kind)).collect();
        let mut results = Vec::new();
        for (j, row) in rows.iter().enumerate() {
            let rp = format!("results[{j}]");
            for path in
                if locate { vec![rp.clone(), format!("{rp}.contract_year")] } else { Vec::new() }
            {
                put!(path, row, f("contract_year"));
            }
            put!(format!("{rp}.population"), row, f("year_population"));
            put!(format!("{rp}.crisis_recognised"), row, f("crisis_recognised"));
            put!(format!("{rp}.observations"), row, None);
            let mut observations = BTreeMap::new();
            for x in &c.indicators {
                let v = cell(row, x.value);
                if v.is_empty() {
                    continue;
                }
                put!(format!("{rp}.observations.{}", x.id), row, x.value);
                let v = match kinds.get(&*x.id) {
                    Some(IndicatorKind::Binary) => {
                        boolean(v).map_or_else(|| v.to_string(), |b| b.to_string())
                    }
                    _ => number(v).into_owned(),
                };
                observations.insert(x.id.to_string(), v);
            }
            // Checked before: a row whose year or crisis flag is unreadable is not kept.
            let contract_year = cell(row, f("contract_year")).parse().unwrap_or(0);
            let crisis_recognised = boolean(cell(row, f("crisis_recognised"))).unwrap_or(false);
            let population = Some(cell(row, f("year_population")))
                .filter(|s| !s.is_empty())
                .map(|p| number(p).into_owned());
            results.push(RawYearResult {
                contract_year,
                population,
                crisis_recognised,
                observations,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let raw = RawContract {
            format_version: 1,
            id: cell(first, f("id")).to_string(),
            name: cell(first, f("name")).to_string(),
            region: opt(f("region")),
            department: opt(f("department")),
            population: number(cell(first, f("population"))).into_owned(),
            population_year,
            signature_date: date(cell(first, f("signature_date"))),
            missions,
            results,
            expected: Vec::new(),
        };
        Ok((raw, loc))
    }

    /// Shows a diagnostic's path as the column its cell is in: the cell that starts at the
    /// diagnostic's line and column.
    pub(super) fn name_column(&self, rows: &[&CsvRow], d: &mut Diagnostic) {
        let (Some(line), Some(col)) = (d.location.line, d.location.column) else { return };
        // The record holding `line`, if any: the last to start at or before it (records do not
        // share lines).
        let Some(row) = rows.iter().filter(|r| r.line <= line).max_by_key(|r| r.line) else {
            return;
        };
        if let Some(i) = (0..row.len()).position(|i| row.position(i) == Some((line, col))) {
            if let Some(name) = self.cols.names.get(i) {
                d.location.path = Some(name.clone());
            }
        }
    }
}
