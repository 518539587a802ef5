//! `serve`: the web front-end. An HTTP API under `/api/v1` whose documents are the CLI's
//! `--format json` documents, and the treasurer's simulator page (HTML, CSS and JavaScript
//! embedded in the binary: nothing is fetched from elsewhere). Like the CLI it holds no rule and
//! no arithmetic: every handler calls the library. The rules are read once, at startup.
//!
//! Limits: a body over `--max-body` is 413; a request that runs longer than `--timeout` is cut
//! (408; the evaluation it started finishes on its blocking thread, its answer dropped); CPU work runs on the blocking pool, never on the async workers. Every response
//! carries `Content-Security-Policy: default-src 'self'` and `X-Content-Type-Options: nosniff`.
//! No endpoint reads or writes a file named by the request.

mod api;
mod assets;

use crate::args::RulesArg;
use crate::error::CliError;
use crate::load;
use crate::output::Printer;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use cpts_funding::rules::RuleSet;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub const EXAMPLES: &str = "Examples:
  cpts-funding serve                          # http://127.0.0.1:8080/
  cpts-funding serve --addr 127.0.0.1:0       # a free port, printed on startup
  curl -s --data-binary @fixtures/ok/t2-first-year-prorata/contract.yaml \\
       -H 'Content-Type: application/yaml' 'http://127.0.0.1:8080/api/v1/compute?year=2024'";

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on (HOST:PORT; port 0 picks a free one). Only loopback by default:
    /// listening on another interface needs this flag, explicitly.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The largest request body accepted, in bytes (larger: 413).
    #[arg(long, value_name = "BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_body: usize,
    /// How long a request may run before it is cut (408): seconds (`20`, `20s`) or
    /// milliseconds (`500ms`).
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = duration)]
    pub timeout: Duration,
    #[command(flatten)]
    pub rules: RulesArg,
}

/// What every handler shares: the rules, read and validated once.
pub struct State {
    pub rules: RuleSet,
}

/// The whole application: API, pages, limits and headers.
pub fn router(state: Arc<State>, max_body: usize, timeout: Duration) -> Router {
    let api = Router::new()
        .route("/compute", post(api::compute))
        .route("/budget", post(api::budget))
        .route("/explain", post(api::explain))
        .route("/max", get(api::max))
        .route("/rules", get(api::rules))
        .route("/check", post(api::check))
        .route("/contract", post(api::contract_json))
        .route("/portfolio", post(api::portfolio))
        .route("/diff", post(api::diff))
        .route("/openapi.json", get(assets::openapi))
        .fallback(api::not_found);
    Router::new()
        .nest("/api/v1", api)
        .route("/", get(assets::index))
        .route("/rules", get(assets::rules_page))
        .route("/assets/{file}", get(assets::asset))
        .route("/schema/{file}", get(assets::schema))
        .fallback(api::not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}

/// `20`, `20s` or `500ms`; at least one millisecond.
fn duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (digits, ms) = match t.strip_suffix("ms") {
        Some(d) => (d, true),
        None => (t.strip_suffix('s').unwrap_or(t), false),
    };
    let n: u64 =
        digits.parse().map_err(|_| format!("`{text}`: seconds (20s) or milliseconds (500ms)"))?;
    let d = if ms { Duration::from_millis(n) } else { Duration::from_secs(n) };
    if d.is_zero() {
        return Err("the timeout must be at least 1ms".into());
    }
    Ok(d)
}

pub fn run(a: &Args, p: &mut Printer) -> Result<ExitCode, CliError> {
    let rules = load::rules(&a.rules, p)?;
    let state = Arc::new(State { rules });
    let app = router(state, a.max_body, a.timeout);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // The YAML parser recurses on nesting (bounded by its depth limit): room for it.
        .thread_stack_size(8 << 20)
        .build()
        .map_err(|e| CliError::usage("serve", format!("cannot start the server: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(a.addr)
            .await
            .map_err(|e| CliError::usage("--addr", format!("cannot listen on {}: {e}", a.addr)))?;
        let bound = listener
            .local_addr()
            .map_err(|e| CliError::usage("--addr", format!("no local address: {e}")))?;
        if !bound.ip().is_loopback() {
            p.message(
                "warning",
                &format!("listening on {bound}, beyond loopback: anyone who reaches it can use it"),
            );
        }
        p.out(&format!("listening on http://{bound}\n"))?;
        p.flush()?;
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(CliError::Output)
    })?;
    Ok(ExitCode::SUCCESS)
}
