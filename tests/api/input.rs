//! Odd input as an attacker or a careless paste sends it: NUL bytes, broken text, invisible
//! characters, broken uploads, unreadable filters and parameters. None may answer 500.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::helpers::{TestApp, id_number, join_online, location};

const REFUSED: &str = "无法读取提交的内容";

#[tokio::test]
async fn a_nul_byte_anywhere_gets_the_400_page_signed_in_or_not() {
    let app = TestApp::spawn().await;
    let anonymous = app.browser();
    for path in [
        "/join/status?reference=%00",
        "/join/DL-GJZ%00",
        "/login?next=%00",
        "/join/status?reference=%FF%FE",
    ] {
        let (status, page) = anonymous.page(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            page.contains(REFUSED) && page.contains("<html"),
            "{path}: {page}"
        );
    }
    let response = anonymous
        .post_form("/login", &[("username", "sta\0ff"), ("password", "x")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let joined = join_online(
        &anonymous,
        "DL-GJZ-HQ-SD",
        "李\0四",
        &id_number("19900101", 11),
        "13900001111",
    )
    .await;
    assert_eq!(joined.status(), StatusCode::BAD_REQUEST, "the public form");

    let admin = app.signed_in("admin").await;
    for path in [
        "/members?q=%00",
        "/members?from=%00",
        "/members/export.csv?q=a%00",
        "/members/export.xlsx?q=a%00",
        "/orgs?q=%00",
        "/users?q=%00",
        "/audit?actor=%00",
        "/audit/export.csv?entity=%00",
    ] {
        let (status, page) = admin.page(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.contains(REFUSED), "{path}");
    }
    let response = admin
        .post_form(
            "/members",
            &[("name", "王\0五"), ("organisation_code", "DL-GJZ")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.get("/healthz").await.status(),
        StatusCode::OK,
        "and the app goes on"
    );
}

#[tokio::test]
async fn invisible_and_reordering_characters_are_dropped_so_the_name_is_found() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let created = staff
        .post_form(
            "/members",
            &[
                ("organisation_code", "DL-GJZ-HQ-SD"),
                ("name", "\u{202E}李\u{200B}四\u{202C}"),
                ("id_number", &id_number("19920202", 202)),
                ("phone", "13941110202"),
                ("employer", "\u{FEFF}顺丰速运"),
                ("occupation", "courier"),
                ("join_date", "2026-11-20"),
                ("join_channel", "staff"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let (name, employer): (String, String) =
        sqlx::query_as("select name, employer from members where phone_masked like '139****0202'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((name.as_str(), employer.as_str()), ("李四", "顺丰速运"));
    let (_, page) = staff.page("/members?q=李四").await;
    assert!(page.contains("李四"), "found by what one sees");
    let (_, page) = staff.page("/members?q=%E2%80%8B李四").await;
    assert!(
        page.contains("李四"),
        "a pasted zero-width space does not hide it"
    );
}

#[tokio::test]
async fn a_broken_upload_is_named_beside_the_file_not_a_500() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let token = admin.csrf_token().await;
    let url = admin.url(&format!("/members/import?csrf_token={token}"));
    // The closing boundary never comes.
    let cut = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n姓名,身份证号\r\n";
    // The body's boundary is not the one the header announces.
    let mismatched = "--other\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx\r\n--other--\r\n";
    for body in [cut, mismatched] {
        let response = admin
            .client
            .post(&url)
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("上传没有完成"), "{page}");
    }
    // A NUL in the file's name or a field is cleaned, not sent to the database.
    let form = Form::new()
        .part(
            "file",
            Part::bytes("姓名,身份证号,手机号\r\n".as_bytes().to_vec()).file_name("a\0.csv"),
        )
        .text("organisation_code", "DL-XJY-HY\0");
    let response = admin
        .client
        .post(&url)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_ne!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn an_export_with_an_unreadable_filter_exports_nothing_and_says_why() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let response = staff.get("/members/export.csv?from=2025-13-45").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    assert!(
        back.starts_with("/members?") && back.contains("from=2025-13-45"),
        "{back}"
    );
    let (_, page) = staff.page(&back).await;
    assert!(
        page.contains("未导出任何数据") && page.contains("日期格式不对"),
        "{page}"
    );
    assert_eq!(app.audit_count("member", "export").await, 0);

    let auditor = app.signed_in("admin").await;
    let response = auditor.get("/audit/export.csv?to=yesterday").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/audit?"));
}

#[tokio::test]
async fn a_parameter_that_cannot_be_read_gets_the_page_in_the_layout() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let (status, page) = staff.page("/members?page=99999999999999999999").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(REFUSED) && page.contains("<nav"), "{page}");
    let (status, _) = staff.page("/members?page=-1").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a page out of range falls back to the first"
    );
    let (status, page) = staff.page("/members/abc").await;
    assert!(
        status.is_client_error() && page.contains("<html"),
        "{status}"
    );
}
