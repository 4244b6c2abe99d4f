//! Hostile uploads against the running app: two staff sessions upload, again and again, every kind
//! of file made to blow up a spreadsheet reader (a 1.5 KB .xlsx claiming 16,384 columns, a 300 MB zip
//! bomb, an .ods repeating one cell 82 million times, an .xls with cells at its far corners, a CSV of
//! five million commas), while a probe asks `/healthz` every 20 ms. Reports the process's peak
//! resident memory and the probe's latency under attack against its latency at rest.
//!
//! Run with `cargo bench --bench uploads`; figures are recorded in docs/benchmarks.md.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[path = "../tests/api/hostile_files.rs"]
#[allow(dead_code)]
mod hostile_files;
mod support;

use support::{Bench, csrf, memory, signed_in_client};

const ROUNDS: usize = 40;

fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("wide.xlsx", hostile_files::xlsx(Some((999, 16_383)))),
        (
            "bomb.xlsx",
            hostile_files::with_padding(&hostile_files::xlsx(None), 300 << 20),
        ),
        ("repeat.ods", hostile_files::ods_bomb()),
        ("corners.xls", hostile_files::xls_corners()),
        (
            "commas.csv",
            format!("姓名,身份证号\r\n{}\r\n", ",".repeat(5_000_000)).into_bytes(),
        ),
    ]
}

/// Asks `/healthz` every 20 ms until `done` says stop; returns every latency.
async fn probe(base: &str, done: impl Fn() -> bool) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut latencies = Vec::new();
    while !done() {
        let started = Instant::now();
        let response = client.get(format!("{base}/healthz")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        latencies.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    latencies
}

fn summary(mut latencies: Vec<Duration>) -> String {
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "p50 {:.2?}, p99 {:.2?}, max {:.2?} ({} probes)",
        at(0.5),
        at(0.99),
        at(1.0),
        latencies.len()
    )
}

#[tokio::main]
async fn main() -> Result<(), gonghui::BoxError> {
    let bench = Bench::start("bench_uploads").await?;
    let base = bench.serve().await?;
    let files = files();
    println!(
        "files: {}",
        files
            .iter()
            .map(|(name, bytes)| format!("{name} {} KB", bytes.len() / 1024))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rest_until = Instant::now() + Duration::from_secs(3);
    let at_rest = probe(&base, || Instant::now() >= rest_until).await;
    println!("/healthz at rest: {}", summary(at_rest));
    println!("resident memory before: {}", memory("VmRSS"));

    let mut attackers = Vec::new();
    for _ in 0..2 {
        let client = signed_in_client(&base, "admin").await?;
        let token = csrf(&client, &base).await?;
        let (base, files) = (base.clone(), files.clone());
        attackers.push(tokio::spawn(async move {
            let mut refused = Vec::new();
            for _ in 0..ROUNDS {
                for (name, bytes) in &files {
                    let started = Instant::now();
                    let form = reqwest::multipart::Form::new()
                        .part(
                            "file",
                            reqwest::multipart::Part::bytes(bytes.clone()).file_name(*name),
                        )
                        .text("organisation_code", "DL-XJY-HY");
                    let response = client
                        .post(format!("{base}/members/import?csrf_token={token}"))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 422, "{name} is refused");
                    refused.push((*name, started.elapsed()));
                }
            }
            refused
        }));
    }
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let prober = {
        let (base, stop) = (base.clone(), stop.clone());
        tokio::spawn(async move { probe(&base, || stop.load(Ordering::Relaxed)).await })
    };
    let mut refusals = Vec::new();
    for attacker in attackers {
        refusals.extend(attacker.await?);
    }
    let attack = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    println!("/healthz under attack: {}", summary(prober.await?));
    println!("{} hostile uploads refused in {attack:.1?}", refusals.len());
    for (name, _) in &files {
        let times: Vec<Duration> = refusals
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, d)| *d)
            .collect();
        let slowest = times.iter().max().copied().unwrap_or_default();
        println!(
            "  {name:<12} refused in at most {slowest:.2?} (waiting for the parse slot included)"
        );
    }
    println!("peak resident memory (VmHWM): {}", memory("VmHWM"));
    println!("resident memory after: {}", memory("VmRSS"));
    bench.stop().await
}
