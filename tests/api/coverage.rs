//! The named places and the coverage report on a small known map in 长海县, far from the demo's
//! stations: places with a station 500 m and 957 m away are covered, one 962 m away is not (the
//! circle's edge is 960 m), one 11 km out is a gap; the share, the gaps with their nearest
//! station, the drawn map; places kept by the union that added them.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, location};

/// Millionths of a degree of latitude in 100 m on the database's sphere.
const E6_PER_100_M: i32 = 898;

fn coordinates(metres_north: i32) -> String {
    let lat = 41_500_000 + metres_north * E6_PER_100_M / 100;
    format!("{}.{:06}, 125.000000", lat / 1_000_000, lat % 1_000_000)
}

async fn add_place(
    staff: &Browser,
    district: &str,
    name: &str,
    metres_north: i32,
) -> reqwest::Response {
    let at = coordinates(metres_north);
    staff
        .post_form(
            "/places",
            &[
                ("district_id", district),
                ("name", name),
                ("kind", "building_site"),
                ("coordinates", at.as_str()),
            ],
        )
        .await
}

#[tokio::test]
async fn a_districts_coverage_counts_its_places_within_the_circle_and_lists_the_gaps() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let district: i64 = sqlx::query_scalar("select id from districts where name = '长海县'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let district = district.to_string();

    // One station at the map's origin.
    let mut fields = vec![
        ("organisation", "DL-GJZ".to_string()),
        ("code", "CH-TEST-1".into()),
        ("name", "海岛测试驿站".into()),
        ("kind", "station".into()),
        ("district_id", district.clone()),
        ("coordinates", coordinates(0)),
        ("facility", "drinking_water".into()),
    ];
    for day in 1..=7 {
        fields.push((
            [
                "hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6", "hours_7",
            ][day - 1],
            "全天".into(),
        ));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let response = staff.post_form("/stations", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Places: bad coordinates refused with what was typed kept, a name used twice refused.
    let response = staff
        .post_form(
            "/places",
            &[
                ("district_id", district.as_str()),
                ("name", "码头"),
                ("kind", "transport_hub"),
                ("coordinates", "41.5"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("坐标读不出来") && page.contains(r#"value="码头""#));
    for (name, metres) in [
        ("五百米工地", 500),
        ("九五七米工地", 957),
        ("九六二米工地", 962),
        ("十一公里工地", 11_000),
    ] {
        let response = add_place(&staff, &district, name, metres).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let again = add_place(&staff, &district, "五百米工地", 10).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("已经有同名地点"));

    // The demo's 大长山岛客运站 (a station 150 m away) and two of the four: 3 of 5.
    let (status, report) = staff
        .page(&format!("/stations/coverage?district={district}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        report.contains("5 个地点中 3 个在15分钟服务圈内，覆盖率 60.0%"),
        "the share"
    );
    let gaps = &report[report.find("未覆盖的地点（2 个）").expect("the gaps")..];
    assert!(gaps.contains("九六二米工地") && gaps.contains("十一公里工地"));
    assert!(!gaps.contains("九五七米工地") && !gaps.contains("五百米工地"));
    assert!(gaps.contains(">962<"), "the nearest station's distance");
    assert!(report.contains("<svg") && report.contains("<desc id=\"map-desc\">"));
    assert_eq!(report.matches("class=\"map-gap\"").count(), 2);
    assert_eq!(report.matches("class=\"map-covered\"").count(), 3);
    assert!(report.contains(">长海县</text>"), "the district's label");

    // The report's first page lists the districts with their places and stations.
    let (_, first) = staff.page("/stations/coverage").await;
    assert!(first.contains("长海县") && first.contains("/stations/coverage?district="));

    // A place is removed by the union that added it; the city's places are not 甘井子区's.
    let own: i64 = sqlx::query_scalar("select id from places where name = '十一公里工地'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let response = staff
        .post_form(&format!("/places/{own}/deletion"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/places?district="));
    let city: i64 = sqlx::query_scalar("select id from places where name = '大长山岛客运站'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let response = staff
        .post_form(&format!("/places/{city}/deletion"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (_, list) = staff.page(&format!("/places?district={district}")).await;
    assert!(list.contains("大长山岛客运站") && !list.contains("十一公里工地"));
    // Managers read the places and the report; they do not keep places.
    let manager = app.signed_in("manager").await;
    let (status, _) = manager
        .page(&format!("/stations/coverage?district={district}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let response = add_place(&manager, &district, "经理的地点", 100).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_finder_lists_a_crowded_districts_places_a_few_hundred_at_a_time_narrowed_by_name() {
    let app = TestApp::spawn().await;
    let (district, organisation): (i64, i64) = sqlx::query_as(
        "select (select id from districts where name = '长海县'),
                (select id from organisations where code = 'DL')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    // 350 gathering places (名 001 … 名 350) besides the demo's.
    sqlx::query(
        "insert into places (organisation_id, district_id, name, kind, lat_e6, lon_e6)
         select $2, $1, '集散点' || lpad(g::text, 3, '0'), 'gathering_place', 39272000 + g, 122588000
         from generate_series(1, 350) g",
    )
    .bind(district)
    .bind(organisation)
    .execute(&app.db)
    .await
    .unwrap();
    let worker = app.browser();
    let (status, page) = worker.page(&format!("/finder?district={district}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("只列出前 300 个") && page.contains("name=\"place_name\""));
    assert_eq!(
        page.matches("<option value=").count(),
        12 + 300,
        "two blank choices, ten districts and 300 places"
    );
    // Narrowed by a few characters of the name.
    let (_, narrowed) = worker
        .page(&format!("/finder?district={district}&place_name=集散点34"))
        .await;
    let names: Vec<&str> = ["集散点340", "集散点345", "集散点349"]
        .into_iter()
        .filter(|name| narrowed.contains(&format!(">{name}</option>")))
        .collect();
    assert_eq!(names.len(), 3);
    assert!(!narrowed.contains(">集散点001</option>") && !narrowed.contains("只列出前"));
    // A place past the first 300 works as a start like any other: the page keeps it (a new
    // facility ticked searches from it again) and leads back to the district's places.
    let last: i64 = sqlx::query_scalar("select id from places where name = '集散点350'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (_, from_last) = worker
        .page(&format!("/finder?place={last}&need=toilet"))
        .await;
    assert!(from_last.contains("从“集散点350”出发"));
    assert!(from_last.contains(&format!(
        "<input type=\"hidden\" name=\"place\" value=\"{last}\">"
    )));
    let back = format!("/finder?district={district}&#38;need=toilet");
    assert!(
        from_last.contains(&back),
        "{}",
        &from_last[from_last.find("finder-start").unwrap_or(0)..][..300]
    );
    assert!(
        !from_last.contains("集散点001"),
        "the list itself is not repeated"
    );
}
