//! The files the server serves from the binary: the simulator page, the rules page, their
//! stylesheet and scripts (separate files: the pages' Content-Security-Policy `default-src
//! 'self'` allows no inline script or style), and the OpenAPI description. Nothing is read from
//! disk and nothing links outside the server.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use cpts_funding::calendar::Date;

const INDEX: &str = include_str!("assets/index.html");
const RULES: &str = include_str!("assets/rules.html");
const STYLE: &str = include_str!("assets/style.css");
const APP: &str = include_str!("assets/app.js");
const RULES_JS: &str = include_str!("assets/rules.js");
const FAVICON: &str = include_str!("assets/favicon.svg");
const OPENAPI: &str = include_str!("assets/openapi.json");

fn file(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

pub async fn index() -> Response {
    file("text/html; charset=utf-8", INDEX)
}

pub async fn rules_page() -> Response {
    file("text/html; charset=utf-8", RULES)
}

pub async fn openapi() -> Response {
    file("application/json", OPENAPI)
}

/// `/assets/{file}`: one of the embedded files, by its exact name (no path is ever opened).
pub async fn asset(Path(name): Path<String>) -> Response {
    match name.as_str() {
        "style.css" => file("text/css; charset=utf-8", STYLE),
        "app.js" => file("text/javascript; charset=utf-8", APP),
        "rules.js" => file("text/javascript; charset=utf-8", RULES_JS),
        "favicon.svg" => file("image/svg+xml", FAVICON),
        _ => super::api::not_found().await.into_response(),
    }
}

/// `/schema/{name}.json`: the JSON Schema of an input file (contract, rules, variant, scenario),
/// generated from the raw types as the checked-in `schema/*.schema.json` are.
pub async fn schema(Path(name): Path<String>) -> Response {
    let text = match name.as_str() {
        "contract.json" => cpts_funding::schema::contract(),
        "rules.json" => cpts_funding::schema::rules(),
        "variant.json" => cpts_funding::schema::variant(),
        "scenario.json" => cpts_funding::schema::scenario(),
        _ => return super::api::not_found().await.into_response(),
    };
    ([(header::CONTENT_TYPE, "application/schema+json")], text).into_response()
}

/// Today's date (UTC), the default date of the rules endpoint: the binary reads the clock, the
/// library never does.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i32::try_from(secs / 86_400).unwrap_or(0);
    // 719 163: days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
    Date::from_num_days_from_ce_opt(719_163 + days).unwrap_or_default()
}
