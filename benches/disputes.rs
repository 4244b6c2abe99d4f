//! Labour disputes at a large city's size: 100,000 cases with 300,000 mediation rounds (and a
//! payment for every mediated case), loaded with COPY over the demo world, then measured over
//! HTTP under 16 concurrent clients as a browser would, each page also as a share of `pgbench -S`
//! and `/healthz` in the same run:
//! - the case list (the city's, one filter, a mediator's overdue list, a search by name);
//! - a case's page;
//! - the statistics page over every case.
//!
//! Run with `cargo bench --bench disputes`; figures are recorded in docs/benchmarks.md.

// Amounts in fen are written yuan_00, so the fen stand apart.
#![allow(clippy::inconsistent_digit_grouping)]

use std::time::Instant;

mod support;
use support::{Bench, Yardstick, copy, signed_in};

const CASES: usize = 100_000;
const ROUNDS: usize = 300_000;

const KINDS: [&str; 6] = [
    "wage_arrears",
    "wage_arrears",
    "social_insurance",
    "work_injury",
    "termination",
    "overtime_rest",
];
/// One in ten mediating (a few of them past the limit), six mediated, one referred, one received,
/// half a withdrawn and half not accepted.
const STATUSES: [&str; 20] = [
    "mediated",
    "mediated",
    "mediating",
    "mediated",
    "referred",
    "mediated",
    "received",
    "mediated",
    "mediated",
    "withdrawn",
    "mediated",
    "mediating",
    "mediated",
    "referred",
    "mediated",
    "received",
    "mediated",
    "not_accepted",
    "mediated",
    "mediated",
];

/// Names as a city's workers have them: thirty common surnames (王 and 李 a fifteenth each) and
/// one or two given characters out of sixty, so that a full name such as 王伟 belongs to a few
/// dozen workers of 100,000 and a surname to thousands.
const SURNAMES: [&str; 30] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
];
const GIVEN: [&str; 60] = [
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "勇", "军", "杰", "娟", "涛", "明", "超", "秀",
    "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "红", "建", "国", "丽", "文", "辉", "鹏",
    "宇", "浩", "凯", "飞", "鑫", "波", "斌", "宁", "欣", "晨", "阳", "雪", "琳", "婷", "倩", "颖",
    "佳", "龙", "海", "峰", "东", "亮", "林", "俊", "帅", "晶", "雷", "春",
];

fn worker_name(n: usize) -> String {
    // A mixing step, so that the names do not cycle with the other columns.
    let h = n.wrapping_mul(2_654_435_761) >> 7;
    let surname = if h % 15 < 2 {
        SURNAMES[h % 2]
    } else {
        SURNAMES[2 + h % 28]
    };
    let first = GIVEN[(h / 31) % GIVEN.len()];
    if (h / 7) % 2 == 0 {
        format!("{surname}{first}")
    } else {
        format!("{surname}{first}{}", GIVEN[(h / 1_999) % GIVEN.len()])
    }
}

