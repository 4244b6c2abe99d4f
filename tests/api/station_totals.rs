//! Service totals through HTTP: a station's services of 2020 added up by kind, district, month
//! and station over whole and ragged periods and narrowed by kind of service; the monthly
//! tallies agree with the records; the workbook holds the same lines; bad dates said beside
//! their fields; a union below sees nothing of a station above it.

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;

use crate::helpers::{TestApp, location};
use crate::stations::{district, station_fields};

/// The figure a chart's table gives a line: `<a …>label</a></th><td …>count 人次</td>`.
fn line(page: &str, label: &str) -> Option<i64> {
    let start = page.find(&format!(">{label}</a></th>"))?;
    let cell = &page[start..];
    let cell = &cell[cell.find("nowrap\">")? + 8..];
    cell[..cell.find(' ')?].parse().ok()
}

fn total(page: &str) -> i64 {
    let start = page.find("<span class=\"stat-value\">").expect("the total") + 25;
    page[start..start + page[start..].find('<').unwrap()]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn services_add_up_by_kind_district_month_and_station_over_any_period() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let changhai = district(&app, "长海县").await;
    let mut fields = station_fields("DL-TOTALS-1", "39.272, 122.588", "全天");
    fields.retain(|(name, _)| *name != "district_id");
    fields.push(("district_id", &changhai));
    let response = staff.post_form("/stations", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let path = location(&response);
    for fields in [
        vec![("day", "2020-01-15"), ("water", "30")],
        vec![("day", "2020-02-10"), ("water", "5"), ("charging", "7")],
        vec![("day", "2020-03-20"), ("rest", "4")],
        vec![("day", "2020-03-31"), ("meal", "2")],
    ] {
        let response = staff.post_form(&format!("{path}/services"), &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }

    // The year 2020 (the demo's services are of the last twelve months).
    let (status, year) = staff
        .page("/stations/totals?from=2020-01-01&to=2020-12-31")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total(&year), 48);
    for (label, count) in [
        ("饮水", 35),
        ("充电", 7),
        ("歇脚休息", 4),
        ("热饭", 2),
        ("长海县", 48),
        ("2020-01", 30),
        ("2020-02", 12),
        ("2020-03", 6),
        ("测试驿站", 48),
    ] {
        assert_eq!(line(&year, label), Some(count), "{label}");
    }
    assert_eq!(line(&year, "2020-04"), None, "no month without services");
    // Each bar narrows the totals: water in Changhai in 2020.
    for link in [
        "href=\"/stations/totals?from=2020-01-01&#38;to=2020-12-31&#38;service=water\"",
        "href=\"/stations/totals?from=2020-02-01&#38;to=2020-02-29\"",
    ] {
        assert!(year.contains(link), "{link}");
    }

    // Ragged ends come from the records, whole months from the tallies.
    for (query, expected) in [
        ("from=2020-01-20&to=2020-03-25", 16),
        ("from=2020-01-15&to=2020-03-31", 48),
        ("from=2020-02-10&to=2020-02-10", 12),
        ("from=2020-02-11&to=2020-03-19", 0),
        ("from=2020-03-21&to=2020-12-31", 2),
        ("from=2019-01-01&to=2020-12-31&service=water", 35),
        (
            &format!("from=2020-01-01&to=2020-12-31&district={changhai}&kind=station"),
            48,
        ),
        ("from=2020-01-01&to=2020-12-31&kind=warm_home", 0),
    ] {
        let (_, page) = staff.page(&format!("/stations/totals?{query}")).await;
        assert_eq!(total(&page), expected, "{query}");
    }

    // The tallies agree with the records, demo and all.
    let drift: i64 = sqlx::query_scalar(
        "with counted as (select station_id, date_trunc('month', day)::date as month, kind,
                                 sum(count)::bigint as count
                          from station_services group by 1, 2, 3),
              tallied as (select station_id, month, kind, count from station_service_tallies)
         select count(*) from ((table counted except table tallied)
                               union all (table tallied except table counted)) as differing",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(drift, 0);
    // All time, the city's totals are what every station has served.
    let served: i64 = sqlx::query_scalar("select sum(served)::bigint from stations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let admin = app.signed_in("admin").await;
    let (_, city) = admin.page("/stations/totals").await;
    assert_eq!(total(&city), served);
    assert!(served > 400_000);

    // The workbook: figures, then by service, district, month and station.
    let response = staff
        .get("/stations/totals.xlsx?from=2020-01-01&to=2020-12-31")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names().to_vec();
    assert_eq!(names.len(), 5);
    let services = workbook.worksheet_range(&names[1]).unwrap();
    let rows: Vec<(String, f64)> = services
        .rows()
        .skip(1)
        .map(|row| match (&row[0], &row[1]) {
            (Data::String(label), Data::Float(n)) => (label.clone(), *n),
            (Data::String(label), Data::Int(n)) => (label.clone(), *n as f64),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("饮水".to_string(), 35.0),
            ("充电".to_string(), 7.0),
            ("歇脚休息".to_string(), 4.0),
            ("热饭".to_string(), 2.0)
        ]
    );

    // A date that is not one is said beside its field and kept.
    let (_, bad) = staff.page("/stations/totals?from=2020-13-01").await;
    assert!(bad.contains("日期格式不对") && bad.contains("value=\"2020-13-01\""));

    // A union below 甘井子区 does not see the district union's own station.
    let below = app.signed_in("applicant").await;
    let (_, page) = below
        .page("/stations/totals?from=2020-01-01&to=2020-12-31")
        .await;
    assert_eq!(total(&page), 0);
    assert_eq!(line(&page, "长海县"), None);
}
