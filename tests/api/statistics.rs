//! Competition statistics through HTTP: a year's shares of frontier and first-opened
//! competitions as the database counts them, a recurring competition's series from declared and
//! registered participation, the .xlsx export, and the participation form as offices type it.

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

/// `part` of `whole` to a tenth of a percent, rounded half up: what the page must show.
fn share(part: i64, whole: i64) -> String {
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

#[tokio::test]
async fn a_years_shares_and_the_building_materials_series_are_shown_and_exported() {
    let app = TestApp::spawn().await;
    let year: i32 = sqlx::query_scalar(
        "select year from competitions where title like '%全国建材行业职业技能竞赛决赛'
         order by year desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (total, frontier, first): (i64, i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where t.frontier),
                count(*) filter (where t.first_year = c.year)
         from competitions c join tracks t on t.id = c.track_id
         where c.year = $1 and c.status <> 'cancelled'",
    )
    .bind(year)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(total > 100 && frontier > 0 && first > 0);
    let manager = app.signed_in("manager").await;
    let (status, page) = manager
        .page(&format!("/competitions/statistics?year={year}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&share(frontier, total)),
        "{}",
        share(frontier, total)
    );
    assert!(page.contains(&share(first, total)));
    assert!(page.contains("<svg") && page.contains("按类别"));
    // The series: four editions as declared, this one counted from its 132 registrations.
    assert!(page.contains("连续举办的竞赛：全国建材行业职业技能竞赛决赛"));
    for figure in ["8406", "10000", "528", "566", "610", "11000", "132"] {
        assert!(page.contains(&format!(">{figure}<")), "{figure}");
    }
    assert!(page.contains("主办方申报") && page.contains("按报名计"));

    let response = manager
        .get(&format!("/competitions/statistics.xlsx?year={year}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names().to_vec();
    assert_eq!(names.len(), 4, "{names:?}");
    let tiers = workbook.worksheet_range(&names[0]).unwrap();
    let counted: f64 = tiers
        .rows()
        .skip(1)
        .map(|row| match &row[1] {
            Data::Float(n) => *n,
            other => panic!("a count as a number: {other:?}"),
        })
        .sum();
    assert_eq!(counted, total as f64);
    let series = workbook.worksheet_range(&names[3]).unwrap();
    let editions: Vec<Vec<Data>> = series.rows().skip(1).map(|r| r.to_vec()).collect();
    assert!(
        editions
            .iter()
            .any(|r| r[1] == Data::Float(2022.0) && r[4] == Data::Float(8406.0))
    );
    assert!(
        editions
            .iter()
            .any(|r| r[1] == Data::Float(2025.0) && r[3] == Data::Empty)
    );

    // Staff of 甘井子区 count only their subtree: the city's final is not theirs.
    let (_, theirs) = app
        .signed_in("staff")
        .await
        .page(&format!("/competitions/statistics?year={year}"))
        .await;
    assert!(!theirs.contains("全国建材行业职业技能竞赛决赛"));
    // A judge alone reads no statistics.
    let response = app
        .signed_in("judge")
        .await
        .get("/competitions/statistics")
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn participation_is_declared_as_offices_type_it_and_a_wrong_figure_is_said_beside_it() {
    let app = TestApp::spawn().await;
    let competition: i64 = sqlx::query_scalar(
        "select c.id from competitions c join organisations o on o.id = c.organisation_id
         where o.code like 'DL-GJZ%' order by c.id limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let staff = app.signed_in("staff").await;
    let form = format!("/competitions/{competition}/participation");
    let response = staff
        .post_form(&form, &[("companies", "36家"), ("workers", "八千")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("请填写 0 至 10,000,000 之间的职工数") && page.contains("value=\"36家\"")
    );
    let saved: i64 = sqlx::query_scalar(
        "select count(*) from competition_participation where competition_id = $1",
    )
    .bind(competition)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(saved, 0);
    let response = staff
        .post_form(&form, &[("companies", "36家"), ("workers", "1.2万")])
        .await;
    assert_eq!(location(&response), format!("/competitions/{competition}"));
    let (_, page) = staff.page(&format!("/competitions/{competition}")).await;
    assert!(page.contains("36 家企业、12000 名职工"));
    assert_eq!(
        app.audit_count("competition", "update_participation").await,
        1
    );
}
