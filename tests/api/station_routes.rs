//! Mobile stations through HTTP: the demo's vehicle with its three routes; a new route typed as a
//! timetable (an unknown place named, stops out of order and no weekday refused with what was
//! typed kept), its stops in order; a day's run recorded stop by stop; other unions kept out.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn a_mobile_station_runs_its_routes_and_records_each_stop() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let vehicle: i64 = sqlx::query_scalar("select id from stations where kind = 'mobile'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (status, page) = admin.page(&format!("/stations/{vehicle}")).await;
    assert_eq!(status, StatusCode::OK);
    for route in ["交通枢纽线", "商圈景区线", "物流工地线"] {
        assert!(page.contains(route), "{route}");
    }
    assert!(
        page.contains("大连火车站 → 港湾广场 → 大连北站"),
        "stops in order"
    );

    // Refused: a place not in the list, stops out of order, no weekday; all kept.
    let stops = "14:00-15:00 星海广场\n09:00-10:00 不存在的广场";
    let response = admin
        .post_form(
            &format!("/stations/{vehicle}/routes"),
            &[("name", "夜班线"), ("stops", stops)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let form = response.text().await.unwrap();
    assert!(form.contains("至少选一个出车日"));
    assert!(form.contains("按时间先后排列"));
    assert!(
        form.contains("<li>不存在的广场</li>"),
        "the unknown place named"
    );
    assert!(
        form.contains("09:00-10:00 不存在的广场</textarea>"),
        "typed kept"
    );

    // Saved: the place first or the hours first, either way round.
    let stops = "17:30-19:00 西安路商圈\n星海广场 19:30-21:00";
    let response = admin
        .post_form(
            &format!("/stations/{vehicle}/routes"),
            &[
                ("name", "夜班线"),
                ("weekday", "1"),
                ("weekday", "5"),
                ("stops", stops),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let route = location(&response);
    let (_, page) = admin.page(&route).await;
    let (first, second) = (
        page.find("西安路商圈").unwrap(),
        page.find("星海广场").unwrap(),
    );
    assert!(first < second);
    assert!(page.contains("17:30-19:00") && page.contains("星期一、星期五"));

    // A day's run: counts at each stop; a bad one refused with everything kept.
    let positions: Vec<(String, String)> = vec![
        ("1-water".into(), "25".into()),
        ("1-charging".into(), "8".into()),
        ("2-rest".into(), "很多".into()),
    ];
    let mut fields: Vec<(&str, &str)> = positions
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    fields.push(("day", "2026-01-05"));
    let response = admin.post_form(&format!("{route}/visits"), &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("不超过100000的整数") && page.contains(r#"value="很多""#));
    let before: i64 = sqlx::query_scalar("select served from stations where id = $1")
        .bind(vehicle)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let response = admin
        .post_form(
            &format!("{route}/visits"),
            &[
                ("day", "2026-01-05"),
                ("1-water", "25"),
                ("1-charging", "8"),
                ("2-rest", "12"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.page(&route).await;
    let row = &page[page
        .find("<th scope=\"row\">2026-01-05</th>")
        .expect("the run's row")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(">33<") && row.contains(">12<"), "{row}");
    let after: i64 = sqlx::query_scalar("select served from stations where id = $1")
        .bind(vehicle)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(after - before, 45);

    // The city's vehicle is not 甘井子区's; a fixed station has no routes.
    let staff = app.signed_in("staff").await;
    let (status, _) = staff.page(&format!("/stations/{vehicle}/routes/new")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let fixed: i64 = sqlx::query_scalar("select id from stations where code = 'DL-GJZ-001'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (status, _) = admin.page(&format!("/stations/{fixed}/routes/new")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
