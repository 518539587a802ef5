//! `cpts-funding serve`, as a client sees it: the real binary on an ephemeral loopback port, each
//! endpoint called over HTTP and its document compared with the CLI's `--format json` output for
//! the same input (file names and the hashes that cover them left out: the API names the posted
//! body `request.yaml`); the 400 / 413 / 422 cases and malformed bodies (random bytes, deep
//! nesting, a huge minified JSON), after which the server must still answer; the headers.

use crate::fixtures::{root, run};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The server, killed when dropped.
struct Server {
    child: Child,
    base: String,
    agent: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    body: String,
    content_type: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn start(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cpts-funding"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
    Server { child, base, agent }
}

impl Server {
    fn call(&self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Answer {
        let req = self.agent.request(method, &format!("{}{path}", self.base));
        let res = if method == "GET" {
            req.call()
        } else {
            req.set("Content-Type", content_type).send_bytes(body)
        };
        let res = match res {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: no answer: {e}"),
        };
        let status = res.status();
        let csp = res.header("content-security-policy").map(str::to_string);
        let nosniff = res.header("x-content-type-options").map(str::to_string);
        let content_type = res.header("content-type").unwrap_or("").to_string();
        let mut body = String::new();
        res.into_reader().read_to_string(&mut body).expect("body");
        assert!(status < 500, "{method} {path}: {status} {body}");
        assert_eq!(csp.as_deref(), Some("default-src 'self'"), "{method} {path}");
        assert_eq!(nosniff.as_deref(), Some("nosniff"), "{method} {path}");
        Answer { status, body, content_type }
    }

    fn get(&self, path: &str) -> Answer {
        self.call("GET", path, "", b"")
    }

    fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Answer {
        self.call("POST", path, content_type, body)
    }

    fn post_file(&self, path: &str, content_type: &str, file: &str) -> Answer {
        let text = std::fs::read(root().join(file)).expect("fixture");
        self.post(path, content_type, &text)
    }

    /// The server still computes after whatever came before.
    fn still_answers(&self) {
        let a = self.get("/api/v1/max?date=2019-09-01");
        assert_eq!(a.status, 200);
        assert_eq!(a.json()["tiers"][0]["total"], "220000.00");
    }
}

/// `v` without the keys that name files (and the hashes that cover the names): the API's posted
/// body is `request.yaml`, the CLI's is a path.
fn strip(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in [
                    "file",
                    "input_file",
                    "scenario_file",
                    "rules_file",
                    "rules_sha256",
                    "sha256",
                    "inputs",
                ] {
                    m.remove(k);
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

/// The path of the first place where `a` and `b` differ.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => first_difference(p, q, &format!("{at}.{k}")),
                _ => Some(format!("{at}.{k} (only on one side)")),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {} vs {}", short(a), short(b))),
    }
}

fn short(v: &Value) -> String {
    v.to_string().chars().take(200).collect()
}

/// `api` and `cli` are the same document (file names and hashes left out).
fn same(api: Value, cli: Value, what: &str) {
    if let Some(d) = first_difference(&strip(api), &strip(cli), "") {
        panic!("{what}: the API and the CLI differ at {d}");
    }
}

fn cli_json(args: &[&str]) -> Value {
    let (_, out, err) = run(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out} {err}"))
}

const T2: &str = "fixtures/ok/t2-first-year-prorata/contract.yaml";
const BUDGET: &str = "fixtures/budget/t2-expected-in-contract/contract.yaml";
const YAML: &str = "application/yaml";

#[test]
fn serve_compute_budget_explain_give_the_cli_documents() {
    let s = start(&[]);
    let api = s.post_file("/api/v1/compute?year=2024", YAML, T2);
    assert_eq!(api.status, 200, "{}", api.body);
    assert_eq!(api.content_type, "application/json");
    let cli = cli_json(&["compute", T2, "--year", "2024", "--format", "json"]);
    same(api.json(), cli.clone(), "compute --year");
    // The amounts themselves, not only their agreement: the fixture's hand-computed total.
    assert_eq!(api.json()["evaluations"][0]["total"], cli["evaluations"][0]["total"]);
    // The same receipt hash of the input: the API read the same bytes.
    assert_eq!(
        api.json()["evaluations"][0]["receipt"]["input_sha256"],
        cli["evaluations"][0]["receipt"]["input_sha256"]
    );

    let api = s.post_file("/api/v1/compute?contract_year=2", YAML, T2);
    let cli = cli_json(&["compute", T2, "--contract-year", "2", "--format", "json"]);
    same(api.json(), cli, "compute --contract-year");

    let api = s.post_file("/api/v1/budget", YAML, BUDGET);
    assert_eq!(api.status, 200, "{}", api.body);
    same(api.json(), cli_json(&["budget", BUDGET, "--format", "json"]), "budget");

    let api = s.post_file("/api/v1/explain?contract_year=2&lang=en", YAML, BUDGET);
    let cli =
        cli_json(&["explain", BUDGET, "--contract-year", "2", "--lang", "en", "--format", "json"]);
    assert_eq!(api.json(), cli);
    let api = s.post_file("/api/v1/explain?year=2024&line=acces_soins.fixed", YAML, T2);
    let cli = cli_json(&["explain", T2, "--year", "2024", "acces_soins.fixed", "--format", "json"]);
    assert_eq!(api.json(), cli);

    // The printable page is the CLI's page, byte for byte, offered as a file to save.
    let api = s.post_file("/api/v1/budget?format=html", YAML, BUDGET);
    let (_, cli, _) = run(&["budget", BUDGET, "--format", "html"]);
    assert!(api.content_type.starts_with("text/html"));
    assert!(api.body == cli.replace(BUDGET, "request.yaml"), "the pages differ");
}

#[test]
fn serve_a_json_contract_and_a_scenario_envelope() {
    let s = start(&[]);
    // The same contract written as JSON computes the same.
    let yaml = std::fs::read_to_string(root().join(T2)).unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    let json = serde_json::to_string(&value).unwrap();
    let a = s.post("/api/v1/compute?year=2024", "application/json", json.as_bytes());
    let b = s.post_file("/api/v1/compute?year=2024", YAML, T2);
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["evaluations"][0]["lines"], b.json()["evaluations"][0]["lines"]);

