//! The page frame: health probes, the layout in both languages, error pages, security headers.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn healthz_and_readyz_answer_when_the_app_and_database_are_up() {
    let app = TestApp::spawn().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn the_layout_is_in_simplified_chinese_by_default() {
    let app = TestApp::spawn().await;
    let (status, body) = app.browser.page("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"<html lang="zh-CN">"#));
    assert!(body.contains("<title>登录 · 工会通</title>"));
    assert!(body.contains(">用户名</label>"));
    assert!(
        body.contains(r#"href="/static/app.css"#),
        "the stylesheet is linked"
    );
}

#[tokio::test]
async fn the_layout_follows_accept_language_and_the_language_switch() {
    let app = TestApp::spawn().await;
    let english = app
        .browser
        .client
        .get(app.browser.url("/login"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains(r#"<html lang="en">"#));
    assert!(english.contains("<title>Sign in · Gonghui</title>"));

    // The switch is a form: it sets the language cookie and goes back to the page.
    let switched = app
        .post_form("/language", &[("lang", "en"), ("next", "/login")])
        .await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&switched), "/login");
    let (_, body) = app.browser.page("/login").await;
    assert!(
        body.contains(">Username</label>"),
        "English after switching"
    );
    assert!(
        body.contains(r#"value="zh-CN""#),
        "a way back to Chinese is offered"
    );

    app.post_form("/language", &[("lang", "zh-CN"), ("next", "/login")])
        .await;
    let (_, body) = app.browser.page("/login").await;
    assert!(body.contains(">用户名</label>"), "Chinese again");
}

#[tokio::test]
async fn a_signed_in_users_language_is_kept_on_their_account() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    staff
        .post_form("/language", &[("lang", "en"), ("next", "/")])
        .await;
    let saved: String = sqlx::query_scalar("select locale from users where username = 'staff'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(saved, "en");

    // On another device (no language cookie), the account's language applies.
    let elsewhere = app.signed_in("staff").await;
    let (_, body) = elsewhere.page("/").await;
    assert!(body.contains("<h1>Dashboard</h1>"), "{body}");
}

#[tokio::test]
async fn an_unknown_page_is_a_404_inside_the_layout() {
    let app = TestApp::spawn().await;
    let (status, body) = app.browser.page("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.contains(r#"<header class="site-header">"#),
        "inside the layout"
    );
    assert!(body.contains("<h1>页面不存在</h1>"));

    let staff = app.signed_in("staff").await;
    let (status, body) = staff.page("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("王芳"), "the layout shows who is signed in");
}

#[tokio::test]
async fn a_wrong_method_gets_an_error_page_not_a_blank_one() {
    let app = TestApp::spawn().await;
    let response = app
        .browser
        .client
        .delete(app.browser.url("/login"))
        .send()
        .await
        .unwrap();
    // No CSRF token, so it is refused before routing; either way the answer is a page.
    assert!(response.status().is_client_error());
    assert!(response.text().await.unwrap().contains("<html"));
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let responses = vec![
        app.get("/healthz").await,
        app.get("/readyz").await,
        app.get("/login").await,
        app.get("/").await,
        app.get("/static/app.css").await,
        app.get("/missing").await,
        staff.get("/").await,
        app.browser
            .client
            .post(app.browser.url("/logout"))
            .send()
            .await
            .unwrap(),
    ];
    for response in responses {
        let url = response.url().to_string();
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("CSP on {url}"));
        let csp = csp.to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{url}"
        );
        assert!(!csp.contains("unsafe-inline"), "no inline script on {url}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{url}");
        assert_eq!(headers["x-frame-options"], "DENY", "{url}");
        // The stations finder asks for the visitor's position on its own pages; nobody else may.
        assert_eq!(
            headers["permissions-policy"], "camera=(), microphone=(), geolocation=(self)",
            "{url}"
        );
        assert!(headers.contains_key("x-request-id"), "request id on {url}");
    }
}

#[tokio::test]
async fn static_files_are_served_with_caching_headers() {
    let app = TestApp::spawn().await;
    let css = app.get("/static/app.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()["cache-control"], "public, max-age=86400");
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.text().await.unwrap().contains("--red"));
}

#[tokio::test]
async fn an_internal_error_shows_a_page_in_the_layout_but_never_its_cause() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    // Break the database under the running app: loading the session now fails.
    sqlx::query("alter table users rename to users_gone")
        .execute(&app.db)
        .await
        .unwrap();
    let (status, body) = staff.page("/").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        body.contains("<h1>系统出错了</h1>") && body.contains(r#"<header class="site-header">"#)
    );
    assert!(
        !body.contains("users") && !body.contains("relation"),
        "no database detail leaks: {body}"
    );
}

#[tokio::test]
async fn a_handler_that_panics_gets_the_error_page_not_a_dropped_connection() {
    let app = TestApp::spawn().await;
    let routes = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            let empty: Vec<&'static str> = Vec::new();
            empty[std::hint::black_box(0)] // a bug in a handler: an index out of bounds
        }),
    );
    let router = gonghui::app::pages(routes, &app.state).with_state(app.state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let response = reqwest::get(format!("{address}/boom")).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("<html") && page.contains("系统出错了"),
        "{page}"
    );
    // And the server goes on answering.
    let again = reqwest::get(format!("{address}/boom")).await.unwrap();
    assert_eq!(again.status(), StatusCode::INTERNAL_SERVER_ERROR);
}
