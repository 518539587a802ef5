//! The header row: which column holds which field, mission date and indicator.

use super::read::CsvRow;
use crate::diagnostic::Code;
use crate::diagnostic::{did_you_mean, Diagnostic, Location};
use crate::rules::RuleSet;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fixed {
    Id,
    Name,
    Region,
    Department,
    Population,
    PopulationYear,
    Signature,
    ContractYear,
    YearPopulation,
    Crisis,
}

pub(super) const FIXED: [(&str, Fixed); 10] = [
    ("id", Fixed::Id),
    ("name", Fixed::Name),
    ("region", Fixed::Region),
    ("department", Fixed::Department),
    ("population", Fixed::Population),
    ("population_year", Fixed::PopulationYear),
    ("signature_date", Fixed::Signature),
    ("contract_year", Fixed::ContractYear),
    ("year_population", Fixed::YearPopulation),
    ("crisis_recognised", Fixed::Crisis),
];
pub(super) const REQUIRED: [&str; 5] =
    ["id", "name", "population", "signature_date", "contract_year"];

/// An indicator declared by the header: its columns (indices into the row's cells).
#[derive(Debug, Clone, Default)]
pub(super) struct IndicatorCols {
    pub(super) mission: usize,
    pub(super) id: std::sync::Arc<str>,
    pub(super) max: Option<usize>,
    pub(super) scale: Option<usize>,
    pub(super) label: Option<usize>,
    pub(super) value: Option<usize>,
}

/// What the header says: where each column is.
#[derive(Debug, Default)]
pub(super) struct Columns {
    pub(super) names: Vec<String>,
    pub(super) fixed: HashMap<&'static str, usize>,
    /// Per mission of the rules: its `start` and `full_deployment` columns.
    pub(super) start: Vec<Option<usize>>,
    pub(super) deployed: Vec<Option<usize>>,
    pub(super) indicators: Vec<IndicatorCols>,
}

/// A header cell as messages show it: at most 60 characters, then `…` (a cell may be a whole
/// line of garbage).
fn shown(name: &str) -> String {
    match name.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &name[..at]),
        None => name.to_string(),
    }
}

