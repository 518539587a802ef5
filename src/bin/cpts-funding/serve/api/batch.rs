//! The batch endpoints: `POST /check`, `/portfolio` and `/diff`, each the JSON document of the
//! CLI command of the same name, on a portfolio given in the body.

use super::*;

#[derive(Serialize)]
struct CheckDoc<'a> {
    format_version: u32,
    kind: &'static str,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    records: Option<Records>,
    diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct Records {
    read: usize,
    valid: usize,
    invalid: usize,
}

/// `POST /api/v1/check`: a contract, a portfolio (CSV, or YAML/JSON with `cpts:`) or a variant,
/// recognised as the CLI's `check` does; 200 when valid (warnings listed), else 422, with the
/// same document.
pub async fn check(AxState(s): St, q: Q, h: HeaderMap, body: Body) -> Reply {
    handle(s, q, h, body, |rules, r| {
        let mut diags = Vec::new();
        let mut records = None;
        if r.name != "request.csv" {
            shallow(r.name, &r.text)?;
        }
        let (kind, valid) = match input_kind(r.name, &r.text) {
            InputKind::Csv | InputKind::PortfolioFile => {
                let pf = portfolio::load(&[(r.name.to_string(), r.text.clone())], rules);
                let mut invalid = 0;
                for rec in &pf.records {
                    if let RecordState::Failed(d) = &rec.state {
                        diags.extend(d.iter().cloned());
                        invalid += 1;
                    }
                }
                let n = pf.records.len();
                records = Some(Records { read: n, valid: n - invalid, invalid });
                ("portfolio", invalid == 0)
            }
            InputKind::Variant => match variant::load_applied(r.name, &r.text, rules) {
                Ok(_) => ("variant", true),
                Err(d) => {
                    diags = d;
                    ("variant", false)
                }
            },
            InputKind::Contract => match Contract::from_text(r.name, &r.text, rules) {
                Ok((_, w)) => {
                    diags = w;
                    ("contract", true)
                }
                Err(d) => {
                    diags = d;
                    ("contract", false)
                }
            },
        };
        let doc = CheckDoc { format_version: 1, kind, valid, records, diagnostics: &diags };
        let body = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        let status = if valid { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        Ok(Reply { status, content_type: JSON, body, attachment: None })
    })
    .await
}

/// A portfolio read from one text: `csv`, or a portfolio file in YAML or JSON.
fn load_portfolio(rules: &RuleSet, name: &str, text: String) -> Portfolio {
    portfolio::load(&[(name.to_string(), text)], rules)
}

/// Every record failed: nothing to compute (422 with all their diagnostics).
fn all_failed(pf: &Portfolio) -> Option<Reply> {
    let mut diags = Vec::new();
    for rec in &pf.records {
        match &rec.state {
            RecordState::Failed(d) => diags.extend(d.iter().cloned()),
            RecordState::Loaded { .. } => return None,
        }
    }
    if diags.is_empty() {
        diags.push(Diagnostic::error(
            Code::E0702,
            "the portfolio holds no CPTS",
            Location::file("request"),
        ));
    }
    Some(rejected(diags))
}

/// `POST /api/v1/portfolio?year=Y`: a CSV (`text/csv`) or a portfolio file (YAML or JSON) → the
/// portfolio `compute --format json` document (failed records under `failures`, as the CLI).
pub async fn portfolio(AxState(s): St, q: Q, h: HeaderMap, body: Body) -> Reply {
    handle(s, q, h, body, |rules, r| {
        let sel = selection(&r.params, rules)?;
        let name = match r.name {
            "request.csv" => "portfolio.csv",
            "request.json" => "portfolio.json",
            _ => "portfolio.yaml",
        };
        if name != "portfolio.csv" {
            shallow(name, &r.text)?;
        }
        let pf = load_portfolio(rules, name, r.text);
        if let Some(reply) = all_failed(&pf) {
            return Err(reply);
        }
        let run = portfolio::evaluate(rules, &pf, sel, &|| {});
        let sums =
            aggregate(rules, &pf, run.rows()).map_err(|e| rejected(vec![e.to_diagnostic(name)]))?;
        Ok(ok(json_out::portfolio(rules, &pf, &run, &sums)))
    })
    .await
}

/// `POST /api/v1/diff?year=Y`: a JSON envelope `{"variant": "<variant YAML>", "portfolio":
/// "<CSV or portfolio file>", "portfolio_format": "csv|json|yaml"}` → the `diff --format json`
/// document. Diagnostics locate lines and columns inside the `variant` or `portfolio` text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffEnvelope {
    variant: String,
    portfolio: String,
    #[serde(default)]
    portfolio_format: Option<String>,
}

pub async fn diff(AxState(s): St, q: Q, h: HeaderMap, body: Body) -> Reply {
    handle(s, q, h, body, |base, r| {
        let sel = selection(&r.params, base)?;
        let env: DiffEnvelope = serde_json::from_str(&r.text).map_err(|e| {
            let loc = Location {
                line: Some(e.line()),
                column: Some(e.column()),
                ..Location::file("request.json")
            };
            let msg = format!("the diff envelope is not {{\"variant\", \"portfolio\", \"portfolio_format\"}}: {e}");
            rejected(vec![Diagnostic::error(Code::E0002, msg, loc)])
        })?;
        let name = match env.portfolio_format.as_deref() {
            None | Some("csv") => "portfolio.csv",
            Some("json") => "portfolio.json",
            Some("yaml") => "portfolio.yaml",
            Some(f) => {
                return Err(bad_param("portfolio_format", format!("`{f}`: csv, json or yaml")))
            }
        };
        shallow("variant.yaml", &env.variant)?;
        if name != "portfolio.csv" {
            shallow(name, &env.portfolio)?;
        }
        let (v, rules) = variant::load_applied("variant.yaml", &env.variant, base).map_err(rejected)?;
        let pf = load_portfolio(base, name, env.portfolio);
        if let Some(reply) = all_failed(&pf) {
            return Err(reply);
        }
        let variants = [v];
        let d = diff::diff(base, &variants, &rules, &pf, sel, &|| {})
            .map_err(|e| rejected(vec![e.to_diagnostic("variant.yaml")]))?;
        Ok(ok(render::diff_json(base, &variants, &pf, &d, sel)))
    })
    .await
}
