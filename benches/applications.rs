//! Contest applications at a hundred cities' size: 200,000 applications and 2,000,000 ledger rows,
//! loaded with COPY, then measured over HTTP as a browser would:
//! - the reviewer's queue, the application list and the budget dashboard under 16 concurrent
//!   clients (p50, p99);
//! - one approval after another (p50, p99);
//! - 1,000 approvals fired at once at a fund with room for 100: exactly 100 succeed, the rest
//!   are refused, and the ledger still agrees with the balances;
//! - how big the database grew.
//!
//! Run with `cargo bench --bench applications`; figures are recorded in docs/benchmarks.md.

// Amounts in fen are written yuan_00, so the fen stand apart.
#![allow(clippy::inconsistent_digit_grouping)]

use std::time::{Duration, Instant};

use gonghui::access::Actor;
use gonghui::funds::ledger::{self, Movement};
use gonghui::funds::model::{Rules, ValidFund};
use gonghui::funds::queries as funds;
use gonghui::money::Money;

mod support;
use support::{Bench, Yardstick, copy, signed_in};

const APPLICATIONS: usize = 200_000;
const LEDGER_ROWS: usize = 2_000_000;
const RACE: usize = 1_000;
const ROOM_FOR: i64 = 100;

const STAGES: [&str; 20] = [
    "settled",
    "approved",
    "submitted",
    "settled",
    "reported",
    "draft",
    "under_review",
    "settled",
    "returned",
    "approved",
    "rejected",
    "resubmitted",
    "settled",
    "submitted",
    "reported",
    "withdrawn",
    "approved",
    "recommended",
    "cancelled",
    "settled",
];

fn rules(year: i32) -> Result<Rules, gonghui::BoxError> {
    Ok(Rules {
        tiers: vec![2, 3],
        max_grant_tier2: Some(Money::from_yuan(100_000)),
        max_grant_tier3: Some(Money::from_yuan(30_000)),
        max_share_percent: 50,
        opens_on: time::Date::from_calendar_date(year, time::Month::January, 1)?,
        closes_on: time::Date::from_calendar_date(year, time::Month::December, 31)?,
        report_due_days: 30,
        second_signoff_above: None,
    })
}

/// A fund of the city federation with `total` in its pool; returns (fund, pool account).
async fn fund(
    db: &sqlx::PgPool,
    name: &str,
    total: Money,
) -> Result<(i64, i64), gonghui::BoxError> {
    let year: i32 = sqlx::query_scalar("select extract(year from now())::integer")
        .fetch_one(db)
        .await?;
    let city: i64 = sqlx::query_scalar("select id from organisations where code = 'DL'")
        .fetch_one(db)
        .await?;
    let valid = ValidFund {
        name: name.into(),
        year,
        purpose: String::new(),
        total,
        rules: rules(year)?,
    };
    let mut tx = db.begin().await?;
    let id = funds::insert_fund(&mut *tx, city, &valid).await?;
    let pool = funds::insert_account(&mut *tx, id, None, None).await?;
    ledger::post(
        &mut tx,
        &Actor::system("bench"),
        &Movement::appropriation(id, pool, total),
    )
    .await?
    .map_err(|r| r.0)?;
    tx.commit().await?;
    Ok((id, pool))
}

async fn ids(db: &sqlx::PgPool, codes: &[&str]) -> Result<Vec<i64>, gonghui::BoxError> {
    let mut out = Vec::new();
    for code in codes {
        out.push(
            sqlx::query_scalar("select id from organisations where code = $1")
                .bind(code)
                .fetch_one(db)
                .await?,
        );
    }
    Ok(out)
}

const COLUMNS: &str = "fund_id, organisation_id, tier, track_id, title, planned_start, planned_end, \
    expected_contestants, expected_companies, budget_venue, budget_prizes, requested, status, number, \
    granted, account_id, disbursed, submitted_at, first_submitted_at, report_due_on, \
    actual_contestants, spent_venue";

