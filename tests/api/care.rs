//! Care campaigns through HTTP: a campaign's form refusing bad input beside its fields; workers
//! reached counted once per campaign, whether added by a scanned number, typed as someone who is
//! not a member, or from a GBK file that names a worker twice; protected data shown masked;
//! other unions' campaigns unseen; the demo's figures.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::helpers::{Browser, TestApp, id_number, location};
use crate::members::member_fields;

pub async fn today(app: &TestApp) -> time::Date {
    sqlx::query_scalar("select (now() at time zone 'Asia/Shanghai')::date")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A new campaign of 甘井子区 running from ten days ago to ten days ahead; its page's path.
async fn new_campaign(app: &TestApp, staff: &Browser, title: &str) -> String {
    let response = post_campaign(app, staff, title, ("", "1万")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response)
}

/// The form of such a campaign posted, paid from `fund` (an id, or blank) with `budget`.
pub async fn post_campaign(
    app: &TestApp,
    staff: &Browser,
    title: &str,
    (fund, budget): (&str, &str),
) -> reqwest::Response {
    let today = today(app).await;
    let (starts, ends) = (
        (today - time::Duration::days(10)).to_string(),
        (today + time::Duration::days(10)).to_string(),
    );
    staff
        .post_form(
            "/care",
            &[
                ("organisation", "DL-GJZ"),
                ("kind", "care_package"),
                ("title", title),
                ("starts_on", &starts),
                ("ends_on", &ends),
                ("goods", "保温杯、护膝"),
                ("unit_value", "150"),
                ("budget", budget),
                ("fund", fund),
            ],
        )
        .await
}

async fn reached(app: &TestApp, campaign: &str) -> (i32, i64, i64) {
    let id: i64 = campaign.trim_start_matches("/care/").parse().unwrap();
    sqlx::query_as(
        "select c.reached, (select count(*) from care_recipients r where r.campaign_id = c.id),
                c.spent from care_campaigns c where c.id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn member_no(app: &TestApp, id_number_index: &[u8]) -> String {
    sqlx::query_scalar("select member_no from members where id_number_index = $1")
        .bind(id_number_index)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn upload(
    staff: &Browser,
    (campaign, today): (&str, &str),
    bytes: Vec<u8>,
    skip: bool,
) -> (StatusCode, String) {
    let token = staff.csrf_token().await;
    let mut form = Form::new()
        .part("file", Part::bytes(bytes).file_name("领取名单.csv"))
        .text("given_on", today.to_string())
        .text("given", "保温杯、护膝")
        .text("value", "150");
    if skip {
        form = form.text("skip_problems", "1");
    }
    let url = staff.url(&format!("{campaign}/recipients/file?csrf_token={token}"));
    let response = staff.client.post(url).multipart(form).send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn a_campaign_form_refuses_bad_input_beside_its_fields_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let response = staff
        .post_form(
            "/care",
            &[
                ("organisation", "DL-JZ"),
                ("kind", "care_package"),
                ("title", "冬季送温暖·骑手专场"),
                ("starts_on", "2026-12-01"),
                ("ends_on", "2026-11-01"),
                ("unit_value", "一百元"),
                ("budget", ""),
                ("fund", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("请选择您管辖范围内的工会"), "{page}");
    assert!(page.contains("id=\"ends_on-error\""));
    assert!(page.contains("id=\"unit_value-error\""));
    assert!(
        page.contains("value=\"冬季送温暖·骑手专场\""),
        "the title typed is kept"
    );
    assert!(!page.contains("id=\"starts_on-error\""));
    let saved: i64 = sqlx::query_scalar(
        "select count(*) from care_campaigns where title like '冬季送温暖·骑手%'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(saved, 0);
}

#[tokio::test]
async fn each_worker_counts_once_per_campaign_by_hand_and_from_a_file() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    // Two members of 顺达 with known ID numbers.
    let (first_id, second_id) = (id_number("19880512", 417), id_number("19910203", 418));
    for (name, id, phone) in [
        ("车", &first_id, "13941112233"),
        ("欧阳娜娜", &second_id, "13941112244"),
    ] {
        let response = staff
            .post_form("/members", &member_fields(name, id, phone))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let pii =
        gonghui::pii::Pii::new(&secrecy::SecretString::from(crate::helpers::TEST_KEY)).unwrap();
    let first_no = member_no(&app, &pii.index(&first_id)).await;
    let second_no = member_no(&app, &pii.index(&second_id)).await;
    let campaign = new_campaign(&app, &staff, "暖新礼包·顺达车队").await;

    // A scanned member number: reached, valued at the campaign's 150 yuan.
    let response = staff
        .post_form(
            &format!("{campaign}/recipients"),
            &[
                ("member", &first_no.to_lowercase()),
                ("given_on", ""),
                ("given", ""),
                ("value", ""),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a sign-off needs its day"
    );
    let today = today(&app).await.to_string();
    let add = |member: String| {
        let campaign = campaign.clone();
        let today = today.clone();
        let staff = &staff;
        async move {
            staff
                .post_form(
                    &format!("{campaign}/recipients"),
                    &[
                        ("member", member.as_str()),
                        ("given_on", today.as_str()),
                        ("given", "保温杯"),
                        ("value", "150"),
                    ],
                )
                .await
        }
    };
    assert_eq!(
        add(first_no.to_lowercase()).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(reached(&app, &campaign).await, (1, 1, 15_000));
    // The same worker again, named by ID number: refused with the first entry's date.
    let again = add(first_id.clone()).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = again.text().await.unwrap();
    assert!(
        page.contains(&format!("这位职工已于 {today} 登记")),
        "{page}"
    );
    assert_eq!(reached(&app, &campaign).await.0, 1);

    // A rider who is not a member: their numbers sealed and shown masked.
    let rider_id = id_number("19990909", 77);
    let outsider = [
        ("worker_name", "闫"),
        ("worker_id_number", rider_id.as_str()),
        ("worker_phone", "137 2000 1234"),
        ("given_on", today.as_str()),
        ("given", "保温杯"),
        ("value", "150"),
    ];
    let response = staff
        .post_form(&format!("{campaign}/recipients"), &outsider)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = staff.page(&campaign).await;
    assert!(
        page.contains("闫") && page.contains("137****1234"),
        "{page}"
    );
    assert!(
        !page.contains(&rider_id) && !page.contains("13720001234"),
        "never in full"
    );
    let sealed: (Option<Vec<u8>>, String) =
        sqlx::query_as("select id_cipher, id_masked from care_recipients where name = '闫'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        sealed
            .0
            .is_some_and(|c| !String::from_utf8_lossy(&c).contains(&rider_id))
    );
    assert_eq!(
        sealed.1,
        format!("{}**********{}", &rider_id[..4], &rider_id[14..])
    );
    let twice = staff
        .post_form(&format!("{campaign}/recipients"), &outsider)
        .await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.text().await.unwrap().contains("这位职工已于"));

    // A member of 金州区 is not this campaign's to reach.
    let other_no: String = sqlx::query_scalar(
        "select min(m.member_no) from members m join organisations o on o.id = m.organisation_id
         where o.code = 'DL-JZ-SQ'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let refused = add(other_no).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("本单位范围内没有这个会员号或身份证号的会员")
    );
    assert_eq!(reached(&app, &campaign).await, (2, 2, 30_000));

    // A GBK file: the first member again, the second by number and again by ID number, a rider
    // who is not a member, one without a phone, and a broken ID number.
    let lines = [
        "姓名,会员号,身份证号,手机号,发放日期,价值".to_string(),
        format!("车,,{first_id},,,"),
        format!("欧阳娜娜,{second_no},,,,"),
        format!("欧阳 娜娜,,{second_id},,,"),
        format!("刘,,{},13720005678,{today},120", id_number("19950101", 88)),
        format!("吴,,{},,,", id_number("19960101", 89)),
        "郑,,21021119900101123,,,".to_string(),
    ];
    let file = encoding_rs::GBK.encode(&lines.join("\r\n")).0.into_owned();
    let (status, page) = upload(&staff, (&campaign, &today), file.clone(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("其中 2 行有问题，本次未登记任何人"), "{page}");
    assert_eq!(reached(&app, &campaign).await.0, 2, "nothing written");
    let (status, page) = upload(&staff, (&campaign, &today), file, true).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("新登记 2 人，已登记过的 2 行未重复计入，有问题的 2 行未登记"),
        "{page}"
    );
    assert!(
        page.contains("与第 3 行是同一位职工"),
        "the line named twice points at the first"
    );
    assert!(page.contains(&format!("这位职工已于 {today} 登记")));
    // 2 by hand, 2 from the file: the file's rider valued at the 120 yuan of his line.
    assert_eq!(
        reached(&app, &campaign).await,
        (4, 4, 30_000 + 15_000 + 12_000)
    );
}

#[tokio::test]
async fn a_worker_taken_off_by_mistake_leaves_the_count_and_the_audit_trail_says_so() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let campaign: i64 = sqlx::query_scalar(
        "select c.id from care_campaigns c join organisations o on o.id = c.organisation_id
         where o.code = 'DL-GJZ-HQ'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (before, recipient): (i32, i64) = sqlx::query_as(
        "select c.reached, (select min(id) from care_recipients where campaign_id = c.id)
         from care_campaigns c where c.id = $1",
    )
    .bind(campaign)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let response = staff
        .post_form(
            &format!("/care/{campaign}/recipients/{recipient}/deletion"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let after: i32 = sqlx::query_scalar("select reached from care_campaigns where id = $1")
        .bind(campaign)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(after, before - 1);
    let gone = staff
        .post_form(
            &format!("/care/{campaign}/recipients/{recipient}/deletion"),
            &[],
        )
        .await;
    assert_eq!(
        gone.status(),
        StatusCode::SEE_OTHER,
        "a second click changes nothing"
    );
    let (_, page) = staff.page(&location(&gone)).await;
    assert!(page.contains("这位职工已不在本次行动的名单上"), "{page}");
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where entity = 'care_campaign' and entity_id = $1
           and action = 'recipient_removed'",
    )
    .bind(campaign.to_string())
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn the_demo_reaches_the_news_pages_riders_and_drivers_and_other_unions_see_none_of_it() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let (status, page) = admin.page("/care").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2026年暖“新”礼包·关爱外卖骑手"));
    assert!(page.contains(">1250<") && page.contains(">683<"), "{page}");
    let staff = app.signed_in("staff").await;
    let (_, page) = staff.page("/care").await;
    assert!(page.contains("甘井子区冬季送温暖") && page.contains("红旗街道夏送清凉"));
    assert!(
        !page.contains("关爱外卖骑手"),
        "the new-employment federation's is not 甘井子区's"
    );
    let packages: i64 =
        sqlx::query_scalar("select id from care_campaigns where kind = 'care_package'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let (status, _) = staff.page(&format!("/care/{packages}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, page) = admin.page(&format!("/care/{packages}?q=欧阳")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("欧阳"), "a name narrows the workers");
    // All 1,250 are paged along the campaign's index: the next page starts below the last id.
    let (_, first) = admin.page(&format!("/care/{packages}")).await;
    let older = first
        .split(&format!("href=\"/care/{packages}?before="))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the older workers")
        .to_string();
    let lowest_shown: i64 = sqlx::query_scalar(
        "select min(id) from (select id from care_recipients where campaign_id = $1
                              order by id desc limit 50) as page",
    )
    .bind(packages)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(older, lowest_shown.to_string());
    let (status, _) = admin
        .page(&format!("/care/{packages}?before={older}"))
        .await;
    assert_eq!(status, StatusCode::OK);

    // The packages were paid from the city's care fund on settlement (1,250 × 150 yuan), the
    // rest released; the district's winter relief holds its budget. The dashboard says so.
    let (fund, committed, paid): (i64, i64, i64) = sqlx::query_as(
        "select f.id, sum(e.committed)::bigint, sum(e.disbursed)::bigint
         from ledger_entries e join funds f on f.id = e.fund_id
         where e.care_campaign_id is not null group by f.id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((committed, paid), (3_000_000, 18_750_000));
    let (_, page) = app
        .signed_in("manager")
        .await
        .page(&format!("/budget?fund={fund}"))
        .await;
    assert!(page.contains("以上含关爱行动 2 项：已承诺 ¥30,000.00，已支付 ¥187,500.00"));
}

async fn counselling_session(app: &TestApp) -> (String, String) {
    let (campaign, session): (i64, i64) = sqlx::query_as(
        "select c.id, min(s.id) from care_campaigns c join care_sessions s on s.campaign_id = c.id
         where c.kind = 'counselling' group by c.id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let name: String = sqlx::query_scalar(
        "select r.name from care_attendance a join care_recipients r on r.id = a.recipient_id
         where a.session_id = $1",
    )
    .bind(session)
    .fetch_one(&app.db)
    .await
    .unwrap();
    (format!("/care/{campaign}/sessions/{session}"), name)
}

#[tokio::test]
async fn counselling_notes_and_who_came_are_for_the_counsellor_alone() {
    let app = TestApp::spawn().await;
    let (session, name) = counselling_session(&app).await;
    let doctor = app.signed_in("doctor").await;
    let (status, page) = doctor.page(&session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("来访者自述") && page.contains(&name),
        "the counsellor reads both"
    );
    let written = "第二次面谈：情绪平稳，建议规律作息。";
    let response = doctor
        .post_form(&format!("{session}/notes"), &[("notes", written)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = doctor.page(&session).await;
    assert!(page.contains(written));
    // The doctor holds no other role: the union's campaign list is not theirs.
    assert_eq!(doctor.page("/care").await.0, StatusCode::FORBIDDEN);

    for who in ["staff", "admin", "auditor"] {
        let browser = app.signed_in(who).await;
        let (status, page) = browser.page(&session).await;
        assert_eq!(status, StatusCode::OK, "{who} sees that it happened");
        assert!(page.contains("50"), "{who} sees its length");
        assert!(
            !page.contains(written) && !page.contains("来访者自述"),
            "{who}: no notes"
        );
        assert!(!page.contains(&name), "{who}: not who came");
        let campaign = session.split("/sessions").next().unwrap();
        let (_, page) = browser.page(campaign).await;
        assert!(
            !page.contains(&name),
            "{who}: the campaign lists no names either"
        );
        assert!(page.contains("心理健康辅导的受益人名单只由辅导员掌握"));
        let (_, searched) = browser.page(&format!("{campaign}?q={name}")).await;
        assert!(
            !searched.contains("受益职工（1 人）") && !searched.contains(&name),
            "{who}: a name searched says nothing of whether they were counselled"
        );
    }
    let staff = app.signed_in("staff").await;
    let tried = staff
        .post_form(&format!("{session}/notes"), &[("notes", "改写")])
        .await;
    assert_eq!(tried.status(), StatusCode::FORBIDDEN);
    let member: String = sqlx::query_scalar("select min(member_no) from members")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let tried = staff
        .post_form(&format!("{session}/attendance"), &[("member", &member)])
        .await;
    assert_eq!(
        tried.status(),
        StatusCode::FORBIDDEN,
        "who came is the counsellor's to record"
    );
    // Sealed at rest, and the audit trail says a note was written, not what.
    let sealed: Vec<Vec<u8>> =
        sqlx::query_scalar("select notes_cipher from care_sessions where notes_cipher is not null")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert!(
        sealed
            .iter()
            .all(|s| !String::from_utf8_lossy(s).contains("面谈"))
    );
    let trail: Vec<String> = sqlx::query_scalar(
        "select coalesce(after::text, '') from audit_log where action = 'notes_written'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(trail.len(), 1);
    assert!(!trail[0].contains("面谈"));
}

#[tokio::test]
async fn a_training_session_counts_its_attendees_on_the_campaign_once() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let campaign = new_campaign(&app, &staff, "红旗街道骑手培训").await;
    let today = today(&app).await.to_string();
    let fields = |minutes: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("kind", "training".into()),
            ("held_on", today.clone()),
            ("topic", "外卖配送中的劳动权益保护".into()),
            ("trainer", "李律师".into()),
            ("place", "职工之家".into()),
            ("minutes", minutes.into()),
            ("counsellor", String::new()),
        ]
    };
    let typed = fields("两小时");
    let typed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, &v[..])).collect();
    let refused = staff
        .post_form(&format!("{campaign}/sessions"), &typed)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("时长请填写 1 到 1440 之间的分钟数") && page.contains("value=\"两小时\"")
    );
    let valid = fields("120");
    let valid: Vec<(&str, &str)> = valid.iter().map(|(k, v)| (*k, &v[..])).collect();
    let response = staff
        .post_form(&format!("{campaign}/sessions"), &valid)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let session = location(&response);
    let second = location(
        &staff
            .post_form(&format!("{campaign}/sessions"), &valid)
            .await,
    );
    let member: String = sqlx::query_scalar(
        "select min(m.member_no) from members m join organisations o on o.id = m.organisation_id
         where o.code = 'DL-GJZ-HQ-SD'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    for path in [&session, &second] {
        let response = staff
            .post_form(&format!("{path}/attendance"), &[("member", &member)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let again = staff
        .post_form(&format!("{session}/attendance"), &[("member", &member)])
        .await;
    let (_, page) = staff.page(&location(&again)).await;
    assert!(page.contains("这位职工已登记参加本场"));
    // Two sessions attended, one worker reached.
    assert_eq!(reached(&app, &campaign).await.0, 1);
    let (_, page) = staff.page(&session).await;
    assert!(page.contains("外卖配送中的劳动权益保护") && page.contains(&member));
    // Having attended, they stay on the campaign.
    let recipient: i64 =
        sqlx::query_scalar("select min(id) from care_recipients where campaign_id = $1")
            .bind(
                campaign
                    .trim_start_matches("/care/")
                    .parse::<i64>()
                    .unwrap(),
            )
            .fetch_one(&app.db)
            .await
            .unwrap();
    let tried = staff
        .post_form(&format!("{campaign}/recipients/{recipient}/deletion"), &[])
        .await;
    let (_, page) = staff.page(&location(&tried)).await;
    assert!(page.contains("不能撤销登记"));
    assert_eq!(reached(&app, &campaign).await.0, 1);
}

#[tokio::test]
async fn totals_add_up_the_subtrees_campaigns_by_kind_and_export_them() {
    let app = TestApp::spawn().await;
    let sum = |code: &'static str, kind: Option<&'static str>| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "select coalesce(sum(c.reached), 0)::bigint from care_campaigns c
                 join organisations o on o.id = c.organisation_id
                 where o.path <@ (select path from organisations where code = $1)
                   and ($2::text is null or c.kind = $2)",
            )
            .bind(code)
            .bind(kind)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let admin = app.signed_in("admin").await;
    let (status, page) = admin.page("/care/totals").await;
    assert_eq!(status, StatusCode::OK);
    let city = sum("DL", None).await;
    assert!(city > 2_000, "the demo's campaigns");
    assert!(
        page.contains(&format!("<span class=\"stat-value\">{city}</span>")),
        "{page}"
    );
    // A bar of the kinds narrows the totals to its kind.
    assert!(page.contains("/care/totals?kind=care_package"));
    let (_, page) = admin.page("/care/totals?kind=care_package").await;
    let packages = sum("DL", Some("care_package")).await;
    assert!(page.contains(&format!("<span class=\"stat-value\">{packages}</span>")));
    assert!(packages >= 1_250 && packages < city);

    let staff = app.signed_in("staff").await;
    let (_, page) = staff.page("/care/totals").await;
    let district = sum("DL-GJZ", None).await;
    assert!(page.contains(&format!("<span class=\"stat-value\">{district}</span>")));
    assert!(
        !page.contains("关爱外卖骑手"),
        "another union's campaign is not counted"
    );
    let workbook = staff.get("/care/totals.xlsx").await;
    assert_eq!(workbook.status(), StatusCode::OK);
    assert!(workbook.bytes().await.unwrap().starts_with(b"PK"));
}
