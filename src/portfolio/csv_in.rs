//! CSV portfolios, as agents keep them in spreadsheets: one row per CPTS and contract year. The
//! columns (documented in README.md, *CSV columns*) are the contract's fields, the mission start
//! dates, and per indicator its maximum, its payout scale and the year's result. The rows of one
//! CPTS (same `id`) make one contract, validated by the same code as a contract file, with every
//! diagnostic pointing at the cell (`file:line:col`, the column's name as its path).
//!
//! A row is a record: a row that contradicts its CPTS's first row, or whose year's result is
//! invalid, fails alone; a problem with the contract itself fails the CPTS's rows. The separator
//! (`,`, `;` or tab) is detected from the header; a UTF-8 BOM is skipped; numbers may use a
//! decimal comma and dates `DD/MM/YYYY`, as French Excel writes them.

use super::{Origin, Piece, Record, RecordState};
use crate::diagnostic::{did_you_mean, Diagnostic, Location};
use crate::input::raw::{RawContract, RawEngagement, RawIndicator, RawStep, RawYearResult};
use crate::input::{Contract, Direction, IndicatorKind};
use crate::rules::RuleSet;
use crate::yaml::Locator;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// One cell: its text (quotes removed; borrowed from the file unless it had doubled quotes)
/// and its 1-based column in the line.
#[derive(Debug, Clone)]
struct Cell<'a> {
    text: Cow<'a, str>,
    col: usize,
}

#[derive(Debug, Clone)]
struct CsvRow<'a> {
    line: usize,
    cells: Vec<Cell<'a>>,
}

