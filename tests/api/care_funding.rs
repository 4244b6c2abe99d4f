//! A care campaign paid from a fund, through HTTP: its budget committed on the fund when saved
//! (refused beside the budget when the fund has not enough left), moved when the budget changes,
//! and paid on settlement with the rest released; a settled campaign takes no more workers.

use reqwest::StatusCode;

use crate::care::{post_campaign, today};
use crate::helpers::{TestApp, location};

/// The fund's committed and paid money held for the campaign, from its ledger rows.
async fn held(app: &TestApp, campaign: &str) -> (i64, i64, i64) {
    let id: i64 = campaign.trim_start_matches("/care/").parse().unwrap();
    sqlx::query_as(
        "select coalesce(sum(committed), 0)::bigint, coalesce(sum(disbursed), 0)::bigint,
                count(*) from ledger_entries where care_campaign_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// The fund's balances over all its accounts.
async fn fund_balances(app: &TestApp, fund: i64) -> (i64, i64) {
    sqlx::query_as(
        "select sum(committed)::bigint, sum(disbursed)::bigint from fund_accounts where fund_id = $1",
    )
    .bind(fund)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_campaign_paid_from_a_fund_commits_its_budget_and_settles_what_was_given() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    // The city's subsidy fund: a district's staff may draw on it for a district campaign.
    let fund: i64 = sqlx::query_scalar(
        "select id from funds where name like '%基层劳动和技能竞赛专项补贴资金'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let fund_text = fund.to_string();
    let (page_status, form) = staff.page("/care/new").await;
    assert_eq!(page_status, StatusCode::OK);
    assert!(form.contains(&format!("<option value=\"{fund}\"")));
    let before = fund_balances(&app, fund).await;

    // More than the fund has left: refused beside the budget, nothing saved.
    let response = post_campaign(&app, &staff, "送清凉·超出预算", (&fund_text, "9000万")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("所选资金可用余额不足以承担这笔预算") && page.contains("9000万"));
    let kept: i64 =
        sqlx::query_scalar("select count(*) from care_campaigns where title like '送清凉%'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(kept, 0);
    assert_eq!(fund_balances(&app, fund).await, before);

    // Within it: the budget is committed on the fund.
    let response = post_campaign(&app, &staff, "送清凉·环卫工人", (&fund_text, "1万")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let campaign = location(&response);
    assert_eq!(held(&app, &campaign).await, (1_000_000, 0, 1));
    let after = fund_balances(&app, fund).await;
    assert_eq!(after, (before.0 + 1_000_000, before.1));
    // The fund's ledger links back to the campaign.
    let (_, ledger) = app
        .signed_in("admin")
        .await
        .page(&format!("/funds/{fund}"))
        .await;
    assert!(ledger.contains(&format!("href=\"{campaign}\"")) && ledger.contains("送清凉·环卫工人"));

    // The budget raised to 12,000: the old commitment released, the new one made.
    let today = today(&app).await;
    let edited = staff
        .post_form(
            &campaign,
            &[
                ("organisation", "DL-GJZ"),
                ("kind", "care_package"),
                ("title", "送清凉·环卫工人"),
                ("starts_on", &(today - time::Duration::days(10)).to_string()),
                ("ends_on", &(today + time::Duration::days(10)).to_string()),
                ("goods", "保温杯、护膝"),
                ("unit_value", "150"),
                ("budget", "12000"),
                ("fund", &fund_text),
            ],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    assert_eq!(held(&app, &campaign).await, (1_200_000, 0, 3));

    // Two workers given 150 yuan each, then the campaign settled: 300 paid, the rest released.
    let members: Vec<String> = sqlx::query_scalar(
        "select m.member_no from members m join organisations o on o.id = m.organisation_id
         where o.path <@ (select path from organisations where code = 'DL-GJZ')
         order by m.id limit 3",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let day = today.to_string();
    for member in &members[..2] {
        let fields = [
            ("member", member.as_str()),
            ("given_on", day.as_str()),
            ("given", "保温杯"),
            ("value", "150"),
        ];
        let response = staff
            .post_form(&format!("{campaign}/recipients"), &fields)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let (_, before_settling) = staff.page(&campaign).await;
    assert!(before_settling.contains("结算后按已发放金额从资金中支付"));
    let response = staff
        .post_form(&format!("{campaign}/settlement"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, settled) = staff.page(&campaign).await;
    assert!(settled.contains("已结算：发放金额已从资金中支付"));
    let (committed, paid, _) = held(&app, &campaign).await;
    assert_eq!(
        (committed, paid),
        (0, 30_000),
        "300 yuan paid, 11,700 released"
    );
    assert_eq!(
        fund_balances(&app, fund).await,
        (before.0, before.1 + 30_000)
    );

    // Settled: no more workers, no edit, no second settlement.
    let (_, page) = staff.page(&campaign).await;
    assert!(page.contains("结算") && !page.contains(&format!("action=\"{campaign}/recipients\"")));
    let fields = [
        ("member", members[2].as_str()),
        ("given_on", day.as_str()),
        ("given", "保温杯"),
        ("value", "150"),
    ];
    staff
        .post_form(&format!("{campaign}/recipients"), &fields)
        .await;
    staff
        .post_form(&format!("{campaign}/settlement"), &[])
        .await;
    let (_, page) = staff.page(&campaign).await;
    assert!(page.contains("这项关爱行动已结算，不能再登记或修改"));
    let reached: i32 =
        sqlx::query_scalar("select reached from care_campaigns where title = '送清凉·环卫工人'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(reached, 2);
    assert_eq!(held(&app, &campaign).await.1, 30_000, "paid once");
    let response = staff.get(&format!("{campaign}/edit")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_campaign_paid_for_on_its_own_is_only_closed_when_settled() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let response = post_campaign(&app, &staff, "送温暖·单独列支", ("", "5000")).await;
    let campaign = location(&response);
    let (_, page) = staff.page(&campaign).await;
    assert!(page.contains("结算后行动结束，此后不能再登记职工"));
    let response = staff
        .post_form(&format!("{campaign}/settlement"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, settled) = staff.page(&campaign).await;
    assert!(settled.contains("已结算，行动结束。"));
    assert_eq!(
        held(&app, &campaign).await,
        (0, 0, 0),
        "no fund, no ledger row"
    );
}
