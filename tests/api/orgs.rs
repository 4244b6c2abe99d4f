//! The organisation tree: browsing within one's subtree, creating, editing, moving and closing.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

async fn org_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("select id from organisations where code = $1")
        .bind(code)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn parent_code(app: &TestApp, code: &str) -> String {
    sqlx::query_scalar(
        "select p.code from organisations o join organisations p on p.id = o.parent_id where o.code = $1",
    )
    .bind(code)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_tree_shows_the_whole_federation_to_the_city_and_one_district_to_its_staff() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let (status, body) = admin.page("/orgs").await;
    assert_eq!(status, StatusCode::OK);
    for name in [
        "大连市总工会",
        "甘井子区总工会",
        "金州区总工会",
        "大连市新就业形态工会联合会",
        "大连顺达物流有限公司工会",
    ] {
        assert!(body.contains(name), "{name} in the city's tree");
    }
    assert!(body.contains("<details"), "expandable without JavaScript");

    let staff = app.signed_in("staff").await;
    let (_, body) = staff.page("/orgs").await;
    assert!(body.contains("甘井子区总工会") && body.contains("甘井子区红旗街道工会"));
    assert!(
        !body.contains("金州区总工会"),
        "another district is not shown"
    );
    assert!(!body.contains("大连市总工会</a>"), "nor the city above");
}

