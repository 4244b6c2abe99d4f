//! Contest applications and the fund's ledger, through HTTP as the applicant, the reviewer and the
//! manager use them.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, location, org_id};

/// The year's grassroots subsidy fund of the demo world.
async fn subsidy_fund(app: &TestApp) -> i64 {
    sqlx::query_scalar("select id from funds where name like '%基层劳动和技能竞赛专项补贴资金' ")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn track(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("select id from tracks where name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The form of a tier-3 contest of 红旗街道 asking for `requested` (budget 40,000 yuan).
fn form(fund: i64, track: i64, org: &str, tier: &str, requested: &str) -> Vec<(String, String)> {
    [
        ("fund_id", fund.to_string()),
        ("organisation", org.to_string()),
        ("tier", tier.to_string()),
        ("track_id", track.to_string()),
        ("title", "快递员分拣技能擂台赛".to_string()),
        ("planned_start", "2026年12月20日".to_string()),
        ("planned_end", "2026/12/21".to_string()),
        ("venue", "红旗街道职工之家".to_string()),
        ("expected_contestants", "60".to_string()),
        ("expected_companies", "8".to_string()),
        ("contact_name", "刘洋".to_string()),
        ("contact_phone", "0411-86605678".to_string()),
        ("budget_venue", "1.2万".to_string()),
        ("budget_prizes", "¥20,000".to_string()),
        ("budget_judges", "8000".to_string()),
        ("requested", requested.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn post(browser: &Browser, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post_form(path, &borrowed).await
}

/// Files a draft; returns its id.
async fn file(browser: &Browser, fields: &[(String, String)]) -> i64 {
    let response = post(browser, "/applications", fields).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    location(&response)
        .trim_start_matches("/applications/")
        .parse()
        .unwrap()
}

async fn status(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("select status from applications where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The fund's committed and disbursed sums, in fen.
async fn fund_figures(app: &TestApp, fund: i64) -> (i64, i64) {
    sqlx::query_as("select sum(committed)::bigint, sum(disbursed)::bigint from fund_accounts where fund_id = $1")
        .bind(fund)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn ledger_agrees(app: &TestApp) {
    let differences = gonghui::funds::ledger::check(&app.db).await.unwrap();
    assert!(
        differences.is_empty(),
        "balances differ from the ledger: {differences:?}"
    );
}

#[tokio::test]
async fn an_application_lives_from_draft_through_return_and_resubmission_to_settlement() {
    let app = TestApp::spawn().await;
    let fund = subsidy_fund(&app).await;
    let track = track(&app, "快递配送").await;
    let applicant = app.signed_in("applicant").await;
    let reviewer = app.signed_in("reviewer").await;
    let (committed_before, disbursed_before) = fund_figures(&app, fund).await;

    let id = file(&applicant, &form(fund, track, "DL-GJZ-HQ", "3", "15000")).await;
    assert_eq!(status(&app, id).await, "draft");
    let submitted = applicant
        .post_form(&format!("/applications/{id}/submission"), &[])
        .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    let number: String = sqlx::query_scalar("select number from applications where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        number.contains("-三类-"),
        "numbered at submission: {number}"
    );

    // The reviewer is told, and finds it in the queue.
    let search = serde_urlencoded::to_string([("q", number.as_str())]).unwrap();
    let (_, queue) = reviewer
        .page(&format!("/applications/queue?{search}"))
        .await;
    assert!(
        queue.contains(&number),
        "the queue lists the new submission"
    );
    let (_, home) = reviewer.page("/notices").await;
    assert!(
        home.contains(&number) || home.contains("快递员分拣技能擂台赛"),
        "{home}"
    );

    // Returned without saying what must change: refused beside the field.
    let (code, page) = {
        let r = reviewer
            .post_form(&format!("/applications/{id}/return"), &[("note", " ")])
            .await;
        (r.status(), r.text().await.unwrap())
    };
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请写明需要修改的内容"));
    let returned = reviewer
        .post_form(
            &format!("/applications/{id}/return"),
            &[("note", "奖励费偏高，请核减")],
        )
        .await;
    assert_eq!(returned.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "returned");
    let (_, notices) = applicant.page("/notices").await;
    assert!(notices.contains("被退回修改"), "the applicant is told");
    let (_, home) = applicant.page("/").await;
    assert!(
        home.contains("被退回、等您修改的竞赛申报"),
        "home says what to do next"
    );
    let (_, home) = reviewer.page("/").await;
    assert!(home.contains("等您审核的竞赛申报"));

    // Revised: prizes cut, request lowered; resubmitted; the reviewer sees what changed.
    let mut revised = form(fund, track, "DL-GJZ-HQ", "3", "12000");
    revised
        .iter_mut()
        .find(|(k, _)| k == "budget_prizes")
        .unwrap()
        .1 = "15000".into();
    let updated = post(&applicant, &format!("/applications/{id}"), &revised).await;
    assert_eq!(updated.status(), StatusCode::SEE_OTHER);
    applicant
        .post_form(&format!("/applications/{id}/submission"), &[])
        .await;
    assert_eq!(status(&app, id).await, "resubmitted");
    let (_, page) = reviewer.page(&format!("/applications/{id}")).await;
    assert!(page.contains("退回后修改的内容"));
    assert!(page.contains("<del>¥20,000.00</del>") && page.contains("<ins>¥15,000.00</ins>"));
    assert!(page.contains("<del>¥15,000.00</del>") && page.contains("<ins>¥12,000.00</ins>"));

    // Approved for 12,000 yuan: committed on the fund, once.
    let approved = reviewer
        .post_form(
            &format!("/applications/{id}/approval"),
            &[("amount", "1.2万"), ("note", "")],
        )
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "approved");
    let again = reviewer
        .post_form(
            &format!("/applications/{id}/approval"),
            &[("amount", "12000"), ("note", "")],
        )
        .await;
    assert_eq!(
        again.status(),
        StatusCode::SEE_OTHER,
        "a double click is sent back"
    );
    let (committed, _) = fund_figures(&app, fund).await;
    assert_eq!(
        committed - committed_before,
        1_200_000,
        "committed once, to the fen"
    );

    // The final report: 35,000 spent, so the fund pays 50% of it = 17,500 > 12,000: the grant.
    let report = applicant
        .post_form(
            &format!("/applications/{id}/report"),
            &[
                ("actual_start", "2026-12-20"),
                ("actual_end", "2026-12-19"),
                ("contestants", "58"),
                ("companies", "8"),
                ("winners", "王芳"),
                ("spent_venue", "10000"),
                ("spent_prizes", "18000"),
                ("spent_judges", "7000"),
            ],
        )
        .await;
    assert_eq!(
        report.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "dates reversed"
    );
    let text = report.text().await.unwrap();
    assert!(text.contains("结束日期早于开始日期") && text.contains("value=\"18000\""));
    let report = applicant
        .post_form(
            &format!("/applications/{id}/report"),
            &[
                ("actual_start", "2026-12-20"),
                ("actual_end", "2026-12-21"),
                ("contestants", "58"),
                ("companies", "8"),
                ("winners", "王芳"),
                ("spent_venue", "10000"),
                ("spent_prizes", "18000"),
                ("spent_judges", "7000"),
            ],
        )
        .await;
    assert_eq!(report.status(), StatusCode::SEE_OTHER);
    let settled = reviewer
        .post_form(&format!("/applications/{id}/settlement"), &[])
        .await;
    assert_eq!(settled.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "settled");
    let (committed, disbursed) = fund_figures(&app, fund).await;
    assert_eq!(
        committed, committed_before,
        "the commitment became a payment"
    );
    assert_eq!(disbursed - disbursed_before, 1_200_000);
    ledger_agrees(&app).await;
    let (_, page) = applicant.page(&format!("/applications/{id}")).await;
    for step in [
        "提交",
        "退回修改",
        "重新提交",
        "批准",
        "提交总结报告",
        "结算",
    ] {
        assert!(page.contains(step), "the timeline names {step}");
    }
}

#[tokio::test]
async fn settling_pays_only_the_funds_share_of_what_was_spent_and_releases_the_rest() {
    let app = TestApp::spawn().await;
    let fund = subsidy_fund(&app).await;
    let applicant = app.signed_in("applicant").await;
    let reviewer = app.signed_in("reviewer").await;
    let id = file(
        &applicant,
        &form(
            fund,
            track(&app, "快递配送").await,
            "DL-GJZ-HQ",
            "3",
            "20000",
        ),
    )
    .await;
    applicant
        .post_form(&format!("/applications/{id}/submission"), &[])
        .await;
    reviewer
        .post_form(
            &format!("/applications/{id}/approval"),
            &[("amount", "20000")],
        )
        .await;
    let (committed_before, disbursed_before) = fund_figures(&app, fund).await;
    applicant
        .post_form(
            &format!("/applications/{id}/report"),
            &[
                ("actual_start", "2026-12-20"),
                ("actual_end", "2026-12-20"),
                ("contestants", "30"),
                ("companies", "4"),
                ("spent_venue", "30000"),
            ],
        )
        .await;
    reviewer
        .post_form(&format!("/applications/{id}/settlement"), &[])
        .await;
    let (committed, disbursed) = fund_figures(&app, fund).await;
    assert_eq!(
        disbursed - disbursed_before,
        1_500_000,
        "50% of 30,000 spent"
    );
    assert_eq!(
        committed_before - committed,
        2_000_000,
        "the whole grant left the commitments"
    );
    ledger_agrees(&app).await;
}

#[tokio::test]
async fn a_grant_above_the_second_sign_off_needs_a_second_different_reviewer() {
    let app = TestApp::spawn().await;
    let fund = subsidy_fund(&app).await;
    sqlx::query(
        "insert into users (organisation_id, username, display_name, password_hash, roles)
         select organisation_id, 'reviewer2', '周审核', password_hash, '{reviewer}' from users where username = 'reviewer'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let staff = app.signed_in("staff").await;
    let mut fields = form(fund, track(&app, "低空经济").await, "DL-GJZ", "2", "80000");
    fields
        .iter_mut()
        .find(|(k, _)| k == "budget_venue")
        .unwrap()
        .1 = "150000".into();
    let id = file(&staff, &fields).await;
    staff
        .post_form(&format!("/applications/{id}/submission"), &[])
        .await;

    let first = app.signed_in("reviewer").await;
    first
        .post_form(
            &format!("/applications/{id}/approval"),
            &[("amount", "80000")],
        )
        .await;
    assert_eq!(status(&app, id).await, "recommended");
    let response = first
        .post_form(
            &format!("/applications/{id}/approval"),
            &[("amount", "80000")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("另一名审核人"));
    assert_eq!(status(&app, id).await, "recommended");

    let second = app.signed_in("reviewer2").await;
    let response = second
        .post_form(
            &format!("/applications/{id}/approval"),
            &[("amount", "80000")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "approved");
    ledger_agrees(&app).await;
}

#[tokio::test]
async fn many_approvals_at_once_never_commit_a_fen_past_the_allocation() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    // A small fund: 100,000 yuan in its pool, for tier 3 only.
    let year: i32 = sqlx::query_scalar("select extract(year from now())::integer")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (opens, closes) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let response = admin
        .post_form(
            "/funds",
            &[
                ("name", "并发测试资金"),
                ("year", &year.to_string()),
                ("tier3", "on"),
                ("total", "10万"),
                ("max_grant_tier3", "30000"),
                ("max_share_percent", "50"),
                ("opens_on", &opens),
                ("closes_on", &closes),
                ("report_due_days", "30"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    let fund: i64 = location(&response)
        .trim_start_matches("/funds/")
        .parse()
        .unwrap();
    let applicant = app.signed_in("applicant").await;
    let track = track(&app, "快递配送").await;
    let mut ids = Vec::new();
    for _ in 0..14 {
        let id = file(&applicant, &form(fund, track, "DL-GJZ-HQ", "3", "10000")).await;
        applicant
            .post_form(&format!("/applications/{id}/submission"), &[])
            .await;
        ids.push(id);
    }
    let reviewer = app.signed_in("reviewer").await;
    let token = reviewer.csrf_token().await;
    let approvals = ids.clone().into_iter().map(|id| {
        let reviewer = reviewer.clone();
        let token = token.clone();
        async move {
            reviewer
                .client
                .post(reviewer.url(&format!("/applications/{id}/approval")))
                .form(&[("csrf_token", token.as_str()), ("amount", "10000")])
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_join_all(approvals).await;
    let approved: i64 = sqlx::query_scalar(
        "select count(*) from applications where fund_id = $1 and status = 'approved'",
    )
    .bind(fund)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(approved, 10, "exactly what the fund holds: {statuses:?}");
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
            .count(),
        4
    );
    let (committed, _) = fund_figures(&app, fund).await;
    assert_eq!(committed, 10_000_000);
    ledger_agrees(&app).await;
    // One that lost the race, tried again, is told why beside the amount.
    let mut lost = None;
    for id in &ids {
        if status(&app, *id).await != "approved" {
            lost = Some(*id);
            break;
        }
    }
    let lost = lost.expect("four lost the race");
    let again = reviewer
        .post_form(
            &format!("/applications/{lost}/approval"),
            &[("amount", "10000")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("资金余额不足"));
}

/// Runs the futures at once (no extra crate: they are polled by one task each).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<StatusCode>
where
    F: std::future::Future<Output = StatusCode> + Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn bad_input_is_named_beside_its_field_and_what_was_typed_is_kept() {
    let app = TestApp::spawn().await;
    let fund = subsidy_fund(&app).await;
    let applicant = app.signed_in("applicant").await;
    let mut fields = form(
        fund,
        track(&app, "快递配送").await,
        "DL-GJZ-HQ",
        "3",
        "三万元",
    );
    fields
        .iter_mut()
        .find(|(k, _)| k == "planned_end")
        .unwrap()
        .1 = "2026-12-01".into();
    fields
        .iter_mut()
        .find(|(k, _)| k == "budget_judges")
        .unwrap()
        .1 = "-500".into();
    let response = post(&applicant, "/applications", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("无法识别的金额") && page.contains("value=\"三万元\""));
    assert!(page.contains("结束日期早于开始日期"));
    assert!(page.contains("金额不能为负数"));

    // Past the fund's rules: tier 3 gets at most 30,000 and 50% of a 40,000 budget = 20,000.
    let response = post(
        &applicant,
        "/applications",
        &form(
            fund,
            track(&app, "快递配送").await,
            "DL-GJZ-HQ",
            "3",
            "25000",
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("超过该资金可补贴的赛事预算比例")
    );
    // A township union files tier 3, not tier 2.
    let response = post(
        &applicant,
        "/applications",
        &form(
            fund,
            track(&app, "快递配送").await,
            "DL-GJZ-HQ",
            "2",
            "10000",
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("该单位不能申报这一类别")
    );
    let drafts: i64 = sqlx::query_scalar(
        "select count(*) from applications where title = '快递员分拣技能擂台赛'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(drafts, 0, "nothing half-written");
}

async fn upload(browser: &Browser, id: i64, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let path = format!("/applications/{id}/attachments");
    browser.post_file(&path, "plan", (name, &bytes)).await
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_served_only_to_who_may_see_the_application() {
    let app = TestApp::spawn().await;
    let fund = subsidy_fund(&app).await;
    let applicant = app.signed_in("applicant").await;
    let id = file(
        &applicant,
        &form(
            fund,
            track(&app, "快递配送").await,
            "DL-GJZ-HQ",
            "3",
            "15000",
        ),
    )
    .await;

    let response = upload(
        &applicant,
        id,
        "方案.pdf",
        b"<html><script>alert(1)</script>".to_vec(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("只接受 PDF、JPEG 或 PNG")
    );
    let response = upload(&applicant, id, "方案.pdf", b"%PDF-1.7\n1 0 obj\n".to_vec()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let file: i64 = sqlx::query_scalar("select id from attachments where owner_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let download = applicant
        .get(&format!("/applications/{id}/attachments/{file}"))
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"));
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert!(download.bytes().await.unwrap().starts_with(b"%PDF-"));

    // The file under another application's id is not found; nor is the application outside a scope.
    let other: i64 = sqlx::query_scalar(
        "select a.id from applications a join organisations o on o.id = a.organisation_id where o.code = 'DL-JZ-SQ' limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let staff = app.signed_in("staff").await;
    assert_eq!(
        staff
            .get(&format!("/applications/{other}/attachments/{file}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        applicant
            .get(&format!("/applications/{other}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        applicant
            .post_form(&format!("/applications/{other}/withdrawal"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (_, list) = applicant.page("/applications").await;
    assert!(
        !list.contains("金州区友谊社区工会"),
        "the list stays in the subtree"
    );
    let _ = org_id(&app, "DL-JZ-SQ").await;
}

#[tokio::test]
async fn the_demo_worlds_balances_agree_with_its_ledger_and_the_ledger_refuses_edits() {
    let app = TestApp::spawn().await;
    ledger_agrees(&app).await;
    let counts: (i64, i64) = sqlx::query_as(
        "select count(*) filter (where tier = 2), count(*) filter (where tier = 3) from applications",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(counts, (96, 172));
    let update = sqlx::query("update ledger_entries set committed = 0")
        .execute(&app.db)
        .await;
    assert!(update.is_err(), "the ledger is append-only");
    let delete = sqlx::query("delete from ledger_entries")
        .execute(&app.db)
        .await;
    assert!(delete.is_err());
    // A balance pushed off the ledger is found by check-ledger.
    sqlx::query("update fund_accounts set committed = committed + 1 where id = (select min(id) from fund_accounts)")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        gonghui::funds::ledger::check(&app.db).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn money_put_in_by_mistake_is_reversed_by_a_correcting_row_never_edited() {
    let app = TestApp::spawn().await;
    let fund = subsidy_fund(&app).await;
    let admin = app.signed_in("admin").await;
    let total = || async {
        let total: i64 = sqlx::query_scalar(
            "select sum(appropriated)::bigint from fund_accounts where fund_id = $1",
        )
        .bind(fund)
        .fetch_one(&app.db)
        .await
        .unwrap();
        total
    };
    let before = total().await;
    let response = admin
        .post_form(
            &format!("/funds/{fund}/appropriations"),
            &[("amount", "1万"), ("memo", "追加")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(total().await - before, 1_000_000);
    let entry: i64 = sqlx::query_scalar("select max(id) from ledger_entries where fund_id = $1")
        .bind(fund)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (_, page) = admin.page(&format!("/funds/{fund}")).await;
    assert!(page.contains(&format!("/funds/{fund}/entries/{entry}/reversal")));
    let path = format!("/funds/{fund}/entries/{entry}/reversal");
    assert_eq!(
        admin
            .post_form(&path, &[("memo", "金额有误")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(total().await, before, "reversed to the fen");
    let again = admin.post_form(&path, &[("memo", "金额有误")]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        total().await,
        before,
        "a second click reverses nothing more"
    );
    let rows: i64 =
        sqlx::query_scalar("select count(*) from ledger_entries where reverses_id = $1")
            .bind(entry)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(rows, 1);
    // A grant is not reversed from the ledger: it is undone through its application's steps.
    let commitment: i64 = sqlx::query_scalar(
        "select min(id) from ledger_entries where fund_id = $1 and kind = 'commitment'",
    )
    .bind(fund)
    .fetch_one(&app.db)
    .await
    .unwrap();
    admin
        .post_form(&format!("/funds/{fund}/entries/{commitment}/reversal"), &[])
        .await;
    let reversed: i64 =
        sqlx::query_scalar("select count(*) from ledger_entries where reverses_id = $1")
            .bind(commitment)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(reversed, 0);
    ledger_agrees(&app).await;
}

#[tokio::test]
async fn check_ledger_exits_zero_when_the_books_agree_and_non_zero_when_a_balance_is_off() {
    let url = crate::helpers::fresh_database().await;
    let run = |url: String| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gonghui"))
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "warn")
            .arg("check-ledger")
            .output()
            .unwrap()
    };
    let agreed = tokio::task::spawn_blocking({
        let url = url.clone();
        move || run(url)
    })
    .await
    .unwrap();
    assert!(
        agreed.status.success(),
        "{}",
        String::from_utf8_lossy(&agreed.stderr)
    );
    assert!(String::from_utf8_lossy(&agreed.stdout).contains("agrees"));
    let db = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query("update fund_accounts set disbursed = disbursed + 1 where id = (select max(id) from fund_accounts)")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let off = tokio::task::spawn_blocking(move || run(url)).await.unwrap();
    assert!(!off.status.success(), "a difference fails the command");
    assert!(String::from_utf8_lossy(&off.stdout).contains("stored"));
}

#[tokio::test]
async fn a_file_past_ten_megabytes_is_refused_beside_the_field() {
    let app = TestApp::spawn().await;
    let fund = subsidy_fund(&app).await;
    let applicant = app.signed_in("applicant").await;
    let id = file(
        &applicant,
        &form(
            fund,
            track(&app, "快递配送").await,
            "DL-GJZ-HQ",
            "3",
            "15000",
        ),
    )
    .await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(11 * 1024 * 1024, b'0');
    let response = upload(&applicant, id, "扫描件.pdf", big).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("文件超过 10 MB"));
    let files: i64 = sqlx::query_scalar("select count(*) from attachments")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(files, 0);
}

#[tokio::test]
async fn the_queue_returns_or_approves_several_at_once_each_checked_on_its_own() {
    let app = TestApp::spawn().await;
    let fund = subsidy_fund(&app).await;
    let applicant = app.signed_in("applicant").await;
    let track = track(&app, "快递配送").await;
    let mut ids = Vec::new();
    for requested in ["15000", "12000", "10000"] {
        let id = file(&applicant, &form(fund, track, "DL-GJZ-HQ", "3", requested)).await;
        applicant
            .post_form(&format!("/applications/{id}/submission"), &[])
            .await;
        ids.push(id.to_string());
    }
    // The third is withdrawn meanwhile: the batch leaves it and says so.
    applicant
        .post_form(&format!("/applications/{}/withdrawal", ids[2]), &[])
        .await;
    let reviewer = app.signed_in("reviewer").await;
    let ticked: Vec<(&str, &str)> = ids.iter().map(|id| ("id", id.as_str())).collect();
    let mut without_note = ticked.clone();
    without_note.push(("note", " "));
    let response = reviewer
        .post_form("/applications/returns", &without_note)
        .await;
    assert_eq!(location(&response), "/applications/queue");
    assert_eq!(
        status(&app, ids[0].parse().unwrap()).await,
        "submitted",
        "no note, nothing returned"
    );
    let response = reviewer.post_form("/applications/approvals", &ticked).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, queue) = reviewer.page("/applications/queue").await;
    assert!(
        queue.contains("已办理 2 份，1 份未能办理"),
        "the flash counts both"
    );
    for id in &ids[..2] {
        assert_eq!(status(&app, id.parse().unwrap()).await, "approved");
    }
    assert_eq!(status(&app, ids[2].parse().unwrap()).await, "withdrawn");
    ledger_agrees(&app).await;
}