    let dir = "fixtures/budget/t1-early-signer-scenario-file";
    let env = serde_json::json!({
        "contract": std::fs::read_to_string(root().join(dir).join("contract.yaml")).unwrap(),
        "scenario": std::fs::read_to_string(root().join(dir).join("scenario.yaml")).unwrap(),
    });
    let api = s.post("/api/v1/budget", "application/json", env.to_string().as_bytes());
    assert_eq!(api.status, 200, "{}", api.body);
    let contract = format!("{dir}/contract.yaml");
    let scenario = format!("{dir}/scenario.yaml");
    let cli = cli_json(&["budget", &contract, "--scenario", &scenario, "--format", "json"]);
    same(api.json(), cli, "budget --scenario");
}

#[test]
fn serve_max_rules_check_and_openapi() {
    let s = start(&[]);
    let api = s.get("/api/v1/max?date=2023-01-01");
    let cli = cli_json(&["max", "--date", "2023-01-01", "--format", "json"]);
    assert_eq!(api.json(), cli);

    let rules = s.get("/api/v1/rules?date=2019-09-01").json();
    assert_eq!(rules["text"]["id"], "aci_2019");
    let tiers: Vec<&str> =
        rules["tiers"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(tiers, ["t1", "t2", "t3", "t4"]);
    // The published 2019 maxima (Le Quotidien du médecin, 21 Nov 2019), from the same document.
    let totals: Vec<&str> =
        rules["maxima"].as_array().unwrap().iter().map(|t| t["total"].as_str().unwrap()).collect();
    assert_eq!(totals, ["220000.00", "287000.00", "370000.00", "450000.00"]);
    // Each cell has its status and its source; the fonctionnement of tier 1 in 2019: 50 000.
    let f = &rules["fonctionnement"]["cells"][0];
    assert_eq!(f["amount"], "50000.00");
    assert!(f["status"] == "confirmed" || f["status"] == "provisional");
    assert!(f["source"].as_str().is_some_and(|s| !s.is_empty()));
    for m in rules["missions"].as_array().unwrap().iter().filter(|m| m["in_force"] == true) {
        assert_eq!(m["fixed"]["cells"].as_array().map(Vec::len), Some(4), "{}", m["id"]);
    }
    let bad = s.get("/api/v1/rules?date=2019-01-01");
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json()["diagnostics"][0]["code"], "E0402");
    assert_eq!(s.get("/api/v1/max?date=soon").status, 400);

    let ok = s.post_file("/api/v1/check", YAML, T2);
    assert_eq!(
        (ok.status, ok.json()["kind"].clone(), ok.json()["valid"].clone()),
        (200, "contract".into(), true.into())
    );
    let bad = s.post_file("/api/v1/check", YAML, "fixtures/err/contract-unknown-key.yaml");
    assert_eq!(bad.status, 422);
    // The same diagnostic as the CLI's, located at the same line and column.
    let d = &bad.json()["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["location"]["line"].as_u64(), d["location"]["column"].as_u64()),
        (Some("E0103"), Some(8), Some(5))
    );
    let v = s.post_file("/api/v1/check", YAML, "rules/variants/tier2-parcours-plus.yaml");
    assert_eq!((v.status, v.json()["kind"].clone()), (200, "variant".into()));
    let p = s.post_file("/api/v1/check", "text/csv", "fixtures/portfolio/example.csv");
    assert_eq!(p.json()["kind"], "portfolio");
    assert_eq!(p.json()["records"]["invalid"], 0);

    // The JSON Schemas, as checked in under schema/.
    for name in ["contract", "rules", "variant", "scenario"] {
        let a = s.get(&format!("/schema/{name}.json"));
        let file =
            std::fs::read_to_string(root().join(format!("schema/{name}.schema.json"))).unwrap();
        assert_eq!((a.status, a.body == file), (200, true), "/schema/{name}.json");
    }
    assert_eq!(s.get("/schema/../Cargo.toml").status, 404);
    let spec = s.get("/api/v1/openapi.json").json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/compute",
        "/budget",
        "/explain",
        "/max",
        "/rules",
        "/check",
        "/portfolio",
        "/diff",
        "/openapi.json",
    ] {
        assert!(spec["paths"][path].is_object(), "openapi.json lacks {path}");
    }
}

