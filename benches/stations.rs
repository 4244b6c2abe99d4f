//! Service stations at a large city's size: 5,000 stations with their hours and 5,000,000 service
//! records, and 100,000 places in one district, generated over the demo world, then measured over
//! HTTP under 16 concurrent clients, each page also as a share of `pgbench -S` and `/healthz` in
//! the same run:
//! - the public finder, from a phone's position and from a named place;
//! - a station's page, the station list (the city's, and filtered);
//! - the service totals (all time, and a ragged period) and a district's coverage report over its
//!   100,000 places, one request at a time.
//!
//! Run with `cargo bench --bench stations`; figures are recorded in docs/benchmarks.md.

use std::time::Instant;

mod support;
use support::{Bench, Yardstick, signed_in};

const STATIONS: i64 = 5_000;
const SERVICES: i64 = 5_000_000;
const PLACES: i64 = 100_000;
/// The district whose coverage is reported.
const DISTRICT: &str = "甘井子区";

#[tokio::main]
async fn main() -> Result<(), gonghui::BoxError> {
    let bench = Bench::start("bench_stations").await?;
    let db = bench.db.clone();
    let started = Instant::now();
    let existing: i64 = sqlx::query_scalar("select count(*) from stations")
        .fetch_one(&db)
        .await?;
    // Stations spread over a box of about 13 by 14 km around each district's centre, every
    // twentieth closed, every third open all day; facilities drawn from the list.
    sqlx::query(
        "insert into stations (organisation_id, code, name, kind, district_id, address, lat_e6,
                               lon_e6, facilities, keeper_name, keeper_phone, status)
         select (select id from organisations order by id offset g % (select count(*) from organisations) limit 1),
                'BS-' || lpad(g::text, 5, '0'), '测试驿站' || g,
                case when g % 7 = 0 then 'smart_station' else 'station' end,
                d.id, '测试路' || g || '号',
                d.lat_e6 + (g * 7919) % 120000 - 60000, d.lon_e6 + (g * 104729) % 160000 - 80000,
                (array['{drinking_water,charging,rest_seats}', '{drinking_water,microwave}',
                       '{charging,toilet,rest_seats}', '{drinking_water,charging,toilet,aed}'])[1 + g % 4]::text[],
                '王丽', '0411-82300001', case when g % 20 = 0 then 'closed' else 'open' end
         from generate_series(1, $1) g
         join districts d on d.id = (select id from districts order by id offset g % 10 limit 1)",
    )
    .bind(STATIONS - existing)
    .execute(&db)
    .await?;
    sqlx::query(
        "insert into station_hours (station_id, weekday, opens, closes)
         select s.id, w, case when s.id % 3 = 0 then 0 else 480 end,
                case when s.id % 3 = 0 then 1440 else 1200 end
         from stations s, generate_series(1, 7) w where s.code like 'BS-%'",
    )
    .execute(&db)
    .await?;
    // Services over the last two years, in five statements of a million (each updates the
    // stations' totals and the monthly tallies once, as a day's counts do).
    let kinds = "array['rest','water','charging','meal','health_check','legal_advice','joining','training','other']";
    for chunk in 0..5 {
        sqlx::query(&format!(
            "insert into station_services (station_id, day, kind, count)
             select s.id, (now() at time zone 'Asia/Shanghai')::date - ((g * 13 + s.id) % 730)::int,
                    ({kinds})[1 + (g + s.id) % 9], 1 + (g * s.id) % 20
             from (select id from stations where code like 'BS-%') s,
                  generate_series($1, $2) g"
        ))
        .bind(chunk * SERVICES / 5 / (STATIONS - existing) + 1)
        .bind((chunk + 1) * SERVICES / 5 / (STATIONS - existing))
        .execute(&db)
        .await?;
    }
    let gjz: i64 = sqlx::query_scalar("select id from districts where name = $1")
        .bind(DISTRICT)
        .fetch_one(&db)
        .await?;
    sqlx::query(
        "insert into places (organisation_id, district_id, name, kind, lat_e6, lon_e6)
         select (select id from organisations where code = 'DL-GJZ'), d.id, '测点' || g,
                (array['transport_hub','shopping_scenic','logistics_hub','building_site','gathering_place'])[1 + g % 5],
                d.lat_e6 + (g * 6007) % 140000 - 70000, d.lon_e6 + (g * 99991) % 180000 - 90000
         from districts d, generate_series(1, $2) g where d.id = $1",
    )
    .bind(gjz)
    .bind(PLACES)
    .execute(&db)
    .await?;
    sqlx::query("vacuum analyze").execute(&db).await?;
    let (stations, services, places): (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from stations), (select count(*) from station_services),
                (select count(*) from places where district_id = $1)",
    )
    .bind(gjz)
    .fetch_one(&db)
    .await?;
    support::loaded(
        &db,
        &format!(
            "{stations} stations, {services} service records and {places} places in {DISTRICT}"
        ),
        started,
    )
    .await?;

    let base = bench.serve().await?;
    bench.hold(&base, "bench_stations").await?;
    let (_, admin) = signed_in(&base, "admin").await?;
    let (_, staff) = signed_in(&base, "staff").await?;
    let yardstick = Yardstick::measure(&bench, &base).await?;
    let station: i64 = sqlx::query_scalar(
        "select s.id from stations s where s.code like 'BS-%' order by s.served desc limit 1",
    )
    .fetch_one(&db)
    .await?;
    let place: i64 =
        sqlx::query_scalar("select min(p.id) from places p join districts d on d.id = p.district_id where d.name = '中山区'")
            .fetch_one(&db)
            .await?;
    let charging = "&need=drinking_water&need=charging";
    let today: time::Date = sqlx::query_scalar("select (now() at time zone 'Asia/Shanghai')::date")
        .fetch_one(&db)
        .await?;
    let ragged = format!(
        "/stations/totals?from={}&to={}",
        today - time::Duration::days(400),
        today - time::Duration::days(35)
    );
    for (label, path, who) in [
        (
            "finder, a phone's position, water+charging",
            format!("/finder?lat=38.953&lon=121.519{charging}"),
            "",
        ),
        (
            "finder, from a named place",
            format!("/finder?place={place}"),
            "",
        ),
        (
            "station page (services by kind)",
            format!("/stations/{station}"),
            admin.as_str(),
        ),
        (
            "station list, the whole city",
            "/stations".to_string(),
            admin.as_str(),
        ),
        (
            "station list, facility and district",
            format!("/stations?facility=charging&district={gjz}"),
            admin.as_str(),
        ),
        (
            "station list, a district union",
            "/stations".to_string(),
            staff.as_str(),
        ),
    ] {
        yardstick.page(&base, label, &path, who).await?;
    }

    // The service totals and the coverage report are a planner's pages, read one at a time:
    // their latency, five times each.
    let client = reqwest::Client::new();
    for (label, path) in [
        (
            "service totals, all time, the city",
            "/stations/totals".to_string(),
        ),
        ("service totals, a ragged year", ragged),
        (
            "coverage report, 100,000 places",
            format!("/stations/coverage?district={gjz}"),
        ),
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let response = client
                .get(format!("{base}{path}"))
                .header("cookie", &admin)
                .send()
                .await?;
            assert_eq!(response.status(), 200, "{path}");
            size = response.bytes().await?.len();
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "{label:<42} fastest {:.2?}, median {:.2?}, slowest {:.2?}; {} KiB",
            times[0],
            times[2],
            times[4],
            size / 1024
        );
    }
    drop(db);
    bench.stop().await
}
