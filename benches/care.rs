//! A care campaign of 100,000 workers, over the demo world: the file of 100,000 lines (workers
//! who are not members, GBK-free UTF-8 CSV with ID numbers and phones) added through HTTP in one
//! request and one transaction, timed; then, under 16 concurrent clients and as shares of
//! `pgbench -S` and `/healthz` in the same run, the campaign's page (its figures and first page of
//! workers), a page of its workers 40,000 deep, and a name searched among them.
//!
//! Run with `cargo bench --bench care`; figures are recorded in docs/benchmarks.md.

use std::time::Instant;

mod support;
use support::{Bench, Yardstick, signed_in};

const WORKERS: usize = 100_000;
const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "欧阳", "马",
];
const GIVEN: [&str; 12] = [
    "强", "伟", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "晓东", "建国",
];

/// The file an office would upload: a heading line and one worker a line.
fn roster() -> Vec<u8> {
    let mut text = String::from("\u{feff}姓名,身份证号,手机号\r\n");
    for n in 0..WORKERS {
        let birth = format!(
            "{}{:02}{:02}",
            1966 + n % 34,
            1 + (n / 34) % 12,
            1 + (n / 408) % 28
        );
        let id = gonghui::members::model::IdNumber::complete(&format!(
            "210202{birth}{:03}",
            (n / 11_424) % 1000
        ));
        let name = format!(
            "{}{}",
            SURNAMES[n % SURNAMES.len()],
            GIVEN[(n / SURNAMES.len()) % GIVEN.len()]
        );
        text.push_str(&format!("{name},{id},138{:08}\r\n", 10_000_000 + n));
    }
    text.into_bytes()
}

#[tokio::main]
async fn main() -> Result<(), gonghui::BoxError> {
    let bench = Bench::start("bench_care").await?;
    let db = bench.db.clone();
    let today: time::Date = sqlx::query_scalar("select (now() at time zone 'Asia/Shanghai')::date")
        .fetch_one(&db)
        .await?;
    let campaign: i64 = sqlx::query_scalar(
        "insert into care_campaigns (organisation_id, kind, title, starts_on, ends_on, goods,
                                     unit_value)
         select id, 'care_package', '全市骑手暖“新”礼包', $1::date - 30, $1::date + 30,
                '保温杯、护膝', 15000
         from organisations where code = 'DL' returning id",
    )
    .bind(today)
    .fetch_one(&db)
    .await?;
    let base = bench.serve().await?;
    let (client, admin) = signed_in(&base, "admin").await?;

    let file = roster();
    println!("a file of {WORKERS} lines, {} KiB", file.len() / 1024);
    let page = client
        .get(format!("{base}/care/{campaign}"))
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
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(file).file_name("roster.csv"),
        )
        .text("given_on", today.to_string())
        .text("given", "保温杯、护膝")
        .text("value", "150");
    let started = Instant::now();
    let response = client
        .post(format!(
            "{base}/care/{campaign}/recipients/file?csrf_token={token}"
        ))
        .multipart(form)
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    let took = started.elapsed();
    let reached: i32 = sqlx::query_scalar("select reached from care_campaigns where id = $1")
        .bind(campaign)
        .fetch_one(&db)
        .await?;
    assert_eq!(status, 200, "the upload is read and written");
    assert_eq!(
        reached as usize,
        WORKERS,
        "every line added: {}",
        &body[..body.len().min(2000)]
    );
    println!(
        "added {reached} workers from a file of {WORKERS} lines in one request: {took:.2?}; peak memory of the bench process (app included) {}",
        support::memory("VmHWM")
    );
    sqlx::query("vacuum analyze").execute(&db).await?;

    let deep: i64 =
        sqlx::query_scalar("select max(id) - 40000 from care_recipients where campaign_id = $1")
            .bind(campaign)
            .fetch_one(&db)
            .await?;
    bench.hold(&base, "bench_care").await?;
    let yardstick = Yardstick::measure(&bench, &base).await?;
    for (label, path) in [
        (
            "campaign page, first 50 of 100,000",
            format!("/care/{campaign}"),
        ),
        (
            "campaign page, 40,000 workers deep",
            format!("/care/{campaign}?before={deep}"),
        ),
        (
            "campaign page, a name searched (欧阳晓东)",
            format!("/care/{campaign}?q=%E6%AC%A7%E9%98%B3%E6%99%93%E4%B8%9C"),
        ),
    ] {
        yardstick.page(&base, label, &path, &admin).await?;
    }
    bench.stop().await
}