#[test]
fn serve_portfolio_and_diff_give_the_cli_documents() {
    let s = start(&[]);
    let csv = "fixtures/portfolio/example.csv";
    let api = s.post_file("/api/v1/portfolio?year=2025", "text/csv", csv);
    assert_eq!(api.status, 200, "{}", api.body);
    let cli = cli_json(&["compute", csv, "--year", "2025", "--format", "json"]);
    same(api.json(), cli, "portfolio csv");

    // A portfolio file with a bad entry: the good ones computed, the bad one under failures.
    let pf = "fixtures/portfolio/example.json";
    let api = s.post_file("/api/v1/portfolio?year=2025", "application/json", pf);
    let cli = cli_json(&["compute", pf, "--year", "2025", "--format", "json"]);
    assert_eq!(api.status, 200);
    same(api.json()["rows"].clone(), cli["rows"].clone(), "portfolio file rows");
    assert_eq!(api.json()["aggregates"], cli["aggregates"]);
    assert_eq!(
        api.json()["failures"].as_array().map(Vec::len),
        cli["failures"].as_array().map(Vec::len)
    );

    let variant = "rules/variants/tier2-parcours-plus.yaml";
    let env = serde_json::json!({
        "variant": std::fs::read_to_string(root().join(variant)).unwrap(),
        "portfolio": std::fs::read_to_string(root().join(csv)).unwrap(),
        "portfolio_format": "csv",
    });
    let api = s.post("/api/v1/diff?year=2025", "application/json", env.to_string().as_bytes());
    assert_eq!(api.status, 200, "{}", api.body);
    let cli = cli_json(&["diff", "--variant", variant, csv, "--year", "2025", "--format", "json"]);
    same(api.json(), cli, "diff");

    // A bad variant inside the envelope: located inside the variant's own text.
    let text = std::fs::read_to_string(root().join(variant)).unwrap();
    let bad_variant = text.replace("missions.parcours.fixed.t2", "missions.parcour.fixed.t2");
    assert_ne!(bad_variant, text);
    let env =
        serde_json::json!({"variant": bad_variant, "portfolio": "", "portfolio_format": "csv"});
    let bad = s.post("/api/v1/diff?year=2025", "application/json", env.to_string().as_bytes());
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.json()["diagnostics"][0]["code"], "E0601");
    let bad = s.post("/api/v1/diff", "application/json", b"{\"variant\": 3}");
    assert_eq!(bad.status, 400);
}

