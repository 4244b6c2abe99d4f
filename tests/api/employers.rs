//! The register of employers: registered with a checked credit code, found by name or code, read
//! by the unions below the one that keeps it, changed only inside that one's subtree.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

fn employer_form<'a>(name: &'a str, code: &'a str, workers: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("credit_code", code),
        ("kind", "platform"),
        ("industry", "即时配送"),
        ("workers", workers),
        ("contact_person", "钱七"),
    ]
}

#[tokio::test]
async fn staff_register_an_employer_by_its_checked_credit_code_and_find_it_again() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;

    // A code typed wrong by one character: said beside the field, nothing typed lost, nothing saved.
    let response = staff
        .post_form(
            "/employers",
            &employer_form("大连蜂鸟即配有限公司", "91210211MA0QB7K2XY", "1,200"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("统一社会信用代码的校验位不对"));
    assert!(page.contains(r#"value="大连蜂鸟即配有限公司""#) && page.contains(r#"value="1,200""#));
    assert_eq!(
        app.audit_count("employer", "create").await,
        10,
        "the demo's only"
    );

    // The same employer's real code, as an office types it: lower case, in groups.
    let response = staff
        .post_form(
            "/employers",
            &employer_form("大连蜂鸟即配有限公司", "91210211 ma0qb7 k2xx", "1,200"),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the demo's 顺达 holds that code"
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("已有用人单位使用这个统一社会信用代码")
    );

    let response = staff
        .post_form(
            "/employers",
            &employer_form("大连蜂鸟即配有限公司", " 91210200 ma0t7r 1x3d ", "1,200"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let shown = location(&response);
    let (_, page) = staff.page(&shown).await;
    assert!(page.contains("91210200MA0T7R1X3D") && page.contains("平台企业"));
    assert!(page.contains("1200") && page.contains("钱七"));
    assert!(
        page.contains(&format!("{shown}/edit")),
        "its keeper may correct it"
    );
    assert_eq!(app.audit_count("employer", "create").await, 11);

    // Found by part of its name, and by its code in lower case.
    for q in ["%E8%9C%82%E9%B8%9F", "91210200ma0t7r"] {
        let (_, list) = staff.page(&format!("/employers?q={q}")).await;
        assert!(
            list.contains("共 1 家用人单位") && list.contains("大连蜂鸟即配有限公司"),
            "{q}"
        );
    }
    // Kept by 甘井子区: corrected there, with the form filled from the register.
    let (_, form) = staff.page(&format!("{shown}/edit")).await;
    assert!(form.contains(r#"value="91210200MA0T7R1X3D""#));
    let response = staff
        .post_form(&shown, &employer_form("大连蜂鸟即配有限公司", "", "1300"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = staff.page(&shown).await;
    assert!(
        page.contains("1300") && page.contains("暂无"),
        "the code cleared"
    );
    assert_eq!(app.audit_count("employer", "update").await, 1);
}

#[tokio::test]
async fn an_employer_is_read_below_its_keeper_and_changed_only_inside_its_subtree() {
    let app = TestApp::spawn().await;
    let id = |name: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select id from employers where name = $1")
                .bind(name)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let city_kept = id("大连智行网约车平台有限公司").await;
    let jinzhou = id("大连金州港湾建设工程有限公司").await;
    let staff = app.signed_in("staff").await;
    // The city's employer: read in 甘井子区, not changed there.
    let (status, page) = staff.page(&format!("/employers/{city_kept}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(&format!("/employers/{city_kept}/edit")));
    let (status, _) = staff.page(&format!("/employers/{city_kept}/edit")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = staff
        .post_form(
            &format!("/employers/{city_kept}"),
            &employer_form("改名", "", ""),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // 金州区's: not even seen.
    let (status, _) = staff.page(&format!("/employers/{jinzhou}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = staff.page("/employers").await;
    assert!(
        list.contains("大连智行网约车平台有限公司")
            && !list.contains("大连金州港湾建设工程有限公司")
    );
    // Its dispute cases in the user's subtree, linked to their list.
    let couriers = id("大连飞鹰快递服务有限公司").await;
    let (_, page) = staff.page(&format!("/employers/{couriers}")).await;
    assert!(page.contains("共 1 件"), "甘井子区's courier case");
    let link = format!("/disputes?employer={couriers}");
    assert!(page.contains(&format!("href=\"{link}\"")));
    let (_, list) = staff.page(&link).await;
    assert!(list.contains("共 1 件") && list.contains("用人单位：大连飞鹰快递服务有限公司"));
    // The city reads and changes both.
    let admin = app.signed_in("admin").await;
    let (status, _) = admin.page(&format!("/employers/{jinzhou}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = admin.page("/employers?kind=platform").await;
    assert!(list.contains("共 2 家用人单位"), "the demo's two platforms");
}
