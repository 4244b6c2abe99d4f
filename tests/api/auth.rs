//! Signing in and out: sessions, their renewal and timeouts, rate limits, CSRF, disabled accounts.

use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, location};

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_the_sign_in_page() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login");
}

#[tokio::test]
async fn staff_sign_in_with_username_and_password_and_see_their_organisation() {
    let app = TestApp::spawn().await;
    let response = app
        .post_form("/login", &[("username", "staff"), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "not Secure over plain HTTP by default"
    );

    let (status, body) = app.browser.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("王芳") && body.contains("甘井子区总工会"),
        "name and organisation in the header"
    );
    assert_eq!(app.audit_count("session", "sign_in").await, 1);
}

#[tokio::test]
async fn usernames_are_not_case_sensitive() {
    let app = TestApp::spawn().await;
    app.browser.sign_in("  Staff ", PASSWORD).await;
}

#[tokio::test]
async fn cookies_are_secure_when_served_over_https() {
    let app = TestApp::spawn_with(|settings| settings.secure_cookies = true).await;
    let response = app
        .post_form("/login", &[("username", "staff"), ("password", PASSWORD)])
        .await;
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Secure")
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let wrong = app
        .post_form(
            "/login",
            &[("username", "staff"), ("password", "nope-nope-nope")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = wrong.text().await.unwrap();
    let unknown = app
        .post_form(
            "/login",
            &[("username", "nobody"), ("password", "nope-nope-nope")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = unknown.text().await.unwrap();
    assert!(wrong.contains("用户名或密码不正确。"));
    assert!(unknown.contains("用户名或密码不正确。"));
    assert!(
        wrong.contains(r#"value="staff""#),
        "the typed username is kept"
    );
    assert!(app.browser.cookie("gh_session").is_none(), "no session");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while_even_with_the_right_password() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        let response = app
            .post_form(
                "/login",
                &[("username", "reviewer"), ("password", "guess-guess-1")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let locked = app
        .post_form(
            "/login",
            &[("username", "reviewer"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.text().await.unwrap().contains("登录失败次数过多"));

    // The same limit for an account that does not exist: the answer reveals nothing.
    for _ in 0..5 {
        app.post_form(
            "/login",
            &[("username", "ghost"), ("password", "guess-guess-1")],
        )
        .await;
    }
    let ghost = app
        .post_form(
            "/login",
            &[("username", "ghost"), ("password", "guess-guess-1")],
        )
        .await;
    assert_eq!(ghost.status(), StatusCode::TOO_MANY_REQUESTS);

    // Other accounts are not locked by it.
    app.signed_in("manager").await;
}

#[tokio::test]
async fn many_failures_from_one_address_are_limited_across_accounts() {
    let app = TestApp::spawn().await;
    for n in 0..20 {
        let name = format!("spray{n}");
        app.post_form(
            "/login",
            &[("username", &name), ("password", "guess-guess-1")],
        )
        .await;
    }
    let response = app
        .post_form("/login", &[("username", "auditor"), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_session_id_is_renewed_at_sign_in() {
    let app = TestApp::spawn().await;
    app.browser.sign_in("staff", PASSWORD).await;
    let first = app.browser.cookie("gh_session").unwrap();
    app.browser.sign_in("staff", PASSWORD).await;
    let second = app.browser.cookie("gh_session").unwrap();
    assert_ne!(first, second, "a new token at each sign-in");
    let sessions: i64 = sqlx::query_scalar(
        "select count(*) from sessions s join users u on u.id = s.user_id where u.username = 'staff'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(sessions, 1, "the old session ended");
}

#[tokio::test]
async fn sign_out_really_ends_the_session() {
    let app = TestApp::spawn().await;
    app.browser.sign_in("staff", PASSWORD).await;
    let token = app.browser.cookie("gh_session").unwrap();
    let response = app.post_form("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login");

    // Replaying the old cookie opens nothing.
    let replay = app
        .browser
        .client
        .get(app.browser.url("/"))
        .header("cookie", format!("gh_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&replay), "/login");
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_the_account() {
    let app = TestApp::spawn().await;
    let office = app.signed_in("staff").await;
    let phone = app.signed_in("staff").await;
    let other_user = app.signed_in("manager").await;
    let response = office.post_form("/account/sessions/delete", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        phone.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "the phone is signed out"
    );
    assert_eq!(
        office.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "so is this device"
    );
    assert_eq!(
        other_user.get("/").await.status(),
        StatusCode::OK,
        "other accounts keep theirs"
    );
    assert_eq!(app.audit_count("session", "sign_out_everywhere").await, 1);
}

#[tokio::test]
async fn an_idle_session_times_out() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    assert_eq!(staff.get("/").await.status(), StatusCode::OK);
    sqlx::query("update sessions set last_seen_at = now() - interval '121 minutes'")
        .execute(&app.db)
        .await
        .unwrap();
    let response = staff.get("/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login");
}

#[tokio::test]
async fn a_busy_session_still_ends_at_its_absolute_timeout() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    sqlx::query(
        "update sessions set created_at = now() - interval '721 minutes', last_seen_at = now()",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(staff.get("/").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_disabled_account_can_neither_sign_in_nor_keep_its_session() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    sqlx::query("update users set disabled_at = now() where username = 'staff'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        staff.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "the open session ends"
    );
    let response = app
        .post_form("/login", &[("username", "staff"), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("该账号已停用"));
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let response = staff
        .client
        .post(staff.url("/account/sessions/delete"))
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("请求已被拒绝") && body.contains("未做任何修改"),
        "a page that explains"
    );
    assert_eq!(
        staff.get("/").await.status(),
        StatusCode::OK,
        "still signed in: nothing changed"
    );

    let wrong = staff
        .client
        .post(staff.url("/account/sessions/delete"))
        .form(&[("csrf_token", "0".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count("session", "sign_out_everywhere").await, 0);
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_a_token() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let token = staff.csrf_token().await;
    let host = staff.address.trim_start_matches("http://").to_string();
    let same_host_other_scheme = format!("https://{host}");
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
        // The whole origin counts, scheme included.
        ("origin", same_host_other_scheme.as_str()),
    ] {
        let response = staff
            .client
            .post(staff.url("/account/sessions/delete"))
            .header(header, value)
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
    }
    assert_eq!(staff.get("/").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_password_change_checks_the_current_password_and_keeps_the_rules() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    // The same account signed in on another computer: changing the password ends that session.
    let elsewhere = app.signed_in("staff").await;
    let response = staff
        .post_form(
            "/account/password",
            &[
                ("current_password", "wrong-one-here"),
                ("new_password", "short"),
                ("confirm_password", "other"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("当前密码不正确。"));
    assert!(body.contains("密码至少需要 10 个字符。"));
    assert!(body.contains("两次输入的新密码不一致。"));

    let response = staff
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "新的密码很长也很安全"),
                ("confirm_password", "新的密码很长也很安全"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        staff.get("/members").await.status(),
        StatusCode::OK,
        "this browser stays signed in"
    );
    assert!(
        location(&elsewhere.get("/members").await).starts_with("/login"),
        "the other session ended"
    );
    let fresh = app.browser();
    fresh.sign_in("staff", "新的密码很长也很安全").await;
    assert_eq!(app.audit_count("user", "change_password").await, 1);
}

#[tokio::test]
async fn a_user_who_must_change_their_password_can_do_nothing_else_first() {
    let app = TestApp::spawn().await;
    sqlx::query("update users set must_change_password = true where username = 'staff'")
        .execute(&app.db)
        .await
        .unwrap();
    let response = app
        .post_form("/login", &[("username", "staff"), ("password", PASSWORD)])
        .await;
    assert_eq!(location(&response), "/account/password");
    let home = app.get("/").await;
    assert_eq!(location(&home), "/account/password");
    let (status, body) = app.browser.page("/account/password").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("管理员为您重置了密码"));
    app.post_form(
        "/account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "brand-new-password"),
            ("confirm_password", "brand-new-password"),
        ],
    )
    .await;
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::OK,
        "free to work after the change"
    );
}

#[tokio::test]
async fn expired_sessions_are_cleared_away_at_the_next_sign_in() {
    let app = TestApp::spawn().await;
    app.signed_in("staff").await;
    sqlx::query("update sessions set last_seen_at = now() - interval '3 hours'")
        .execute(&app.db)
        .await
        .unwrap();
    app.signed_in("manager").await;
    let left: Vec<String> =
        sqlx::query_scalar("select u.username from sessions s join users u on u.id = s.user_id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(left, vec!["manager".to_string()]);
}

/// Signs `username` in with an X-Forwarded-For header; returns the address the trail recorded.
async fn sign_in_forwarded_for(app: &TestApp, username: &str, forwarded: &str) -> Option<String> {
    let browser = app.browser();
    let token = browser.csrf_token().await;
    let response = browser
        .client
        .post(browser.url("/login"))
        .header("x-forwarded-for", forwarded)
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    sqlx::query_scalar(
        "select host(ip) from audit_log where action = 'sign_in' and actor_name = $1 order by id desc limit 1",
    )
    .bind(username)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy() {
    let direct = TestApp::spawn().await;
    assert_eq!(
        sign_in_forwarded_for(&direct, "staff", "203.0.113.7")
            .await
            .as_deref(),
        Some("127.0.0.1"),
        "a header from an untrusted peer is ignored"
    );

    let proxied = TestApp::spawn_with(|settings| {
        settings.trusted_proxies = "127.0.0.0/8".parse().unwrap();
    })
    .await;
    assert_eq!(
        sign_in_forwarded_for(&proxied, "staff", "1.2.3.4, 203.0.113.7")
            .await
            .as_deref(),
        Some("203.0.113.7"),
        "the address the proxy saw, not the one the client claimed"
    );
}

#[tokio::test]
async fn a_planted_csrf_cookie_with_a_made_up_token_is_refused() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let session = staff.cookie("gh_session").unwrap();
    // What a neighbouring site could do before: set the cookie and send the same value as the token.
    let planted = "ab".repeat(32);
    let response = staff
        .client
        .post(staff.url("/account/sessions/delete"))
        .header("cookie", format!("gh_session={session}; gh_csrf={planted}"))
        .form(&[("csrf_token", planted.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        staff.get("/").await.status(),
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn the_form_token_changes_at_sign_in() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();
    let before = visitor.csrf_token().await;
    visitor.sign_in("staff", PASSWORD).await;
    let after = visitor.csrf_token().await;
    assert_ne!(
        before, after,
        "a token seen before signing in is void after"
    );
    let response = visitor
        .client
        .post(visitor.url("/account/sessions/delete"))
        .form(&[("csrf_token", before.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signing_in_over_a_stale_session_cookie_signs_in() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();
    visitor.sign_in("staff", PASSWORD).await;
    // The session ends in another tab; this browser still holds its cookie.
    sqlx::query("delete from sessions")
        .execute(&app.db)
        .await
        .unwrap();
    let response = visitor
        .post_form("/login", &[("username", "staff"), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let names: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| {
            value
                .to_str()
                .unwrap()
                .split('=')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let sessions = names.iter().filter(|name| *name == "gh_session").count();
    assert_eq!(sessions, 1, "one Set-Cookie per cookie: {names:?}");
    assert_eq!(visitor.get("/").await.status(), StatusCode::OK, "signed in");
}

#[tokio::test]
async fn signed_in_pages_are_not_cached_and_secure_cookies_take_the_host_prefix() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let member: i64 = sqlx::query_scalar(
        "select min(m.id) from members m
         join organisations o on o.id = m.organisation_id
         join users u on u.username = 'staff'
         join organisations home on home.id = u.organisation_id
         where o.path <@ home.path",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    for path in ["/", "/members", &format!("/members/{member}")] {
        let response = staff.get(path).await;
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    let identity = staff.get(&format!("/members/{member}/identity")).await;
    assert_eq!(identity.status(), StatusCode::OK);
    assert_eq!(
        identity.headers()["cache-control"],
        "no-store",
        "full ID numbers"
    );
    let css = staff.get("/static/app.css").await;
    assert_ne!(
        css.headers()["cache-control"],
        "no-store",
        "static files are cached"
    );

    let secure = TestApp::spawn_with(|settings| settings.secure_cookies = true).await;
    let response = secure.get("/login").await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.starts_with("__Host-gh_csrf=")
            && cookie.contains("; Secure")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
}
