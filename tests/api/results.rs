//! Results through HTTP: totals by the weights and every step of the tie-break computed in the
//! database, awards by count with ties sharing a prize, the award form's checks, and publishing,
//! which needs marking finished and freezes the results.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, location};
use crate::registration::{event_id, members_of, open_competition};

async fn part_with_item(app: &TestApp, organiser: &Browser, at: (&str, i64), part: (&str, &str)) {
    let (competition, event) = at;
    organiser
        .post_form(
            &format!("{competition}/events/{event}/parts"),
            &[
                ("name", part.0),
                ("kind", part.1),
                ("max_mark", "100"),
                ("weight", "50"),
            ],
        )
        .await;
    let id: i64 =
        sqlx::query_scalar("select id from event_parts where event_id = $1 and name = $2")
            .bind(event)
            .bind(part.0)
            .fetch_one(&app.db)
            .await
            .unwrap();
    organiser
        .post_form(
            &format!("{competition}/events/{event}/items"),
            &[
                ("part_id", &id.to_string()),
                ("name", part.0),
                ("max_mark", "100"),
                ("weight", "100"),
            ],
        )
        .await;
}

async fn items(app: &TestApp, event: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "select i.id from event_items i join event_parts p on p.id = i.part_id
         where p.event_id = $1 order by p.id",
    )
    .bind(event)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_ranking_breaks_ties_by_practical_then_theory_awards_share_a_tie_and_publishing_freezes()
 {
    let app = TestApp::spawn().await;
    let organiser = app.signed_in("organiser").await;
    let (competition, empty_event) = open_competition(&app, &organiser, "").await;
    organiser
        .post_form(
            &format!("{competition}/events"),
            &[("name", "综合技能"), ("team_size", "")],
        )
        .await;
    let event = event_id(&app, &competition, "综合技能").await;
    part_with_item(&app, &organiser, (&competition, event), ("理论", "theory")).await;
    part_with_item(
        &app,
        &organiser,
        (&competition, event),
        ("实操", "practical"),
    )
    .await;
    let couriers = members_of(&app, "DL-GJZ-HQ-FX").await;
    for member in &couriers[0..4] {
        organiser
            .post_form(
                &format!("{competition}/events/{event}/contestants"),
                &[("id", &member.0.to_string())],
            )
            .await;
    }
    let judge: i64 = sqlx::query_scalar("select id from users where username = 'judge'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    for e in [empty_event, event] {
        organiser
            .post_form(
                &format!("{competition}/events/{e}/judges"),
                &[("user_id", &judge.to_string())],
            )
            .await;
    }
    for step in ["registration-closing", "start"] {
        organiser
            .post_form(&format!("{competition}/{step}"), &[])
            .await;
    }
    let contestants: Vec<i64> =
        sqlx::query_scalar("select id from contestants where event_id = $1 order by seq")
            .bind(event)
            .fetch_all(&app.db)
            .await
            .unwrap();
    // (theory, practical): A 80/60 and B 60/80 and C, D 70/70 all total 70.
    let marks = [("80", "60"), ("60", "80"), ("70", "70"), ("70", "70")];
    let chief = app.signed_in("judge").await;
    let [theory, practical] = items(&app, event).await[..] else {
        panic!("two sub-items")
    };
    for (item, pick) in [(theory, 0), (practical, 1)] {
        let fields: Vec<(String, String)> = contestants
            .iter()
            .zip(marks)
            .map(|(c, m)| {
                (
                    format!("m{c}"),
                    if pick == 0 { m.0 } else { m.1 }.to_string(),
                )
            })
            .collect();
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        chief
            .post_form(&format!("{competition}/items/{item}/marks"), &fields)
            .await;
    }
    let results = format!("{competition}/events/{event}/results");
    // Before every sub-item is locked, the page says the results are incomplete.
    let (_, page) = organiser.page(&results).await;
    assert!(page.contains("还有 2 个小项未锁定"));
    for item in [theory, practical, items(&app, empty_event).await[0]] {
        let response = chief
            .post_form(&format!("{competition}/items/{item}/lock"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }

    // Awards: shares past 100% are refused beside the field; then 1 first, 2 second, 1 third.
    let awards = format!("{competition}/events/{event}/awards");
    let response = organiser
        .post_form(
            &awards,
            &[("mode", "share"), ("first", "60%"), ("second", "50%")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("各奖项比例合计不能超过 100%")
    );
    let response = organiser
        .post_form(
            &awards,
            &[
                ("mode", "count"),
                ("first", "1"),
                ("second", "2"),
                ("third", "1"),
                ("pass_mark", "65"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = organiser.page(&results).await;
    assert!(page.contains("暂定成绩") && page.contains("（并列）"));

    // Publishing waits for marking to finish; then the results are frozen.
    let response = organiser
        .post_form(&format!("{competition}/publication"), &[])
        .await;
    assert_eq!(location(&response), competition);
    let frozen: i64 = sqlx::query_scalar("select count(*) from results where event_id = $1")
        .bind(event)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(frozen, 0);
    organiser
        .post_form(&format!("{competition}/marking-end"), &[])
        .await;
    organiser
        .post_form(&format!("{competition}/publication"), &[])
        .await;
    type Line = (i64, i32, i32, i32, i32, Option<String>, bool);
    let published: Vec<Line> = sqlx::query_as(
        "select contestant_id, rank, total, practical, theory, award, passed from results
         where event_id = $1 order by rank, contestant_id",
    )
    .bind(event)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let (a, b, c, d) = (
        contestants[0],
        contestants[1],
        contestants[2],
        contestants[3],
    );
    let first = Some("first".to_string());
    let second = Some("second".to_string());
    let third = Some("third".to_string());
    assert_eq!(
        published,
        [
            (b, 1, 7000, 4000, 3000, first, true),
            (c, 2, 7000, 3500, 3500, second.clone(), true),
            (d, 2, 7000, 3500, 3500, second, true),
            (a, 4, 7000, 3000, 4000, third, true),
        ]
    );
    // Publishing issued a certificate for each award and each pass, in the same transaction.
    let issued: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "select contestant_id, kind, award from certificates where event_id = $1
         order by kind, contestant_id",
    )
    .bind(event)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(issued.len(), 8, "{issued:?}");
    assert!(
        issued
            .iter()
            .all(|(_, kind, award)| (kind == "award") == award.is_some())
    );
    let (_, page) = organiser.page(&results).await;
    assert!(page.contains("成绩已公布并冻结") && !page.contains("保存奖项设置"));
    assert!(page.contains("一等奖") && page.contains("小项分数锁定"));
    let response = organiser
        .post_form(&awards, &[("mode", "count"), ("first", "4")])
        .await;
    assert_eq!(location(&response), results);
    // A manager of the city reads the results; staff of 甘井子区 do not reach them.
    let (status, _) = app.signed_in("manager").await.page(&results).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.signed_in("staff").await.page(&results).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_final_publishes_prizes_to_ten_twenty_and_thirty_percent_of_its_44_teams() {
    let app = TestApp::spawn().await;
    let event: i64 = sqlx::query_scalar(
        "select id from competition_events where name = '水泥生产质量控制（团体）'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let awards: Vec<(Option<String>, i64)> = sqlx::query_as(
        "select award, count(*) from results where event_id = $1 group by award order by min(rank)",
    )
    .bind(event)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let count = |award: &str| {
        awards
            .iter()
            .find(|(a, _)| a.as_deref() == Some(award))
            .map_or(0, |(_, n)| *n)
    };
    // 10%, 20% and 30% of 44 are 4, 8 and 13 places; a tie at the last place shares the prize.
    assert!((4..=5).contains(&count("first")), "{awards:?}");
    assert!(count("second") >= 7 && count("third") >= 12, "{awards:?}");
    assert_eq!(awards.iter().map(|(_, n)| n).sum::<i64>(), 44);
    let competition: i64 =
        sqlx::query_scalar("select competition_id from competition_events where id = $1")
            .bind(event)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let manager = app.signed_in("manager").await;
    let results = format!("/competitions/{competition}/events/{event}/results");
    let (status, page) = manager.page(&results).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("成绩已公布并冻结") && page.contains("一等奖"));
    // The frozen table is kept once rendered: the same again, and in English in English.
    assert_eq!(
        manager.page(&results).await.1.matches("一等奖").count(),
        page.matches("一等奖").count()
    );
    manager
        .post_form("/language", &[("lang", "en"), ("next", "/")])
        .await;
    let (_, english) = manager.page(&results).await;
    assert!(english.contains("First prize") && !english.contains("一等奖"));
    assert!(english.contains("44 contestants (teams)"));
}
