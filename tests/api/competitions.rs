//! Competitions through HTTP: creating one with its events, parts and sub-items, the weights
//! checked before registration opens, its steps, a competition held on an approved contest
//! application, who sees which, and the track catalogue's year.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, location};

async fn create(organiser: &Browser, fields: &[(&str, &str)]) -> reqwest::Response {
    organiser.post_form("/competitions", fields).await
}

fn city_fields(track: &str) -> Vec<(&'static str, String)> {
    vec![
        ("organisation", "DL".into()),
        ("tier", "1".into()),
        ("track_id", track.into()),
        ("title", "无人机驾驶员职业技能竞赛".into()),
        ("co_organisers", "市人力资源和社会保障局".into()),
        ("has_preliminary", "on".into()),
        ("has_final", "on".into()),
        ("starts_on", "2027-05-10".into()),
        ("ends_on", "2027-05-11".into()),
        ("registration_opens_on", "2027-04-01".into()),
        ("registration_closes_on", "2027-04-30".into()),
        ("venue", "大连市职工技能实训基地".into()),
    ]
}

fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn track(app: &TestApp, name: &str) -> String {
    let id: i64 = sqlx::query_scalar("select id from tracks where name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap();
    id.to_string()
}

async fn status_of(app: &TestApp, id: &str) -> String {
    sqlx::query_scalar("select status from competitions where id = $1::bigint")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_build_a_competition_whose_weights_must_make_100_percent_before_registration_opens() {
    let app = TestApp::spawn().await;
    let organiser = app.signed_in("organiser").await;
    let track = track(&app, "低空经济").await;

    // Bad input: dates reversed, no stage, registration closing after the start; all kept.
    let mut bad = city_fields(&track);
    bad.retain(|(k, _)| !k.starts_with("has_"));
    bad.iter_mut().for_each(|(k, v)| match *k {
        "ends_on" => *v = "2027-05-09".into(),
        "registration_closes_on" => *v = "2027-05-20".into(),
        _ => {}
    });
    let response = create(&organiser, &borrowed(&bad)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for message in [
        "结束日期早于开始日期",
        "请至少选择初赛或决赛之一",
        "报名截止日期不能晚于比赛开始日期",
    ] {
        assert!(page.contains(message), "{message}");
    }
    assert!(page.contains("无人机驾驶员职业技能竞赛") && page.contains("2027-05-09"));

    // A district federation cannot hold a city (tier-1) competition.
    let staff = app.signed_in("staff").await;
    let mut district = city_fields(&track);
    district[0].1 = "DL-GJZ".into();
    let response = create(&staff, &borrowed(&district)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("该单位不能主办这一类竞赛")
    );

    let response = create(&organiser, &borrowed(&city_fields(&track))).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let competition = location(&response);
    let id = competition.trim_start_matches("/competitions/").to_string();

    // Registration cannot open with no event.
    organiser
        .post_form(&format!("{competition}/registration-opening"), &[])
        .await;
    assert_eq!(status_of(&app, &id).await, "planned");

    let response = organiser
        .post_form(
            &format!("{competition}/events"),
            &[("name", "无人机植保作业"), ("team_size", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let event: i64 =
        sqlx::query_scalar("select id from competition_events where competition_id = $1::bigint")
            .bind(&id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let parts = format!("{competition}/events/{event}/parts");
    // A weight past 100% or written as words is said beside the field, the name kept.
    let response = organiser
        .post_form(
            &parts,
            &[
                ("name", "理论考试"),
                ("kind", "theory"),
                ("max_mark", "100"),
                ("weight", "百分之四十"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("请填写权重") && page.contains("value=\"理论考试\""));
    for (name, kind, weight) in [
        ("理论考试", "theory", "40"),
        ("实操项目", "practical", "50%"),
    ] {
        let response = organiser
            .post_form(
                &parts,
                &[
                    ("name", name),
                    ("kind", kind),
                    ("max_mark", "100"),
                    ("weight", weight),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let part_ids: Vec<i64> =
        sqlx::query_scalar("select id from event_parts where event_id = $1 order by id")
            .bind(event)
            .fetch_all(&app.db)
            .await
            .unwrap();
    let items = format!("{competition}/events/{event}/items");
    let theory = part_ids[0].to_string();
    let practical = part_ids[1].to_string();
    organiser
        .post_form(
            &items,
            &[
                ("part_id", &theory),
                ("name", "理论考试"),
                ("max_mark", "100"),
                ("weight", "100"),
            ],
        )
        .await;
    organiser
        .post_form(
            &items,
            &[
                ("part_id", &practical),
                ("name", "飞行操作"),
                ("max_mark", "60"),
                ("weight", "60"),
                ("marking", "measurement"),
            ],
        )
        .await;
    // A judgement sub-item needs its rule; the gap may not exceed the scale.
    let response = organiser
        .post_form(
            &items,
            &[
                ("part_id", &practical),
                ("name", "作业质量"),
                ("max_mark", "40"),
                ("weight", "40"),
                ("marking", "judgement"),
                ("scale_max", "3"),
                ("rule", ""),
                ("max_gap", "5"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("评价打分须选择计分规则") && page.contains("最大分差不能超过评价分值上限")
    );
    organiser
        .post_form(
            &items,
            &[
                ("part_id", &practical),
                ("name", "作业质量"),
                ("max_mark", "40"),
                ("weight", "40"),
                ("marking", "judgement"),
                ("scale_max", "3"),
                ("rule", "trimmed_mean"),
                ("max_gap", "1"),
            ],
        )
        .await;

    // The parts make 90%: the page says so and registration stays shut.
    let (_, page) = organiser.page(&competition).await;
    assert!(page.contains("组成部分权重合计 90%") && page.contains("组成部分的权重合计不是 100%"));
    let response = organiser
        .post_form(&format!("{competition}/registration-opening"), &[])
        .await;
    assert_eq!(location(&response), competition);
    assert_eq!(status_of(&app, &id).await, "planned");

    // Remove the theory part, add it back at 50%: the weights make the whole.
    organiser
        .post_form(&format!("{competition}/parts/{theory}/deletion"), &[])
        .await;
    organiser
        .post_form(
            &parts,
            &[
                ("name", "理论考试"),
                ("kind", "theory"),
                ("max_mark", "100"),
                ("weight", "50"),
            ],
        )
        .await;
    let theory: i64 = sqlx::query_scalar("select max(id) from event_parts where event_id = $1")
        .bind(event)
        .fetch_one(&app.db)
        .await
        .unwrap();
    organiser
        .post_form(
            &items,
            &[
                ("part_id", &theory.to_string()),
                ("name", "理论考试"),
                ("max_mark", "100"),
                ("weight", "100"),
            ],
        )
        .await;
    for (step, status) in [
        ("registration-opening", "registration_open"),
        ("registration-closing", "registration_closed"),
    ] {
        organiser
            .post_form(&format!("{competition}/{step}"), &[])
            .await;
        assert_eq!(status_of(&app, &id).await, status);
    }
    // A second click on a step already taken changes nothing.
    organiser
        .post_form(&format!("{competition}/registration-closing"), &[])
        .await;
    assert_eq!(status_of(&app, &id).await, "registration_closed");
    // Once registration has closed, what is marked can no longer change.
    organiser
        .post_form(
            &parts,
            &[
                ("name", "附加题"),
                ("kind", "other"),
                ("max_mark", "10"),
                ("weight", "10"),
            ],
        )
        .await;
    let count: i64 = sqlx::query_scalar("select count(*) from event_parts where event_id = $1")
        .bind(event)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 2);

    // Cancelling needs a reason.
    let response = organiser
        .post_form(&format!("{competition}/cancellation"), &[("reason", " ")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("请写明取消原因"));
    organiser
        .post_form(
            &format!("{competition}/cancellation"),
            &[("reason", "场地改造，延期至明年")],
        )
        .await;
    assert_eq!(status_of(&app, &id).await, "cancelled");
    let (_, page) = organiser.page(&competition).await;
    for line in [
        "创建",
        "开放报名",
        "截止报名",
        "取消（场地改造，延期至明年）",
    ] {
        assert!(page.contains(line), "the timeline has {line}");
    }
    assert!(app.audit_count("competition", "cancelled").await == 1);
    assert!(app.audit_count("event_part", "delete").await == 1);
}

#[tokio::test]
async fn an_approved_application_holds_its_competition_once_and_each_links_to_the_other() {
    let app = TestApp::spawn().await;
    let applicant = app.signed_in("applicant").await;
    let application: i64 = sqlx::query_scalar(
        "select min(a.id) from applications a join organisations o on o.id = a.organisation_id
         where o.code = 'DL-GJZ-HQ' and a.status = 'approved'
           and not exists (select 1 from competitions c where c.application_id = a.id)",
    )
    .fetch_optional(&app.db)
    .await
    .unwrap()
    .flatten()
    .unwrap_or_default();
    let application = if application == 0 {
        // the demo holds a competition for every approved one: free one to hold again
        let id: i64 = sqlx::query_scalar(
            "select min(a.id) from applications a join organisations o on o.id = a.organisation_id
             where o.code = 'DL-GJZ-HQ' and a.status = 'approved'",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        sqlx::query("update competitions set application_id = null where application_id = $1")
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
        id
    } else {
        application
    };
    let (_, page) = applicant
        .page(&format!("/applications/{application}"))
        .await;
    let new = format!("/competitions/new?application={application}");
    assert!(page.contains(&new.replace('&', "&#38;")) || page.contains(&new));
    let (status, form) = applicant.page(&new).await;
    assert_eq!(status, StatusCode::OK);
    let title: String = sqlx::query_scalar("select title from applications where id = $1")
        .bind(application)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        form.contains(&title),
        "the form holds the application's title"
    );
    let value = |name: &str| {
        form.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    let fields = [
        "organisation",
        "tier",
        "track_id",
        "title",
        "starts_on",
        "ends_on",
        "venue",
        "application_id",
    ];
    let mut posted: Vec<(&str, String)> = fields.iter().map(|f| (*f, value(f))).collect();
    let tier: i16 = sqlx::query_scalar("select tier from applications where id = $1")
        .bind(application)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let track: i64 = sqlx::query_scalar("select track_id from applications where id = $1")
        .bind(application)
        .fetch_one(&app.db)
        .await
        .unwrap();
    posted.retain(|(k, _)| *k != "tier" && *k != "track_id");
    posted.push(("tier", tier.to_string()));
    posted.push(("track_id", track.to_string()));
    posted.push(("has_final", "on".into()));
    let response = applicant
        .post_form(
            "/competitions",
            &posted
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{:?}", posted);
    let competition = location(&response);
    let (_, page) = applicant.page(&competition).await;
    assert!(page.contains(&format!("/applications/{application}")));
    let (_, page) = applicant
        .page(&format!("/applications/{application}"))
        .await;
    assert!(
        page.contains(&competition),
        "the application links to its competition"
    );

    // A second competition on the same application is refused.
    let response = applicant
        .post_form(
            "/competitions",
            &posted
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(location(&response), competition);
    let held: i64 =
        sqlx::query_scalar("select count(*) from competitions where application_id = $1")
            .bind(application)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(held, 1);
}

#[tokio::test]
async fn a_district_sees_its_own_competitions_and_a_judge_only_those_they_judge() {
    let app = TestApp::spawn().await;
    let outside: i64 = sqlx::query_scalar(
        "select min(c.id) from competitions c join organisations o on o.id = c.organisation_id
         where o.path <@ (select path from organisations where code = 'DL-JZ')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let staff = app.signed_in("staff").await;
    let (status, _) = staff.page(&format!("/competitions/{outside}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = staff.page("/competitions?q=金州").await;
    assert!(
        list.contains("共 0 项竞赛"),
        "none of 金州区 in 甘井子区's list"
    );

    let judge = app.signed_in("judge").await;
    // The demo judge is chief judge of the building-materials final and the livestock contest.
    let (_, list) = judge.page("/competitions").await;
    assert!(list.contains("共 2 项竞赛") && list.contains("全国建材行业职业技能竞赛决赛"));
    assert!(
        !list.contains("/applications\""),
        "a judge's menu holds no money"
    );
    assert!(
        !list.contains("href=\"/members\"") && !list.contains("href=\"/orgs\""),
        "nor members nor organisations"
    );
    let (_, home) = judge.page("/").await;
    assert!(home.contains("查看指派给您评分的赛项") && !home.contains("/members?status=active"));
    sqlx::query(
        "insert into event_judges (event_id, user_id, chief)
         select min(e.id), (select id from users where username = 'judge'), true
         from competition_events e where e.competition_id = $1",
    )
    .bind(outside)
    .execute(&app.db)
    .await
    .unwrap();
    let (_, list) = judge.page("/competitions").await;
    assert!(list.contains("共 3 项竞赛") && list.contains(&format!("/competitions/{outside}")));
    let (status, _) = judge.page(&format!("/competitions/{outside}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_catalogue_counts_each_tracks_competitions_in_a_year_and_the_share_first_opened() {
    let app = TestApp::spawn().await;
    let year: i32 = sqlx::query_scalar("select extract(year from now())::integer")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (total, first): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where t.first_year = c.year)
         from competitions c join tracks t on t.id = c.track_id
         where c.year = $1 and c.status <> 'cancelled'",
    )
    .bind(year)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        total > 100 && first >= 42,
        "the demo's year: {total}, {first}"
    );
    let staff = app.signed_in("staff").await;
    let (status, page) = staff.page(&format!("/tracks?year={year}")).await;
    assert_eq!(status, StatusCode::OK);
    let share = format!(
        "{year} 年共 {total} 项竞赛，其中首次开设赛道 {first} 项（{}%）",
        first * 100 / total
    );
    assert!(page.contains(&share), "{share}");
    // Each track's applications, linked to their list.
    let (track, applications): (i64, i64) = sqlx::query_as(
        "select track_id, count(*) from applications group by track_id order by 2 desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let cell = format!("<a href=\"/applications?track={track}\">{applications}</a>");
    assert!(page.contains(&cell), "{cell}");
    let (_, last_year) = staff.page(&format!("/tracks?year={}", year - 1)).await;
    // Last year: at most the building-materials edition held before this app.
    let held: i64 = sqlx::query_scalar("select count(*) from competitions where year = $1")
        .bind(year - 1)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(held <= 1);
    assert!(last_year.contains(&format!("{} 年共 {held} 项竞赛", year - 1)));
}
