//! Registration through HTTP: an event's eligibility rules, members registered one by one or as a
//! team with its leader, refusals that name why and register nobody, the one-event rule,
//! withdrawal with a reason, seats drawn at random, and the panel of judges with its chief and
//! the contestants each judge must step aside from.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, location};

/// Today and a day `days` from it, in the database's (Beijing) calendar.
pub async fn day(app: &TestApp, days: i32) -> String {
    sqlx::query_scalar("select ((now() at time zone 'Asia/Shanghai')::date + $1)::text")
        .bind(days)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A city competition open for registration (from yesterday for ten days) with one event of
/// `team_size` marked on one theory exam; its page's path and the event's id.
pub async fn open_competition(
    app: &TestApp,
    organiser: &Browser,
    team_size: &str,
) -> (String, i64) {
    let track: i64 = sqlx::query_scalar("select id from tracks where name = '低空经济'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (opens, closes, starts) = (day(app, -1).await, day(app, 10).await, day(app, 20).await);
    let response = organiser
        .post_form(
            "/competitions",
            &[
                ("organisation", "DL"),
                ("tier", "1"),
                ("track_id", &track.to_string()),
                ("title", "快递员职业技能竞赛"),
                ("has_final", "on"),
                ("starts_on", &starts),
                ("ends_on", &starts),
                ("registration_opens_on", &opens),
                ("registration_closes_on", &closes),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let competition = location(&response);
    add_event(app, organiser, &competition, "快递分拣", team_size).await;
    let event = event_id(app, &competition, "快递分拣").await;
    let response = organiser
        .post_form(&format!("{competition}/registration-opening"), &[])
        .await;
    assert_eq!(location(&response), competition);
    (competition, event)
}

pub async fn add_event(
    app: &TestApp,
    organiser: &Browser,
    competition: &str,
    name: &str,
    size: &str,
) {
    organiser
        .post_form(
            &format!("{competition}/events"),
            &[("name", name), ("team_size", size)],
        )
        .await;
    let event = event_id(app, competition, name).await;
    organiser
        .post_form(
            &format!("{competition}/events/{event}/parts"),
            &[
                ("name", "理论考试"),
                ("kind", "theory"),
                ("max_mark", "100"),
                ("weight", "100"),
            ],
        )
        .await;
    let part: i64 = sqlx::query_scalar("select id from event_parts where event_id = $1")
        .bind(event)
        .fetch_one(&app.db)
        .await
        .unwrap();
    organiser
        .post_form(
            &format!("{competition}/events/{event}/items"),
            &[
                ("part_id", &part.to_string()),
                ("name", "理论考试"),
                ("max_mark", "100"),
                ("weight", "100"),
            ],
        )
        .await;
}

pub async fn event_id(app: &TestApp, competition: &str, name: &str) -> i64 {
    let id: i64 = competition
        .trim_start_matches("/competitions/")
        .parse()
        .unwrap();
    sqlx::query_scalar("select id from competition_events where competition_id = $1 and name = $2")
        .bind(id)
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The demo members of an organisation: (id, member number, name), oldest first.
pub async fn members_of(app: &TestApp, code: &str) -> Vec<(i64, String, String)> {
    sqlx::query_as(
        "select m.id, m.member_no, m.name from members m
         join organisations o on o.id = m.organisation_id where o.code = $1 order by m.id",
    )
    .bind(code)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn numbers(app: &TestApp, event: i64) -> Vec<(String, String, Option<i32>)> {
    sqlx::query_as("select number, status, seat from contestants where event_id = $1 order by seq")
        .bind(event)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_register_eligible_members_and_a_refusal_names_why_and_registers_nobody() {
    let app = TestApp::spawn().await;
    let organiser = app.signed_in("organiser").await;
    let (competition, event) = open_competition(&app, &organiser, "").await;
    let page_path = format!("{competition}/events/{event}");

    // Rules: couriers only, of age 18 to 60; a reversed age range is said beside the field.
    let rules = format!("{page_path}/rules");
    let response = organiser
        .post_form(
            &rules,
            &[
                ("occupation", "courier"),
                ("min_age", "60"),
                ("max_age", "18"),
                ("one_event_only", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("最高年龄不能低于最低年龄") && page.contains("value=\"60\""));
    let response = organiser
        .post_form(
            &rules,
            &[
                ("occupation", "courier"),
                ("min_age", "18"),
                ("max_age", "60"),
                ("one_event_only", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // A search by member number shows the courier eligible and the truck driver not.
    let couriers = members_of(&app, "DL-GJZ-HQ-FX").await;
    let drivers = members_of(&app, "DL-GJZ-HQ-SD").await;
    let (_, page) = organiser
        .page(&format!("{page_path}?q={}", couriers[0].1))
        .await;
    assert!(page.contains(&couriers[0].2) && page.contains("符合条件"));
    let (_, page) = organiser
        .page(&format!("{page_path}?q={}", drivers[0].1))
        .await;
    assert!(page.contains("职业不符合本赛项条件"));

    // One courier and one driver ticked: nobody is registered, the driver is named.
    let register = format!("{page_path}/contestants");
    let (courier, driver) = (couriers[0].0.to_string(), drivers[0].0.to_string());
    let response = organiser
        .post_form(&register, &[("id", &courier), ("id", &driver), ("q", "GH")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains(&format!("{}：职业不符合本赛项条件", drivers[0].2)));
    assert!(numbers(&app, event).await.is_empty());

    // Two couriers: numbers A001 and A002, one audit record each.
    let second = couriers[1].0.to_string();
    let response = organiser
        .post_form(&register, &[("id", &courier), ("id", &second)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let registered = numbers(&app, event).await;
    let listed: Vec<&str> = registered.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(listed, ["A001", "A002"]);
    assert_eq!(app.audit_count("contestant", "create").await, 2);
    let (_, page) = organiser.page(&page_path).await;
    assert!(page.contains("已报名 2 人，退赛 0 人") && page.contains(&couriers[1].2));

    // The same courier again, or in a second event of the same competition, is refused.
    let response = organiser.post_form(&register, &[("id", &courier)]).await;
    assert!(response.text().await.unwrap().contains("已报名本赛项"));
    add_event(&app, &organiser, &competition, "快递揽收", "").await;
    let other = event_id(&app, &competition, "快递揽收").await;
    let response = organiser
        .post_form(
            &format!("{competition}/events/{other}/contestants"),
            &[("id", &courier)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("已报名本竞赛的“快递分拣”赛项")
    );

    // A domestic worker of 金州区 is no courier; staff of 甘井子区 cannot reach a city competition.
    let staff = app.signed_in("staff").await;
    let outsider = members_of(&app, "DL-JZ-SQ").await[0].0.to_string();
    let response = organiser.post_form(&register, &[("id", &outsider)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = staff.post_form(&register, &[("id", &courier)]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // Once registration closes, nobody more is registered.
    organiser
        .post_form(&format!("{competition}/registration-closing"), &[])
        .await;
    let third = couriers[2].0.to_string();
    let response = organiser.post_form(&register, &[("id", &third)]).await;
    assert_eq!(location(&response), page_path);
    assert_eq!(numbers(&app, event).await.len(), 2);
}

#[tokio::test]
async fn a_team_registers_with_its_leader_withdraws_as_one_and_sits_side_by_side() {
    let app = TestApp::spawn().await;
    let organiser = app.signed_in("organiser").await;
    let (competition, event) = open_competition(&app, &organiser, "3").await;
    let register = format!("{competition}/events/{event}/contestants");
    let couriers = members_of(&app, "DL-GJZ-HQ-FX").await;
    let ids: Vec<String> = couriers.iter().map(|(id, ..)| id.to_string()).collect();
    // The clerk finds the three by their member numbers in one search.
    let q: String = couriers[0..3]
        .iter()
        .map(|(_, no, _)| no.as_str())
        .collect::<Vec<_>>()
        .join("，");
    let (_, page) = organiser
        .page(&format!("{competition}/events/{event}?q={q}"))
        .await;
    assert!(
        couriers[0..3]
            .iter()
            .all(|(id, ..)| page.contains(&format!("id=\"tick-{id}\"")))
    );

    // Two ticked for a team of three, no leader, no name: each problem said, the name kept.
    let response = organiser
        .post_form(&register, &[("id", &ids[0]), ("id", &ids[1]), ("q", &q)])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("所勾选人数须与每队人数相同") && page.contains("请填写队名"));
    let response = organiser
        .post_form(
            &register,
            &[
                ("id", &ids[0]),
                ("id", &ids[1]),
                ("id", &ids[2]),
                ("team_name", "飞翔一队"),
                ("q", &q),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("请从所勾选的队员中选出队长") && page.contains("value=\"飞翔一队\""));
    assert!(page.contains(&format!(
        "value=\"{}\" id=\"tick-{}\" aria-label=\"{}\" checked",
        ids[0], ids[0], couriers[0].2
    )));

    // With its leader (the third ticked), who takes the team's first number.
    for (team, members) in [("飞翔一队", &ids[0..3]), ("飞翔二队", &ids[3..6])] {
        let response = organiser
            .post_form(
                &register,
                &[
                    ("id", &members[0]),
                    ("id", &members[1]),
                    ("id", &members[2]),
                    ("leader", &members[2]),
                    ("team_name", team),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{team}");
    }
    let leader: (String, bool) = sqlx::query_as(
        "select number, leader from contestants where member_id = $1::bigint and event_id = $2",
    )
    .bind(&ids[2])
    .bind(event)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(leader, ("A001".to_string(), true));
    // The same team name again is said beside the field.
    let response = organiser
        .post_form(
            &register,
            &[
                ("id", &ids[6]),
                ("id", &ids[7]),
                ("id", &ids[8]),
                ("leader", &ids[6]),
                ("team_name", "飞翔一队"),
            ],
        )
        .await;
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("本赛项已有同名队伍")
    );

    // Withdrawal needs a reason; with one, the whole team goes.
    let leader_id: i64 =
        sqlx::query_scalar("select id from contestants where member_id = $1::bigint")
            .bind(&ids[2])
            .fetch_one(&app.db)
            .await
            .unwrap();
    let withdrawal = format!("{competition}/contestants/{leader_id}/withdrawal");
    let response = organiser.post_form(&withdrawal, &[("reason", " ")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("请填写退赛原因"));
    let response = organiser
        .post_form(&withdrawal, &[("reason", "队员工伤，无法参赛")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let statuses: Vec<String> = numbers(&app, event)
        .await
        .into_iter()
        .map(|(_, s, _)| s)
        .collect();
    assert_eq!(
        statuses,
        [
            "withdrawn",
            "withdrawn",
            "withdrawn",
            "registered",
            "registered",
            "registered"
        ]
    );
    let (_, page) = organiser
        .page(&format!("{competition}/events/{event}"))
        .await;
    assert!(page.contains("已报名 3 人，退赛 3 人") && page.contains("队员工伤，无法参赛"));
    let response = organiser
        .post_form(&withdrawal, &[("reason", "再次退赛")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("contestant", "withdraw").await, 1);

    // Seats are drawn once registration has closed: the team sits together, leader first.
    let seating = format!("{competition}/events/{event}/seating");
    organiser.post_form(&seating, &[]).await;
    assert!(
        numbers(&app, event)
            .await
            .iter()
            .all(|(.., seat)| seat.is_none())
    );
    organiser
        .post_form(&format!("{competition}/registration-closing"), &[])
        .await;
    organiser.post_form(&seating, &[]).await;
    let seats: Vec<(bool, Option<i32>)> = sqlx::query_as(
        "select leader, seat from contestants where event_id = $1 and status = 'registered'
         order by seat",
    )
    .bind(event)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(seats, [(true, Some(1)), (false, Some(2)), (false, Some(3))]);
}

#[tokio::test]
async fn a_panel_has_one_chief_and_counts_the_contestants_each_judge_must_step_aside_from() {
    let app = TestApp::spawn().await;
    let organiser = app.signed_in("organiser").await;
    let (competition, event) = open_competition(&app, &organiser, "").await;
    let page_path = format!("{competition}/events/{event}");
    let couriers = members_of(&app, "DL-GJZ-HQ-FX").await;
    let drivers = members_of(&app, "DL-GJZ-HQ-SD").await;
    for id in [couriers[0].0, drivers[0].0] {
        organiser
            .post_form(
                &format!("{page_path}/contestants"),
                &[("id", &id.to_string())],
            )
            .await;
    }
    // A second judge, whose account sits at the couriers' union.
    let courier_union: i64 =
        sqlx::query_scalar("select id from organisations where code = 'DL-GJZ-HQ-FX'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let hash: String =
        sqlx::query_scalar("select password_hash from users where username = 'judge'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let second: i64 = sqlx::query_scalar(
        "insert into users (organisation_id, username, display_name, password_hash, roles)
         values ($1, 'judge2', '钱坤', $2, '{judge}') returning id",
    )
    .bind(courier_union)
    .bind(&hash)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let judge: i64 = sqlx::query_scalar("select id from users where username = 'judge'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let staff_account: i64 = sqlx::query_scalar("select id from users where username = 'staff'")
        .fetch_one(&app.db)
        .await
        .unwrap();

    // Before they are on the panel, a judge does not see the event.
    let judge_browser = app.signed_in("judge").await;
    assert_eq!(
        judge_browser.get(&page_path).await.status(),
        StatusCode::NOT_FOUND
    );

    let judges = format!("{page_path}/judges");
    // An account without the judge's role cannot judge; the employer typed is kept.
    let response = organiser
        .post_form(
            &judges,
            &[
                ("user_id", &staff_account.to_string()),
                ("employer", "顺达物流"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("请选择持有评委角色") && page.contains("value=\"顺达物流\""));
    // 孙磊 sits at the city federation but works for the drivers' employer; 钱坤 sits at the
    // couriers' union. The first judge of the panel is its chief.
    organiser
        .post_form(
            &judges,
            &[
                ("user_id", &judge.to_string()),
                ("employer", "大连顺达物流有限公司"),
            ],
        )
        .await;
    organiser
        .post_form(
            &judges,
            &[("user_id", &second.to_string()), ("employer", "")],
        )
        .await;
    let panel: Vec<(i64, bool)> = sqlx::query_as(
        "select user_id, chief from event_judges where event_id = $1 order by user_id",
    )
    .bind(event)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut expected = vec![(judge, true), (second, false)];
    expected.sort();
    assert_eq!(panel, expected);
    let conflicts: Vec<(i64, usize)> = vec![(judge, 1), (second, 1)];
    let (_, page) = organiser.page(&page_path).await;
    for (_, count) in conflicts {
        assert!(page.contains(&format!("<td class=\"num\">{count}</td>")));
    }
    assert!(page.contains("裁判长") && page.contains("钱坤"));

    // Making 钱坤 chief leaves 孙磊 a judge; one chief at a time.
    let response = organiser
        .post_form(&format!("{judges}/{second}/chief"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let chiefs: Vec<i64> =
        sqlx::query_scalar("select user_id from event_judges where event_id = $1 and chief")
            .bind(event)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(chiefs, [second]);

    // On the panel, the judge sees the event and its contestants' numbers.
    let (status, page) = judge_browser.page(&page_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("A001") && page.contains(&couriers[0].2));
    assert!(
        !page.contains("添加评委"),
        "a judge does not change the panel"
    );
    assert_eq!(
        judge_browser
            .post_form(&judges, &[("user_id", &judge.to_string())])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Under anonymous marking the judge sees numbers only.
    sqlx::query("update competitions set anonymous_marking = true where id = (select competition_id from competition_events where id = $1)")
        .bind(event)
        .execute(&app.db)
        .await
        .unwrap();
    let (_, page) = judge_browser.page(&page_path).await;
    assert!(page.contains("A001") && !page.contains(&couriers[0].2));

    // Taken off the panel, the judge no longer sees it.
    organiser
        .post_form(&format!("{judges}/{judge}/deletion"), &[])
        .await;
    assert_eq!(
        judge_browser.get(&page_path).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.audit_count("event_judge", "create").await, 2);
}

#[tokio::test]
async fn the_demo_final_has_44_teams_of_three_and_the_livestock_contest_400_from_38_districts() {
    let app = TestApp::spawn().await;
    let organiser = app.signed_in("organiser").await;
    let event = |name: &'static str| {
        let db = app.db.clone();
        async move {
            let (competition, event): (i64, i64) =
                sqlx::query_as("select competition_id, id from competition_events where name = $1")
                    .bind(name)
                    .fetch_one(&db)
                    .await
                    .unwrap();
            format!("/competitions/{competition}/events/{event}")
        }
    };
    let (status, page) = organiser
        .page(&event("水泥生产质量控制（团体）").await)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("已报名 132 人，退赛 0 人"));
    assert_eq!(
        page.matches("<span class=\"badge\">队长</span>").count(),
        44
    );
    assert!(page.contains("唐山冀东水泥有限公司代表队") && page.contains("裁判长"));
    let (_, page) = organiser.page(&event("动物疫病防治员").await).await;
    assert!(page.contains("已报名 414 人，退赛 4 人") && page.contains("因病无法参赛"));
    let districts: i64 = sqlx::query_scalar(
        "select count(distinct k.employer) from contestants k
         join competition_events e on e.id = k.event_id where e.name = '动物疫病防治员'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(districts, 38);
    let unseated: i64 = sqlx::query_scalar(
        "select count(*) from contestants where status = 'registered' and seat is null",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(unseated, 0, "every registered contestant has a seat");
}
