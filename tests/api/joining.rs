//! Online joining: a worker's request from the public page, its status, the staff queue, and the
//! protections against floods and bots.

use reqwest::StatusCode;

use crate::helpers::{TestApp, form_started, id_number, join_online, location, org_id};

fn reference_in(page: &str) -> String {
    page.split(r#"<p class="reference" id="reference">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the page shows a reference")
        .to_string()
}

#[tokio::test]
async fn a_worker_joins_online_and_staff_approve_the_request() {
    let app = TestApp::spawn().await;
    let worker = app.browser();
    let (status, form) = worker.page("/join/dl-gjz-hq-sd").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("大连顺达物流有限公司工会") && form.contains("个人信息保护说明"));

    let id = id_number("19960716", 222);
    let response = join_online(&worker, "DL-GJZ-HQ-SD", "马骁", &id, "139-0000-2222").await;
    assert_eq!(response.status(), StatusCode::OK);
    let reference = reference_in(&response.text().await.unwrap());
    assert!(reference.starts_with("RH") && reference.len() == 10);

    let (_, status) = worker
        .page(&format!(
            "/join/status?reference={}",
            reference.to_lowercase()
        ))
        .await;
    assert!(
        status.contains("待审核") && status.contains("马*") && !status.contains("马骁"),
        "masked name"
    );

    let staff = app.signed_in("staff").await;
    let (_, queue) = staff.page("/members/requests").await;
    assert!(queue.contains("马骁") && queue.contains(&reference));
    assert!(
        queue.contains("139****2222") && !queue.contains(&id),
        "masked in the queue"
    );
    let request: i64 = sqlx::query_scalar("select id from join_requests where reference = $1")
        .bind(&reference)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let approved = staff
        .post_form(&format!("/members/requests/{request}/approval"), &[])
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let (_, member) = staff.page(&location(&approved)).await;
    assert!(member.contains("马骁") && member.contains("网上入会"));

    let (_, status) = worker
        .page(&format!("/join/status?reference={reference}"))
        .await;
    assert!(status.contains("已通过"));
    let member_no: String = sqlx::query_scalar("select member_no from members where name = '马骁'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        status.contains(&format!("<strong>{member_no}</strong>")),
        "the worker learns their member number"
    );
    // A second click on "approve" changes nothing.
    staff
        .post_form(&format!("/members/requests/{request}/approval"), &[])
        .await;
    let members: i64 = sqlx::query_scalar("select count(*) from members where name = '马骁'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(members, 1);
}

#[tokio::test]
async fn a_declined_request_shows_its_reason_to_the_worker() {
    let app = TestApp::spawn().await;
    let worker = app.browser();
    let response = join_online(
        &worker,
        "DL-GJZ-HQ-SD",
        "吕布",
        &id_number("19900909", 909),
        "13900009999",
    )
    .await;
    let reference = reference_in(&response.text().await.unwrap());
    let staff = app.signed_in("staff").await;
    let request: i64 = sqlx::query_scalar("select id from join_requests where reference = $1")
        .bind(&reference)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let no_reason = staff
        .post_form(
            &format!("/members/requests/{request}/decline"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::SEE_OTHER);
    assert!(
        worker
            .page(&format!("/join/status?reference={reference}"))
            .await
            .1
            .contains("待审核"),
        "not declined without a reason"
    );
    staff
        .post_form(
            &format!("/members/requests/{request}/decline"),
            &[("reason", "不在本单位工作")],
        )
        .await;
    let (_, status) = worker
        .page(&format!("/join/status?reference={reference}"))
        .await;
    assert!(status.contains("未通过") && status.contains("不在本单位工作"));
}

#[tokio::test]
async fn a_bad_request_names_each_problem_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let worker = app.browser();
    let (_, page) = worker.page("/join/DL-GJZ-HQ-SD").await;
    let started = page
        .split(r#"name="started" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let response = worker
        .post_form(
            "/join/DL-GJZ-HQ-SD",
            &[
                ("name", "阿依古丽·买买提"),
                ("id_number", "21021119960716222"),
                ("phone", "12345"),
                ("occupation", "courier"),
                ("started", &started),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("身份证号应为 18 位")
            && body.contains("请填写 11 位手机号")
            && body.contains("请勾选同意")
    );
    assert!(
        body.contains(r#"value="阿依古丽·买买提""#)
            && body.contains(r#"value="21021119960716222""#)
    );
    assert!(body.contains(r#"value="courier" selected"#));
}

#[tokio::test]
async fn someone_already_a_member_is_told_so() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let id = id_number("19800808", 808);
    staff
        .post_form(
            "/members",
            &[
                ("name", "王五"),
                ("id_number", &id),
                ("phone", "13900008888"),
                ("occupation", "courier"),
                ("join_date", "2026-01-05"),
                ("join_channel", "staff"),
            ],
        )
        .await;
    let response = join_online(&app.browser(), "DL-GJZ-HQ-SD", "王五", &id, "13900008888").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("该身份证号已是会员")
    );
}

#[tokio::test]
async fn bots_are_turned_away_by_the_honeypot_and_forged_or_hasty_forms() {
    let app = TestApp::spawn_with(|settings| settings.join_min_seconds = 60).await;
    let bot = app.browser();
    // Sent back at once: a person needs longer than that.
    let hasty = join_online(
        &bot,
        "DL-GJZ-HQ-SD",
        "机器人",
        &id_number("19900101", 101),
        "13900000001",
    )
    .await;
    assert_eq!(hasty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(hasty.text().await.unwrap().contains("提交未成功"));
    for (website, started) in [
        ("http://spam.example", "1.abc"),
        ("", "1700000000.000000000000000000000000"),
    ] {
        let response = bot
            .post_form(
                "/join/DL-GJZ-HQ-SD",
                &[
                    ("name", "机器人"),
                    ("id_number", &id_number("19900101", 102)),
                    ("phone", "13900000002"),
                    ("occupation", "courier"),
                    ("consent", "yes"),
                    ("website", website),
                    ("started", started),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let saved: i64 = sqlx::query_scalar("select count(*) from join_requests where name = '机器人'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(saved, 0);
}

#[tokio::test]
async fn a_hundred_and_twenty_requests_an_hour_pass_from_one_address_and_then_no_more() {
    let app = TestApp::spawn().await;
    let network = app.browser();
    for n in 0..120 {
        let id = id_number("19900101", n);
        let response = join_online(&network, "DL-GJZ-HQ-SD", "张某", &id, "13900000003").await;
        assert_eq!(response.status(), StatusCode::OK, "request {n}");
    }
    let id = id_number("19900102", 1);
    let refused = join_online(&network, "DL-GJZ-HQ-SD", "张某", &id, "13900000003").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let page = refused.text().await.unwrap();
    assert!(page.contains("一小时后再试") && page.contains("开启仪式模式"));
    // What was typed is kept for when the limit lifts.
    assert!(page.contains(&format!(r#"value="{id}""#)));
}

#[tokio::test]
async fn a_joining_ceremony_lifts_the_address_limit_for_its_organisation_and_day() {
    let app = TestApp::spawn_with(|settings| settings.join_max_per_hour = 2).await;
    let hall = app.browser();
    let mut sequence = 0;
    let mut join = |code: &'static str| {
        sequence += 1;
        let id = id_number("19910101", sequence);
        let hall = hall.clone();
        async move {
            join_online(&hall, code, "刘洋", &id, "13900000004")
                .await
                .status()
        }
    };
    assert_eq!(join("DL-GJZ-HQ-SD").await, StatusCode::OK);
    assert_eq!(join("DL-GJZ-HQ-SD").await, StatusCode::OK);
    assert_eq!(join("DL-GJZ-HQ-SD").await, StatusCode::TOO_MANY_REQUESTS);

    let staff = app.signed_in("staff").await;
    let org = org_id(&app, "DL-GJZ-HQ-SD").await;
    let (_, qr) = staff.page(&format!("/orgs/{org}/join-qr")).await;
    assert!(qr.contains("开启今天的入会仪式") && qr.contains("平时为每小时 2 份"));
    let opened = staff
        .post_form(&format!("/orgs/{org}/join-ceremony"), &[])
        .await;
    assert_eq!(location(&opened), format!("/orgs/{org}/join-qr"));
    let (_, qr) = staff.page(&format!("/orgs/{org}/join-qr")).await;
    assert!(qr.contains("今天的入会仪式进行中") && qr.contains("结束入会仪式"));

    for _ in 0..5 {
        assert_eq!(join("DL-GJZ-HQ-SD").await, StatusCode::OK);
    }
    // Only its own organisation's code: the same network on another union's form is still held.
    assert_eq!(join("DL-GJZ-HQ-FX").await, StatusCode::TOO_MANY_REQUESTS);

    staff
        .post_form(&format!("/orgs/{org}/join-ceremony/end"), &[])
        .await;
    assert_eq!(join("DL-GJZ-HQ-SD").await, StatusCode::TOO_MANY_REQUESTS);
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where entity = 'organisation' and entity_id = $1 order by id",
    )
    .bind(org.to_string())
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(actions.ends_with(&["open_ceremony".into(), "close_ceremony".into()]));

    // A reviewer sees the code to print but holds no ceremony; another district's staff cannot.
    let reviewer = app.signed_in("reviewer").await;
    assert!(
        !reviewer
            .page(&format!("/orgs/{org}/join-qr"))
            .await
            .1
            .contains("开启今天的入会仪式")
    );
    let other = org_id(&app, "DL-JZ-SQ").await;
    let outside = staff
        .post_form(&format!("/orgs/{other}/join-ceremony"), &[])
        .await;
    assert_eq!(outside.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_form_shown_again_with_its_errors_can_be_sent_back_at_once() {
    let app = TestApp::spawn_with(|settings| settings.join_min_seconds = 2).await;
    let worker = app.browser();
    let (_, page) = worker.page("/join/DL-GJZ-HQ-SD").await;
    let first = form_started(&page);
    let good_id = id_number("19920202", 7);
    let wrong_id = format!("{}X", &good_id[..17]);
    let send = |started: String, id: String| {
        let worker = worker.clone();
        async move {
            worker
                .post_form(
                    "/join/DL-GJZ-HQ-SD",
                    &[
                        ("name", "王芳"),
                        ("id_number", id.as_str()),
                        ("phone", "13900000005"),
                        ("occupation", "courier"),
                        ("consent", "yes"),
                        ("website", ""),
                        ("started", started.as_str()),
                    ],
                )
                .await
        }
    };
    // Sent back at once: refused as too fast, and the ID number's own problem is shown with it.
    let hasty = send(first.clone(), wrong_id.clone()).await;
    assert_eq!(hasty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = hasty.text().await.unwrap();
    assert!(
        page.contains("提交未成功") && page.contains("校验位"),
        "{page}"
    );

    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let checked = send(first, wrong_id).await;
    assert_eq!(checked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = checked.text().await.unwrap();
    assert!(page.contains("校验位") && !page.contains("提交未成功"));
    // The corrected form goes through at once: the person has waited once already.
    let corrected = send(form_started(&page), good_id).await;
    assert_eq!(corrected.status(), StatusCode::OK);
    assert!(corrected.text().await.unwrap().contains("申请已提交"));
}

#[tokio::test]
async fn a_closed_or_unknown_organisation_has_no_joining_page() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/join/NO-SUCH").await.status(),
        StatusCode::NOT_FOUND
    );
    sqlx::query("update organisations set status = 'closed' where code = 'DL-GJZ-HQ-FX'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.get("/join/DL-GJZ-HQ-FX").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_qr_page_encodes_the_organisations_joining_link() {
    let app = TestApp::spawn_with(|settings| {
        settings.public_url = Some("https://gh.example.cn/".into());
    })
    .await;
    let staff = app.signed_in("staff").await;
    let org: i64 = sqlx::query_scalar("select id from organisations where code = 'DL-GJZ-HQ-SD'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    // A forged Host header must not end up printed on a station's wall.
    let response = staff
        .client
        .get(staff.url(&format!("/orgs/{org}/join-qr")))
        .header("host", "evil.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("<svg") && !page.contains("<?xml"),
        "inline SVG"
    );
    assert!(page.contains("https://gh.example.cn/join/DL-GJZ-HQ-SD"));
    assert!(!page.contains("evil.example.com"));
    assert!(
        page.contains("用微信或手机相机扫描二维码"),
        "the poster's steps"
    );

    // The code downloads as an image to print or send, named after the union.
    let png = staff.get(&format!("/orgs/{org}/join-qr.png")).await;
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(
        png.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("DL-GJZ-HQ-SD.png")
    );
    let bytes = png.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let side = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert!(side >= 1000, "large enough to print: {side} px");
    let svg = staff.get(&format!("/orgs/{org}/join-qr.svg")).await;
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
}

#[tokio::test]
async fn staff_cannot_decide_requests_of_another_district() {
    let app = TestApp::spawn().await;
    join_online(
        &app.browser(),
        "DL-JZ-SQ",
        "韩梅梅",
        &id_number("19930303", 303),
        "13900003333",
    )
    .await;
    let request: i64 = sqlx::query_scalar("select max(id) from join_requests")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let staff = app.signed_in("staff").await;
    assert!(!staff.page("/members/requests").await.1.contains("韩梅梅"));
    assert_eq!(
        staff
            .post_form(&format!("/members/requests/{request}/approval"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

/// The figure of a home-page stat, by its label.
fn stat(page: &str, label: &str) -> i64 {
    let before_label = page
        .split(&format!(
            r#"</span><span class="stat-label">{label}</span>"#
        ))
        .next()
        .unwrap();
    let value = before_label
        .rsplit(r#"<span class="stat-value">"#)
        .next()
        .unwrap();
    let value = value.trim_end_matches("</a>");
    // The figure may be a link: what follows the tag's end.
    value
        .rsplit('>')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no figure for {label}"))
}

#[tokio::test]
async fn the_home_page_shows_members_and_the_requests_waiting_in_the_users_scope() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let (_, home) = staff.page("/").await;
    assert_eq!(stat(&home, "在册会员"), 15, "甘井子区's members");
    // Every figure leads to the list that counts the same thing the same way.
    assert!(home.contains(r#"<a href="/members?status=active">15</a>"#));
    let (_, list) = staff.page("/members?status=active").await;
    assert!(
        list.contains(
            r#"<span class="stat-value">15</span><span class="stat-label">会员合计</span>"#
        )
    );
    assert_eq!(
        stat(&home, "待审核的入会申请"),
        0,
        "the demo's riders wait elsewhere"
    );
    assert!(!home.contains(r#"flash-notice"><a href="/members/requests">"#));
    let (_, city) = app.signed_in("admin").await.page("/").await;
    assert_eq!(stat(&city, "待审核的入会申请"), 3, "the demo's riders");

    let id = id_number("19970707", 707);
    join_online(&app.browser(), "DL-GJZ-HQ-SD", "岳", &id, "13900007070").await;
    let (_, home) = staff.page("/").await;
    assert_eq!(stat(&home, "待审核的入会申请"), 1);
    assert!(
        home.contains(
            r#"<a href="/members/requests">等您审核的入会申请：<span class="count">1</span></a>"#
        ),
        "a to-do that leads to the queue"
    );
    for reader in ["manager", "reviewer", "auditor"] {
        let (_, reader_home) = app.signed_in(reader).await.page("/").await;
        assert!(
            !reader_home.contains("/members/requests") && !reader_home.contains("待审核的入会申请"),
            "no queue for the {reader}, who cannot decide: {reader_home}"
        );
        assert!(
            !reader_home.contains("管辖范围内的账号"),
            "nor accounts for the {reader}"
        );
        assert!(stat(&reader_home, "在册会员") > 0);
    }

    let joined_before = stat(&home, "近 30 天新入会");
    let request: i64 = sqlx::query_scalar("select id from join_requests where name = '岳'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    staff
        .post_form(&format!("/members/requests/{request}/approval"), &[])
        .await;
    let (_, home) = staff.page("/").await;
    assert_eq!(stat(&home, "在册会员"), 16);
    assert_eq!(stat(&home, "近 30 天新入会"), joined_before + 1);
    assert_eq!(stat(&home, "待审核的入会申请"), 0);
}
