//! The `/api/v1` handlers. Each reads its query and body (UTF-8, bounded by the body limit), then
//! does the work on the blocking pool through the same library calls as the CLI command of the
//! same name, and answers the same JSON document. A problem with the request is 400 (unreadable
//! body, YAML/JSON syntax, bad parameter) or 422 (a document that does not validate or cannot be
//! evaluated), with `{"diagnostics": [...]}`: code, severity, message, and the line and column
//! inside the posted document (for `diff`, inside the envelope's `variant` or `portfolio` text).

use super::State;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State as AxState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cpts_funding::budget::{load_scenario, project, Scenarios};
use cpts_funding::calendar::{parse_date, Date};
use cpts_funding::diagnostic::{Code, Diagnostic, Location};
use cpts_funding::eval::{evaluate, max_per_tier, Selection};
use cpts_funding::explain::{explain_year, render_json, select, Lang};
use cpts_funding::input::Contract;
use cpts_funding::portfolio::{self, aggregate, input_kind, InputKind, Portfolio, RecordState};
use cpts_funding::report::portfolio::json_out;
use cpts_funding::report::{budget_json, html, json, page, rules_json};
use cpts_funding::rules::RuleSet;
use cpts_funding::variant::{self, diff, render};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

mod batch;

pub use batch::{check, diff, portfolio};

type St = AxState<Arc<State>>;
type Q = Result<Query<Params>, QueryRejection>;
type Body = Result<Bytes, BytesRejection>;

/// Every query parameter of the API, as text (each handler reads the ones it takes).
#[derive(Deserialize, Default)]
pub struct Params {
    year: Option<String>,
    contract_year: Option<String>,
    date: Option<String>,
    lang: Option<String>,
    line: Option<String>,
    format: Option<String>,
    scenario: Option<String>,
}

/// An answer: a status, a content type, a body, and a file name to save it under.
pub struct Reply {
    status: StatusCode,
    content_type: &'static str,
    body: String,
    attachment: Option<String>,
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut r = (self.status, self.body).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        if let Some(name) = self.attachment {
            let v = format!("attachment; filename=\"{name}\"");
            if let Ok(v) = HeaderValue::from_str(&v) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
        }
        r
    }
}

const JSON: &str = "application/json";

fn ok(body: String) -> Reply {
    Reply { status: StatusCode::OK, content_type: JSON, body, attachment: None }
}

#[derive(Serialize)]
struct DiagnosticsDoc<'a> {
    diagnostics: &'a [Diagnostic],
}

fn diagnostics_json(diags: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(&DiagnosticsDoc { diagnostics: diags }).unwrap_or_default() + "\n"
}

/// Problems with the request: 400 when it cannot be read as a document at all (syntax, bad
/// parameter, unreadable body), 422 when it can but does not validate or evaluate.
fn rejected(diags: Vec<Diagnostic>) -> Reply {
    let syntax = diags.iter().any(|d| matches!(d.code, Code::E0001 | Code::E0002 | Code::E0101));
    let status = if syntax { StatusCode::BAD_REQUEST } else { StatusCode::UNPROCESSABLE_ENTITY };
    Reply { status, content_type: JSON, body: diagnostics_json(&diags), attachment: None }
}

fn bad_param(name: &str, message: impl Into<String>) -> Reply {
    rejected(vec![Diagnostic::error(Code::E0002, message, Location::file(name))])
}

/// Runs `f` on the blocking pool (evaluations are CPU work). A panic is a bug: 500, said so.
async fn blocking(f: impl FnOnce() -> Reply + Send + 'static) -> Reply {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => Reply {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            content_type: JSON,
            body: diagnostics_json(&[Diagnostic::error(
                Code::E0001,
                format!("internal error: {e}"),
                Location::file("request"),
            )]),
            attachment: None,
        },
    }
}

/// The request's parameters and body text; the file name diagnostics give the body follows its
/// content type (`request.json`, `request.csv`, else `request.yaml`).
struct Request {
    params: Params,
    name: &'static str,
    text: String,
}

fn read(q: Q, headers: &HeaderMap, body: Body) -> Result<Request, Reply> {
    let params = match q {
        Ok(Query(p)) => p,
        Err(e) => return Err(bad_param("query", e.body_text())),
    };
    let bytes = match body {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error(Code::E0001, e.body_text(), Location::file("request"));
            let mut r = rejected(vec![d]);
            r.status = e.status();
            return Err(r);
        }
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let name = if ct.contains("json") {
        "request.json"
    } else if ct.contains("csv") {
        "request.csv"
    } else {
        "request.yaml"
    };
    let text = match String::from_utf8(bytes.to_vec()) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let before = &bytes[..at];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let column = at - before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
            let loc = Location { line: Some(line), column: Some(column), ..Location::file(name) };
            let msg = format!("the body is not UTF-8 text (byte {at})");
            return Err(rejected(vec![Diagnostic::error(Code::E0101, msg, loc)]));
        }
    };
    Ok(Request { params, name, text })
}

