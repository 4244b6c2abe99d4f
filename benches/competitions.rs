//! Competitions at the issue's size: 20,000 competitions, 500,000 contestants and 5,000,000 marks
//! (with their locked marks, results and certificates), filled in SQL, then measured over HTTP as a
//! browser would:
//! - a judge opens and saves a mark sheet of 400 contestants, one request after another;
//! - an event's results page (400 contestants) under 16 concurrent clients;
//! - publishing the results of a 400-contestant event (ranking, awards, certificates);
//! - certificate verification under 16 concurrent clients;
//! - `/healthz` under the same load, as the machine's yardstick.
//!
//! Run with `cargo bench --bench competitions`; figures are recorded in docs/benchmarks.md.

use std::time::{Duration, Instant};

mod support;
use support::{Bench, load, report, signed_in_client};

const COMPETITIONS: i64 = 20_000;
const CONTESTANTS_EACH: i64 = 25;
const ITEMS_EACH: i64 = 10;
const MEASURED: i64 = 400;
const PUBLISHED: usize = 5;
const RUNS: usize = 200;

/// Runs one statement of the fill and says how long it took.
async fn step(db: &sqlx::PgPool, what: &str, sql: &str) -> Result<(), gonghui::BoxError> {
    let started = Instant::now();
    let done = sqlx::query(sql).execute(db).await?;
    println!(
        "  {what:<44} {:>9} rows {:>8.1?}",
        done.rows_affected(),
        started.elapsed()
    );
    Ok(())
}

