//! A case's evidence and its printable record through HTTP: files checked by their content,
//! served only through their own case, removed while the case is open; the record gathers the
//! workers, rounds, evidence and letters with the numbers masked.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

async fn upload(
    browser: &Browser,
    case: i64,
    purpose: &str,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let path = format!("/disputes/{case}/evidence");
    browser.post_file(&path, purpose, (name, bytes)).await
}

async fn case_at(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar(
        "select min(c.id) from dispute_cases c join organisations o on o.id = c.organisation_id
         where o.code = $1",
    )
    .bind(code)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn evidence_is_checked_kept_with_its_case_and_listed_in_the_printed_record() {
    let app = TestApp::spawn().await;
    let mediator = app.signed_in("mediator").await;
    // 顺达's collective case, just taken in at the company union.
    let case = case_at(&app, "DL-GJZ-HQ-SD").await;

    // A text file named .png is refused by its content, beside the field.
    let response = upload(
        &mediator,
        case,
        "pay",
        "工资条.png",
        b"not really a picture",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("只接受 PDF、JPEG 或 PNG 文件")
    );
    let response = upload(&mediator, case, "gossip", "工资条.png", PNG).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let response = upload(&mediator, case, "pay", "2026年10月工资条.png", PNG).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = mediator.page(&format!("/disputes/{case}")).await;
    assert!(page.contains("证据材料（1 件）") && page.contains("2026年10月工资条.png"));
    let file: i64 = sqlx::query_scalar(
        "select id from attachments where owner_entity = 'dispute_case' and owner_id = $1",
    )
    .bind(case)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let response = mediator
        .get(&format!("/disputes/{case}/evidence/{file}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
    // Only through its own case: the same file under another case is not found.
    let other = case_at(&app, "DL-GJZ").await;
    let response = mediator
        .get(&format!("/disputes/{other}/evidence/{file}"))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count("dispute_case", "attachment_added").await, 1);

    // The printed record: the three drivers, the evidence, the masked numbers.
    let (status, record) = mediator.page(&format!("/disputes/{case}/record")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(record.contains("劳动争议调解案卷") && record.contains("涉及职工（3 人）"));
    assert!(record.contains("工资单或转账记录：2026年10月工资条.png"));
    assert!(record.contains("¥37,300.00"), "15,000 + 12,500 + 9,800");
    assert!(
        !record.contains(&format!("action=\"/disputes/{case}/")),
        "no forms on the record"
    );

    // Removed while the case is open: no longer listed or served.
    let response = mediator
        .post_form(&format!("/disputes/{case}/evidence/{file}/deletion"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = mediator
        .get(&format!("/disputes/{case}/evidence/{file}"))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.audit_count("dispute_case", "attachment_deleted").await,
        1
    );

    // A closed case takes no more evidence.
    let response = mediator
        .post_form(
            &format!("/disputes/{case}/closure"),
            &[("outcome", "withdrawn"), ("closed_on", &today(&app).await)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = upload(&mediator, case, "pay", "补充.png", PNG).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "refused back to the case"
    );
    let files: i64 = sqlx::query_scalar(
        "select count(*) from attachments where owner_entity = 'dispute_case' and owner_id = $1",
    )
    .bind(case)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(files, 1, "only the removed one, kept for the audit trail");
}

async fn today(app: &TestApp) -> String {
    let day: time::Date = sqlx::query_scalar("select (now() at time zone 'Asia/Shanghai')::date")
        .fetch_one(&app.db)
        .await
        .unwrap();
    day.to_string()
}
