//! Labour dispute cases through HTTP: a mediator takes in a case of a worker who is not a member,
//! accepts it, records rounds, extends the limit with both parties' agreement and closes it with
//! an agreement; bad input is refused beside its field with what was typed kept; the 15-day
//! limit flags a case past it; other unions' cases and other roles are kept out.

use reqwest::StatusCode;
use time::{Date, Duration};

use crate::helpers::{Browser, TestApp, id_number, location};

async fn today(app: &TestApp) -> Date {
    sqlx::query_scalar("select (now() at time zone 'Asia/Shanghai')::date")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn day(today: Date, ago: i64) -> String {
    (today - Duration::days(ago)).to_string()
}

async fn take_in(mediator: &Browser, fields: &[(&str, &str)]) -> reqwest::Response {
    mediator.post_form("/disputes", fields).await
}

#[tokio::test]
async fn a_case_goes_from_intake_through_rounds_and_an_extension_to_an_agreement() {
    let app = TestApp::spawn().await;
    let today = today(&app).await;
    let mediator = app.signed_in("mediator").await;
    // A mediator sees cases, not members.
    let (_, home) = mediator.page("/").await;
    assert!(home.contains("href=\"/disputes\"") && !home.contains("href=\"/members\""));
    let (status, _) = mediator.page("/members").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let id_no = id_number("19900101", 517);
    let received = day(today, 10);
    let mut fields = vec![
        ("channel", "walk_in"),
        ("kind", "wage_arrears"),
        ("member", ""),
        ("worker_name", "闫"),
        ("worker_id_number", id_no.as_str()),
        ("worker_phone", "13904112233"),
        ("employer", "不存在的公司"),
        ("facts", "快递员反映公司拖欠三个月工资。"),
        ("claimed", "三万"),
        ("received_on", "2099-01-01"),
    ];
    let response = take_in(&mediator, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("名录中没有这个用人单位"));
    assert!(page.contains("日期不能晚于今天"));
    assert!(
        page.contains(r#"value="三万""#) && page.contains(r#"value="闫""#),
        "typed values kept"
    );
    assert_eq!(
        app.audit_count("dispute_case", "received").await,
        4 + gonghui::disputes::demo::STATION_CASES,
        "the demo's only"
    );

    // The employer by its credit code as typed; the amount as a clerk types it.
    fields[6] = ("employer", "91210211ma10j6t8hx");
    fields[8] = ("claimed", "3.2万");
    fields[9] = ("received_on", received.as_str());
    let response = take_in(&mediator, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let case = location(&response);
    let (_, page) = mediator.page(&case).await;
    let number = format!("甘劳调〔{}〕3号", today.year());
    assert!(
        page.contains(&number),
        "numbered after the demo's two: {number}"
    );
    assert!(page.contains("大连飞鹰快递服务有限公司") && page.contains("¥32,000.00"));
    assert!(
        !page.contains(&id_no) && page.contains(&id_no[14..]),
        "the ID number masked"
    );
    let sealed: Vec<u8> =
        sqlx::query_scalar("select worker_id_cipher from dispute_cases where number = $1")
            .bind(&number)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        !String::from_utf8_lossy(&sealed).contains(&id_no[..6]),
        "sealed"
    );

    // Accepted before it was taken in: refused; then accepted by this mediator.
    let mediator_id: i64 = sqlx::query_scalar("select id from users where username = 'mediator'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let me = mediator_id.to_string();
    let response = mediator
        .post_form(
            &format!("{case}/acceptance"),
            &[("accepted_on", &day(today, 11)), ("mediator_id", &me)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("受理日期不能早于登记日期")
    );
    let response = mediator
        .post_form(
            &format!("{case}/acceptance"),
            &[("accepted_on", &day(today, 9)), ("mediator_id", &me)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = mediator.page(&case).await;
    assert!(page.contains(&format!("调解期限至 {}", day(today, -6))) && page.contains("还剩 6 天"));

    // Rounds: one dated before acceptance is refused with what was typed kept.
    let rounds = format!("{case}/rounds");
    let response = mediator
        .post_form(
            &rounds,
            &[
                ("held_on", &day(today, 12)),
                ("offered", "1.5万"),
                ("next_step", "再约谈"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("日期不能早于受理日期或上一次调解") && page.contains(r#"value="1.5万""#));
    for (ago, offered, agreed) in [(7, "1.5万", ""), (5, "32000", "32,000")] {
        let response = mediator
            .post_form(
                &rounds,
                &[
                    ("held_on", &day(today, ago)),
                    ("worker_side", "闫本人"),
                    ("employer_side", "公司财务"),
                    ("claimed", "32000"),
                    ("offered", offered),
                    ("agreed", agreed),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "round {ago}");
    }
    // A round before the last one: refused.
    let response = mediator
        .post_form(&rounds, &[("held_on", &day(today, 6))])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Extended by both parties' agreement, to a later day only.
    let extension = format!("{case}/extension");
    let response = mediator
        .post_form(
            &extension,
            &[("due_on", &day(today, 0)), ("reason", "双方同意")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = mediator
        .post_form(
            &extension,
            &[("due_on", &day(today, -10)), ("reason", "双方同意延长十日")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Closed by agreement: the amount is required.
    let closure = format!("{case}/closure");
    let response = mediator
        .post_form(
            &closure,
            &[("outcome", "mediated"), ("closed_on", &day(today, 1))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("调解成功请填写协议金额")
    );
    let response = mediator
        .post_form(
            &closure,
            &[
                ("outcome", "mediated"),
                ("closed_on", &day(today, 1)),
                ("agreed", "¥32,000"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = mediator.page(&case).await;
    assert!(page.contains("调解成功") && page.contains("调解记录（2 次）"));
    for step in ["登记", "受理，指派调解员", "延长调解期限", "调解成功结案"] {
        assert!(page.contains(step), "{step} on the timeline");
    }
    // The agreement's schedule and payments: never past the amount agreed; what was recovered
    // is what was paid, and an instalment past its day flags the agreement.
    let instalments = format!("{case}/instalments");
    let payments = format!("{case}/payments");
    for (due, amount, expected) in [
        (day(today, 1), "20000", StatusCode::SEE_OTHER),
        (day(today, -10), "1.5万", StatusCode::UNPROCESSABLE_ENTITY),
        (day(today, 3), "1000", StatusCode::UNPROCESSABLE_ENTITY),
        (day(today, -10), "12000", StatusCode::SEE_OTHER),
    ] {
        let response = mediator
            .post_form(&instalments, &[("day", &due), ("amount", amount)])
            .await;
        assert_eq!(response.status(), expected, "instalment {amount} on {due}");
    }
    let response = mediator
        .post_form(&payments, &[("day", &day(today, -1)), ("amount", "8000")])
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "paid tomorrow"
    );
    let response = mediator
        .post_form(&payments, &[("day", &day(today, 0)), ("amount", "8000")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = mediator.page(&case).await;
    assert!(page.contains("有 ¥12,000.00 已到期未支付"), "late");
    assert!(page.contains("已实际支付 ¥8,000.00"));
    let response = mediator
        .post_form(&payments, &[("day", &day(today, 0)), ("amount", "12,000")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = mediator.page(&case).await;
    assert!(!page.contains("已到期未支付") && page.contains("已实际支付 ¥20,000.00"));

    // The agreement to print and sign, with its schedule.
    let (status, agreement) = mediator.page(&format!("{case}/agreement")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "劳动争议调解协议书",
        "被申请人向申请人支付 ¥32,000.00",
        "第 1 期",
        "申请人（签字）",
        "91210211MA10J6T8HX",
    ] {
        assert!(agreement.contains(text), "{text}");
    }
    assert!(
        !agreement.contains(&id_no),
        "the ID number masked there too"
    );

    // Closed: a further round is refused and nothing is added.
    let response = mediator
        .post_form(&rounds, &[("held_on", &day(today, 0))])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let held: i64 = sqlx::query_scalar(
        "select count(*) from dispute_rounds r join dispute_cases c on c.id = r.case_id where c.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(held, 2);
    let (agreed, status): (Option<i64>, String) =
        sqlx::query_as("select agreed, status from dispute_cases where number = $1")
            .bind(&number)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((agreed, status.as_str()), (Some(3_200_000), "mediated"));
}

#[tokio::test]
async fn a_case_past_its_fifteen_days_is_flagged_and_other_unions_cases_stay_unseen() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    // The demo's case accepted 19 days ago is 4 days past its limit.
    let (_, list) = staff.page("/disputes?overdue=1").await;
    assert!(
        list.contains("共 1 件") && list.contains("已超期 4 天"),
        "{list}"
    );
    let (_, list) = staff.page("/disputes").await;
    assert!(list.contains("共 3 件"), "甘井子区's three, not 金州区's");
    let other: i64 = sqlx::query_scalar(
        "select c.id from dispute_cases c join organisations o on o.id = c.organisation_id
         where o.code = 'DL-JZ'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (status, _) = staff.page(&format!("/disputes/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = staff.page(&format!("/disputes/{other}/agreement")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = staff
        .post_form(
            &format!("/disputes/{other}/closure"),
            &[("outcome", "withdrawn"), ("closed_on", "2026-01-01")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // The city's auditor reads it; a reviewer does not see cases at all.
    let auditor = app.signed_in("auditor").await;
    // The joint station's year and a half: 241 cases mediated, 5,768,400 yuan actually paid.
    let (cases, recovered): (i64, i64) = sqlx::query_as(
        "select count(distinct c.id), sum(p.amount)::bigint from dispute_cases c
         join organisations o on o.id = c.organisation_id
         join dispute_payments p on p.case_id = c.id
         where o.code = 'DL' and c.status = 'mediated'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((cases, recovered), (241, 5_768_400 * 100));
    let (_, list) = auditor.page("/disputes?status=mediated").await;
    assert!(
        list.contains("共 242 件"),
        "the station's and 甘井子区's courier"
    );
    let (status, page) = auditor.page(&format!("/disputes/{other}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("/closure"), "an auditor only reads");
    // The full numbers of 金州区's worker, who is not a member: for those who handle cases, audited.
    let id_no = gonghui::members::model::IdNumber::complete("21021319850714561");
    assert!(!page.contains(&id_no));
    let (status, _) = auditor.page(&format!("/disputes/{other}/identity")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let city = app.signed_in("admin").await;
    let (status, revealed) = city.page(&format!("/disputes/{other}/identity")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(revealed.contains(&id_no) && revealed.contains("13591123456"));
    assert_eq!(app.audit_count("dispute_case", "reveal").await, 1);
    let reviewer = app.signed_in("reviewer").await;
    let (status, _) = reviewer.page("/disputes").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Not accepted needs its reason.
    let closure = format!("/disputes/{other}/closure");
    let today = today(&app).await.to_string();
    let response = city
        .post_form(
            &closure,
            &[("outcome", "not_accepted"), ("closed_on", &today)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("请填写理由"));
    let response = city
        .post_form(
            &closure,
            &[
                ("outcome", "not_accepted"),
                ("closed_on", &today),
                ("note", "已进入诉讼程序"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = city.page(&format!("/disputes/{other}")).await;
    assert!(page.contains("不予受理") && page.contains("已进入诉讼程序"));
}
