//! Hostile spreadsheets, made here in each format the import takes: each is refused with a clear
//! message, without the server building what the file claims, and the app keeps answering.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp};
use crate::hostile_files::{ods, ods_bomb, ods_row, with_padding, xls_corners, xlsx};
use crate::imports::upload;

const TOO_LARGE: &str = "文件过大或结构异常";

async fn refused(browser: &Browser, name: &str, bytes: Vec<u8>) -> String {
    let response = upload(browser, name, bytes, "import").await;
    let status = response.status();
    let page = response.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {page}");
    page
}

#[tokio::test]
async fn hostile_spreadsheets_of_every_format_are_refused_and_the_app_keeps_answering() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;

    // Two cells, A1 and XFD1000: once 1 GB of grid.
    let page = refused(&admin, "wide.xlsx", xlsx(Some((999, 16_383)))).await;
    assert!(page.contains(TOO_LARGE), "{page}");
    // A sheet whose data ends past the row limit.
    let page = refused(&admin, "long.xlsx", xlsx(Some((1_000_000, 1)))).await;
    assert!(page.contains("一次最多导入"), "{page}");
    // 300 MB of zeros in a file of a few hundred KB.
    let bomb = with_padding(&xlsx(None), 300 << 20);
    assert!(bomb.len() < 2 << 20, "the bomb is small: {}", bomb.len());
    let page = refused(&admin, "bomb.xlsx", bomb).await;
    assert!(page.contains(TOO_LARGE), "{page}");
    let page = refused(&admin, "repeat.ods", ods_bomb()).await;
    assert!(page.contains(TOO_LARGE), "{page}");
    let page = refused(&admin, "corners.xls", xls_corners()).await;
    assert!(page.contains(TOO_LARGE), "{page}");
    let commas = format!("姓名,身份证号\r\n{}\r\n", ",".repeat(5_000_000)).into_bytes();
    let page = refused(&admin, "commas.csv", commas).await;
    assert!(page.contains(TOO_LARGE), "{page}");

    // Two bombs at once, and the app still answers a probe meanwhile.
    let (first, second) = (app.signed_in("admin").await, app.signed_in("admin").await);
    let uploads = tokio::spawn(async move {
        let one = upload(
            &first,
            "a.xlsx",
            with_padding(&xlsx(None), 300 << 20),
            "import",
        );
        let two = upload(&second, "b.ods", ods_bomb(), "import");
        let (one, two) = tokio::join!(one, two);
        (one.status(), two.status())
    });
    let probe = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    for _ in 0..5 {
        let health = probe.get(format!("{}/healthz", app.address)).send().await;
        assert!(health.is_ok_and(|r| r.status() == StatusCode::OK));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (one, two) = uploads.await.unwrap();
    assert_eq!(
        (one, two),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY
        )
    );
    let imports: i64 = sqlx::query_scalar("select count(*) from member_imports")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(imports, 0, "nothing kept of a refused file");
}

#[tokio::test]
async fn an_ods_roster_as_libreoffice_saves_it_imports() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let id = crate::helpers::id_number("19880808", 808);
    let rows = format!(
        "{}{}{}",
        ods_row(&["姓名", "身份证号", "手机号", "职业", "入会日期"]),
        ods_row(&["欧阳娜娜", &id, "13904118080", "快递员", "2026-11-02"]),
        // LibreOffice pads the sheet with empty rows and cells to its last row and column.
        r#"<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
    );
    let response = upload(&admin, "名册.ods", ods(&rows), "import").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.page(&crate::helpers::location(&response)).await;
    assert!(
        page.contains("欧阳娜娜") && page.contains("确认导入 1 人"),
        "{page}"
    );
}