pub(super) fn header(
    file: &str,
    row: &CsvRow,
    rules: &RuleSet,
) -> Result<Columns, Vec<Diagnostic>> {
    let n = rules.missions.len();
    let mut cols = Columns { start: vec![None; n], deployed: vec![None; n], ..Columns::default() };
    let mut errors = Vec::new();
    let at = |cell: usize, name: &str| {
        let position = row.position(cell);
        Location {
            file: file.to_string(),
            path: Some(name.to_string()),
            line: Some(position.map_or(row.line, |(line, _)| line)),
            column: position.map(|(_, column)| column),
        }
    };
    let mission_ids: Vec<&str> = rules.missions.iter().map(|m| m.id.as_str()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for i in 0..row.len() {
        let name = row.text(i).unwrap_or_default().trim().to_string();
        if name.contains(['\n', '\r']) {
            // A quote at a cell's start quotes it to the next quote, line breaks included: the
            // rows below are then read as part of this cell, and no column after it is known.
            let lines = name.lines().count();
            let d = Diagnostic::error(
                Code::E0701,
                format!(
                    "header cell {} opens a quote that runs past the header's line (over {lines} \
                     lines, to the next quote): the header cannot be read",
                    i + 1
                ),
                at(i, &shown(name.lines().next().unwrap_or_default())),
            )
            .with_label("this quote opens a cell")
            .with_help(
                "remove the quote, or close it in the same cell (`\"name\"`); a quote inside a \
                 cell, not at its start, is text",
            );
            errors.push(d);
            return Err(errors);
        }
        cols.names.push(name.clone());
        let name_shown = shown(&name);
        if let Some(first) = seen.insert(name.clone(), i) {
            errors.push(Diagnostic::error(
                Code::E0701,
                format!(
                    "column `{name_shown}` appears twice (columns {} and {})",
                    first + 1,
                    i + 1
                ),
                at(i, &name_shown),
            ));
            continue;
        }
        if let Some((key, _)) = FIXED.iter().find(|(k, _)| *k == name) {
            cols.fixed.insert(key, i);
            continue;
        }
        let Some((mission, rest)) = name.split_once('.') else {
            let mut candidates: Vec<String> = FIXED.iter().map(|(k, _)| k.to_string()).collect();
            candidates.extend(mission_ids.iter().map(|m| format!("{m}.start")));
            let hint =
                did_you_mean(&name, candidates.iter().map(String::as_str)).map(str::to_string);
            let mut d = Diagnostic::error(
                Code::E0701,
                format!("unknown column `{name_shown}`"),
                at(i, &name_shown),
            )
            .with_label("not a known column");
            d.help = Some(match hint {
                Some(h) => format!("did you mean `{h}`? columns are {}, then `<mission>.start`, `<mission>.full_deployment` and per indicator `<mission>.<indicator>` (the year's result), `.max`, `.scale`, `.label`", FIXED.map(|(k, _)| k).join(", ")),
                None => format!("columns are {}, then `<mission>.start`, `<mission>.full_deployment` and per indicator `<mission>.<indicator>` (the year's result), `.max`, `.scale`, `.label`", FIXED.map(|(k, _)| k).join(", ")),
            });
            errors.push(d);
            continue;
        };
        let Some(m) = mission_ids.iter().position(|id| *id == mission) else {
            let mut d = Diagnostic::error(
                Code::E0701,
                format!(
                    "unknown column `{name_shown}`: no mission `{}` in the rules",
                    shown(mission)
                ),
                at(i, &name_shown),
            )
            .with_label("not a known mission");
            d.help = Some(match did_you_mean(mission, mission_ids.iter().copied()) {
                Some(h) => {
                    format!("did you mean `{h}.{rest}`? missions are: {}", mission_ids.join(", "))
                }
                None => format!("missions are: {}", mission_ids.join(", ")),
            });
            errors.push(d);
            continue;
        };
        let (ind, part) = match rest.split_once('.') {
            None if rest == "start" => {
                cols.start[m] = Some(i);
                continue;
            }
            None if rest == "full_deployment" => {
                cols.deployed[m] = Some(i);
                continue;
            }
            None => (rest, "value"),
            Some((ind, part)) => (ind, part),
        };
        let valid_id = !ind.is_empty()
            && ind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid_id || !["value", "max", "scale", "label"].contains(&part) {
            let mut d = Diagnostic::error(
                Code::E0701,
                format!("unknown column `{name_shown}`"),
                at(i, &name_shown),
            )
            .with_label("not a known column");
            d.help = Some(match did_you_mean(part, ["max", "scale", "label", "start", "full_deployment"]) {
                Some(h) if valid_id => format!("did you mean `{mission}.{ind}.{h}`? an indicator has `{mission}.{ind}` (the year's result), `.max`, `.scale` and `.label`"),
                _ => format!("an indicator id is letters, digits, `_` and `-`; its columns are `{mission}.<indicator>` (the year's result), `.max`, `.scale` and `.label`"),
            });
            errors.push(d);
            continue;
        }
        let k = match cols.indicators.iter().position(|x| &*x.id == ind) {
            Some(k) if cols.indicators[k].mission != m => {
                let other = mission_ids[cols.indicators[k].mission];
                errors.push(Diagnostic::error(Code::E0701, format!("indicator `{ind}` is under two missions (`{other}` and `{mission}`): results could not tell them apart"), at(i, &name_shown)));
                continue;
            }
            Some(k) => k,
            None => {
                cols.indicators.push(IndicatorCols {
                    mission: m,
                    id: ind.into(),
                    ..IndicatorCols::default()
                });
                cols.indicators.len() - 1
            }
        };
        let slot = &mut cols.indicators[k];
        match part {
            "max" => slot.max = Some(i),
            "scale" => slot.scale = Some(i),
            "label" => slot.label = Some(i),
            _ => slot.value = Some(i),
        }
    }
    let (line, column) = row.position(0).unwrap_or((row.line, 1));
    let whole =
        Location { file: file.to_string(), path: None, line: Some(line), column: Some(column) };
    for r in REQUIRED {
        if !cols.fixed.contains_key(r) {
            errors.push(
                Diagnostic::error(Code::E0702, format!("missing column `{r}`"), whole.clone())
                    .with_help(format!("the header must name at least: {}", REQUIRED.join(", "))),
            );
        }
    }
    for ind in &cols.indicators {
        if ind.max.is_none() {
            let m = mission_ids[ind.mission];
            errors.push(Diagnostic::error(
                Code::E0702,
                format!(
                    "indicator `{m}.{}` has no `{m}.{}.max` column: its maximum is needed",
                    ind.id, ind.id
                ),
                whole.clone(),
            ));
        }
    }
    if errors.is_empty() {
        Ok(cols)
    } else {
        Err(errors)
    }
}