/// `count` applications of `fund` as CSV rows; `status` forces one status for all (the race).
#[allow(clippy::too_many_arguments)]
fn applications_csv(
    fund: i64,
    pool: i64,
    orgs: &(Vec<i64>, Vec<i64>),
    tracks: &[i64],
    count: usize,
    first_number: usize,
    status: Option<&str>,
    requested_fen: Option<i64>,
) -> String {
    let mut csv = String::with_capacity(count * 220);
    let first_day = time::macros::date!(2026 - 01 - 01);
    let last_day = time::macros::date!(2026 - 12 - 01);
    for n in 0..count {
        let tier = if n % 100 < 36 { 2 } else { 3 };
        let org = if tier == 2 {
            orgs.0[n % orgs.0.len()]
        } else {
            orgs.1[n % orgs.1.len()]
        };
        let status = status.unwrap_or(STAGES[(n * 7 + n / 20) % STAGES.len()]);
        let budget: i64 = if tier == 2 { 200_000_00 } else { 50_000_00 } + (n as i64 % 97) * 100_00;
        let requested =
            requested_fen.unwrap_or(budget / 2 * (70 + (n as i64 % 31)) / 100 / 100_00 * 100_00);
        let requested = requested.min(if tier == 2 { 100_000_00 } else { 30_000_00 });
        let granted = matches!(status, "approved" | "reported" | "settled" | "cancelled");
        let reported = matches!(status, "reported" | "settled");
        let spent = budget * (80 + (n as i64 % 25)) / 100;
        let paid = requested.min(spent / 2);
        let day = 1 + n % 330;
        let number = if status == "draft" {
            String::new()
        } else {
            format!(
                "2026-{}-B{:07}",
                if tier == 2 { "二类" } else { "三类" },
                first_number + n
            )
        };
        csv.push_str(&format!(
            "{fund},{org},{tier},{},基准测试赛事{n},2026-06-01,2026-06-02,{},{},{},{},{requested},{status},{number},{},{},{},{},{},{},{},{}\n",
            tracks[n % tracks.len()],
            40 + n % 200,
            3 + n % 30,
            budget / 2,
            budget - budget / 2,
            if granted { requested.to_string() } else { String::new() },
            if granted { pool.to_string() } else { String::new() },
            if status == "settled" { paid.to_string() } else { String::new() },
            if status == "draft" { String::new() } else { format!("{} 10:00:00+08", last_day - time::Duration::days((n % 40) as i64)) },
            if status == "draft" { String::new() } else { format!("{} 10:00:00+08", first_day + time::Duration::days(day as i64)) },
            if granted { "2026-07-02".to_string() } else { String::new() },
            if reported { (30 + n % 200).to_string() } else { String::new() },
            if reported { spent.to_string() } else { String::new() },
        ));
    }
    csv
}

