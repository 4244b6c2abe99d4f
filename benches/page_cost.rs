//! What a page costs, as a share of what the machine can do in the same run: `pgbench -S` (the
//! primary-key lookups PostgreSQL serves at most, 32 clients) against the app's pages under the same
//! 32 clients on the demo world, signed in as `staff`; `/healthz` shows plain HTTP's ceiling. Shares
//! hold from run to run where absolute figures on a shared machine do not.
//!
//! Run with `cargo bench --bench page_cost`; figures are recorded in docs/benchmarks.md.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

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

#[tokio::main]
async fn main() -> Result<(), gonghui::BoxError> {
    let bench = Bench::start("bench_page_cost").await?;
    let tps = bench.pgbench_select(CLIENTS, SECONDS).await?;
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
