//! Mutual-aid insurance through HTTP: a plan, members enrolled once (a list with an unknown
//! number enrols nobody), and claims through the fast channel and the normal one with their
//! deadlines; a claim above the plan's benefit refused, at filing and at approval; late claims
//! flagged; the time from filing to payment reported per channel.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, id_number, location};
use crate::members::member_fields;

async fn today(app: &TestApp) -> time::Date {
    sqlx::query_scalar("select (now() at time zone 'Asia/Shanghai')::date")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn claim_row(app: &TestApp, path: &str) -> (String, String, time::Date) {
    let id: i64 = path.trim_start_matches("/aid/claims/").parse().unwrap();
    sqlx::query_as("select channel, status, due_on from aid_claims where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A plan of 甘井子区 for this year with two members of 顺达 enrolled: (plan path, their numbers).
async fn plan_with_members(app: &TestApp, staff: &Browser) -> (String, Vec<String>) {
    let today = today(app).await;
    let year = today.year();
    let (starts, ends) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let fields = [
        ("organisation", "DL-GJZ"),
        ("title", "甘井子区快递员互助保障"),
        ("starts_on", starts.as_str()),
        ("ends_on", ends.as_str()),
        ("cover", "意外伤害、住院"),
        ("premium", "25"),
        ("benefit_accident_medical", "5000"),
        ("benefit_hospital_stay", "2000"),
        ("benefit_disability", "3万"),
        ("benefit_death", "8万"),
        ("fast_limit", "1,000"),
        ("fast_working_days", "3"),
    ];
    let response = staff.post_form("/aid", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let plan = location(&response);
    let mut numbers = Vec::new();
    for (name, birth, phone) in [
        ("车", "19880512", "13941112233"),
        ("欧阳娜娜", "19910203", "13941112244"),
    ] {
        let id = id_number(birth, 417);
        let response = staff
            .post_form("/members", &member_fields(name, &id, phone))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let pii =
            gonghui::pii::Pii::new(&secrecy::SecretString::from(crate::helpers::TEST_KEY)).unwrap();
        let number: String =
            sqlx::query_scalar("select member_no from members where id_number_index = $1")
                .bind(pii.index(&id))
                .fetch_one(&app.db)
                .await
                .unwrap();
        numbers.push(number);
    }
    // An unknown number among them: nobody is enrolled, the number is named.
    let typed = format!(
        "{}\nGH19990000001\n{}",
        numbers[0],
        numbers[1].to_lowercase()
    );
    let refused = staff
        .post_form(
            &format!("{plan}/enrolments"),
            &[("numbers", typed.as_str()), ("occupation", "")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("本次未登记任何人：GH19990000001"), "{page}");
    let enrolled = || async {
        let id: i64 = plan.trim_start_matches("/aid/").parse().unwrap();
        sqlx::query_scalar::<_, i32>("select enrolled from aid_plans where id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(enrolled().await, 0);
    let typed = format!("{}\n{}", numbers[0], numbers[1].to_lowercase());
    for _ in 0..2 {
        let response = staff
            .post_form(
                &format!("{plan}/enrolments"),
                &[("numbers", typed.as_str()), ("occupation", "")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(enrolled().await, 2, "each member enrolled once");
    (plan, numbers)
}

fn claim<'a>(
    member: &'a str,
    kind: &'a str,
    day: &'a str,
    amount: &'a str,
    complete: bool,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("member", member),
        ("event_kind", kind),
        ("event_on", day),
        ("facts", "送件途中摔伤"),
        ("claimed", amount),
    ];
    if complete {
        fields.push(("documents_complete", "1"));
    }
    fields
}

#[tokio::test]
async fn a_fast_claim_and_a_normal_one_go_their_ways_with_their_deadlines() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let reviewer = app.signed_in("reviewer").await;
    let (plan, numbers) = plan_with_members(&app, &staff).await;
    let today = today(&app).await;
    let day = today.to_string();

    // Small and complete: the fast channel, due in three working days.
    let response = staff
        .post_form(
            &format!("{plan}/claims"),
            &claim(&numbers[0], "accident_medical", &day, "800", true),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let fast = location(&response);
    let (channel, status, due) = claim_row(&app, &fast).await;
    assert_eq!((channel.as_str(), status.as_str()), ("fast", "filed"));
    let expected = gonghui::calendar::working_days_after(&app.db, today, 3)
        .await
        .unwrap();
    assert!(expected >= today + time::Duration::days(3));
    assert_eq!(due, expected, "three working days by the official calendar");
    // The reviewer cannot approve more than the plan pays for the event.
    let refused = reviewer
        .post_form(&format!("{fast}/approval"), &[("approved", "6000")])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("超过本计划此类事故的最高给付 ¥5,000.00")
    );
    let response = reviewer
        .post_form(&format!("{fast}/approval"), &[("approved", "800")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let twice = reviewer
        .post_form(&format!("{fast}/approval"), &[("approved", "800")])
        .await;
    assert_eq!(
        twice.status(),
        StatusCode::SEE_OTHER,
        "a second click is refused, not applied"
    );
    // Its documents: checked by content, kept with the claim, read only through it.
    let documents = format!("{fast}/documents");
    let refused = staff
        .post_file(&documents, "receipt", ("发票.jpg", b"GIF89a not a jpeg"))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("只接受 PDF、JPEG 或 PNG 文件")
    );
    let response = staff
        .post_file(&documents, "receipt", ("门诊发票.pdf", b"%PDF-1.4 invoice"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = reviewer.page(&fast).await;
    assert!(page.contains("理赔材料（1 份）") && page.contains("门诊发票.pdf"));
    let file: i64 =
        sqlx::query_scalar("select max(id) from attachments where owner_entity = 'aid_claim'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let response = reviewer.get(&format!("{documents}/{file}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"%PDF-1.4 invoice"
    );
    assert_eq!(app.audit_count("aid_claim", "attachment_added").await, 1);
    let response = staff.post_form(&format!("{fast}/payment"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(claim_row(&app, &fast).await.1, "paid");
    // Settled: its documents stay as they are (the step is refused back to the claim).
    staff
        .post_file(&documents, "other", ("补充.png", b"\x89PNG\r\n\x1a\n...."))
        .await;
    staff
        .post_form(&format!("{documents}/{file}/deletion"), &[])
        .await;
    let (_, page) = staff.page(&fast).await;
    assert!(page.contains("这笔理赔已办结，材料不能再增删"));
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from attachments where owner_entity = 'aid_claim' and deleted_at is null",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(kept, 1);

    // Incomplete: the normal channel, 30 days; documents asked for and received.
    let response = staff
        .post_form(
            &format!("{plan}/claims"),
            &claim(&numbers[1], "hospital_stay", &day, "900", false),
        )
        .await;
    let normal = location(&response);
    let (channel, _, due) = claim_row(&app, &normal).await;
    assert_eq!(
        (channel.as_str(), due),
        ("normal", today + time::Duration::days(30))
    );
    let refused = staff
        .post_form(
            &format!("{normal}/document-request"),
            &[("requested", "发票")],
        )
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "a reviewer asks, not staff"
    );
    let response = reviewer
        .post_form(
            &format!("{normal}/document-request"),
            &[("requested", "住院发票、出院小结")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(claim_row(&app, &normal).await.1, "documents_requested");
    staff
        .post_form(&format!("{normal}/document-receipt"), &[])
        .await;
    let (channel, status, _) = claim_row(&app, &normal).await;
    assert_eq!(
        (channel.as_str(), status.as_str()),
        ("fast", "filed"),
        "complete and small now"
    );
    let refused = reviewer
        .post_form(&format!("{normal}/declining"), &[("reason", " ")])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = reviewer
        .post_form(
            &format!("{normal}/declining"),
            &[("reason", "住院不在保障期内")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = staff.page(&normal).await;
    assert!(page.contains("住院不在保障期内") && page.contains("不予赔付"));

    // The time from filing to payment, per channel.
    let (_, page) = staff.page("/aid").await;
    assert!(page.contains("从受理到支付的时间") && page.contains("快速通道"));
}

#[tokio::test]
async fn a_claim_above_the_benefit_or_of_someone_not_enrolled_is_refused_beside_its_field() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let (plan, numbers) = plan_with_members(&app, &staff).await;
    let day = today(&app).await.to_string();
    let response = staff
        .post_form(
            &format!("{plan}/claims"),
            &claim(&numbers[0], "hospital_stay", &day, "2000.01", true),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("超过本计划此类事故的最高给付 ¥2,000.00"),
        "{page}"
    );
    assert!(page.contains("value=\"2000.01\""), "what was typed is kept");
    let outsider: String = sqlx::query_scalar(
        "select min(m.member_no) from members m join organisations o on o.id = m.organisation_id
         where o.path <@ (select path from organisations where code = 'DL-GJZ')
           and m.id not in (select e.member_id from aid_enrolments e
                            join aid_plans p on p.id = e.plan_id
                            where p.title = '甘井子区快递员互助保障')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let response = staff
        .post_form(
            &format!("{plan}/claims"),
            &claim(&outsider, "accident_medical", &day, "100", true),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("这位会员没有参加本计划")
    );
    let filed: i64 = sqlx::query_scalar("select count(*) from aid_claims c join aid_enrolments e on e.id = c.enrolment_id join aid_plans p on p.id = e.plan_id where p.title = '甘井子区快递员互助保障'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(filed, 0);
}

#[tokio::test]
async fn the_demo_insures_six_hundred_and_flags_its_late_claim() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let (_, page) = admin.page("/aid").await;
    assert!(page.contains(">600<"), "{page}");
    let (_, page) = admin.page("/aid/claims").await;
    assert!(
        page.contains("超期"),
        "the fast claim filed twelve days ago is late"
    );
    let (_, page) = admin.page("/aid/claims?all=1&channel=fast").await;
    assert!(page.contains("已支付") && !page.contains("普通通道</td>"));
}