/// The generated world: members to enter, the bulk of past competitions with everything marked,
/// published and certified.
async fn fill(db: &sqlx::PgPool) -> Result<(), gonghui::BoxError> {
    step(
        db,
        "members (1,000 couriers)",
        "
        insert into members (organisation_id, member_no, name, gender, birth_date, id_number_cipher,
            id_number_index, id_number_masked, phone_cipher, phone_index, phone_masked, employer,
            occupation, skill_level, join_date, join_channel)
        select m.organisation_id, 'GH2026B' || lpad(g::text, 6, '0'),
               (array['王','李','张','刘','陈','杨','赵'])[1 + g % 7]
                 || (array['伟','芳','娜','敏','静','磊','强','军'])[1 + g % 8]
                 || case when g % 3 = 0 then '' else (array['明','华','平'])[1 + g % 3] end,
               m.gender, m.birth_date, m.id_number_cipher, decode(md5('bench-id-' || g), 'hex'),
               m.id_number_masked, m.phone_cipher, decode(md5('bench-phone-' || g), 'hex'),
               m.phone_masked, '顺丰速运大连分公司', 'courier', 'senior', m.join_date, 'staff'
        from (select * from members where organisation_id =
                (select id from organisations where code = 'DL-GJZ-HQ-FX') order by id limit 1) m,
             generate_series(1, 1000) g",
    )
    .await?;
    step(db, "competitions", &format!("
        insert into competitions (year, tier, organisation_id, track_id, title, starts_on, ends_on, status)
        select 2006 + g % 20, 1, (select id from organisations where code = 'DL'),
               (select min(id) from tracks), '基准竞赛' || g,
               make_date(2006 + g % 20, 6, 1), make_date(2006 + g % 20, 6, 2), 'results_published'
        from generate_series(1, {COMPETITIONS}) g")).await?;
    step(
        db,
        "events",
        "
        insert into competition_events (competition_id, name)
        select id, '实操赛项' from competitions where title like '基准竞赛%'",
    )
    .await?;
    step(
        db,
        "parts",
        "
        insert into event_parts (event_id, name, kind, max_mark, weight)
        select e.id, '实操', 'practical', 10000, 10000 from competition_events e
        join competitions c on c.id = e.competition_id where c.title like '基准竞赛%'",
    )
    .await?;
    step(db, "sub-items (locked)", &format!("
        insert into event_items (part_id, name, max_mark, weight, marking, position, locked_at, locked_by)
        select p.id, '小项' || i, 10000, 10000 / {ITEMS_EACH}, 'measurement', i, now(),
               (select id from users where username = 'judge')
        from event_parts p join competition_events e on e.id = p.event_id
        join competitions c on c.id = e.competition_id,
        generate_series(1, {ITEMS_EACH}) i where c.title like '基准竞赛%'")).await?;
    step(db, "contestants", &format!("
        with bench as (select array_agg(id order by id) ids from members where member_no like 'GH2026B%')
        insert into contestants (competition_id, event_id, member_id, seq, number, organisation_id,
                                 employer, registered_by)
        select e.competition_id, e.id, bench.ids[1 + (e.id * 7 + s) % 1000], s,
               'A' || lpad(s::text, 3, '0'),
               (select id from organisations where code = 'DL-GJZ-HQ-FX'), '', 'bench'
        from bench, competition_events e join competitions c on c.id = e.competition_id,
             generate_series(1, {CONTESTANTS_EACH}) s
        where c.title like '基准竞赛%'")).await?;
    let marked = "from contestants k join event_parts p on p.event_id = k.event_id
                  join event_items i on i.part_id = p.id where k.registered_by = 'bench'";
    step(
        db,
        "marks",
        &format!(
            "
        insert into marks (item_id, contestant_id, judge_slot, value, entered_by)
        select i.id, k.id, 0, (k.id * 37 + i.id * 11) % 10001,
               (select id from users where username = 'judge') {marked}"
        ),
    )
    .await?;
    step(
        db,
        "locked marks",
        &format!(
            "
        insert into item_marks (item_id, contestant_id, mark)
        select i.id, k.id, (k.id * 37 + i.id * 11) % 10001 {marked}"
        ),
    )
    .await?;
    step(db, "results", "
        insert into results (event_id, contestant_id, rank, total, practical, theory, passed)
        select event_id, id, rank() over (partition by event_id order by total desc), total, total, 0,
               total >= 6000
        from (select k.event_id, k.id, (k.id * 13) % 10001 as total from contestants k
              where k.registered_by = 'bench') t").await?;
    step(db, "certificates (every pass)", "
        insert into certificates (serial, competition_id, event_id, contestant_id, member_id, kind,
            holder_name, competition_title, event_name, issuer_name, issued_on)
        select translate(upper(substr(md5('bench-cert-' || k.id), 1, 16)),
                         '0123456789ABCDEF', 'ABCDEFGHJKLMNPQR'),
               k.competition_id, k.event_id, k.id, k.member_id, 'pass', m.name, c.title, e.name,
               '大连市总工会', c.ends_on
        from results r join contestants k on k.id = r.contestant_id
        join members m on m.id = k.member_id join competitions c on c.id = k.competition_id
        join competition_events e on e.id = k.event_id where r.passed and k.registered_by = 'bench'").await?;
    Ok(())
}

/// A competition of one event of 400 contestants marked on a theory exam (40%) and three practical
/// sub-items (60%), judged by the demo judge as chief: `status` and, when `locked`, every mark in.
async fn measured_competition(
    db: &sqlx::PgPool,
    title: &str,
    status: &str,
    locked: bool,
) -> Result<(i64, i64, Vec<i64>), gonghui::BoxError> {
    let mut tx = db.begin().await?;
    let competition: i64 = sqlx::query_scalar(
        "insert into competitions (year, tier, organisation_id, track_id, title, starts_on, ends_on, status)
         select 2026, 1, (select id from organisations where code = 'DL'), (select min(id) from tracks),
                $1, date '2026-11-20', date '2026-11-21', $2 returning id",
    )
    .bind(title)
    .bind(status)
    .fetch_one(&mut *tx)
    .await?;
    let event: i64 = sqlx::query_scalar(
        "insert into competition_events (competition_id, name) values ($1, '快递分拣') returning id",
    )
    .bind(competition)
    .fetch_one(&mut *tx)
    .await?;
    let judge = "(select id from users where username = 'judge')";
    sqlx::query(&format!(
        "insert into event_judges (event_id, user_id, chief) values ($1, {judge}, true)"
    ))
    .bind(event)
    .execute(&mut *tx)
    .await?;
    let mut items = Vec::new();
    for (part, kind, weight, count) in [
        ("理论考试", "theory", 4000, 1),
        ("实操", "practical", 6000, 3),
    ] {
        let part: i64 = sqlx::query_scalar(
            "insert into event_parts (event_id, name, kind, max_mark, weight)
             values ($1, $2, $3, 10000, $4) returning id",
        )
        .bind(event)
        .bind(part)
        .bind(kind)
        .bind(weight)
        .fetch_one(&mut *tx)
        .await?;
        for i in 0..count {
            let item: i64 = sqlx::query_scalar(&format!(
                "insert into event_items (part_id, name, max_mark, weight, marking, position,
                                          locked_at, locked_by)
                 values ($1, '小项' || $2, 10000, $3, 'measurement', $2,
                         case when $4 then now() end, case when $4 then {judge} end) returning id"
            ))
            .bind(part)
            .bind(i + 1)
            .bind(10000 / count)
            .bind(locked)
            .fetch_one(&mut *tx)
            .await?;
            items.push(item);
        }
    }
    sqlx::query(&format!(
        "with bench as (select array_agg(id order by id) ids from members where member_no like 'GH2026B%')
         insert into contestants (competition_id, event_id, member_id, seq, number, organisation_id,
                                  employer, registered_by)
         select $1, $2, bench.ids[s], s, 'A' || lpad(s::text, 3, '0'),
                (select id from organisations where code = 'DL-GJZ-HQ-FX'), '', 'bench-measured'
         from bench, generate_series(1, {MEASURED}) s"
    ))
    .bind(competition)
    .bind(event)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into event_awards (event_id, mode, first, second, third, pass_mark)
         values ($1, 'share', 1000, 2000, 3000, 6000)",
    )
    .bind(event)
    .execute(&mut *tx)
    .await?;
    if locked {
        let marks = "select i, k.id, (k.id * 53 + i * 17) % 10001 from contestants k, unnest($2::bigint[]) i
                     where k.event_id = $1";
        sqlx::query(&format!(
            "insert into marks (item_id, contestant_id, judge_slot, value, entered_by)
             select i, id, 0, v, {judge} from ({marks}) t(i, id, v)"
        ))
        .bind(event)
        .bind(&items)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "insert into item_marks (item_id, contestant_id, mark) {marks}"
        ))
        .bind(event)
        .bind(&items)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok((competition, event, items))
}

/// The CSRF token a page carries.
async fn token_of(client: &reqwest::Client, url: &str) -> Result<String, gonghui::BoxError> {
    let page = client.get(url).send().await?.text().await?;
    Ok(page
        .split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string())
}

fn quantiles(name: &str, mut durations: Vec<Duration>) {
    durations.sort();
    let at = |q: f64| durations[((durations.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<42} p50 {:>8.2?}   p99 {:>8.2?}   ({} runs)",
        at(0.5),
        at(0.99),
        durations.len()
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), gonghui::BoxError> {
    let bench = Bench::start("bench_competitions").await?;
    let started = Instant::now();
    println!("filling:");
    fill(&bench.db).await?;
    let sheet = measured_competition(&bench.db, "基准:评分表", "in_progress", false).await?;
    let mut published = Vec::new();
    for n in 0..PUBLISHED {
        let title = format!("基准:发布{n}");
        published.push(measured_competition(&bench.db, &title, "marking_finished", true).await?);
    }
    sqlx::query("analyze").execute(&bench.db).await?;
    println!("filled in {:.1?}", started.elapsed());
    for table in [
        "competitions",
        "contestants",
        "marks",
        "item_marks",
        "results",
        "certificates",
    ] {
        let rows: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&bench.db)
            .await?;
        println!("  {table:<14} {rows:>10} rows");
    }
    let base = bench.serve().await?;

    // A judge's mark sheet of 400: opened, then saved with every value (changing each time).
    let judge = signed_in_client(&base, "judge").await?;
    let (competition, _, items) = &sheet;
    let sheet_url = format!("{base}/competitions/{competition}/items/{}/marks", items[1]);
    let token = token_of(&judge, &sheet_url).await?;
    let contestants: Vec<i64> =
        sqlx::query_scalar("select id from contestants where competition_id = $1 order by seq")
            .bind(competition)
            .fetch_all(&bench.db)
            .await?;
    let mut opened = Vec::new();
    for _ in 0..RUNS {
        let at = Instant::now();
        let response = judge.get(&sheet_url).send().await?;
        assert_eq!(response.status(), 200);
        response.bytes().await?;
        opened.push(at.elapsed());
    }
    let mut saved = Vec::new();
    for run in 0..RUNS {
        let mut form = vec![("csrf_token".to_string(), token.clone())];
        for (n, id) in contestants.iter().enumerate() {
            let value = format!("{}.{}", 50 + (n + run) % 50, run % 10);
            form.push((format!("m{id}"), value));
        }
        let at = Instant::now();
        let response = judge.post(&sheet_url).form(&form).send().await?;
        assert_eq!(response.status(), 303, "the sheet saves");
        saved.push(at.elapsed());
    }
    let kept: i64 = sqlx::query_scalar("select count(*) from marks where item_id = $1")
        .bind(items[1])
        .fetch_one(&bench.db)
        .await?;
    assert_eq!(kept, MEASURED);
    quantiles("mark sheet of 400, open", opened);
    quantiles("mark sheet of 400, save all 400", saved);

    // Publishing a 400-contestant event: ranks, awards and certificates in one transaction.
    let organiser = signed_in_client(&base, "organiser").await?;
    let mut publishing = Vec::new();
    for (competition, event, _) in &published {
        let page = format!("{base}/competitions/{competition}");
        let token = token_of(&organiser, &page).await?;
        let at = Instant::now();
        let response = organiser
            .post(format!("{page}/publication"))
            .form(&[("csrf_token", token)])
            .send()
            .await?;
        publishing.push(at.elapsed());
        assert_eq!(response.status(), 303);
        let results: i64 = sqlx::query_scalar("select count(*) from results where event_id = $1")
            .bind(event)
            .fetch_one(&bench.db)
            .await?;
        assert_eq!(results, MEASURED, "published");
    }
    let certified: i64 =
        sqlx::query_scalar("select count(*) from certificates where event_id = $1")
            .bind(published[0].1)
            .fetch_one(&bench.db)
            .await?;
    println!(
        "publish 400 contestants ({certified} certificates): {:?}",
        publishing
    );

    // Under load: the results page, verification, and the yardstick.
    let (competition, event, _) = &published[0];
    let results = format!("{base}/competitions/{competition}/events/{event}/results");
    report(
        "results page of 400, 16 clients",
        load(&organiser, &results).await?,
    );
    let serial: String = sqlx::query_scalar(
        "select serial from certificates where event_id = $1 order by id limit 1",
    )
    .bind(published[0].1)
    .fetch_one(&bench.db)
    .await?;
    let anonymous = reqwest::Client::new();
    let verify = format!("{base}/verify/{serial}");
    report(
        "verify a certificate, 16 clients",
        load(&anonymous, &verify).await?,
    );
    report(
        "/healthz, 16 clients",
        load(&anonymous, &format!("{base}/healthz")).await?,
    );
    bench.stop().await
}