/// The separator the header uses most, outside quotes (`,` when none).
fn detect_separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut quoted = false;
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    for c in header.bytes() {
        if c == b'"' {
            quoted = !quoted;
        }
        if !quoted {
            for (s, n) in counts.iter_mut() {
                if *s == c {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().max_by_key(|(s, n)| (*n, *s == b',')).filter(|(_, n)| *n > 0).map_or(b',', |(s, _)| *s)
}

/// Reads RFC 4180 records (quotes, doubled quotes, line breaks inside quotes), with the line of
/// each record and the column of each cell. Lines with no cell text at all are skipped.
fn parse_csv(text: &str) -> Vec<CsvRow<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sep = detect_separator(text);
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut rows = Vec::new();
    let mut width = 8;
    let mut i = 0;
    let mut line = 1;
    // Columns are counted in chars, forward only: (byte counted up to, its column).
    let mut counted = (0usize, 1usize);
    while i < n {
        let row_line = line;
        let mut cells: Vec<Cell> = Vec::with_capacity(width);
        loop {
            let start = i;
            let col = counted.1 + text[counted.0..start].chars().count();
            counted = (start, col);
            let text_of_cell: Cow<str>;
            if i < n && bytes[i] == b'"' {
                i += 1;
                let mut owned: Option<String> = None;
                let mut seg = i;
                loop {
                    match bytes[i..].iter().position(|b| *b == b'"' || *b == b'\n') {
                        None => {
                            i = n;
                            break;
                        }
                        Some(k) if bytes[i + k] == b'\n' => {
                            i += k + 1;
                            line += 1;
                            counted = (i, 1);
                        }
                        Some(k) if bytes.get(i + k + 1) == Some(&b'"') => {
                            owned.get_or_insert_with(String::new).push_str(&text[seg..i + k + 1]);
                            i += k + 2;
                            seg = i;
                        }
                        Some(k) => {
                            i += k;
                            break;
                        }
                    }
                }
                let end = i.min(n);
                text_of_cell = match owned {
                    Some(mut o) => {
                        o.push_str(&text[seg..end]);
                        Cow::Owned(o)
                    }
                    None => Cow::Borrowed(&text[seg..end]),
                };
                i = (i + 1).min(n);
                // Anything between the closing quote and the separator is ignored.
                while i < n && bytes[i] != sep && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            } else {
                let k = bytes[i..].iter().position(|b| *b == sep || *b == b'\n' || *b == b'\r').unwrap_or(n - i);
                text_of_cell = Cow::Borrowed(&text[i..i + k]);
                i += k;
            }
            cells.push(Cell { text: text_of_cell, col });
            if i < n && bytes[i] == sep {
                i += 1;
                continue;
            }
            // End of the record: \r\n, \n, \r or the end of the text.
            if i < n && bytes[i] == b'\r' {
                i += 1;
            }
            if i < n && bytes[i] == b'\n' {
                i += 1;
            }
            line += 1;
            counted = (i, 1);
            break;
        }
        width = width.max(cells.len());
        if cells.iter().any(|c| !c.text.trim().is_empty()) {
            rows.push(CsvRow { line: row_line, cells });
        }
    }
    rows
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fixed {
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

const FIXED: [(&str, Fixed); 10] = [
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
const REQUIRED: [&str; 5] = ["id", "name", "population", "signature_date", "contract_year"];

/// An indicator declared by the header: its columns (indices into the row's cells).
#[derive(Debug, Clone, Default)]
struct IndicatorCols {
    mission: usize,
    id: String,
    max: Option<usize>,
    scale: Option<usize>,
    label: Option<usize>,
    value: Option<usize>,
}

/// What the header says: where each column is.
#[derive(Debug, Default)]
struct Columns {
    names: Vec<String>,
    fixed: HashMap<&'static str, usize>,
    /// Per mission of the rules: its `start` and `full_deployment` columns.
    start: Vec<Option<usize>>,
    deployed: Vec<Option<usize>>,
    indicators: Vec<IndicatorCols>,
}

fn header(file: &str, row: &CsvRow, rules: &RuleSet) -> Result<Columns, Vec<Diagnostic>> {
    let n = rules.missions.len();
    let mut cols = Columns { start: vec![None; n], deployed: vec![None; n], ..Columns::default() };
    let mut errors = Vec::new();
    let at = |cell: &Cell, name: &str| Location { file: file.to_string(), path: Some(name.to_string()), line: Some(row.line), column: Some(cell.col) };
    let mission_ids: Vec<&str> = rules.missions.iter().map(|m| m.id.as_str()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, cell) in row.cells.iter().enumerate() {
        let name = cell.text.trim().to_string();
        cols.names.push(name.clone());
        if let Some(first) = seen.insert(name.clone(), i) {
            errors.push(Diagnostic::error("E0701", format!("column `{name}` appears twice (columns {} and {})", first + 1, i + 1), at(cell, &name)));
            continue;
        }
        if let Some((key, _)) = FIXED.iter().find(|(k, _)| *k == name) {
            cols.fixed.insert(key, i);
            continue;
        }
        let Some((mission, rest)) = name.split_once('.') else {
            let mut candidates: Vec<String> = FIXED.iter().map(|(k, _)| k.to_string()).collect();
            candidates.extend(mission_ids.iter().map(|m| format!("{m}.start")));
            let hint = did_you_mean(&name, candidates.iter().map(String::as_str)).map(str::to_string);
            let mut d = Diagnostic::error("E0701", format!("unknown column `{name}`"), at(cell, &name)).with_label("not a known column");
            d.help = Some(match hint {
                Some(h) => format!("did you mean `{h}`? columns are {}, then `<mission>.start`, `<mission>.full_deployment` and per indicator `<mission>.<indicator>` (the year's result), `.max`, `.scale`, `.label`", FIXED.map(|(k, _)| k).join(", ")),
                None => format!("columns are {}, then `<mission>.start`, `<mission>.full_deployment` and per indicator `<mission>.<indicator>` (the year's result), `.max`, `.scale`, `.label`", FIXED.map(|(k, _)| k).join(", ")),
            });
            errors.push(d);
            continue;
        };
        let Some(m) = mission_ids.iter().position(|id| *id == mission) else {
            let mut d = Diagnostic::error("E0701", format!("unknown column `{name}`: no mission `{mission}` in the rules"), at(cell, &name)).with_label("not a known mission");
            d.help = Some(match did_you_mean(mission, mission_ids.iter().copied()) {
                Some(h) => format!("did you mean `{h}.{rest}`? missions are: {}", mission_ids.join(", ")),
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
        let valid_id = !ind.is_empty() && ind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid_id || !["value", "max", "scale", "label"].contains(&part) {
            let mut d = Diagnostic::error("E0701", format!("unknown column `{name}`"), at(cell, &name)).with_label("not a known column");
            d.help = Some(match did_you_mean(part, ["max", "scale", "label", "start", "full_deployment"]) {
                Some(h) if valid_id => format!("did you mean `{mission}.{ind}.{h}`? an indicator has `{mission}.{ind}` (the year's result), `.max`, `.scale` and `.label`"),
                _ => format!("an indicator id is letters, digits, `_` and `-`; its columns are `{mission}.<indicator>` (the year's result), `.max`, `.scale` and `.label`"),
            });
            errors.push(d);
            continue;
        }
        let k = match cols.indicators.iter().position(|x| x.id == ind) {
            Some(k) if cols.indicators[k].mission != m => {
                let other = mission_ids[cols.indicators[k].mission];
                errors.push(Diagnostic::error("E0701", format!("indicator `{ind}` is under two missions (`{other}` and `{mission}`): results could not tell them apart"), at(cell, &name)));
                continue;
            }
            Some(k) => k,
            None => {
                cols.indicators.push(IndicatorCols { mission: m, id: ind.to_string(), ..IndicatorCols::default() });
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
    let first_cell = row.cells.first().map_or(1, |c| c.col);
    let whole = Location { file: file.to_string(), path: None, line: Some(row.line), column: Some(first_cell) };
    for r in REQUIRED {
        if !cols.fixed.contains_key(r) {
            errors.push(Diagnostic::error("E0702", format!("missing column `{r}`"), whole.clone()).with_help(format!("the header must name at least: {}", REQUIRED.join(", "))));
        }
    }
    for ind in &cols.indicators {
        if ind.max.is_none() {
            let m = mission_ids[ind.mission];
            errors.push(Diagnostic::error("E0702", format!("indicator `{m}.{}` has no `{m}.{}.max` column: its maximum is needed", ind.id, ind.id), whole.clone()));
        }
    }
    if errors.is_empty() {
        Ok(cols)
    } else {
        Err(errors)
    }
}

/// A number as a spreadsheet may write it: spaces (also no-break) dropped, a decimal comma
/// turned into a point.
fn number(s: &str) -> String {
    let t: String = s.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    if t.contains(',') && !t.contains('.') {
        t.replace(',', ".")
    } else {
        t
    }
}

/// `DD/MM/YYYY` (French Excel) -> `YYYY-MM-DD`; anything else as written.
fn date(s: &str) -> String {
    let t = s.trim();
    let p: Vec<&str> = t.split('/').collect();
    match p.as_slice() {
        [d, m, y] if d.len() <= 2 && m.len() <= 2 && y.len() == 4 && [d, m, y].iter().all(|x| x.chars().all(|c| c.is_ascii_digit())) => format!("{y}-{m:0>2}-{d:0>2}"),
        _ => t.to_string(),
    }
}

fn boolean(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "vrai" | "oui" | "yes" | "1" | "x" => Some(true),
        "false" | "faux" | "non" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// An indicator's payout scale: empty or `binary`; `linear BASELINE..TARGET`;
/// `steps <= T:A T:A ...` (lower is better) or `steps >= T:A ...` (higher is better).
/// A payout scale as the raw indicator's fields: kind, direction, steps, baseline, target.
type Scale = (IndicatorKind, Option<Direction>, Option<Vec<RawStep>>, Option<String>, Option<String>);

fn scale(s: &str) -> Result<Scale, String> {
    let t = s.trim();
    let (word, rest) = t.split_once(char::is_whitespace).map_or((t, ""), |(w, r)| (w, r.trim()));
    match word.to_lowercase().as_str() {
        "" | "binary" if rest.is_empty() => Ok((IndicatorKind::Binary, None, None, None, None)),
        "linear" => match rest.split_once("..") {
            Some((b, t)) if !b.trim().is_empty() && !t.trim().is_empty() => Ok((IndicatorKind::Linear, None, None, Some(number(b)), Some(number(t)))),
            _ => Err(format!("`{t}`: write `linear BASELINE..TARGET`, e.g. `linear 40..70`")),
        },
        "steps" => {
            let mut tokens = rest.split_whitespace();
            let direction = match tokens.next() {
                Some("<=") | Some("≤") => Direction::LowerIsBetter,
                Some(">=") | Some("≥") => Direction::HigherIsBetter,
                _ => return Err(format!("`{t}`: after `steps` write `<=` (lower is better) or `>=` (higher is better), then THRESHOLD:AMOUNT pairs, e.g. `steps <= 50:9000 100:6000`")),
            };
            let mut steps = Vec::new();
            for tok in tokens {
                let Some((th, am)) = tok.split_once(':') else {
                    return Err(format!("`{tok}` in `{t}` is not a THRESHOLD:AMOUNT pair (e.g. `100:6000`)"));
                };
                steps.push(RawStep { threshold: number(th), amount: number(am) });
            }
            if steps.is_empty() {
                return Err(format!("`{t}`: no THRESHOLD:AMOUNT step"));
            }
            Ok((IndicatorKind::Steps, Some(direction), Some(steps), None, None))
        }
        _ => Err(format!("`{t}` is not a payout scale: leave it empty (binary), or write `linear 40..70`, `steps <= 50:9000 100:6000` or `steps >= 69.7:1000 75:3500`")),
    }
}

/// The trimmed text of column `col` in `row` (empty when the row is short or the column absent).
fn cell<'r>(row: &'r CsvRow<'_>, col: Option<usize>) -> &'r str {
    col.and_then(|c| row.cells.get(c)).map_or("", |c| c.text.trim())
}

struct Ctx<'a> {
    file: &'a str,
    cols: &'a Columns,
    rules: &'a RuleSet,
    sha: &'a str,
}

impl Ctx<'_> {
    fn pos(&self, row: &CsvRow, col: Option<usize>) -> (usize, usize) {
        (row.line, col.and_then(|c| row.cells.get(c)).map_or(1, |c| c.col))
    }

    fn loc(&self, row: &CsvRow, col: usize) -> Location {
        let (line, column) = self.pos(row, Some(col));
        Location { file: self.file.to_string(), path: Some(self.cols.names[col].clone()), line: Some(line), column: Some(column) }
    }

    /// Columns that describe the contract, not the year: every row of a CPTS repeats them or
    /// leaves them empty.
    fn contract_columns(&self) -> Vec<usize> {
        let c = self.cols;
        let mut v: Vec<usize> = ["name", "region", "department", "population", "population_year", "signature_date"].iter().filter_map(|k| c.fixed.get(k).copied()).collect();
        v.extend(c.start.iter().chain(&c.deployed).flatten());
        for i in &c.indicators {
            v.extend([i.max, i.scale, i.label].into_iter().flatten());
        }
        v
    }

    /// The raw contract of a CPTS from its first row and the rows kept, and where each of its
    /// paths is written. Cells that cannot even be mapped (a bad scale) are diagnostics.
    /// Positions are only recorded when `locate` (the second pass, to place the diagnostics of
    /// an invalid contract): a valid contract needs none.
    fn raw(&self, first: &CsvRow, rows: &[&CsvRow], locate: bool) -> Result<(RawContract, Locator), Vec<Diagnostic>> {
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
        for key in ["id", "name", "region", "department", "population", "population_year", "signature_date"] {
            if f(key).is_some() {
                put!(key.to_string(), first, f(key));
            }
        }
        let opt = |col: Option<usize>| Some(cell(first, col)).filter(|s| !s.is_empty()).map(str::to_string);
        let population_year = match opt(f("population_year")) {
            None => None,
            Some(y) => match y.parse::<u32>() {
                Ok(y) => Some(y),
                Err(_) => {
                    errors.push(Diagnostic::error("E0102", format!("population_year `{y}` is not a year"), self.loc(first, f("population_year").unwrap_or(0))));
                    None
                }
            },
        };
        let mut missions = Vec::new();
        for (m, mission) in self.rules.missions.iter().enumerate() {
            let start = cell(first, c.start[m]);
            let declared: Vec<&IndicatorCols> = c.indicators.iter().filter(|x| x.mission == m && !cell(first, x.max).is_empty()).collect();
            if start.is_empty() {
                if let Some(x) = declared.first() {
                    let mut d = Diagnostic::error("E0104", format!("indicator `{}` of mission `{}` has a maximum but the mission has no start date", x.id, mission.id), self.loc(first, x.max.unwrap_or(0)));
                    d.help = Some(format!("fill `{}.start`, or empty the indicator's `.max`", mission.id));
                    errors.push(d);
                }
                continue;
            }
            let i = missions.len();
            let p = format!("missions[{i}]");
            for path in if locate { vec![p.clone(), format!("{p}.mission"), format!("{p}.start")] } else { Vec::new() } {
                put!(path, first, c.start[m]);
            }
            put!(format!("{p}.full_deployment"), first, c.deployed[m]);
            put!(format!("{p}.indicators"), first, declared.first().map_or(c.start[m], |x| x.max));
            let mut indicators = Vec::new();
            for (j, x) in declared.iter().enumerate() {
                let ip = format!("{p}.indicators[{j}]");
                for path in if locate { vec![ip.clone(), format!("{ip}.id"), format!("{ip}.max"), format!("{ip}.kind")] } else { Vec::new() } {
                    put!(path, first, x.max);
                }
                put!(format!("{ip}.label"), first, x.label.or(x.max));
                for path in if locate { &["steps", "direction", "baseline", "target"][..] } else { &[] } {
                    put!(format!("{ip}.{path}"), first, x.scale.or(x.max));
                }
                let (kind, direction, steps, baseline, target) = match scale(cell(first, x.scale)) {
                    Ok(s) => s,
                    Err(m) => {
                        errors.push(Diagnostic::error("E0704", format!("indicator `{}`: {m}", x.id), self.loc(first, x.scale.unwrap_or(0))));
                        continue;
                    }
                };
                let label = Some(cell(first, x.label)).filter(|s| !s.is_empty()).unwrap_or(&x.id).to_string();
                indicators.push(RawIndicator { id: x.id.clone(), label, max: number(cell(first, x.max)), kind, direction, steps, baseline, target });
            }
            let deployed = Some(cell(first, c.deployed[m])).filter(|s| !s.is_empty()).map(date);
            missions.push(RawEngagement { mission: mission.id.clone(), start: date(start), full_deployment: deployed, indicators });
        }
        let kinds: HashMap<&str, IndicatorKind> = missions.iter().flat_map(|e| &e.indicators).map(|i| (i.id.as_str(), i.kind)).collect();
        let mut results = Vec::new();
        for (j, row) in rows.iter().enumerate() {
            let rp = format!("results[{j}]");
            for path in if locate { vec![rp.clone(), format!("{rp}.contract_year")] } else { Vec::new() } {
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
                let v = match kinds.get(x.id.as_str()) {
                    Some(IndicatorKind::Binary) => boolean(v).map_or_else(|| v.to_string(), |b| b.to_string()),
                    _ => number(v),
                };
                observations.insert(x.id.clone(), v);
            }
            // Checked before: a row whose year or crisis flag is unreadable is not kept.
            let contract_year = cell(row, f("contract_year")).parse().unwrap_or(0);
            let crisis_recognised = boolean(cell(row, f("crisis_recognised"))).unwrap_or(false);
            let population = Some(cell(row, f("year_population"))).filter(|s| !s.is_empty()).map(number);
            results.push(RawYearResult { contract_year, population, crisis_recognised, observations });
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
            population: number(cell(first, f("population"))),
            population_year,
            signature_date: date(cell(first, f("signature_date"))),
            missions,
            results,
            expected: Vec::new(),
        };
        Ok((raw, loc))
    }

    /// Shows a diagnostic's path as the column its cell is in.
    fn name_column(&self, rows: &[&CsvRow], d: &mut Diagnostic) {
        let (Some(line), Some(col)) = (d.location.line, d.location.column) else { return };
        let Some(row) = rows.iter().find(|r| r.line == line) else { return };
        if let Some(i) = row.cells.iter().position(|c| c.col == col) {
            if let Some(name) = self.cols.names.get(i) {
                d.location.path = Some(name.clone());
            }
        }
    }

    /// The records of the rows of one CPTS (`rows`, in file order), and its contract if valid.
    fn group(&self, rows: &[&CsvRow]) -> (Option<Contract>, Vec<RecordState>) {
        let first = rows[0];
        let mut states: Vec<Option<RecordState>> = vec![None; rows.len()];
        // A later row that contradicts the first on a contract column fails alone.
        for (r, row) in rows.iter().enumerate().skip(1) {
            for col in self.contract_columns() {
                let (v, w) = (cell(row, Some(col)), cell(first, Some(col)));
                if !v.is_empty() && v != w {
                    let d = Diagnostic::error("E0703", format!("column `{}` is `{v}` here but `{w}` on the first row of CPTS `{}` (line {}): a contract's columns must be the same on all its rows", self.cols.names[col], cell(first, self.cols.fixed.get("id").copied()), first.line), self.loc(row, col))
                        .with_help("leave the cell empty or repeat the first row's value");
                    states[r] = Some(RecordState::Failed(vec![d]));
                    break;
                }
            }
        }
        // Each row's own year and crisis flag.
        for (r, row) in rows.iter().enumerate() {
            if states[r].is_some() {
                continue;
            }
            let mut errors = Vec::new();
            if let Some(&col) = self.cols.fixed.get("contract_year") {
                let v = cell(row, Some(col));
                if v.parse::<u32>().is_err() {
                    errors.push(Diagnostic::error("E0102", format!("contract_year `{v}` is not a contract year (1 to {})", self.rules.contract_length_years), self.loc(row, col)));
                }
            }
            if let Some(&col) = self.cols.fixed.get("crisis_recognised") {
                let v = cell(row, Some(col));
                if !v.is_empty() && boolean(v).is_none() {
                    errors.push(Diagnostic::error("E0102", format!("crisis_recognised `{v}` is not true or false"), self.loc(row, col)).with_help("write true/false (or oui/non, 1/0); empty is false"));
                }
            }
            if !errors.is_empty() {
                states[r] = Some(RecordState::Failed(errors));
            }
        }
        // Validate the contract with the rows left; a problem with one row's results drops that
        // row and the rest is validated again.
        loop {
            let kept: Vec<usize> = (0..rows.len()).filter(|r| states[*r].is_none()).collect();
            if kept.is_empty() {
                break;
            }
            let kept_rows: Vec<&CsvRow> = kept.iter().map(|r| rows[*r]).collect();
            // Validate without positions first; only an invalid contract is validated again with
            // them (the same checks, now located).
            let result = self.raw(first, &kept_rows, false).and_then(|(raw, loc)| Contract::from_raw(&raw, &loc, self.rules, self.sha)).or_else(|_| self.raw(first, &kept_rows, true).and_then(|(raw, loc)| Contract::from_raw(&raw, &loc, self.rules, self.sha)));
            let mut errors = match result {
                Ok((c, _)) => {
                    let states = states.into_iter().zip(0..).map(|(s, r)| s.unwrap_or(RecordState::Loaded { contract: 0, contract_year: Some(cell(rows[r], self.cols.fixed.get("contract_year").copied()).parse().unwrap_or(0)) })).collect();
                    return (Some(c), states);
                }
                Err(e) => e,
            };
            // `results[j]` is the j-th row kept; any other path is about the contract.
            let per_row: Vec<Option<usize>> = errors
                .iter()
                .map(|d| {
                    let p = d.location.path.as_deref()?.strip_prefix("results[")?;
                    let j: usize = p[..p.find(']')?].parse().ok()?;
                    kept.get(j).copied()
                })
                .collect();
            for d in &mut errors {
                self.name_column(rows, d);
            }
            if per_row.iter().all(Option::is_some) {
                for (d, r) in errors.into_iter().zip(per_row) {
                    let r = r.unwrap_or(0);
                    match &mut states[r] {
                        Some(RecordState::Failed(ds)) => ds.push(d),
                        _ => states[r] = Some(RecordState::Failed(vec![d])),
                    }
                }
                continue;
            }
            // The contract itself is invalid: every row kept fails, the first with the
            // diagnostics and the others pointing at it.
            let id = cell(first, self.cols.fixed.get("id").copied()).to_string();
            let first_kept = kept[0];
            for (n, r) in kept.into_iter().enumerate() {
                states[r] = Some(RecordState::Failed(if n == 0 {
                    std::mem::take(&mut errors)
                } else {
                    let loc = Location { file: self.file.to_string(), path: None, line: Some(rows[r].line), column: Some(1) };
                    vec![Diagnostic::error("E0706", format!("row not evaluated: the contract of CPTS `{id}` is invalid (see line {})", rows[first_kept].line), loc)]
                }));
            }
            break;
        }
        (None, states.into_iter().map(|s| s.unwrap_or(RecordState::Failed(Vec::new()))).collect())
    }
}

pub(super) fn load(file: &str, text: &str, sha: &str, rules: &RuleSet) -> Piece {
    let rows = parse_csv(text);
    let mut piece = Piece { contracts: Vec::new(), records: Vec::new() };
    let Some((head, data)) = rows.split_first() else {
        let d = Diagnostic::error("E0702", "the CSV file is empty: expected a header and one row per CPTS and contract year", Location::file(file));
        piece.records.push(Record { origin: Origin { file: file.to_string(), line: None, entry: None }, state: RecordState::Failed(vec![d]) });
        return piece;
    };
    let cols = match header(file, head, rules) {
        Ok(c) => c,
        Err(ds) => {
            piece.records.push(Record { origin: Origin { file: file.to_string(), line: Some(head.line), entry: Some("header".into()) }, state: RecordState::Failed(ds) });
            return piece;
        }
    };
    let ctx = Ctx { file, cols: &cols, rules, sha };
    // Rows grouped by CPTS id, in order of first appearance; records keep the file's order.
    let id_col = cols.fixed.get("id").copied();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut states: Vec<Option<RecordState>> = vec![None; data.len()];
    for (r, row) in data.iter().enumerate() {
        let id = cell(row, id_col);
        if id.is_empty() {
            let loc = Location { file: file.to_string(), path: Some("id".into()), line: Some(row.line), column: Some(ctx.pos(row, id_col).1) };
            states[r] = Some(RecordState::Failed(vec![Diagnostic::error("E0104", "missing CPTS id", loc)]));
            continue;
        }
        let g = *by_id.entry(id).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(r);
    }
    // CPTS are validated in parallel; the order of the results is the order of the groups.
    let built: Vec<(Option<Contract>, Vec<RecordState>)> = groups.par_iter().map(|g| ctx.group(&g.iter().map(|r| &data[*r]).collect::<Vec<_>>())).collect();
    for (g, (contract, group_states)) in groups.iter().zip(built) {
        let index = contract.map(|c| {
            piece.contracts.push(c);
            piece.contracts.len() - 1
        });
        for (r, mut s) in g.iter().zip(group_states) {
            if let (RecordState::Loaded { contract, .. }, Some(i)) = (&mut s, index) {
                *contract = i;
            }
            states[*r] = Some(s);
        }
    }
    for (row, state) in data.iter().zip(states) {
        let origin = Origin { file: file.to_string(), line: Some(row.line), entry: Some(format!("row {}", row.line)) };
        piece.records.push(Record { origin, state: state.unwrap_or(RecordState::Failed(Vec::new())) });
    }
    piece
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quotes_separators_and_positions() {
        let rows = parse_csv("\u{feff}a;b;c\n1;\"x;\"\"y\";3\r\n\n;;\n4;5;6");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cells[1].text, "x;\"y");
        assert_eq!(rows[1].line, 2);
        assert_eq!(rows[1].cells[2].col, 11);
        assert_eq!(rows[2].line, 5);
    }

    #[test]
    fn scales() {
        assert!(matches!(scale("").unwrap().0, IndicatorKind::Binary));
        let (k, _, _, b, t) = scale("linear 40,5..70").unwrap();
        assert_eq!((k, b.as_deref(), t.as_deref()), (IndicatorKind::Linear, Some("40.5"), Some("70")));
        let (_, d, s, _, _) = scale("steps <= 50:9000 100:6000").unwrap();
        assert_eq!(d, Some(Direction::LowerIsBetter));
        assert_eq!(s.unwrap().len(), 2);
        assert!(scale("steps 50:9000").is_err());
        assert_eq!(date("5/3/2024"), "2024-03-05");
        assert_eq!(number("62 000,5"), "62000.5");
    }
}
