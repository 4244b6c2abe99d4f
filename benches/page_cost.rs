//! What a page costs, as a share of what the machine can do in the same run: `pgbench -S` (the
//! primary-key lookups PostgreSQL serves at most, 32 clients) against the app's pages under the same
//! 32 clients on the demo world, signed in as `staff`; `/healthz` shows plain HTTP's ceiling. Shares
//! hold from run to run where absolute figures on a shared machine do not.
//!
//! Run with `cargo bench --bench page_cost`; figures are recorded in docs/benchmarks.md.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use secrecy::ExposeSecret;

mod support;

use support::{Bench, signed_in_client};

const CLIENTS: usize = 32;
const SECONDS: u64 = 10;

/// Requests per second `CLIENTS` clients get from `url` over `SECONDS`, and the p99 latency.
async fn throughput(client: &reqwest::Client, url: &str) -> (f64, Duration) {
    for _ in 0..50 {
        client.get(url).send().await.unwrap().bytes().await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url) = (client.clone(), url.to_string());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let response = client.get(&url).send().await.unwrap();
                assert_eq!(response.status(), 200, "{url}");
                response.bytes().await.unwrap();
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    let p99 = all[((all.len() as f64 - 1.0) * 0.99) as usize];
    (all.len() as f64 / SECONDS as f64, p99)
}

/// `pgbench -S` against the same cluster: read-only primary-key lookups, the database's ceiling.
fn pgbench(url: &str) -> f64 {
    let bin = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|dir| std::path::Path::new(dir).join("pgbench").exists())
        .unwrap_or_else(|| "/usr/lib/postgresql/15/bin".into());
    let pgbench = std::path::Path::new(&bin).join("pgbench");
    let init = std::process::Command::new(&pgbench)
        .args(["-i", "-q", "-s", "10", url])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let run = std::process::Command::new(&pgbench)
        .args([
            "-S",
            "-c",
            &CLIENTS.to_string(),
            "-j",
            "2",
            "-T",
            &SECONDS.to_string(),
            url,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&run.stdout);
    text.lines()
        .find(|line| line.starts_with("tps"))
        .and_then(|line| line.split_whitespace().nth(2))
        .and_then(|tps| tps.parse().ok())
        .unwrap_or_else(|| panic!("pgbench said: {text}"))
}

#[tokio::main]
async fn main() -> Result<(), gonghui::BoxError> {
    let bench = Bench::start("bench_page_cost").await?;
    sqlx::query("drop database if exists bench_pgbench with (force)")
        .execute(&bench.admin)
        .await?;
    sqlx::query("create database bench_pgbench")
        .execute(&bench.admin)
        .await?;
    let tps = pgbench(bench.cluster.url("bench_pgbench")?.expose_secret());
    println!("pgbench -S, {CLIENTS} clients: {tps:.0} tps");

    let base = bench.serve().await?;
    let staff = signed_in_client(&base, "staff").await?;
    let member: i64 = sqlx::query_scalar(
        "select min(m.id) from members m join organisations o on o.id = m.organisation_id
         where o.path <@ (select o2.path from users u join organisations o2 on o2.id = u.organisation_id
                          where u.username = 'staff')",
    )
    .fetch_one(&bench.db)
    .await?;
    let pages = [
        ("/healthz (plain HTTP)", "/healthz".to_string()),
        ("a member's page", format!("/members/{member}")),
        ("the member list", "/members".to_string()),
        ("a surname search", "/members?q=%E7%8E%8B".to_string()),
        ("the home page", "/".to_string()),
    ];
    println!(
        "{:<24} {:>10} {:>10} {:>9}",
        "page", "req/s", "p99", "share"
    );
    // `PAGE_COST_ONLY=member` measures only the pages whose label holds it (for a profiler).
    let only = std::env::var("PAGE_COST_ONLY").unwrap_or_default();
    for (label, path) in pages.into_iter().filter(|(label, _)| label.contains(&only)) {
        let (per_second, p99) = throughput(&staff, &format!("{base}{path}")).await;
        println!(
            "{label:<24} {per_second:>10.0} {:>10.2?} {:>8.1}%",
            p99,
            100.0 * per_second / tps
        );
    }
    bench.stop().await
}