fn number<T: std::str::FromStr>(name: &str, v: &Option<String>) -> Result<Option<T>, Reply> {
    match v {
        None => Ok(None),
        Some(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| bad_param(name, format!("`{name}={s}` is not a whole number"))),
    }
}

/// `year=Y` or `contract_year=K` (neither: every contract year), checked against the rules.
fn selection(p: &Params, rules: &RuleSet) -> Result<Selection, Reply> {
    let s = Selection::new(number("year", &p.year)?, number("contract_year", &p.contract_year)?);
    s.check(rules).map_err(|e| rejected(vec![e.to_diagnostic("contract_year")]))?;
    Ok(s)
}

fn date(p: &Params) -> Result<Date, Reply> {
    match &p.date {
        None => Ok(super::assets::today()),
        Some(d) => parse_date(d)
            .map_err(|m| rejected(vec![Diagnostic::error(Code::E0002, m, Location::file("date"))])),
    }
}

fn contract(rules: &RuleSet, r: &Request) -> Result<Contract, Reply> {
    shallow(r.name, &r.text)?;
    Contract::from_text(r.name, &r.text, rules).map(|(c, _)| c).map_err(rejected)
}

/// How deep a YAML text may nest, counted cheaply before parsing: flow brackets open at once,
/// and the width of a line's indentation and block indicators (`- `, `? `), which each nested
/// block level widens. The parser's own limit is lower (128 levels); this bound keeps a body
/// nested thousands deep from ever reaching the parser's recursion, whose stack it would blow.
const MAX_FLOW_DEPTH: usize = 256;
const MAX_BLOCK_PREFIX: usize = 1024;

/// A text nested beyond the bounds above is 400 (E0101), located at the line where it goes
/// too deep.
fn shallow(name: &str, text: &str) -> Result<(), Reply> {
    let mut flow = 0usize;
    for (i, line) in text.lines().enumerate() {
        let prefix =
            line.bytes().take_while(|b| matches!(b, b' ' | b'\t' | b'-' | b'?' | b':')).count();
        let mut too_deep = (prefix > MAX_BLOCK_PREFIX).then_some(prefix);
        for (j, b) in line.bytes().enumerate() {
            match b {
                b'[' | b'{' => flow += 1,
                b']' | b'}' => flow = flow.saturating_sub(1),
                _ => {}
            }
            if flow > MAX_FLOW_DEPTH && too_deep.is_none() {
                too_deep = Some(j);
            }
        }
        if let Some(col) = too_deep {
            let loc = Location { line: Some(i + 1), column: Some(col + 1), ..Location::file(name) };
            let msg = format!(
                "the document nests too deep (more than {MAX_FLOW_DEPTH} brackets or an \
                 indentation of {MAX_BLOCK_PREFIX} columns)"
            );
            return Err(rejected(vec![Diagnostic::error(Code::E0101, msg, loc)]));
        }
    }
    Ok(())
}

/// Runs `work` on the blocking pool over the request read from `q`, `headers` and `body`.
async fn handle(
    s: Arc<State>,
    q: Q,
    headers: HeaderMap,
    body: Body,
    work: fn(&RuleSet, Request) -> Result<Reply, Reply>,
) -> Reply {
    let r = match read(q, &headers, body) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    blocking(move || work(&s.rules, r).unwrap_or_else(|e| e)).await
}

/// `POST /api/v1/compute?year=Y|contract_year=K`: the `compute --format json` document.
pub async fn compute(AxState(s): St, q: Q, h: HeaderMap, body: Body) -> Reply {
    handle(s, q, h, body, |rules, r| {
        let sel = selection(&r.params, rules)?;
        let c = contract(rules, &r)?;
        let ks = sel.years(rules, &c).map_err(|e| rejected(vec![e.to_diagnostic(r.name)]))?;
        let mut out = Vec::new();
        for k in ks {
            out.push(evaluate(rules, &c, k).map_err(|e| rejected(vec![e.to_diagnostic(r.name)]))?);
        }
        Ok(ok(json::compute(&out)))
    })
    .await
}

/// `POST /api/v1/contract`: a contract file (YAML or JSON) → the same contract as JSON, with
/// the file's keys (amounts and numbers as strings, as read): what the simulator's form loads
/// from an uploaded file. It is parsed, not validated (`check` validates).
pub async fn contract_json(AxState(s): St, q: Q, h: HeaderMap, body: Body) -> Reply {
    handle(s, q, h, body, |_, r| {
        shallow(r.name, &r.text)?;
        let raw = Contract::raw_from_text(r.name, &r.text).map_err(rejected)?;
        Ok(ok(serde_json::to_string_pretty(&raw).unwrap_or_default() + "\n"))
    })
    .await
}

