//! Members at the size of a large city: fills 1,000,000 members (personal data sealed as the app
//! does), then measures over HTTP, as a browser would:
//! - the list and search pages under concurrent load (16 clients), p50 and p99 per kind of query;
//! - a 100,000-row batch import through the real upload, preview and confirm flow;
//! - replacing the personal-data key over all 1,100,053 members (`gonghui rotate-key`), and the
//!   peak memory of the process.
//!
//! Run with `cargo bench --bench members`; figures are recorded in docs/benchmarks.md.

use std::time::{Duration, Instant};

use gonghui::access::Actor;
use gonghui::members::model::{IdNumber, Phone, ValidMember};
use gonghui::members::{import, queries};
use gonghui::pii::Pii;
use secrecy::SecretString;

const MEMBERS: usize = 1_000_000;
const IMPORT_ROWS: usize = 100_000;

const SURNAMES: &str = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文";
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬浩宇晨阳鑫鹏飞雪梅琳倩婷欣怡子轩博文俊峰海波建国志明晓东立新永红德华";

fn person(n: usize) -> (String, String, String) {
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let mut name = String::new();
    name.push(surnames[n % surnames.len()]);
    name.push(given[(n / 7) % given.len()]);
    if n % 3 != 0 {
        name.push(given[(n / 131) % given.len()]);
    }
    let day = n / 1000;
    let birth = time::Date::from_calendar_date(1960, time::Month::January, 1).expect("date")
        + time::Duration::days((day % 15_000) as i64);
    let first17 = format!(
        "{}{:04}{:02}{:02}{:03}",
        210_201 + (n / 15_000_000),
        birth.year(),
        birth.month() as u8,
        birth.day(),
        n % 1000
    );
    (
        name,
        IdNumber::complete(&first17),
        format!("1{}{:09}", 3 + n % 7, n),
    )
}

mod support;

use support::{Bench, csrf, load, memory, report, signed_in_client};

