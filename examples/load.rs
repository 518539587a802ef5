//! A bounded load test of `cpts-funding serve` on loopback: `CONCURRENCY` client threads, each
//! with its own keep-alive connection, post the fixture contract to `/api/v1/compute` and
//! `/api/v1/budget` and get `/api/v1/max` in turn for `SECONDS` seconds (and at most
//! `MAX_REQUESTS` in all), check every answer against the first one of its kind (status 200, same
//! total), and print the throughput and the latency percentiles.
//!
//! ```sh
//! cargo run --release -- serve --addr 127.0.0.1:0            # prints the port
//! cargo run --release --example load -- http://127.0.0.1:PORT [CONCURRENCY] [SECONDS]
//! ```
//!
//! Only loopback addresses are accepted: this sends traffic to nothing but this machine.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MAX_REQUESTS: usize = 200_000;
const CONTRACT: &str = include_str!("../fixtures/ok/t2-first-year-prorata/contract.yaml");

struct Call {
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
}

const CALLS: [Call; 3] = [
    Call { method: "POST", path: "/api/v1/compute?year=2024", body: Some(CONTRACT) },
    Call { method: "POST", path: "/api/v1/budget", body: Some(CONTRACT) },
    Call { method: "GET", path: "/api/v1/max?date=2023-01-01", body: None },
];

/// What must not change from one answer to the next: the status and the total it carries.
fn fingerprint(status: u16, body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let total = [
        &v["evaluations"][0]["total"],
        &v["totals"]["expected"],
        &v["tiers"][3]["total_with_crisis"],
    ]
    .iter()
    .find_map(|t| t.as_str().map(str::to_string))
    .unwrap_or_default();
    format!("{status} {total}")
}

fn call(agent: &ureq::Agent, base: &str, c: &Call) -> Result<String, String> {
    let req = agent.request(c.method, &format!("{base}{}", c.path));
    let res = match c.body {
        Some(b) => req.set("Content-Type", "application/yaml").send_string(b),
        None => req.call(),
    };
    match res {
        Ok(r) => {
            let status = r.status();
            let body = r.into_string().map_err(|e| e.to_string())?;
            Ok(fingerprint(status, &body))
        }
        Err(ureq::Error::Status(code, r)) => {
            Ok(format!("{code} {}", r.into_string().unwrap_or_default()))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let base = args.first().cloned().unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let loopback = ["http://127.", "http://localhost:", "http://[::1]:"];
    if !loopback.iter().any(|p| base.starts_with(p)) {
        eprintln!("load: {base} is not a loopback address; refusing");
        std::process::exit(2);
    }
    let concurrency: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
    let expected: Vec<String> = CALLS
        .iter()
        .map(|c| call(&agent, &base, c).unwrap_or_else(|e| panic!("{}: {e}", c.path)))
        .collect();
    for (c, e) in CALLS.iter().zip(&expected) {
        assert!(e.starts_with("200 "), "{}: {e}", c.path);
    }
    let expected = Arc::new(expected);
    let sent = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..concurrency)
        .map(|w| {
            let (base, expected, sent) = (base.clone(), expected.clone(), sent.clone());
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
                let (mut lat, mut wrong, mut failed) = (Vec::new(), 0usize, 0usize);
                let mut i = w;
                while Instant::now() < deadline
                    && sent.fetch_add(1, Ordering::Relaxed) < MAX_REQUESTS
                {
                    let k = i % CALLS.len();
                    i += 1;
                    let t = Instant::now();
                    match call(&agent, &base, &CALLS[k]) {
                        Ok(f) if f == expected[k] => lat.push(t.elapsed()),
                        Ok(_) => wrong += 1,
                        Err(_) => failed += 1,
                    }
                }
                (lat, wrong, failed)
            })
        })
        .collect();
    let (mut lat, mut wrong, mut failed) = (Vec::new(), 0, 0);
    for w in workers {
        let (l, x, f) = w.join().expect("a client thread");
        lat.extend(l);
        wrong += x;
        failed += f;
    }
    let elapsed = start.elapsed();
    lat.sort();
    let pct = |p: usize| lat.get((lat.len() * p / 100).min(lat.len().saturating_sub(1))).copied();
    let ms = |d: Option<Duration>| {
        d.map_or("-".into(), |d| format!("{}.{:01} ms", d.as_millis(), d.as_micros() % 1000 / 100))
    };
    let per_s = (lat.len() as u128 * 1000).checked_div(elapsed.as_millis()).unwrap_or(0);
    println!(
        "{concurrency} clients, {} ms: {} correct answers ({per_s}/s), {wrong} wrong, {failed} failed (no answer)",
        elapsed.as_millis(),
        lat.len()
    );
    println!(
        "latency p50 {}, p90 {}, p99 {}, max {}",
        ms(pct(50)),
        ms(pct(90)),
        ms(pct(99)),
        ms(lat.last().copied())
    );
    if wrong + failed > 0 {
        std::process::exit(1);
    }
}
