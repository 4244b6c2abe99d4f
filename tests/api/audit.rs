//! The audit trail: written with every change, unchangeable, browsed and exported by auditors.

use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_change_writes_who_when_where_what_and_before_after() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let id: i64 = sqlx::query_scalar("select id from organisations where code = 'DL-JZ-SQ'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    admin
        .post_form(
            &format!("/orgs/{id}"),
            &[
                ("kind", "community_union"),
                ("name", "金州区友谊社区联合工会"),
                ("code", "DL-JZ-SQ"),
                ("contact_phone", "0411-87607890"),
            ],
        )
        .await;
    let row: (
        String,
        Option<String>,
        String,
        serde_json::Value,
        serde_json::Value,
    ) = sqlx::query_as(
        "select actor_name, host(ip), action, before, after from audit_log
         where entity = 'organisation' and entity_id = $1 order by id desc limit 1",
    )
    .bind(id.to_string())
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(row.0, "admin");
    assert_eq!(row.1.as_deref(), Some("127.0.0.1"));
    assert_eq!(row.2, "update");
    assert_eq!(row.3["name"], "金州区友谊社区工会");
    assert_eq!(row.4["name"], "金州区友谊社区联合工会");
    assert_eq!(row.4["contact_phone"], "0411*****7890", "masked");

    // The organisation's page shows the change field by field, only what changed.
    let (_, page) = admin.page(&format!("/orgs/{id}")).await;
    assert!(
        page.contains(
            r#"<span class="change-field">名称/姓名</span><del>金州区友谊社区工会</del> → <ins>金州区友谊社区联合工会</ins>"#
        ),
        "{page}"
    );
    assert!(
        !page.contains(r#"<span class="change-field">编码</span><del>"#),
        "the unchanged code is not listed"
    );
    assert!(
        !page.contains(r#"{"name""#),
        "no raw JSON for a person to read"
    );
}

#[tokio::test]
async fn the_database_refuses_to_alter_or_delete_the_audit_trail() {
    let app = TestApp::spawn().await;
    let update = sqlx::query("update audit_log set actor_name = 'someone else'")
        .execute(&app.db)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("delete from audit_log").execute(&app.db).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let truncate = sqlx::query("truncate audit_log").execute(&app.db).await;
    assert!(truncate.is_err());
    let kept: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(kept > 0);
}

#[tokio::test]
async fn a_change_that_fails_half_way_leaves_no_audit_record_and_no_change() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let before: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&app.db)
        .await
        .unwrap();
    // A code another organisation holds fails at the database, after validation passed.
    let id: i64 = sqlx::query_scalar("select id from organisations where code = 'DL-JZ-SQ'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let response = admin
        .post_form(
            &format!("/orgs/{id}"),
            &[
                ("kind", "community_union"),
                ("name", "改名"),
                ("code", "DL-JZ-DK"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let after: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(before, after);
    let name: String = sqlx::query_scalar("select name from organisations where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(name, "金州区友谊社区工会");
}

#[tokio::test]
async fn an_auditor_filters_the_trail_by_who_what_where_and_when() {
    let app = TestApp::spawn().await;
    app.signed_in("staff").await;
    app.signed_in("manager").await;
    let auditor = app.signed_in("auditor").await;

    let (status, body) = auditor.page("/audit?actor=staff&entity=session").await;
    assert_eq!(status, StatusCode::OK);
    // Authors by the names their accounts show.
    assert!(body.contains("<td>王芳</td>") && !body.contains("<td>张伟</td>"));

    let (_, body) = auditor
        .page("/audit?organisation=DL-GJZ&entity=organisation")
        .await;
    assert!(
        body.contains(r#"<a href="/orgs/"#) && body.contains("<td>系统初始化</td>"),
        "the record links to its page, the demo's records name the system setup"
    );
    assert!(
        body.contains("甘井子区红旗街道工会") && !body.contains("金州区总工会"),
        "one subtree"
    );

    let (_, body) = auditor
        .page("/audit?from=2000%E5%B9%B41%E6%9C%881%E6%97%A5&to=2000-01-02")
        .await;
    assert!(
        body.contains("没有符合条件的记录"),
        "an old range holds nothing"
    );
    let (_, body) = auditor.page("/audit?from=not-a-date").await;
    assert!(
        body.contains("日期格式不对"),
        "a bad date is named, not ignored"
    );
}

#[tokio::test]
async fn the_trail_exports_as_csv_that_excel_opens() {
    let app = TestApp::spawn().await;
    let auditor = app.signed_in("auditor").await;
    let response = auditor.get("/audit/export.csv?entity=organisation").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.contains("\"时间\",\"操作人\""));
    assert_eq!(
        text.matches("\"organisation\"").count(),
        16,
        "one line per seeded organisation"
    );
}

#[tokio::test]
async fn staff_and_managers_cannot_read_the_trail_and_auditors_change_nothing() {
    let app = TestApp::spawn().await;
    for name in ["staff", "manager", "reviewer", "applicant"] {
        let user = app.signed_in(name).await;
        assert_eq!(
            user.get("/audit").await.status(),
            StatusCode::FORBIDDEN,
            "{name}"
        );
        assert_eq!(
            user.get("/audit/export.csv").await.status(),
            StatusCode::FORBIDDEN,
            "{name}"
        );
    }
    let auditor = app.signed_in("auditor").await;
    let response = auditor
        .post_form(
            "/orgs",
            &[
                ("parent_code", "DL"),
                ("kind", "industry_union"),
                ("name", "x"),
                ("code", "XX"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_trail_pages_by_the_oldest_entry_shown_and_keeps_the_filters() {
    let app = TestApp::spawn().await;
    // Sixty sign-ins make sixty entries of one kind.
    sqlx::query(
        "insert into audit_log (actor_name, entity, entity_id, action)
         select 'admin', 'user', '1', 'sign_in' from generate_series(1, 60)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let auditor = app.signed_in("admin").await;
    // Sign-ins are left out unless asked for.
    let (_, plain) = auditor.page("/audit?entity=user").await;
    assert!(!plain.contains("更早的记录") && !plain.contains("<td class=\"nowrap\">登录</td>"));
    let (_, first) = auditor.page("/audit?entity=user&sign_ins=1").await;
    let next = first
        .split(r#"rel="next""#)
        .next()
        .and_then(|head| head.rsplit("href=\"").next())
        .and_then(|tail| tail.split('"').next())
        .expect("a link to older records")
        .replace("&#38;", "&");
    assert!(
        next.contains("entity=user") && next.contains("sign_ins=1") && next.contains("before="),
        "{next}"
    );
    assert!(first.contains("更早的记录"));
    let (_, older) = auditor.page(&next).await;
    assert!(
        older.contains("sign_in") || older.contains("登录"),
        "{older}"
    );
    assert!(
        !older.contains(r#"rel="next""#),
        "sixty entries fit in two pages"
    );
}