#[tokio::main]
async fn main() -> Result<(), gonghui::BoxError> {
    let bench = Bench::start("bench_applications").await?;
    let db = bench.db.clone();
    let started = Instant::now();
    let (fund_id, pool) = fund(&db, "基准测试资金", Money::from_yuan(10_000_000_000)).await?;
    let orgs = (
        ids(
            &db,
            &[
                "DL-GJZ", "DL-JZ", "DL-JY", "DL-CM", "DL-JT", "DL-JZ-DK", "DL-XJY",
            ],
        )
        .await?,
        ids(
            &db,
            &[
                "DL-GJZ-HQ",
                "DL-GJZ-HQ-SD",
                "DL-GJZ-HQ-FX",
                "DL-GJZ-YQ",
                "DL-GJZ-YQ-HX",
                "DL-JZ-SQ",
                "DL-XJY-PS",
                "DL-XJY-HY",
            ],
        )
        .await?,
    );
    let tracks: Vec<i64> = sqlx::query_scalar("select id from tracks order by id")
        .fetch_all(&db)
        .await?;

    // The bulk load sets the running totals and balances once at the end, not row by row.
    sqlx::query("alter table applications disable trigger application_totals_apply")
        .execute(&db)
        .await?;
    sqlx::query("alter table ledger_entries disable trigger ledger_entries_apply")
        .execute(&db)
        .await?;
    let csv = applications_csv(fund_id, pool, &orgs, &tracks, APPLICATIONS, 1, None, None);
    copy(&db, "applications", COLUMNS, csv).await?;

    // The ledger: each grant's commitment, payment and release, then re-splits of the fund
    // between its pool and an allocation until there are 2,000,000 rows.
    let granted: Vec<(i64, i64, String, Option<i64>)> = sqlx::query_as(
        "select id, granted, status, disbursed from applications where fund_id = $1 and granted is not null order by id",
    )
    .bind(fund_id)
    .fetch_all(&db)
    .await?;
    // Tier 1: applications (tiers 2 and 3) never draw on it.
    let allocation = funds::insert_account(&db, fund_id, Some(1), None).await?;
    let mut rows = String::new();
    let mut count = 0usize;
    let line =
        |rows: &mut String, account: i64, kind: &str, a: i64, c: i64, d: i64, app: Option<i64>| {
            let app = app.map(|id| id.to_string()).unwrap_or_default();
            rows.push_str(&format!(
                "{fund_id},{account},{kind},{a},{c},{d},{app},bench\n"
            ));
        };
    for (id, amount, status, paid) in &granted {
        line(&mut rows, pool, "commitment", 0, *amount, 0, Some(*id));
        count += 1;
        let paid = paid.unwrap_or(0);
        if status == "settled" && paid > 0 {
            line(&mut rows, pool, "disbursement", 0, -paid, paid, Some(*id));
            count += 1;
        }
        let rest = if status == "cancelled" {
            *amount
        } else if status == "settled" {
            amount - paid
        } else {
            0
        };
        if rest > 0 {
            line(&mut rows, pool, "release", 0, -rest, 0, Some(*id));
            count += 1;
        }
    }
    let mut n = 0i64;
    while count < LEDGER_ROWS {
        let amount = 1_000_00 + ((n / 2) % 50) * 100_00;
        let sign = if n % 2 == 0 { 1 } else { -1 };
        line(&mut rows, pool, "allocation", -sign * amount, 0, 0, None);
        line(
            &mut rows,
            allocation,
            "allocation",
            sign * amount,
            0,
            0,
            None,
        );
        count += 2;
        n += 1;
    }
    copy(
        &db,
        "ledger_entries",
        "fund_id, account_id, kind, appropriated, committed, disbursed, application_id, actor_name",
        rows,
    )
    .await?;
    sqlx::query("alter table ledger_entries enable trigger ledger_entries_apply")
        .execute(&db)
        .await?;
    sqlx::query("alter table applications enable trigger application_totals_apply")
        .execute(&db)
        .await?;
    sqlx::query(
        "update fund_accounts a set appropriated = s.a, committed = s.c, disbursed = s.d
         from (select account_id, sum(appropriated) a, sum(committed) c, sum(disbursed) d
               from ledger_entries group by account_id) s where s.account_id = a.id",
    )
    .execute(&db)
    .await?;
    sqlx::query("select application_totals_rebuild()")
        .execute(&db)
        .await?;
    sqlx::query("vacuum analyze").execute(&db).await?;
    let (apps, entries): (i64, i64) = sqlx::query_as(
        "select (select count(*) from applications), (select count(*) from ledger_entries)",
    )
    .fetch_one(&db)
    .await?;
    support::loaded(
        &db,
        &format!("{apps} applications and {entries} ledger rows"),
        started,
    )
    .await?;
    assert!(
        ledger::check(&db).await?.is_empty(),
        "the loaded ledger agrees with the balances"
    );

    let base = bench.serve().await?;
    bench.hold(&base, "bench_applications").await?;
    let (reviewer, reviewer_cookie) = signed_in(&base, "reviewer").await?;
    let (_, manager_cookie) = signed_in(&base, "manager").await?;
    // The machine's yardsticks in this run: plain HTTP, and the database's ceiling.
    let yardstick = Yardstick::measure(&bench, &base).await?;
    for (label, path, who) in [
        (
            "reviewer's queue (waiting, oldest first)",
            "/applications/queue".to_string(),
            &reviewer_cookie,
        ),
        (
            "reviewer's queue, tier 3 of one fund",
            format!("/applications/queue?fund={fund_id}&tier=3"),
            &reviewer_cookie,
        ),
        (
            "application list, one fund",
            format!("/applications?fund={fund_id}"),
            &reviewer_cookie,
        ),
        (
            "budget dashboard",
            format!("/budget?fund={fund_id}"),
            &manager_cookie,
        ),
    ] {
        yardstick.page(&base, label, &path, who).await?;
    }

    // One approval after another, as a reviewer works down the queue.
    let token = token(&reviewer, &base).await?;
    let waiting: Vec<(i64, i64)> = sqlx::query_as(
        "select id, requested from applications where fund_id = $1 and status = 'submitted' order by id limit 300",
    )
    .bind(fund_id)
    .fetch_all(&db)
    .await?;
    let mut latencies = Vec::new();
    for (id, requested) in &waiting {
        let amount = Money::from_fen(*requested).input();
        let begun = Instant::now();
        let response = reviewer
            .post(format!("{base}/applications/{id}/approval"))
            .form(&[("csrf_token", token.as_str()), ("amount", amount.as_str())])
            .send()
            .await?;
        assert_eq!(response.status(), 303, "approval of {id}");
        latencies.push(begun.elapsed());
    }
    latencies.sort();
    println!(
        "{:<42} p50 {:>8.2?}   p99 {:>8.2?}   ({} approvals one after another)",
        "approval",
        latencies[latencies.len() / 2],
        latencies[latencies.len() * 99 / 100],
        latencies.len()
    );

    // The race: 1,000 approvals at once at a fund with room for 100 of them.
    let (race_fund, race_pool) =
        fund(&db, "并发测试资金", Money::from_yuan(10_000 * ROOM_FOR)).await?;
    let first: i64 = sqlx::query_scalar("select coalesce(max(id), 0) from applications")
        .fetch_one(&db)
        .await?;
    let csv = applications_csv(
        race_fund,
        race_pool,
        &(orgs.1.clone(), orgs.1.clone()),
        &tracks,
        RACE,
        APPLICATIONS + 1,
        Some("submitted"),
        Some(10_000_00),
    );
    copy(&db, "applications", COLUMNS, csv).await?;
    let ids: Vec<i64> = sqlx::query_scalar("select id from applications where id > $1 order by id")
        .bind(first)
        .fetch_all(&db)
        .await?;
    let begun = Instant::now();
    let mut tasks = Vec::new();
    for id in ids {
        let (client, base, token) = (reviewer.clone(), base.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(format!("{base}/applications/{id}/approval"))
                .form(&[("csrf_token", token.as_str()), ("amount", "10000")])
                .timeout(Duration::from_secs(120))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut statuses = std::collections::BTreeMap::new();
    for task in tasks {
        *statuses.entry(task.await?).or_insert(0) += 1;
    }
    let approved: i64 = sqlx::query_scalar(
        "select count(*) from applications where fund_id = $1 and status = 'approved'",
    )
    .bind(race_fund)
    .fetch_one(&db)
    .await?;
    let differences = ledger::check(&db).await?;
    println!(
        "{RACE} approvals at once, room for {ROOM_FOR}: {approved} approved, answers {statuses:?}, in {:.1?}; check-ledger: {} differences",
        begun.elapsed(),
        differences.len()
    );
    assert_eq!(approved, ROOM_FOR, "exactly the fund's room");
    assert!(differences.is_empty());
    let size: String =
        sqlx::query_scalar("select pg_size_pretty(pg_database_size(current_database()))")
            .fetch_one(&db)
            .await?;
    println!("database size at the end: {size}");
    drop(db);
    bench.stop().await
}

async fn token(client: &reqwest::Client, base: &str) -> Result<String, gonghui::BoxError> {
    let page = client.get(format!("{base}/")).send().await?.text().await?;
    Ok(page
        .split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string())
}