/// A budget request in a JSON envelope: the contract text and a scenario file's text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetEnvelope {
    contract: String,
    scenario: Option<String>,
}

/// `POST /api/v1/budget[?format=html]`: a contract (YAML or JSON), or the envelope
/// `{"contract": "<text>", "scenario": "<text>"}`, → the `budget --format json` document (or
/// the printable HTML page).
pub async fn budget(AxState(s): St, q: Q, h: HeaderMap, body: Body) -> Reply {
    handle(s, q, h, body, |rules, mut r| {
        let html_page = match r.params.format.as_deref() {
            None | Some("json") => false,
            Some("html") => true,
            Some(f) => return Err(bad_param("format", format!("`format={f}`: json or html"))),
        };
        let mut scenario_text = None;
        if r.name == "request.json" {
            if let Ok(env) = serde_json::from_str::<BudgetEnvelope>(&r.text) {
                r.text = env.contract;
                r.name = "contract.yaml";
                scenario_text = env.scenario;
            }
        }
        let c = contract(rules, &r)?;
        let scenario = match &scenario_text {
            None => None,
            Some(t) => {
                shallow("scenario.yaml", t)?;
                Some(load_scenario("scenario.yaml", t, &c, rules).map_err(rejected)?)
            }
        };
        let scenarios = Scenarios::new(&c, scenario.as_ref(), rules.contract_length_years);
        let b = project(rules, &scenarios).map_err(|e| rejected(vec![e.to_diagnostic(r.name)]))?;
        if html_page {
            return Ok(Reply {
                status: StatusCode::OK,
                content_type: "text/html; charset=utf-8",
                body: html::render(&page::budget(&b)),
                attachment: Some(format!("budget-{}.html", safe_name(&c.id.to_string()))),
            });
        }
        Ok(ok(budget_json::budget(&b)))
    })
    .await
}

/// A file name from an id: letters, digits, `-` and `_` only.
fn safe_name(id: &str) -> String {
    id.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).take(64).collect()
}

/// `POST /api/v1/explain?year=Y&lang=fr|en&line=ID`: the `explain --format json` document.
/// `scenario=expected` explains the budget's expected scenario instead (the contract's
/// `expected` values standing for the results not yet measured), as the budget page does.
pub async fn explain(AxState(s): St, q: Q, h: HeaderMap, body: Body) -> Reply {
    handle(s, q, h, body, |rules, r| {
        let lang = match r.params.lang.as_deref() {
            None | Some("fr") => Lang::Fr,
            Some("en") => Lang::En,
            Some(l) => return Err(bad_param("lang", format!("`lang={l}`: fr or en"))),
        };
        let sel = selection(&r.params, rules)?;
        let c = contract(rules, &r)?;
        let c = match r.params.scenario.as_deref() {
            None | Some("results") => c,
            Some("expected") => Scenarios::new(&c, None, rules.contract_length_years).expected,
            Some(x) => {
                return Err(bad_param("scenario", format!("`scenario={x}`: expected or results")))
            }
        };
        let ks = sel.years(rules, &c).map_err(|e| rejected(vec![e.to_diagnostic(r.name)]))?;
        let mut out = Vec::new();
        for k in ks {
            let b = evaluate(rules, &c, k).map_err(|e| rejected(vec![e.to_diagnostic(r.name)]))?;
            let which = select(&b, r.params.line.as_deref()).map_err(|d| rejected(vec![d]))?;
            out.push(explain_year(&b, &which, lang));
        }
        Ok(ok(render_json(&out)))
    })
    .await
}

/// `GET /api/v1/max?date=D`: the `max --format json` document.
pub async fn max(AxState(s): St, q: Q) -> Reply {
    handle(s, q, HeaderMap::new(), Ok(Bytes::new()), |rules, r| {
        let d = date(&r.params)?;
        let t = max_per_tier(rules, d).map_err(|e| rejected(vec![e.to_diagnostic("date")]))?;
        Ok(ok(json::max(&t, &rules.sha256)))
    })
    .await
}

/// `GET /api/v1/rules?date=D` (default: today): the rules in force on that date.
pub async fn rules(AxState(s): St, q: Q) -> Reply {
    handle(s, q, HeaderMap::new(), Ok(Bytes::new()), |rules, r| {
        let d = date(&r.params)?;
        let doc =
            rules_json::rules_at(rules, d).map_err(|e| rejected(vec![e.to_diagnostic("date")]))?;
        Ok(ok(doc))
    })
    .await
}

/// Anything else: 404, as JSON.
pub async fn not_found() -> Reply {
    let d = Diagnostic::error(Code::E0002, "no such endpoint", Location::file("request"));
    let mut r = rejected(vec![d]);
    r.status = StatusCode::NOT_FOUND;
    r
}