#[test]
fn serve_rejects_bad_input_with_located_diagnostics_and_keeps_answering() {
    let s = start(&["--max-body", "1000000"]);
    // YAML syntax: 400, located.
    let a = s.post("/api/v1/compute", YAML, b"id: [unclosed\nname: x\n");
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.json()["diagnostics"][0]["code"], "E0101");
    assert!(a.json()["diagnostics"][0]["location"]["line"].is_u64());
    // A document that does not validate: 422, at the line and column of the bad key.
    let a =
        s.post_file("/api/v1/compute?year=2023", YAML, "fixtures/err/contract-unknown-key.yaml");
    assert_eq!(a.status, 422);
    assert_eq!(a.json()["diagnostics"][0]["location"]["line"], 8);
    // A contract year outside the contract, a bad parameter, an unknown line.
    assert_eq!(s.post_file("/api/v1/compute?contract_year=9", YAML, T2).status, 422);
    assert_eq!(s.post_file("/api/v1/compute?year=abc", YAML, T2).status, 400);
    assert_eq!(s.post_file("/api/v1/explain?lang=de", YAML, T2).status, 400);
    let a = s.post_file("/api/v1/explain?year=2024&line=nope", YAML, T2);
    assert_eq!((a.status, a.json()["diagnostics"][0]["code"].clone()), (422, "E0404".into()));
    // Over the body limit: 413.
    let big = vec![b'a'; 1_000_001];
    assert_eq!(s.post("/api/v1/compute", YAML, &big).status, 413);
    // Random bytes, on every POST endpoint.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let random: Vec<u8> = (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect();
    for ep in ["compute", "budget", "explain", "check", "portfolio", "diff"] {
        for ct in [YAML, "application/json", "text/csv"] {
            let a = s.post(&format!("/api/v1/{ep}"), ct, &random);
            assert!(a.status == 400 || a.status == 422, "{ep} {ct}: {}", a.status);
        }
        // Printable bytes that are not a document either.
        let text: Vec<u8> = random.iter().map(|b| b' ' + b % 90).collect();
        let a = s.post(&format!("/api/v1/{ep}"), YAML, &text);
        assert!(a.status == 400 || a.status == 422, "{ep} text: {} {}", a.status, a.body);
    }
    // Deep nesting, as JSON and as YAML.
    let deep = "[".repeat(200_000);
    for ep in ["compute", "budget", "check", "portfolio", "diff"] {
        let a = s.post(&format!("/api/v1/{ep}"), "application/json", deep.as_bytes());
        assert!(a.status == 400 || a.status == 422, "{ep} deep: {}", a.status);
        let nested = format!("{}x", "- ".repeat(50_000));
        let a = s.post(&format!("/api/v1/{ep}"), YAML, nested.as_bytes());
        assert!(a.status == 400 || a.status == 422, "{ep} nested: {}", a.status);
    }
    // A huge minified JSON (just under the limit): a contract with 20 000 result entries.
    let mut json = String::from(
        r#"{"format_version":1,"id":"x","name":"x","population":50000,"signature_date":"2024-01-01","results":["#,
    );
    while json.len() < 950_000 {
        json.push_str(r#"{"contract_year":1,"observations":{"a":true}},"#);
    }
    json.push_str(r#"{"contract_year":1}]}"#);
    for ep in ["compute", "budget", "check"] {
        let a = s.post(&format!("/api/v1/{ep}"), "application/json", json.as_bytes());
        assert_eq!(a.status, 422, "{ep} huge: {}", &a.body[..a.body.len().min(300)]);
    }
    // Unknown endpoints and methods are 4xx too, with the headers.
    assert_eq!(s.get("/api/v1/nope").status, 404);
    assert_eq!(s.get("/api/v1/compute").status, 405);
    s.still_answers();
}
#[test]
fn serve_cuts_a_request_that_runs_too_long() {
    // 1 ms is less than a diff with its attribution takes: the answer is 408, then the server
    // goes on answering (light requests may be cut too at this limit: only no 5xx). The body is
    // small (one packet) so that the server does not answer while the client is still sending
    // it (the client would see a broken pipe, not the 408).
    let s = start(&["--timeout", "1ms"]);
    let env = serde_json::json!({
        "variant": std::fs::read_to_string(root().join("rules/variants/negotiation-2025.yaml")).unwrap(),
        "portfolio": std::fs::read_to_string(root().join("fixtures/portfolio/example.csv")).unwrap(),
    });
    let a = s.post("/api/v1/diff?year=2025", "application/json", env.to_string().as_bytes());
    assert_eq!(a.status, 408, "{}", &a.body[..a.body.len().min(200)]);
    let again = s.get("/api/v1/max?date=2019-09-01");
    assert!(again.status == 200 || again.status == 408, "{}", again.status);
    let (code, _, err) = run(&["serve", "--timeout", "0s"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn serve_pages_are_embedded_and_script_free_inline() {
    let s = start(&[]);
    for (path, ct) in [
        ("/", "text/html"),
        ("/rules", "text/html"),
        ("/assets/app.js", "text/javascript"),
        ("/assets/rules.js", "text/javascript"),
        ("/assets/style.css", "text/css"),
    ] {
        let a = s.get(path);
        assert_eq!(a.status, 200, "{path}");
        assert!(a.content_type.starts_with(ct), "{path}: {}", a.content_type);
        assert!(!a.body.trim().is_empty(), "{path} is empty");
        // Nothing fetched from elsewhere: no absolute URL to another host in what is served.
        // (The SVG namespace is a name, never fetched.)
        let body = a.body.replace("http://www.w3.org/2000/svg", "");
        assert!(!body.contains("http://") && !body.contains("https://"), "{path} links outside");
    }
    let index = s.get("/").body;
    // The CSP forbids inline scripts and styles: each script is a file of the server.
    assert!(!index.contains("<script>") && !index.contains("style=\""), "inline script or style");
    assert!(index.contains("src=\"/assets/app.js\""));
    assert_eq!(s.get("/assets/../Cargo.toml").status, 404);
}
