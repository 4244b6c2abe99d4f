//! Account administration: creating staff accounts with roles, resets, disabling, scope.

use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, location};

async fn user_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("select id from users where username = $1")
        .bind(username)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_creates_a_staff_account_who_must_then_choose_a_password_and_sees_only_their_union()
 {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let response = admin
        .post_form(
            "/users",
            &[
                ("username", "Xu.Jing"),
                ("display_name", "许静"),
                ("organisation_code", "dl-gjz-hq-sd"),
                ("role_staff", "on"),
                ("password", "temporary-pass-1"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    let (_, page) = admin.page(&location(&response)).await;
    assert!(page.contains("许静") && page.contains("大连顺达物流有限公司工会"));

    let newcomer = app.browser();
    let response = newcomer
        .post_form(
            "/login",
            &[("username", "xu.jing"), ("password", "temporary-pass-1")],
        )
        .await;
    assert_eq!(
        location(&response),
        "/account/password",
        "must change the password first"
    );
    newcomer
        .post_form(
            "/account/password",
            &[
                ("current_password", "temporary-pass-1"),
                ("new_password", "my-own-password"),
                ("confirm_password", "my-own-password"),
            ],
        )
        .await;
    let (_, tree) = newcomer.page("/orgs").await;
    assert!(tree.contains("大连顺达物流有限公司工会"));
    assert!(
        !tree.contains("甘井子区红旗街道工会"),
        "nothing above their union"
    );
    assert_eq!(
        app.audit_count("user", "create").await,
        gonghui::seed::DEMO_ACCOUNTS.len() as i64 + 1,
        "the demo accounts and this one"
    );
}

#[tokio::test]
async fn a_bad_account_form_names_each_problem_and_keeps_the_typing_but_not_the_password() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let response = admin
        .post_form(
            "/users",
            &[
                ("username", "staff"),
                ("display_name", "王"),
                ("organisation_code", "DL-GJZ"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("请至少选择一个角色"));
    assert!(body.contains("密码至少需要 10 个字符"));
    assert!(
        body.contains(r#"value="王""#),
        "a one-character name is fine and kept"
    );
    assert!(
        !body.contains(r#"value="short""#),
        "a password is never sent back"
    );

    let response = admin
        .post_form(
            "/users",
            &[
                ("username", "staff"),
                ("display_name", "王"),
                ("organisation_code", "DL-GJZ"),
                ("role_staff", "on"),
                ("password", "long-enough-pw"),
            ],
        )
        .await;
    assert!(response.text().await.unwrap().contains("该用户名已被使用"));
}

#[tokio::test]
async fn a_district_admin_cannot_place_accounts_outside_their_district() {
    let app = TestApp::spawn().await;
    sqlx::query("update users set roles = '{admin}' where username = 'staff'")
        .execute(&app.db)
        .await
        .unwrap();
    let district_admin = app.signed_in("staff").await;
    let response = district_admin
        .post_form(
            "/users",
            &[
                ("username", "outsider"),
                ("display_name", "外人"),
                ("organisation_code", "DL-JZ"),
                ("role_staff", "on"),
                ("password", "long-enough-pw"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("在您的管辖范围内没有")
    );
    let (_, list) = district_admin.page("/users").await;
    assert!(
        list.contains("applicant") && !list.contains(">reviewer<"),
        "lists only the district's accounts"
    );
    let reviewer = user_id(&app, "reviewer").await;
    assert_eq!(
        district_admin
            .get(&format!("/users/{reviewer}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_admin_changes_roles_and_the_user_gets_them_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let manager = app.signed_in("manager").await;
    assert_eq!(manager.get("/audit").await.status(), StatusCode::FORBIDDEN);
    let id = user_id(&app, "manager").await;
    let response = admin
        .post_form(
            &format!("/users/{id}"),
            &[
                ("display_name", "张伟"),
                ("organisation_code", "DL"),
                ("role_manager", "on"),
                ("role_auditor", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(manager.get("/audit").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let id = user_id(&app, "admin").await;
    let response = admin
        .post_form(
            &format!("/users/{id}"),
            &[
                ("display_name", "系统管理员"),
                ("organisation_code", "DL"),
                ("role_staff", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    admin
        .post_form(&format!("/users/{id}/disabling"), &[])
        .await;
    assert_eq!(
        admin.get("/").await.status(),
        StatusCode::OK,
        "still signed in and enabled"
    );
}

#[tokio::test]
async fn a_reset_password_ends_the_users_sessions_and_must_be_changed() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let applicant = app.signed_in("applicant").await;
    let id = user_id(&app, "applicant").await;
    let short = admin
        .post_form(
            &format!("/users/{id}/password-reset"),
            &[("new_password", "short")],
        )
        .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = admin
        .post_form(
            &format!("/users/{id}/password-reset"),
            &[("new_password", "temporary-pass-2")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        applicant.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    let again = app.browser();
    let response = again
        .post_form(
            "/login",
            &[("username", "applicant"), ("password", "temporary-pass-2")],
        )
        .await;
    assert_eq!(location(&response), "/account/password");
    let old = app.browser();
    let response = old
        .post_form(
            "/login",
            &[("username", "applicant"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old password is gone"
    );
}

#[tokio::test]
async fn disabling_an_account_signs_it_out_and_enabling_lets_it_back() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let reviewer = app.signed_in("reviewer").await;
    let id = user_id(&app, "reviewer").await;
    admin
        .post_form(&format!("/users/{id}/disabling"), &[])
        .await;
    assert_eq!(reviewer.get("/").await.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.page(&format!("/users/{id}")).await;
    assert!(page.contains("已停用") && page.contains("启用账号"));
    admin.post_form(&format!("/users/{id}/enabling"), &[]).await;
    app.signed_in("reviewer").await;
    assert_eq!(app.audit_count("user", "disable").await, 1);
    assert_eq!(app.audit_count("user", "enable").await, 1);
}

#[tokio::test]
async fn the_account_list_is_searched_and_paged() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "insert into users (organisation_id, username, display_name, password_hash, roles)
         select organisation_id, 'rider_union_' || n, '骑手工会干事' || n, password_hash, '{staff}'
         from users, generate_series(1, 60) n where username = 'staff'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let admin = app.signed_in("admin").await;
    let (_, first) = admin.page("/users").await;
    assert!(
        first.contains(r#"href="/users?q=&#38;page=2""#),
        "a next page"
    );
    // The demo accounts and the sixty added.
    let total = gonghui::seed::DEMO_ACCOUNTS.len() + 60;
    assert!(
        first.contains(&format!("共 {total} 条，第 1 / 2 页")),
        "{first}"
    );
    let (_, second) = admin.page("/users?page=2").await;
    assert!(
        second.contains(r#"href="/users?q=&#38;page=1""#),
        "a previous page"
    );

    let (_, found) = admin
        .page(&format!("/users?q={}", "%E5%B9%B2%E4%BA%8B59")) // 干事59
        .await;
    assert!(found.contains("rider_union_59") && !found.contains("rider_union_58"));
    let (_, by_org) = admin.page("/users?q=DL-GJZ-HQ").await;
    assert!(by_org.contains("applicant") && !by_org.contains(">reviewer<"));
    let (_, none) = admin.page("/users?q=nobody_at_all").await;
    assert!(none.contains("没有符合条件的账号"));

    // A district's administrator finds nobody outside the district.
    let district = app.browser();
    app.add_district_admin().await;
    district.sign_in("gjz_admin", PASSWORD).await;
    let (_, page) = district.page("/users?q=reviewer").await;
    assert!(
        page.contains("没有符合条件的账号"),
        "reviewer is at the city"
    );
}