#[tokio::main]
async fn main() -> Result<(), gonghui::BoxError> {
    let bench = Bench::start("bench_members").await?;
    let db = bench.db.clone();
    let pii = support::pii()?;
    let pii_for_rotation = support::pii()?;

    let organisations: Vec<i64> = sqlx::query_scalar(
        "select id from organisations where kind = 'grassroots_union' order by id",
    )
    .fetch_all(&db)
    .await?;
    let started = Instant::now();
    let mut conn = db.acquire().await?;
    for chunk_start in (0..MEMBERS).step_by(5_000) {
        let valid: Vec<ValidMember> = (chunk_start..(chunk_start + 5_000).min(MEMBERS))
            .map(|n| {
                let (name, id, phone) = person(n);
                ValidMember {
                    name,
                    id_number: IdNumber::parse(&id).expect("valid id"),
                    phone: Phone::parse(&phone).expect("valid phone"),
                    employer: "基准测试平台".into(),
                    occupation: [
                        "delivery_rider",
                        "courier",
                        "truck_driver",
                        "ride_hailing_driver",
                        "domestic_worker",
                        "other",
                    ][n % 6],
                    skill_level: None,
                    join_date: time::Date::from_calendar_date(
                        2020 + (n % 7) as i32,
                        time::Month::March,
                        1 + (n % 28) as u8,
                    )
                    .expect("date"),
                    join_channel: "import",
                }
            })
            .collect();
        let records: Vec<_> = valid
            .iter()
            .enumerate()
            .map(|(i, v)| {
                queries::NewMember::sealed(
                    &pii,
                    organisations[(chunk_start + i) % organisations.len()],
                    v,
                )
            })
            .collect();
        import::queries::insert_many(&mut conn, &records, &Actor::system("benchmark")).await?;
    }
    drop(conn);
    // What autovacuum does soon after a bulk load in production (it also sets the visibility map
    // that index-only scans rely on).
    sqlx::query("vacuum analyze").execute(&db).await?;
    let count: i64 = sqlx::query_scalar("select count(*) from members")
        .fetch_one(&db)
        .await?;
    println!("filled {count} members in {:.1?}", started.elapsed());

    // The app, on a port of its own, with its job worker (the import runs as a job).
    let base = bench.serve().await?;
    let client = signed_in_client(&base, "admin").await?;
    let staff = signed_in_client(&base, "staff").await?;

    let (_, sample_id, sample_phone) = person(777_777);
    let queries: Vec<(&str, String, &reqwest::Client)> = vec![
        ("list, whole city, first page", "/members".into(), &client),
        (
            "list, one district (staff), first page",
            "/members".into(),
            &staff,
        ),
        ("list, page 20", "/members?page=20".into(), &client),
        (
            "filter occupation + status",
            "/members?occupation=courier&status=active".into(),
            &client,
        ),
        (
            "search surname (1 character)",
            "/members?q=%E7%8E%8B".into(),
            &client,
        ),
        (
            "search 2 characters",
            "/members?q=%E4%BC%9F%E8%8A%B3".into(),
            &client,
        ),
        (
            "search 3 characters",
            "/members?q=%E7%8E%8B%E4%BC%9F%E8%8A%B3".into(),
            &client,
        ),
        (
            "search by phone",
            format!("/members?q={sample_phone}"),
            &client,
        ),
        (
            "search by exact ID number",
            format!("/members?q={sample_id}"),
            &client,
        ),
    ];
    for (label, path, who) in &queries {
        let latencies = load(who, &format!("{base}{path}")).await?;
        report(label, latencies);
    }

    // A 100,000-row import, as staff do it: upload, preview, confirm, wait.
    let mut csv = String::from("姓名,身份证号,手机号,工作单位或平台,职业,技能等级,入会日期\r\n");
    for n in MEMBERS..MEMBERS + IMPORT_ROWS {
        let (name, id, phone) = person(n);
        csv.push_str(&format!(
            "{name},{id},{phone},大连港湾物流车队,货车司机,中级工,2026/11/24\r\n"
        ));
    }
    let bytes = encoding_rs::GBK.encode(&csv).0.into_owned();
    let started = Instant::now();
    let token = csrf(&client, &base).await?;
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("import.csv"),
        )
        .text("organisation_code", "DL-XJY-HY")
        .text("channel", "ceremony");
    let response = client
        .post(format!("{base}/members/import?csrf_token={token}"))
        .multipart(form)
        .send()
        .await?;
    let preview = response.headers()["location"].to_str()?.to_string();
    let uploaded = started.elapsed();
    let page = client
        .get(format!("{base}{preview}"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        page.contains("确认导入"),
        "the benchmark file has no problems"
    );
    let previewed = started.elapsed();
    client
        .post(format!("{base}{preview}"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await?;
    loop {
        let page = client
            .get(format!("{base}{preview}"))
            .send()
            .await?
            .text()
            .await?;
        if page.contains("导入完成") || page.contains("导入失败") {
            assert!(page.contains("导入完成"), "the import finished");
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!(
        "import of {IMPORT_ROWS} rows (GBK CSV): upload and check {uploaded:.1?}, preview {:.1?}, whole flow {:.1?}",
        previewed - uploaded,
        started.elapsed()
    );

    // Replacing the personal-data key (`gonghui rotate-key`) over every member, in one transaction.
    let new_pii = Pii::new(&SecretString::from(
        "the benchmark's replacement key, also long enough",
    ))?;
    let started = Instant::now();
    let mut tx = db.begin().await?;
    let rotated = gonghui::pii::rotation::rotate(&mut tx, &pii_for_rotation, &new_pii).await?;
    tx.commit().await?;
    println!(
        "key rotation of {} members and {} joining requests: {:.1?}",
        rotated.members,
        rotated.join_requests,
        started.elapsed()
    );
    println!(
        "peak memory of this process (app, load generator, benchmark data): {}",
        memory("VmHWM")
    );
    drop(db);
    bench.stop().await
}