#[tokio::main]
async fn main() -> Result<(), gonghui::BoxError> {
    let bench = Bench::start("bench_disputes").await?;
    let db = bench.db.clone();
    let started = Instant::now();
    let orgs: Vec<i64> = sqlx::query_scalar("select id from organisations order by id")
        .fetch_all(&db)
        .await?;
    let members: Vec<i64> = sqlx::query_scalar("select id from members order by id limit 2000")
        .fetch_all(&db)
        .await?;
    let employers: Vec<i64> = sqlx::query_scalar("select id from employers order by id")
        .fetch_all(&db)
        .await?;
    let mediator: i64 = sqlx::query_scalar("select id from users where username = 'mediator'")
        .fetch_one(&db)
        .await?;
    let today: time::Date = sqlx::query_scalar("select (now() at time zone 'Asia/Shanghai')::date")
        .fetch_one(&db)
        .await?;

    // The counters of rounds and payments, and the tallies, are set once at the end, not row by
    // row.
    sqlx::query("alter table dispute_cases disable trigger dispute_cases_tallied_insert")
        .execute(&db)
        .await?;
    sqlx::query("alter table dispute_cases disable trigger dispute_cases_tallied_update")
        .execute(&db)
        .await?;
    sqlx::query("alter table dispute_rounds disable trigger dispute_rounds_counted")
        .execute(&db)
        .await?;
    sqlx::query("alter table dispute_payments disable trigger dispute_payments_counted")
        .execute(&db)
        .await?;
    let first: i64 = sqlx::query_scalar("select coalesce(max(id), 0) from dispute_cases")
        .fetch_one(&db)
        .await?;
    let mut cases = String::with_capacity(CASES * 260);
    for n in 0..CASES {
        let status = STATUSES[(n * 7 + n / 20) % STATUSES.len()];
        let received = today - time::Duration::days((n % 1_000) as i64 + 20);
        let accepted = !matches!(status, "received" | "not_accepted");
        // Mediating cases: most still within their 15 days, one in five past them.
        let accepted_on = if status == "mediating" && n % 5 != 0 {
            today - time::Duration::days(3)
        } else {
            received
        };
        let due = accepted_on + time::Duration::days(15);
        let closed = !matches!(status, "received" | "mediating");
        let claimed = 1_000_00 + (n as i64 % 400) * 250_00;
        let name = worker_name(n);
        let opt = |flag: bool, text: String| if flag { text } else { String::new() };
        cases.push_str(&format!(
            "{org},B常劳调〔{year}〕{seq}号,{year},{seq},hotline,{kind},{member},{name},{employer},职工反映公司拖欠工资。,{claimed},{claimed},{received},{status},{mediator_id},{accepted_on},{due_on},{agreed},{closed_on}\n",
            org = orgs[n % orgs.len()],
            year = received.year(),
            seq = 10_000 + n,
            kind = KINDS[n % KINDS.len()],
            member = members[n % members.len()],
            employer = employers[n % employers.len()],
            mediator_id = opt(accepted, mediator.to_string()),
            accepted_on = opt(accepted, accepted_on.to_string()),
            due_on = opt(accepted, due.to_string()),
            agreed = opt(status == "mediated", (claimed * 4 / 5).to_string()),
            closed_on = opt(closed, (received + time::Duration::days(9)).to_string()),
        ));
    }
    copy(
        &db,
        "dispute_cases",
        "organisation_id, number, year, sequence, channel, kind, member_id, worker_name, employer_id, \
         facts, claimed, worker_claimed, received_on, status, mediator_id, accepted_on, due_on, agreed, closed_on",
        cases,
    )
    .await?;
    let accepted: Vec<(i64, time::Date, String, Option<i64>)> = sqlx::query_as(
        "select id, accepted_on, status, agreed from dispute_cases
         where id > $1 and accepted_on is not null order by id",
    )
    .bind(first)
    .fetch_all(&db)
    .await?;
    let (mut rounds, mut payments, mut count) = (String::new(), String::new(), 0usize);
    let per_case = ROUNDS.div_ceil(accepted.len());
    for (id, accepted_on, status, agreed) in &accepted {
        for r in 0..per_case {
            if count == ROUNDS {
                break;
            }
            let held = *accepted_on + time::Duration::days(r as i64 * 2);
            rounds.push_str(&format!("{id},{held},本人,人事经理,,,,下次再谈,\n"));
            count += 1;
        }
        if status == "mediated"
            && let Some(agreed) = agreed
        {
            let paid = *accepted_on + time::Duration::days(8);
            payments.push_str(&format!("{id},{paid},{agreed}\n"));
        }
    }
    copy(&db, "dispute_rounds", "case_id, held_on, worker_side, employer_side, claimed, offered, agreed, next_step, next_on", rounds).await?;
    copy(
        &db,
        "dispute_payments",
        "case_id, paid_on, amount",
        payments,
    )
    .await?;
    sqlx::query("alter table dispute_rounds enable trigger dispute_rounds_counted")
        .execute(&db)
        .await?;
    sqlx::query("alter table dispute_payments enable trigger dispute_payments_counted")
        .execute(&db)
        .await?;
    sqlx::query(
        "update dispute_cases c set rounds = r.n from (select case_id, count(*) n from dispute_rounds group by case_id) r
         where r.case_id = c.id",
    )
    .execute(&db)
    .await?;
    sqlx::query(
        "update dispute_cases c set recovered = p.s from (select case_id, sum(amount) s from dispute_payments group by case_id) p
         where p.case_id = c.id",
    )
    .execute(&db)
    .await?;
    sqlx::query("select dispute_case_tallies_rebuild()")
        .execute(&db)
        .await?;
    sqlx::query("alter table dispute_cases enable trigger dispute_cases_tallied_insert")
        .execute(&db)
        .await?;
    sqlx::query("alter table dispute_cases enable trigger dispute_cases_tallied_update")
        .execute(&db)
        .await?;
    sqlx::query("vacuum analyze").execute(&db).await?;
    let (n_cases, n_rounds): (i64, i64) = sqlx::query_as(
        "select (select count(*) from dispute_cases), (select count(*) from dispute_rounds)",
    )
    .fetch_one(&db)
    .await?;
    support::loaded(
        &db,
        &format!("{n_cases} cases and {n_rounds} rounds"),
        started,
    )
    .await?;

    let base = bench.serve().await?;
    bench.hold(&base, "bench_disputes").await?;
    let (_, admin) = signed_in(&base, "admin").await?;
    let (_, staff) = signed_in(&base, "staff").await?;
    let (_, mediator_cookie) = signed_in(&base, "mediator").await?;
    let yardstick = Yardstick::measure(&bench, &base).await?;
    let case: i64 = sqlx::query_scalar(
        "select id from dispute_cases where status = 'mediated' and id > $1 and organisation_id = $2 order by id limit 1",
    )
    .bind(first)
    .bind(orgs[0])
    .fetch_one(&db)
    .await?;
    for (label, path, who) in [
        ("case list, the whole city", "/disputes".to_string(), &admin),
        ("case list, a district", "/disputes".to_string(), &staff),
        (
            "case list, kind and status",
            "/disputes?kind=wage_arrears&status=mediated".to_string(),
            &admin,
        ),
        (
            "mediator's overdue list",
            "/disputes?overdue=1&mine=1".to_string(),
            &mediator_cookie,
        ),
        (
            "case list, a name searched",
            "/disputes?q=%E7%8E%8B%E4%BC%9F".to_string(),
            &admin,
        ),
        (
            "case list, a surname searched",
            "/disputes?q=%E7%8E%8B".to_string(),
            &admin,
        ),
        (
            "case page (rounds, payments)",
            format!("/disputes/{case}"),
            &admin,
        ),
        (
            "statistics, every case of the city",
            "/disputes/statistics".to_string(),
            &admin,
        ),
        (
            "statistics, a district",
            "/disputes/statistics".to_string(),
            &staff,
        ),
    ] {
        yardstick.page(&base, label, &path, who).await?;
    }
    drop(db);
    bench.stop().await
}