#[tokio::test]
async fn an_organisation_outside_ones_subtree_is_not_found() {
    let app = TestApp::spawn().await;
    let applicant = app.signed_in("applicant").await;
    let own = org_id(&app, "DL-GJZ-HQ-SD").await;
    let sibling_district = org_id(&app, "DL-JZ").await;
    let parent = org_id(&app, "DL-GJZ").await;
    assert_eq!(
        applicant.get(&format!("/orgs/{own}")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        applicant
            .get(&format!("/orgs/{sibling_district}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        applicant.get(&format!("/orgs/{parent}")).await.status(),
        StatusCode::NOT_FOUND,
        "not even upwards"
    );
}

#[tokio::test]
async fn searching_finds_organisations_by_part_of_the_name_within_scope() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let (_, body) = staff.page("/orgs?q=%E7%89%A9%E6%B5%81").await; // 物流
    assert!(body.contains("大连顺达物流有限公司工会"));
    assert!(
        body.contains("甘井子区总工会 / 甘井子区红旗街道工会"),
        "the path above is shown"
    );
    let (_, body) = staff.page("/orgs?q=%E4%BD%8E%E7%A9%BA").await; // 低空: in 金州区, out of scope
    assert!(body.contains("没有找到符合条件的组织"));
    let (_, body) = staff.page("/orgs?q=%25").await; // a lone % matches nothing, not everything
    assert!(body.contains("没有找到符合条件的组织"));
}

#[tokio::test]
async fn an_admin_creates_a_grassroots_union_under_a_district() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let district = org_id(&app, "DL-GJZ").await;
    let (status, form) = admin.page(&format!("/orgs/new?parent={district}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains(r#"value="DL-GJZ""#),
        "the parent is filled in"
    );

    let response = admin
        .post_form(
            "/orgs",
            &[
                ("parent_code", "dl-gjz"),
                ("kind", "grassroots_union"),
                ("name", "大连港湾冷链物流有限公司工会"),
                ("code", "dl-gjz-lL"),
                ("region", "甘井子区"),
                ("contact_person", "许静"),
                ("contact_phone", "13904116789"),
                ("address", "甘井子区港湾路 8 号"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = location(&response);
    let (_, body) = admin.page(&page).await;
    assert!(body.contains("大连港湾冷链物流有限公司工会") && body.contains("DL-GJZ-LL"));
    assert!(body.contains("甘井子区总工会"), "its parent is named");
    assert_eq!(parent_code(&app, "DL-GJZ-LL").await, "DL-GJZ");
    assert_eq!(
        app.audit_count("organisation", "create").await,
        17,
        "16 seeded and this one"
    );

    // The district's staff now see it in their tree.
    let staff = app.signed_in("staff").await;
    assert!(
        staff
            .page("/orgs")
            .await
            .1
            .contains("大连港湾冷链物流有限公司工会")
    );
}

#[tokio::test]
async fn a_bad_organisation_form_keeps_what_was_typed_and_names_each_problem() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let response = admin
        .post_form(
            "/orgs",
            &[
                ("parent_code", "NO-SUCH"),
                ("kind", "grassroots_union"),
                ("name", "某某公司工会"),
                ("code", "DL-GJZ"),
                ("contact_phone", "12"),
                ("address", "人民路 1 号"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("找不到该编码的组织"), "unknown parent");
    assert!(body.contains("电话号码格式不对"), "bad phone");
    assert!(
        body.contains(r#"value="某某公司工会""#) && body.contains(r#"value="人民路 1 号""#),
        "typed values kept"
    );
    assert!(body.contains(r#"aria-invalid="true""#));

    // A code that is taken is reported beside the code field, and nothing is saved.
    let response = admin
        .post_form(
            "/orgs",
            &[
                ("parent_code", "DL-GJZ"),
                ("kind", "grassroots_union"),
                ("name", "某某公司工会"),
                ("code", "DL-JZ"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("该编码已被其他组织使用")
    );
    let count: i64 =
        sqlx::query_scalar("select count(*) from organisations where name = '某某公司工会'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn an_admin_edits_an_organisation_and_its_history_shows_before_and_after() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let id = org_id(&app, "DL-GJZ-HQ-SD").await;
    let (_, form) = admin.page(&format!("/orgs/{id}/edit")).await;
    assert!(form.contains(r#"value="大连顺达物流有限公司工会""#));
    let response = admin
        .post_form(
            &format!("/orgs/{id}"),
            &[
                ("kind", "grassroots_union"),
                ("name", "大连顺达物流集团工会"),
                ("code", "DL-GJZ-HQ-SD"),
                ("region", "甘井子区"),
                ("contact_person", "何军"),
                ("contact_phone", "13904119999"),
                ("address", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = admin.page(&format!("/orgs/{id}")).await;
    assert!(body.contains("大连顺达物流集团工会"));
    assert!(body.contains("变更记录"));
    assert!(
        body.contains("大连顺达物流有限公司工会") && body.contains("→"),
        "before and after in the history"
    );
    assert!(
        body.contains("139****9999") && !body.contains("13904119999</td>"),
        "phones masked in the trail"
    );
}

#[tokio::test]
async fn moving_an_organisation_takes_its_subtree_along_but_never_into_itself() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let street = org_id(&app, "DL-GJZ-HQ").await;

    let into_itself = admin
        .post_form(
            &format!("/orgs/{street}/move"),
            &[("parent_code", "DL-GJZ-HQ-SD")],
        )
        .await;
    assert_eq!(into_itself.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        into_itself
            .text()
            .await
            .unwrap()
            .contains("不能迁到该组织自己或它的下级组织之下")
    );

    let response = admin
        .post_form(&format!("/orgs/{street}/move"), &[("parent_code", "DL-JZ")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(parent_code(&app, "DL-GJZ-HQ").await, "DL-JZ");
    let paths_consistent: bool = sqlx::query_scalar(
        "select bool_and(c.path = p.path || c.id::text) from organisations c join organisations p on p.id = c.parent_id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        paths_consistent,
        "every path is its parent's path plus its id"
    );

    // The district's staff lost the street and what is below it; the applicant (staff of the street)
    // keeps seeing their own subtree.
    let staff = app.signed_in("staff").await;
    let (_, tree) = staff.page("/orgs").await;
    assert!(!tree.contains("甘井子区红旗街道工会") && !tree.contains("大连顺达物流有限公司工会"));
    let applicant = app.signed_in("applicant").await;
    assert!(
        applicant
            .page("/orgs")
            .await
            .1
            .contains("大连顺达物流有限公司工会")
    );
    assert_eq!(app.audit_count("organisation", "move").await, 1);
}

#[tokio::test]
async fn closing_keeps_the_record_and_needs_the_children_closed_first() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let street = org_id(&app, "DL-GJZ-HQ").await;
    let response = admin
        .post_form(&format!("/orgs/{street}/closure"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = admin.page(&format!("/orgs/{street}")).await;
    assert!(
        body.contains("还有未撤销的下级组织"),
        "refused with a reason"
    );

    let company = org_id(&app, "DL-GJZ-HQ-FX").await;
    admin
        .post_form(&format!("/orgs/{company}/closure"), &[])
        .await;
    let (_, body) = admin.page(&format!("/orgs/{company}")).await;
    assert!(
        body.contains("已撤销") && body.contains("恢复该组织"),
        "closed, and can be reopened"
    );
    let status: String = sqlx::query_scalar("select status from organisations where id = $1")
        .bind(company)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "closed");

    // Closing it again is refused with why, not "closed" a second time.
    admin
        .post_form(&format!("/orgs/{company}/closure"), &[])
        .await;
    let (_, body) = admin.page(&format!("/orgs/{company}")).await;
    assert!(
        body.contains("该组织已撤销") && !body.contains("组织已撤销（历史记录保留）"),
        "{body}"
    );
    let closures: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where entity = 'organisation' and entity_id = $1 and action = 'close'",
    )
    .bind(company.to_string())
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(closures, 1);

    // Nothing new goes under a closed organisation.
    let response = admin
        .post_form(
            "/orgs",
            &[
                ("parent_code", "DL-GJZ-HQ-FX"),
                ("kind", "grassroots_union"),
                ("name", "分会"),
                ("code", "FX-1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    admin
        .post_form(&format!("/orgs/{company}/reopening"), &[])
        .await;
    let status: String = sqlx::query_scalar("select status from organisations where id = $1")
        .bind(company)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "active");
}

#[tokio::test]
async fn an_admin_cannot_move_or_close_the_top_of_their_own_scope() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let root = org_id(&app, "DL").await;
    assert_eq!(
        admin.get(&format!("/orgs/{root}/move")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin
            .post_form(&format!("/orgs/{root}/closure"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_tree_and_an_organisations_page_count_its_members() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let (_, tree) = admin.page("/orgs").await;
    // 大连市网约配送员工会 holds the demo's delivery riders: 22, and 283 who joined at ceremonies.
    assert!(tree.contains("大连市网约配送员工会</a>"));
    assert!(tree.contains("会员 305 ·"), "{tree}");
    let district = org_id(&app, "DL-GJZ").await;
    let (_, page) = admin.page(&format!("/orgs/{district}")).await;
    assert!(
        page.contains(
            r#"<span class="stat-value">15</span><span class="stat-label">会员（含下级）"#
        ),
        "{page}"
    );
}
