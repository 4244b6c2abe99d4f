//! Collective contracts through HTTP: an industry contract recorded from the register (refused
//! input kept and the unknown lines named), filed once, reminded 90 and then 30 days before it
//! ends (once each), renewed once with the old contract linked; another union's contracts answer
//! 404 and read-only roles cannot record one.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

async fn day(app: &TestApp, offset: i32) -> String {
    sqlx::query_scalar("select ((now() at time zone 'Asia/Shanghai')::date + $1)::text")
        .bind(offset)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn notices(app: &TestApp, contract: &str, message: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from notices where entity = 'collective_contract'
         and entity_id = $1::text::bigint and message = $2",
    )
    .bind(contract.trim_start_matches("/contracts/"))
    .bind(message)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn remind(app: &TestApp) {
    gonghui::contracts::reminders::remind_expiring(app.state.clone())
        .await
        .unwrap();
}

#[tokio::test]
async fn an_industry_contract_is_filed_reminded_before_it_ends_and_renewed_once() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;

    // The district's demo contracts, not 金州区's.
    let (status, list) = staff.page("/contracts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("甘井子区快递物流行业集体合同") && list.contains("履行中"));
    assert!(!list.contains("金州区家政服务业区域性集体合同"));

    // Refused: an enterprise's contract naming two employers, one not in the register, no
    // workers, no subject, a term ending before it starts. What was typed stays.
    let (signed, starts, ends) = (
        day(&app, -20).await,
        day(&app, -20).await,
        day(&app, 60).await,
    );
    let mut fields = vec![
        ("coverage", "enterprise"),
        ("title", "甘井子区即时配送行业集体合同"),
        ("union_party", "甘井子区总工会"),
        ("employer_party", "甘井子区配送企业代表"),
        ("employers", "91210211 ma10j6t8hx\r\n大连不存在配送有限公司"),
        ("workers", "0"),
        ("signed_on", signed.as_str()),
        ("starts_on", starts.as_str()),
        ("ends_on", "2020-01-01"),
    ];
    let response = staff.post_form("/contracts", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for message in [
        "单个企业的合同只能覆盖一家企业",
        "请填写覆盖职工人数",
        "请至少选择一项协商事项",
        "期满日期应晚于生效日期和签订日期",
    ] {
        assert!(page.contains(message), "{message}");
    }
    assert!(page.contains(r#"value="甘井子区即时配送行业集体合同""#));
    assert!(page.contains("大连不存在配送有限公司</textarea>"));

    // The unknown line is named; the code typed in lower case with a space is found.
    fields[0] = ("coverage", "industry");
    fields[5] = ("workers", "1.2万");
    fields[8] = ("ends_on", ends.as_str());
    fields.push(("subject", "pay"));
    fields.push(("subject", "women"));
    let response = staff.post_form("/contracts", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("以下企业不在用人单位名录中")
            && page.contains("<li>大连不存在配送有限公司</li>")
    );
    assert!(!page.contains("请填写覆盖职工人数"));

    fields[4] = (
        "employers",
        "91210211 ma10j6t8hx\r\n大连闪送同城配送有限公司\r\n",
    );
    let response = staff.post_form("/contracts", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let contract = location(&response);
    let (_, page) = staff.page(&contract).await;
    assert!(page.contains("待报送审查") && page.contains("12000 人"));
    assert!(page.contains("覆盖企业（2 家）") && page.contains("大连飞鹰快递服务有限公司"));
    assert!(page.contains("劳动报酬、女职工特殊保护"));
    assert!(page.contains("超出 10 天"), "signed 20 days ago, not filed");

    // Not filed: no reminder yet, however near its end.
    remind(&app).await;
    assert_eq!(
        notices(&app, &contract, "notice.contract.expiring_90").await,
        0
    );

    // Filed: before the signing is refused; then once.
    let filing = format!("{contract}/filing");
    let too_early = day(&app, -30).await;
    let response = staff
        .post_form(
            &filing,
            &[("filed_on", too_early.as_str()), ("filing_note", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("报送日期不能早于签订日期")
    );
    let filed_on = day(&app, -15).await;
    let fields = [
        ("filed_on", filed_on.as_str()),
        ("filing_note", "大人社集备〔2026〕12号"),
    ];
    let response = staff.post_form(&filing, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let again = staff.post_form(&filing, &fields).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let (_, page) = staff.page(&contract).await;
    assert!(page.contains("即将期满") && page.contains("大人社集备〔2026〕12号"));
    assert!(page.contains("该合同已报送审查"));

    // Sixty days left: the 90-day reminder, once, to the union's staff.
    remind(&app).await;
    remind(&app).await;
    assert_eq!(
        notices(&app, &contract, "notice.contract.expiring_90").await,
        1
    );
    let (_, inbox) = staff.page("/notices").await;
    assert!(inbox.contains("甘井子区即时配送行业集体合同") && inbox.contains("将在 90 天内期满"));
    let (_, expiring) = staff.page("/contracts?standing=expiring").await;
    assert!(expiring.contains(&format!("href=\"{contract}\"")));

    // Twenty days left: the 30-day one, once.
    sqlx::query(
        "update collective_contracts set ends_on = (now() at time zone 'Asia/Shanghai')::date + 20
         where id = $1::text::bigint",
    )
    .bind(contract.trim_start_matches("/contracts/"))
    .execute(&app.db)
    .await
    .unwrap();
    remind(&app).await;
    remind(&app).await;
    assert_eq!(
        notices(&app, &contract, "notice.contract.expiring_30").await,
        1
    );
    assert_eq!(
        notices(&app, &contract, "notice.contract.expiring_90").await,
        1
    );

    // Renewal: the form carries the parties, employers and subjects, the term from the day after.
    let (status, form) = staff
        .page(&format!(
            "/contracts/new?renews={}",
            contract.trim_start_matches("/contracts/")
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("91210211MA10J6T8HX") && form.contains("甘井子区配送企业代表"));
    let next_start = day(&app, 21).await;
    assert!(form.contains(&format!(r#"value="{next_start}""#)));
    let renews = contract.trim_start_matches("/contracts/").to_string();
    let next_end = day(&app, 21 + 700).await;
    let renewal = [
        ("renews", renews.as_str()),
        ("coverage", "industry"),
        ("title", "甘井子区即时配送行业集体合同（第二期）"),
        ("union_party", "甘井子区总工会"),
        ("employer_party", "甘井子区配送企业代表"),
        ("employers", "91210211MA10J6T8HX\n大连闪送同城配送有限公司"),
        ("workers", "13000"),
        ("subject", "pay"),
        ("signed_on", filed_on.as_str()),
        ("starts_on", next_start.as_str()),
        ("ends_on", next_end.as_str()),
    ];
    let response = staff.post_form("/contracts", &renewal).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let next = location(&response);
    let (_, old) = staff.page(&contract).await;
    assert!(old.contains("已续签") && old.contains(&format!("href=\"{next}\"")));
    assert!(
        !old.contains("/contracts/new?renews="),
        "no second renewal offered"
    );
    let (_, new) = staff.page(&next).await;
    assert!(new.contains("续签自") && new.contains(&format!("href=\"{contract}\"")));

    // A second renewal of the same contract is refused, the form kept.
    let response = staff.post_form("/contracts", &renewal).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("该合同已续签过") && page.contains("（第二期）"));
    // A renewed contract is no longer reminded of.
    sqlx::query(
        "update collective_contracts set reminded_30_on = null where id = $1::text::bigint",
    )
    .bind(&renews)
    .execute(&app.db)
    .await
    .unwrap();
    remind(&app).await;
    assert_eq!(
        notices(&app, &contract, "notice.contract.expiring_30").await,
        1
    );
}

#[tokio::test]
async fn another_unions_contracts_answer_404_and_readers_cannot_record_one() {
    let app = TestApp::spawn().await;
    let other: i64 = sqlx::query_scalar(
        "select min(c.id) from collective_contracts c
         join organisations o on o.id = c.organisation_id where o.code = 'DL-JZ'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let staff = app.signed_in("staff").await;
    let (status, _) = staff.page(&format!("/contracts/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = staff
        .post_form(
            &format!("/contracts/{other}/filing"),
            &[("filed_on", "2026-01-01")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (status, _) = staff.page(&format!("/contracts/new?renews={other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The city's manager reads them all but records none.
    let manager = app.signed_in("manager").await;
    let (status, page) = manager.page(&format!("/contracts/{other}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("续签</a>"));
    let response = manager.post_form("/contracts", &[("title", "x")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let judge = app.signed_in("judge").await;
    let (status, _) = judge.page("/contracts").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
