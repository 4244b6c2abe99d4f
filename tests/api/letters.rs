//! Supervision letters (一函两书) through HTTP: drafted from a case and the kind's template,
//! refused with what was typed kept, numbered, delivered with the reply due in working days by
//! the official calendar (the National Day week skipped, its Saturday worked), overdue, replied
//! once, printed; another union's letters answer 404.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

async fn case_of(app: &TestApp, employer: &str) -> i64 {
    sqlx::query_scalar(
        "select c.id from dispute_cases c join employers e on e.id = c.employer_id
         where e.name = $1 order by c.id limit 1",
    )
    .bind(employer)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_letter_from_a_case_is_delivered_falls_overdue_and_is_answered_once() {
    let app = TestApp::spawn().await;
    let mediator = app.signed_in("mediator").await;

    // The demo's letters: the riders' opinion is past its reply date.
    let (status, list) = mediator.page("/letters?overdue=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("大连闪送同城配送有限公司") && list.contains("逾期"));
    assert!(
        !list.contains("大连飞鹰快递服务有限公司"),
        "answered letters are not overdue"
    );

    // From the courier's case: the employer's code and the case's facts are filled in.
    let case = case_of(&app, "大连飞鹰快递服务有限公司").await;
    let (status, form) = mediator
        .page(&format!("/letters/new?case={case}&kind=notice"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("91210211MA10J6T8HX") && form.contains("拖欠 2025 年 9 月至 12 月工资"));
    assert!(form.contains("关于依法保障职工合法权益的提示函") && form.contains(r#"value="10""#));

    // "Fill from the template" for another kind and employer.
    let (_, drafted) = mediator
        .page("/letters/new?kind=opinion&employer=%E5%A4%A7%E8%BF%9E%E9%97%AA%E9%80%81%E5%90%8C%E5%9F%8E%E9%85%8D%E9%80%81%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8&draft=1")
        .await;
    assert!(drafted.contains("大连闪送同城配送有限公司：") && drafted.contains("意见书"));

    // Refused: no kind, no days, a future date; the subject typed stays.
    let case_text = case.to_string();
    let mut fields = vec![
        ("case", case_text.as_str()),
        ("kind", ""),
        ("employer", "91210211MA10J6T8HX"),
        ("subject", "关于支付拖欠工资的提示"),
        ("body", "大连飞鹰快递服务有限公司：\n\n请依法支付拖欠工资。"),
        ("issued_on", "2099-01-01"),
        ("reply_days", "0"),
    ];
    let response = mediator.post_form("/letters", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("请选择函件种类") && page.contains("请填写 1 至 60 之间的工作日数"));
    assert!(
        page.contains("日期不能晚于今天") && page.contains(r#"value="关于支付拖欠工资的提示""#)
    );

    fields[1] = ("kind", "notice");
    fields[5] = ("issued_on", "2026-09-29");
    fields[6] = ("reply_days", "10");
    let response = mediator.post_form("/letters", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let letter = location(&response);
    let (_, page) = mediator.page(&letter).await;
    assert!(
        page.contains("甘工监函〔2026〕"),
        "numbered in its union's year"
    );
    let (_, case_page) = mediator.page(&format!("/disputes/{case}")).await;
    assert!(case_page.contains("发出函件") && case_page.contains(&format!("href=\"{letter}\"")));

    // Delivered before it was issued: refused. Delivered on 30 September: ten working days
    // skip 1–7 October and count Saturday 10 October, so the reply is due on 20 October.
    let delivery = format!("{letter}/delivery");
    let response = mediator
        .post_form(
            &delivery,
            &[("delivered_on", "2026-09-28"), ("delivery", "直接送达")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("日期不能早于签发或送达日期")
    );
    let response = mediator
        .post_form(
            &delivery,
            &[
                ("delivered_on", "2026/9/30"),
                ("delivery", "直接送达，人事经理签收"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = mediator.page(&letter).await;
    assert!(
        page.contains("请于 2026-10-20 前回复"),
        "working days by the calendar"
    );
    let (_, overdue) = mediator.page("/letters?overdue=1").await;
    assert!(
        overdue.contains(&format!("href=\"{letter}\"")),
        "listed as overdue"
    );

    // The reply needs its verdict; then it is recorded once.
    let reply = format!("{letter}/reply");
    let response = mediator
        .post_form(&reply, &[("replied_on", "2026-10-22"), ("reply", "已付清")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("请选择是否整改到位") && page.contains("已付清"));
    let fields = [
        ("replied_on", "2026-10-22"),
        ("reply", "已付清"),
        ("rectified", "yes"),
    ];
    let response = mediator.post_form(&reply, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = mediator.post_form(&reply, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = mediator.page(&letter).await;
    assert!(page.contains("回复：已整改") && page.contains("函件送达后才能登记回复"));
    let replies: i64 = sqlx::query_scalar(
        "select count(*) from timeline where entity = 'supervision_letter'
         and entity_id = $1::text::bigint and step = 'rectified'",
    )
    .bind(letter.trim_start_matches("/letters/"))
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(replies, 1);
    let (_, overdue) = mediator.page("/letters?overdue=1").await;
    assert!(!overdue.contains(&format!("href=\"{letter}\"")));

    // Printed: the kind's title, the text, the receipt.
    let (status, print) = mediator.page(&format!("{letter}/print")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(print.contains("劳动法律监督提示函") && print.contains("请依法支付拖欠工资。"));
    assert!(print.contains("送达回执"));

    // 金州区's letter is not 甘井子区's.
    let other: i64 = sqlx::query_scalar(
        "select min(l.id) from supervision_letters l
         join organisations o on o.id = l.organisation_id where o.code = 'DL-JZ'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (status, _) = mediator.page(&format!("/letters/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
