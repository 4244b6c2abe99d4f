//! Service stations through HTTP: a station's life from the form (bad coordinates, hours and
//! honours refused beside their fields with what was typed kept) to its services, closing and
//! reopening; the finder's circle on a small known map far from the demo's stations: nearest
//! first, the rule at its boundary, the facilities asked for, open now, closed stations left out;
//! a worker starting from a named place; other unions' stations unseen.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, location};

/// 0.000001 degree of latitude on the database's sphere (6,378,168 m): 0.11132 m.
const E6_PER_100_M: i32 = 898;

pub(crate) fn station_fields<'a>(
    code: &'a str,
    coordinates: &'a str,
    hours: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("organisation", "DL-GJZ"),
        ("code", code),
        ("name", "测试驿站"),
        ("kind", "station"),
        ("district_id", ""),
        ("address", "长海县测试路1号"),
        ("coordinates", coordinates),
        ("facility", "drinking_water"),
        ("facility", "charging"),
        ("honours", ""),
        ("keeper_name", "王丽"),
        ("keeper_phone", "0411-82300001"),
    ];
    for day in [
        "hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6", "hours_7",
    ] {
        fields.push((day, hours));
    }
    fields
}

pub(crate) async fn district(app: &TestApp, name: &str) -> String {
    let id: i64 = sqlx::query_scalar("select id from districts where name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap();
    id.to_string()
}

/// Opens a station `metres_north` of (40.5, 124.0), all day or closed today; its page's path.
async fn open_station(
    staff: &Browser,
    district: &str,
    (code, name): (&str, &str),
    metres_north: i32,
    facilities: &[&str],
    closed_today: Option<usize>,
) -> String {
    let response = save_station(
        staff,
        "/stations",
        district,
        (code, name),
        metres_north,
        facilities,
        closed_today,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{code}");
    location(&response)
}

/// Posts the form of a station `metres_north` of (40.5, 124.0) to `path`: a new one to
/// `/stations`, an edit to the station's own path.
async fn save_station(
    staff: &Browser,
    path: &str,
    district: &str,
    (code, name): (&str, &str),
    metres_north: i32,
    facilities: &[&str],
    closed_today: Option<usize>,
) -> reqwest::Response {
    let lat = 40_500_000 + metres_north * E6_PER_100_M / 100;
    let coordinates = format!("{}.{:06}, 124.000000", lat / 1_000_000, lat % 1_000_000);
    let mut fields = station_fields(code, &coordinates, "全天");
    fields.retain(|(name, _)| *name != "facility" && *name != "district_id" && *name != "name");
    fields.push(("district_id", district));
    fields.push(("name", name));
    for facility in facilities {
        fields.push(("facility", facility));
    }
    if let Some(day) = closed_today {
        let field = [
            "hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6", "hours_7",
        ][day - 1];
        for (name, value) in fields.iter_mut() {
            if *name == field {
                *value = "";
            }
        }
    }
    staff.post_form(path, &fields).await
}

#[tokio::test]
async fn a_station_lives_from_its_form_through_services_to_closing_and_reopening() {
    let app = TestApp::spawn().await;
    // The demo: 478 stations, 69 smart, 41 honoured as the most beautiful, 401,263 services in
    // a year (and the mobile station's runs besides).
    let (stations, smart, honoured, served): (i64, i64, i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where kind = 'smart_station'),
                (select count(distinct station_id) from station_honours where title = '全国最美驿站'),
                sum(served)::bigint
         from stations where kind in ('station', 'smart_station', 'warm_home')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((stations, smart, honoured, served), (478, 69, 41, 401_263));
    let (huts, corners): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where kind = 'health_hut'), count(*) filter (where kind = 'health_corner')
         from stations",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((huts, corners), (27, 69), "the oilfield's huts and corners");
    let admin = app.signed_in("admin").await;
    let (_, list) = admin.page("/stations?kind=smart_station").await;
    assert!(list.contains("共 69 个驿站"));
    let staff = app.signed_in("staff").await;
    let changhai = district(&app, "长海县").await;

    // Bad coordinates, hours, honours and a taken code: each said beside its field, all kept.
    let mut fields = station_fields("DL-GJZ-001", "北纬38度", "20:00-8:00");
    fields.retain(|(name, _)| *name != "district_id" && *name != "honours");
    fields.push(("district_id", &changhai));
    fields.push(("honours", "全国最美驿站"));
    let response = staff.post_form("/stations", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for message in ["坐标读不出来", "关门时间要晚于开门时间", "年份在前"] {
        assert!(page.contains(message), "{message}");
    }
    assert!(page.contains(r#"value="北纬38度""#) && page.contains(r#"value="20:00-8:00""#));
    assert!(page.contains("全国最美驿站</textarea>"), "honours kept");
    let mut fields = station_fields("DL-GJZ-001", "121.614,38.914", "8点至20点");
    fields.retain(|(name, _)| *name != "district_id");
    fields.push(("district_id", &changhai));
    let response = staff.post_form("/stations", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("这个编号已经有驿站在用")
    );

    // Saved: the map app's "longitude,latitude" read the right way round, the hours as written.
    let mut fields = station_fields("dl-test-01", "121.614,38.914", "8点至20点");
    fields.retain(|(name, _)| *name != "district_id" && *name != "honours");
    fields.push(("district_id", &changhai));
    fields.push(("honours", "2023 全国最美驿站"));
    let response = staff.post_form("/stations", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let path = location(&response);
    let (_, page) = staff.page(&path).await;
    for text in [
        "DL-TEST-01",
        "38.914000, 121.614000",
        "08:00-20:00",
        "2023 · 全国最美驿站",
        "饮用水、充电",
    ] {
        assert!(page.contains(text), "{text}");
    }

    // Services: a day's counts and one at a time; a count that is not one is refused, kept.
    let today: String =
        sqlx::query_scalar("select ((now() at time zone 'Asia/Shanghai')::date)::text")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let response = staff
        .post_form(
            &format!("{path}/services"),
            &[
                ("day", today.as_str()),
                ("water", "很多"),
                ("charging", "12"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("不超过100000的整数") && page.contains(r#"value="很多""#));
    for fields in [
        vec![("day", today.as_str()), ("water", "30"), ("charging", "12")],
        vec![("day", today.as_str()), ("rest", "1")],
    ] {
        let response = staff.post_form(&format!("{path}/services"), &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let (_, page) = staff.page(&path).await;
    assert!(
        page.contains("<td class=\"num\">43</td>"),
        "this year's total"
    );
    let served: i64 = sqlx::query_scalar("select served from stations where code = 'DL-TEST-01'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(served, 43);

    // Edited: closed on Sundays.
    let mut fields = station_fields("DL-TEST-01", "38.914, 121.614", "8:00-20:00");
    fields.retain(|(name, _)| !matches!(*name, "district_id" | "hours_7" | "honours"));
    fields.push(("district_id", &changhai));
    fields.push(("hours_7", ""));
    fields.push(("honours", "2023 全国最美驿站"));
    let response = staff.post_form(&path, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = staff.page(&path).await;
    assert!(page.contains("星期日</th><td>不开放"));

    // Closed (once: a second click is refused), then reopened.
    let response = staff
        .post_form(&format!("{path}/closure"), &[("reason", "道路施工")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = staff.page(&path).await;
    assert!(page.contains("已停用") && page.contains("道路施工"));
    // A second click is sent back with a message and changes nothing (one `closed` below).
    staff
        .post_form(&format!("{path}/closure"), &[("reason", "")])
        .await;
    let response = staff.post_form(&format!("{path}/reopening"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let steps: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where entity = 'station' and action in ('closed', 'reopened')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(steps, 2, "each step audited");

    // The list filters by district, kind, facility and honour.
    let (_, list) = staff
        .page(&format!(
            "/stations?district={changhai}&facility=charging&honour=全国最美驿站"
        ))
        .await;
    assert!(list.contains("测试驿站") && list.contains("共 1 个驿站"));
    // 金州区's stations are not 甘井子区's to see; a manager reads but does not keep stations.
    let other: i64 = sqlx::query_scalar(
        "select min(s.id) from stations s join organisations o on o.id = s.organisation_id where o.code = 'DL-JZ'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (status, _) = staff.page(&format!("/stations/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor in its list: the list counts and shows the subtree's stations only.
    let (code, own): (String, i64) = sqlx::query_as(
        "select (select code from stations where id = $1),
                (select count(*) from stations s join organisations o on o.id = s.organisation_id
                 where o.path <@ (select path from organisations where code = 'DL-GJZ'))",
    )
    .bind(other)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (_, list) = staff.page("/stations").await;
    assert!(list.contains(&format!("共 {own} 个驿站")), "{own}");
    let (_, list) = staff.page(&format!("/stations?q={code}")).await;
    assert!(list.contains("共 0 个驿站") && list.contains("没有符合条件的驿站"));
    let (_, list) = admin.page(&format!("/stations?q={code}")).await;
    assert!(list.contains("共 1 个驿站"), "the city sees it");
    let manager = app.signed_in("manager").await;
    let (status, _) = manager.page(&format!("/stations/{other}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = manager.page("/stations/new").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_finder_lists_the_open_stations_within_fifteen_minutes_nearest_first() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let changhai = district(&app, "长海县").await;
    let weekday: i32 =
        sqlx::query_scalar("select extract(isodow from now() at time zone 'Asia/Shanghai')::int")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let weekday = usize::try_from(weekday).unwrap();
    let both = ["drinking_water", "charging"];
    // A small map 1 km across around (40.5, 124.0), far from every demo station.
    open_station(&staff, &changhai, ("T-A", "甲站"), 500, &both, None).await;
    let b_path = open_station(
        &staff,
        &changhai,
        ("T-B", "乙站"),
        200,
        &both,
        Some(weekday),
    )
    .await;
    open_station(&staff, &changhai, ("T-C", "丙站"), 957, &both, None).await;
    open_station(&staff, &changhai, ("T-D", "丁站"), 962, &both, None).await;
    open_station(
        &staff,
        &changhai,
        ("T-E", "戊站"),
        300,
        &["drinking_water"],
        None,
    )
    .await;
    let closed = open_station(&staff, &changhai, ("T-F", "己站"), 100, &both, None).await;
    let response = staff
        .post_form(&format!("{closed}/closure"), &[("reason", "维修")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // A worker without an account, asking for water and charging.
    let worker = app.browser();
    let (status, page) = worker
        .page("/finder?at=40.5,124&need=drinking_water&need=charging")
        .await;
    assert_eq!(status, StatusCode::OK);
    let at = |name: &str| page.find(name);
    let (b, a, c) = (
        at("乙站").unwrap(),
        at("甲站").unwrap(),
        at("丙站").unwrap(),
    );
    assert!(b < a && a < c, "nearest first");
    assert!(at("丁站").is_none(), "962 m is past the 960 m circle");
    assert!(at("戊站").is_none(), "no charging");
    assert!(at("己站").is_none(), "closed");
    assert!(page.contains("步行15分钟内的驿站：3 个"));
    assert!(page.contains("直线960米以内"), "the rule is stated");
    // Open now: 甲 is open all day; 乙 is closed today.
    let b_item = &page[b..a];
    assert!(b_item.contains("今天不开放") && b_item.contains("现在不开"));
    let a_item = &page[a..c];
    assert!(a_item.contains("现在开放") && a_item.contains("约 8 分钟"));
    // 乙 opens today too: its edited hours reach the finder (kept on the station's row).
    let response = save_station(
        &staff,
        &b_path,
        &changhai,
        ("T-B", "乙站"),
        200,
        &both,
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = worker
        .page("/finder?at=40.5,124&need=drinking_water&need=charging")
        .await;
    let (b, a) = (page.find("乙站").unwrap(), page.find("甲站").unwrap());
    assert!(page[b..a].contains("现在开放") && !page[b..a].contains("今天不开放"));
    // Without the facilities, 戊 is in.
    let (_, all) = worker.page("/finder?at=40.5,124").await;
    assert!(all.contains("戊站") && all.contains("4 个"));

    // From a named place without JavaScript: the district lists its places, a place its circle.
    let xigang = district(&app, "西岗区").await;
    let (_, places) = worker.page(&format!("/finder?district={xigang}")).await;
    assert!(places.contains("大连火车站") && places.contains("/finder?place="));
    let place: i64 = sqlx::query_scalar("select id from places where name = '大连火车站'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (_, found) = worker
        .page(&format!(
            "/finder?place={place}&need=drinking_water&need=charging"
        ))
        .await;
    assert!(found.contains("从“大连火车站”步行15分钟内的驿站"));
    assert!(
        found.contains("150 米") && found.contains("现在开放"),
        "the station by the railway station"
    );

    // Positions that cannot be read are said, not guessed.
    let (status, bad) = worker.page("/finder?at=北纬40度").await;
    assert_eq!(status, StatusCode::OK);
    assert!(bad.contains("坐标读不出来"));
    let (_, bad) = worker.page("/finder?lat=abc&lon=124").await;
    assert!(bad.contains("没能取得你的位置"));
}
