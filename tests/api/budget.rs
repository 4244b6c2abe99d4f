//! The managers' budget dashboard, on a small known set and on the demo world.

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

/// A fund of 100,000 yuan with two tier-3 contests: one approved for 10,000, one settled at
/// 15,000 (its 20,000 grant, cut to half of 30,000 spent). Returns the fund's id.
async fn small_fund(app: &TestApp) -> i64 {
    let year: i32 = sqlx::query_scalar("select extract(year from now())::integer")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let admin = app.signed_in("admin").await;
    let (year, opens, closes) = (
        year.to_string(),
        format!("{year}-01-01"),
        format!("{year}-12-31"),
    );
    let response = admin
        .post_form(
            "/funds",
            &[
                ("name", "看板测试资金"),
                ("year", &year),
                ("tier3", "on"),
                ("total", "100000"),
                ("max_grant_tier3", "30000"),
                ("max_share_percent", "50"),
                ("opens_on", &opens),
                ("closes_on", &closes),
                ("report_due_days", "30"),
            ],
        )
        .await;
    let fund: i64 = location(&response)
        .trim_start_matches("/funds/")
        .parse()
        .unwrap();
    let track: i64 = sqlx::query_scalar("select id from tracks where name = '低空经济'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let applicant = app.signed_in("applicant").await;
    let reviewer = app.signed_in("reviewer").await;
    for (org, amount, settle) in [
        ("DL-GJZ-HQ", "10000", false),
        ("DL-GJZ-HQ-SD", "20000", true),
    ] {
        let fields = [
            ("fund_id", fund.to_string()),
            ("organisation", org.into()),
            ("tier", "3".into()),
            ("track_id", track.to_string()),
            ("title", "无人机植保擂台赛".into()),
            ("planned_start", "2026-12-20".into()),
            ("planned_end", "2026-12-20".into()),
            ("expected_contestants", "40".into()),
            ("expected_companies", "5".into()),
            ("budget_venue", "40000".into()),
            ("requested", amount.into()),
        ];
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = applicant.post_form("/applications", &borrowed).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let id = location(&response);
        applicant.post_form(&format!("{id}/submission"), &[]).await;
        reviewer
            .post_form(&format!("{id}/approval"), &[("amount", amount)])
            .await;
        if settle {
            applicant
                .post_form(
                    &format!("{id}/report"),
                    &[
                        ("actual_start", "2026-12-20"),
                        ("actual_end", "2026-12-20"),
                        ("contestants", "36"),
                        ("companies", "5"),
                        ("spent_venue", "30000"),
                    ],
                )
                .await;
            reviewer.post_form(&format!("{id}/settlement"), &[]).await;
        }
    }
    fund
}

#[tokio::test]
async fn the_dashboard_shows_a_funds_figures_and_every_figure_drills_down_to_its_applications() {
    let app = TestApp::spawn().await;
    let fund = small_fund(&app).await;
    let manager = app.signed_in("manager").await;
    let (status, page) = manager.page(&format!("/budget?fund={fund}")).await;
    assert_eq!(status, StatusCode::OK);
    let page = page.replace("&#38;", "&").replace("&amp;", "&");
    for figure in ["10.00万元", "1.00万元", "1.50万元", "7.50万元"] {
        assert!(page.contains(figure), "the dashboard shows {figure}");
    }
    // The tier chart: 25,000 granted to tier 3, as a bar with a text alternative and a table.
    assert!(page.contains("<svg") && page.contains("<desc id=\"by-tier-desc\">"));
    assert!(page.contains("2.50万元"));
    let drill = format!("/applications?fund={fund}&tier=3");
    assert!(page.contains(&drill), "the bar links to its applications");
    let (_, list) = manager.page(&drill).await;
    assert!(
        list.contains("共 2 份"),
        "the drill-down lists the two behind the figure"
    );
    // 36 contestants came of the 40 expected; 15,000 of 20,000 granted was spent… at half.
    let table = page
        .split("<h2>按类别</h2>")
        .nth(1)
        .expect("the table by tier");
    let tier_row = table
        .split("<th scope=\"row\"><a href=\"")
        .find(|row| row.contains("三类赛</a></th><td"))
        .expect("a tier-3 row");
    let cells: Vec<&str> = tier_row
        .split("<td class=\"num")
        .skip(1)
        .map(|cell| cell.split('<').next().unwrap_or(""))
        .collect();
    assert!(
        cells.iter().any(|c| c.ends_with(">40")) && cells.iter().any(|c| c.ends_with(">36")),
        "{cells:?}"
    );

    // Staff and reviewers are not managers.
    let staff = app.signed_in("staff").await;
    assert_eq!(staff.get("/budget").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_dashboard_exports_to_xlsx_a_sheet_per_table_with_numbers_as_numbers() {
    let app = TestApp::spawn().await;
    let fund = small_fund(&app).await;
    let manager = app.signed_in("manager").await;
    let response = manager
        .get(&format!("/budget/export.xlsx?fund={fund}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names().to_vec();
    assert_eq!(names.len(), 6, "{names:?}");
    let overview = workbook.worksheet_range("总览").unwrap();
    let rows: Vec<Vec<Data>> = overview.rows().map(|row| row.to_vec()).collect();
    assert_eq!(
        rows[1][1],
        Data::Float(100_000.0),
        "the total as a number of yuan"
    );
    assert_eq!(rows[4][1], Data::Float(75_000.0), "available");
    let tiers = workbook.worksheet_range(&names[1]).unwrap();
    let tier3: Vec<Data> = tiers.rows().nth(1).unwrap().to_vec();
    assert_eq!(tier3[1], Data::Float(2.0), "two applications");
    assert_eq!(tier3[4], Data::Float(15_000.0), "disbursed");
    // Both were first submitted this month: one row in the month sheet, with the same sums.
    let months = workbook.worksheet_range(&names[5]).unwrap();
    let rows: Vec<Vec<Data>> = months.rows().skip(1).map(|row| row.to_vec()).collect();
    let month: String =
        sqlx::query_scalar("select to_char(now() at time zone 'Asia/Shanghai', 'YYYY-MM')")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][0], Data::String(month.clone()));
    assert_eq!(rows[0][1], Data::Float(2.0));
    assert_eq!(rows[0][4], Data::Float(15_000.0));
    // and the month's drill-down counts the two from the month's totals
    let (_, list) = manager
        .page(&format!("/applications?fund={fund}&month={month}"))
        .await;
    assert!(list.contains("共 2 份"), "the month's applications");
}

#[tokio::test]
async fn a_district_manager_sees_the_districts_allocation_and_applications_only() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "insert into users (organisation_id, username, display_name, password_hash, roles)
         select organisation_id, 'gjz_manager', '区经审', password_hash, '{manager}' from users where username = 'staff'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let fund: i64 = sqlx::query_scalar("select id from funds where name like '%专项补贴资金'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let manager = app.signed_in("gjz_manager").await;
    let (status, page) = manager.page(&format!("/budget?fund={fund}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("180.00万元"),
        "甘井子区's allocation is its total"
    );
    assert!(!page.contains("600.00万元"), "not the whole fund");
    assert!(!page.contains("金州区"), "no other district");
    let city = app.signed_in("manager").await;
    let (_, page) = city.page(&format!("/budget?fund={fund}")).await;
    assert!(page.contains("600.00万元") && page.contains("金州区总工会"));
}
