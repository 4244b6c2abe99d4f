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
            districts: Default::default(),
        };
        let base = format!("http://{}", listener.local_addr()?);
        tokio::spawn(gonghui::app::serve_until(
            listener,
            state,
            std::future::pending(),
        ));
        Ok(base)
    }

    /// `pgbench -S` (read-only primary-key lookups: the most PostgreSQL serves) with `clients`
    /// for `seconds` against a database of its own in the same cluster; transactions a second.
    pub async fn pgbench_select(
        &self,
        clients: usize,
        seconds: u64,
    ) -> Result<f64, gonghui::BoxError> {
        sqlx::query("drop database if exists bench_pgbench with (force)")
            .execute(&self.admin)
            .await?;
        sqlx::query("create database bench_pgbench")
            .execute(&self.admin)
            .await?;
        let url = self.cluster.url("bench_pgbench")?;
        let bin = std::process::Command::new("pg_config")
            .arg("--bindir")
            .output()
            .ok()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
            .filter(|dir| std::path::Path::new(dir).join("pgbench").exists())
            .unwrap_or_else(|| "/usr/lib/postgresql/15/bin".into());
        let pgbench = std::path::Path::new(&bin).join("pgbench");
        let run = |args: &[&str]| -> Result<String, gonghui::BoxError> {
            let out = std::process::Command::new(&pgbench)
                .args(args)
                .arg(url.expose_secret())
                .output()?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
            }
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        };
        run(&["-i", "-q", "-s", "10"])?;
        let (clients, seconds) = (clients.to_string(), seconds.to_string());
        let text = run(&["-S", "-c", &clients, "-j", "2", "-T", &seconds])?;
        text.lines()
            .find(|line| line.starts_with("tps"))
            .and_then(|line| line.split_whitespace().nth(2))
            .and_then(|tps| tps.parse().ok())
            .ok_or_else(|| format!("pgbench said: {text}").into())
    }

    /// With `BENCH_HOLD_SECONDS` set, keeps the loaded database and the app up that long (their
    /// addresses printed), so a statement can be explained or a profiler attached.
    pub async fn hold(&self, base: &str, database: &str) -> Result<(), gonghui::BoxError> {
        let Some(seconds) = std::env::var("BENCH_HOLD_SECONDS")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
        else {
            return Ok(());
        };
        println!(
            "holding for {seconds} s: app {base}, database {}",
            self.cluster.url(database)?.expose_secret()
        );
        tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
        Ok(())
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
    Ok(signed_in(base, username).await?.0)
}

/// A client signed in as `username`, and its cookies as a `Cookie` header (for `load_raw`).
pub async fn signed_in(
    base: &str,
    username: &str,
) -> Result<(reqwest::Client, String), gonghui::BoxError> {
    use reqwest::cookie::CookieStore;
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
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
    let cookie = jar
        .cookies(&base.parse()?)
        .and_then(|value| value.to_str().ok().map(String::from))
        .unwrap_or_default();
    Ok((client, cookie))
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

/// `load`, with a client as light as the far end of a network would be: `CLIENTS` keep-alive
/// connections writing raw HTTP/1.1 and reading just the status and the body's length. On two
/// cores an in-process `reqwest` client costs about as much CPU as the page it asks for, so
/// `load` measures the generator as much as the app.
pub async fn load_raw(
    base: &str,
    path: &str,
    cookie: &str,
) -> Result<Vec<std::time::Duration>, gonghui::BoxError> {
    use std::time::{Duration, Instant};
    let address = base.trim_start_matches("http://").to_string();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nAccept-Language: zh-CN\r\n\r\n"
    )
    .into_bytes();
    let mut warm = RawConnection::open(&address).await?;
    let warm_until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < warm_until {
        warm.get(&request).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(LOAD_SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (address, request) = (address.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut connection = RawConnection::open(&address).await.expect("connect");
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let status = connection.get(&request).await.expect("response");
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&request));
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

/// What the machine can do in this run: `/healthz` (plain HTTP) and `pgbench -S` (PostgreSQL's
/// fastest reads), a second each, under `CLIENTS`; a page is reported as a share of both.
pub struct Yardstick {
    pub healthz: f64,
    pub tps: f64,
}

impl Yardstick {
    pub async fn measure(bench: &Bench, base: &str) -> Result<Self, gonghui::BoxError> {
        let plain = load_raw(base, "/healthz", "").await?;
        let healthz = plain.len() as f64 / LOAD_SECONDS as f64;
        report("/healthz, 16 clients", plain);
        let tps = bench.pgbench_select(CLIENTS, LOAD_SECONDS).await?;
        println!("pgbench -S, 16 clients: {tps:.0} tps");
        Ok(Self { healthz, tps })
    }

    /// Loads `path` with `load_raw` and prints its line and its share of the yardstick.
    pub async fn page(
        &self,
        base: &str,
        label: &str,
        path: &str,
        cookie: &str,
    ) -> Result<(), gonghui::BoxError> {
        let latencies = load_raw(base, path, cookie).await?;
        let rate = latencies.len() as f64 / LOAD_SECONDS as f64;
        report(label, latencies);
        println!(
            "{:<42} {:.1}% of pgbench -S, {:.1}% of /healthz",
            "",
            100.0 * rate / self.tps,
            100.0 * rate / self.healthz
        );
        Ok(())
    }
}

/// One keep-alive connection of `load_raw`.
struct RawConnection {
    stream: tokio::net::TcpStream,
    buffer: Vec<u8>,
}

impl RawConnection {
    async fn open(address: &str) -> std::io::Result<Self> {
        let stream = tokio::net::TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buffer: Vec::with_capacity(64 * 1024),
        })
    }

    /// Sends `request` and reads its whole response (by `content-length`, or to the last chunk);
    /// the status code.
    async fn get(&mut self, request: &[u8]) -> std::io::Result<u16> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.stream.write_all(request).await?;
        self.buffer.clear();
        let broken = || std::io::Error::other("the response ended early");
        let head_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at + 4;
            }
            if self.stream.read_buf(&mut self.buffer).await? == 0 {
                return Err(broken());
            }
        };
        let head = String::from_utf8_lossy(&self.buffer[..head_end]).to_ascii_lowercase();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|n| n.trim().parse::<usize>().ok());
        loop {
            let body = &self.buffer[head_end..];
            let complete = match length {
                Some(length) => body.len() >= length,
                None => body.ends_with(b"0\r\n\r\n"),
            };
            if complete {
                return Ok(status);
            }
            if self.stream.read_buf(&mut self.buffer).await? == 0 {
                return Err(broken());
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Prints what a benchmark loaded (`what`), how long it took and how big the database is now.
pub async fn loaded(
    db: &PgPool,
    what: &str,
    started: std::time::Instant,
) -> Result<(), gonghui::BoxError> {
    let size: String =
        sqlx::query_scalar("select pg_size_pretty(pg_database_size(current_database()))")
            .fetch_one(db)
            .await?;
    println!(
        "loaded {what} in {:.1?}; database size {size}",
        started.elapsed()
    );
    Ok(())
}

/// Copies `rows` (CSV) into `table (columns)`: the bulk load of a benchmark's generated data.
pub async fn copy(
    db: &PgPool,
    table: &str,
    columns: &str,
    rows: String,
) -> Result<(), gonghui::BoxError> {
    let mut conn = db.acquire().await?;
    let mut copy = conn
        .copy_in_raw(&format!("copy {table} ({columns}) from stdin (format csv)"))
        .await?;
    copy.send(rows.into_bytes()).await?;
    copy.finish().await?;
    Ok(())
}
