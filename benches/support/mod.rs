//! What the benchmarks share: a throwaway cluster with a demo-seeded database, the app served
//! in-process as `gonghui serve` runs it (job worker included), and signed-in HTTP clients.

#![allow(dead_code)] // each benchmark uses its part

use std::sync::Arc;

use clap::Parser;
use gonghui::db::embedded::{Cluster, Durability};
use gonghui::pii::Pii;
use gonghui::state::AppState;
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;

pub const PASSWORD: &str = "benchmark-password";
pub const KEY: &str = "a benchmark key, long enough to be used";

/// A database of its own, migrated and holding the demo world.
pub struct Bench {
    pub cluster: Cluster,
    pub admin: PgPool,
    pub db: PgPool,
}

impl Bench {
    pub async fn start(database: &str) -> Result<Self, gonghui::BoxError> {
        let dir = std::env::temp_dir().join("gonghui-bench-cluster");
        let cluster = Cluster::locate(&dir, Durability::Throwaway)?;
        cluster.start().await?;
        let admin = PgPool::connect(cluster.url("postgres")?.expose_secret()).await?;
        sqlx::query(&format!("drop database if exists {database} with (force)"))
            .execute(&admin)
            .await?;
        sqlx::query(&format!("create database {database}"))
            .execute(&admin)
            .await?;
        let db = gonghui::db::pool_options()
            .connect(cluster.url(database)?.expose_secret())
            .await?;
        gonghui::db::migrate(&db).await?;
        gonghui::seed::demo(&db, &SecretString::from(PASSWORD), &pii()?).await?;
        Ok(Self { cluster, admin, db })
    }

    /// Serves the app on a port of its own; returns its base URL.
    pub async fn serve(&self) -> Result<String, gonghui::BoxError> {
        let mut settings = gonghui::config::Cli::try_parse_from(["gonghui"])?.settings;
        settings.join_min_seconds = 0;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        settings.bind = listener.local_addr()?;
        let state = AppState {
            db: self.db.clone(),
            settings: Arc::new(settings),
            pii: Arc::new(pii()?),
            fragments: Default::default(),
        };
        let base = format!("http://{}", listener.local_addr()?);
        tokio::spawn(gonghui::app::serve_until(
            listener,
            state,
            std::future::pending(),
        ));
        Ok(base)
    }

    pub async fn stop(self) -> Result<(), gonghui::BoxError> {
        self.db.close().await;
        self.admin.close().await;
        self.cluster.stop().await?;
        Ok(())
    }
}

pub fn pii() -> Result<Pii, gonghui::BoxError> {
    Ok(Pii::new(&SecretString::from(KEY))?)
}

/// The CSRF token the pages of `path` carry for this client.
pub async fn csrf(client: &reqwest::Client, base: &str) -> Result<String, gonghui::BoxError> {
    let page = client
        .get(format!("{base}/members/import"))
        .send()
        .await?
        .text()
        .await?;
    Ok(page
        .split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string())
}

pub async fn signed_in_client(
    base: &str,
    username: &str,
) -> Result<reqwest::Client, gonghui::BoxError> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let token = page
        .split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await?;
    assert_eq!(response.status(), 303, "{username} signs in");
    Ok(client)
}

/// A line of /proc/self/status, such as `VmHWM` (peak resident memory) or `VmRSS`.
pub fn memory(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|line| line.starts_with(field))
        .map(|line| line[field.len() + 1..].trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Concurrent clients of a page load, and how long they keep at it.
pub const CLIENTS: usize = 16;
pub const LOAD_SECONDS: u64 = 15;

/// `CLIENTS` concurrent clients request `url` for `LOAD_SECONDS` after a short warm-up (the steady
/// state staff meet, not the first read of pages just written by the bulk load); returns every latency.
pub async fn load(
    client: &reqwest::Client,
    url: &str,
) -> Result<Vec<std::time::Duration>, gonghui::BoxError> {
    use std::time::{Duration, Instant};
    let warm_until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < warm_until {
        client.get(url).send().await?.bytes().await?;
    }
    let deadline = Instant::now() + Duration::from_secs(LOAD_SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let client = client.clone();
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let response = client.get(&url).send().await.expect("request");
                assert_eq!(response.status(), 200, "{url}");
                response.bytes().await.expect("body");
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await?);
    }
    Ok(all)
}

/// One line of figures: p50, p99 and requests a second of a load.
pub fn report(name: &str, mut durations: Vec<std::time::Duration>) {
    durations.sort();
    let at = |q: f64| durations[((durations.len() as f64 - 1.0) * q).round() as usize];
    let per_second = durations.len() as f64 / LOAD_SECONDS as f64;
    println!(
        "{name:<42} p50 {:>8.2?}   p99 {:>8.2?}   {per_second:>6.0} req/s",
        at(0.5),
        at(0.99)
    );
}
