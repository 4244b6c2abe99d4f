//! Health huts through HTTP: a doctor records a check-up (bad values, an unknown member and a
//! future time refused beside their fields, everything typed kept), a value outside its range
//! raises an alert that is followed up and closed once; ranges are configured; a member's record
//! shows the series, and every read of it is audited without the values; nobody but the health
//! role reaches any of it, an administrator included; huts outside the doctor's subtree are not
//! theirs.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn a_checkup_raises_alerts_that_the_doctor_follows_up_and_only_health_staff_see() {
    let app = TestApp::spawn().await;
    let doctor = app.signed_in("doctor").await;
    let (status, home) = doctor.page("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("href=\"/health\"") && !home.contains("href=\"/members\""));
    assert!(home.contains("待随访的异常预警"), "the demo's open alerts");
    let hut: i64 = sqlx::query_scalar("select id from stations where code = 'DL-YQ-H01'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let hut = hut.to_string();
    let (member_id, member_no): (i64, String) = sqlx::query_as(
        "select m.id, m.member_no from members m join organisations o on o.id = m.organisation_id
         where o.code = 'DL-JZ-SQ' order by m.id limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();

    // Refused: an unknown member, a value that is no number, one no machine reads, a future time.
    let response = doctor
        .post_form(
            "/health/checkups",
            &[
                ("station_id", hut.as_str()),
                ("member", "GH99999999"),
                ("taken_at", "2099-01-01 08:00"),
                ("systolic", "高"),
                ("glucose", "61"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for message in [
        "没有找到这个会员号",
        "不能晚于现在",
        "最多两位小数",
        "超出了仪器能测到的范围",
    ] {
        assert!(page.contains(message), "{message}");
    }
    assert!(page.contains(r#"value="高""#) && page.contains(r#"value="GH99999999""#));

    // Recorded: 150 mmHg is above the range, 5.2 mmol/L is not; BMI from 70 kg and 175 cm.
    let response = doctor
        .post_form(
            "/health/checkups",
            &[
                ("station_id", hut.as_str()),
                ("member", member_no.to_lowercase().as_str()),
                ("taken_at", ""),
                ("systolic", "150"),
                ("diastolic", "85"),
                ("glucose", "5.2"),
                ("weight", "70"),
                ("height", "175"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let record = location(&response);
    assert_eq!(record, format!("/health/members/{member_id}"));
    let (_, page) = doctor.page(&record).await;
    assert!(
        page.contains(">150 <span class=\"visually-hidden\">异常</span>⚠<"),
        "the alert marked"
    );
    assert!(
        page.contains(">5.2<") && page.contains(">22.9<"),
        "BMI worked out"
    );

    // The alert is in the follow-up list; closed with advice, once.
    let alert: i64 = sqlx::query_scalar(
        "select a.id from health_alerts a join health_checkups c on c.id = a.checkup_id
         where c.member_id = $1 and a.status = 'open'",
    )
    .bind(member_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (_, home) = doctor.page("/health").await;
    assert!(home.contains(&format!("/health/alerts/{alert}/closure")));
    doctor
        .post_form(
            &format!("/health/alerts/{alert}/closure"),
            &[("advice", "")],
        )
        .await;
    let still: String = sqlx::query_scalar("select status from health_alerts where id = $1")
        .bind(alert)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(still, "open", "no advice, no closing");
    let response = doctor
        .post_form(
            &format!("/health/alerts/{alert}/closure"),
            &[
                ("advice", "低盐饮食，两周后复查"),
                ("referred", "1"),
                ("next_check", "2026年12月20日"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (closed, referred): (String, bool) =
        sqlx::query_as("select status, referred from health_alerts where id = $1")
            .bind(alert)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((closed.as_str(), referred), ("closed", true));
    let (_, home) = doctor.page("/health").await;
    assert!(!home.contains(&format!("/health/alerts/{alert}/closure")));

    // Ranges: a reversed range refused; a higher limit means 150 raises no alert.
    let response = doctor
        .post_form(
            "/health/ranges",
            &[("systolic_low", "160"), ("systolic_high", "90")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("下限要小于上限"));
    let response = doctor
        .post_form(
            "/health/ranges",
            &[
                ("systolic_low", "90"),
                ("systolic_high", "160"),
                ("spo2_low", "95"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    doctor
        .post_form(
            "/health/checkups",
            &[
                ("station_id", hut.as_str()),
                ("member", member_no.as_str()),
                ("systolic", "150"),
            ],
        )
        .await;
    let open: i64 = sqlx::query_scalar(
        "select count(*) from health_alerts a join health_checkups c on c.id = a.checkup_id
         where c.member_id = $1 and a.status = 'open'",
    )
    .bind(member_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(open, 0);

    // Every read of the record is audited, never with a value.
    let (reads, with_values): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where entity = 'health_record' and action = 'viewed'),
                count(*) filter (where entity like 'health%' and after::text like '%150%')
         from audit_log",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((reads, with_values), (1, 0));

    // Nobody else: not an administrator, staff or the auditor; the member's page says nothing.
    for who in ["admin", "staff", "auditor", "manager"] {
        let browser = app.signed_in(who).await;
        for path in ["/health", &record, "/health/ranges", "/health/checkups/new"] {
            let (status, _) = browser.page(path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {path}");
        }
    }
    let admin = app.signed_in("admin").await;
    let (_, member_page) = admin.page(&format!("/members/{member_id}")).await;
    assert!(!member_page.contains("收缩压") && !member_page.contains("健康档案"));

    // A hut of 金州区 is not the park doctor's: not to record at, and its records not to read.
    let other_hut: i64 = sqlx::query_scalar(
        "insert into stations (organisation_id, code, name, kind, district_id, lat_e6, lon_e6)
         select o.id, 'JZ-HUT-1', '金州健康小屋', 'health_hut', d.id, 39050000, 121780000
         from organisations o, districts d where o.code = 'DL-JZ' and d.name = '金州区'
         returning id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let response = doctor
        .post_form(
            "/health/checkups",
            &[
                ("station_id", other_hut.to_string().as_str()),
                ("member", member_no.as_str()),
                ("systolic", "120"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("请选择本级或下级的健康小屋")
    );
    let outsider: i64 = sqlx::query_scalar(
        "select m.id from members m join organisations o on o.id = m.organisation_id
         where o.code = 'DL-JZ-SQ' order by m.id desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "with c as (insert into health_checkups (member_id, station_id, taken_at)
                    values ($1, $2, now()) returning id)
         insert into health_readings (checkup_id, indicator, value)
         select id, 'systolic', 12000 from c",
    )
    .bind(outsider)
    .bind(other_hut)
    .execute(&app.db)
    .await
    .unwrap();
    let (status, _) = doctor.page(&format!("/health/members/{outsider}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
