//! Mark sheets through HTTP: a judge's values saved all or none, conflicts of interest skipped,
//! a measurement entered once, judgement scores derived by their rule with a too-wide gap holding
//! the lock back, the chief judge's lock, refused changes after it, an audited unlock, anonymous
//! marking by number, and marking that cannot finish while a sub-item is unlocked.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, location};
use crate::registration::{event_id, members_of, open_competition};

/// A judge's account at the organisation `code`, signed in (the demo password).
pub async fn judge_account(
    app: &TestApp,
    username: &str,
    name: &str,
    code: &str,
) -> (i64, Browser) {
    let id: i64 = sqlx::query_scalar(
        "insert into users (organisation_id, username, display_name, password_hash, roles)
         select o.id, $1, $2, (select password_hash from users where username = 'judge'), '{judge}'
         from organisations o where o.code = $3 returning id",
    )
    .bind(username)
    .bind(name)
    .bind(code)
    .fetch_one(&app.db)
    .await
    .unwrap();
    (id, app.signed_in(username).await)
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("select id from users where username = $1")
        .bind(username)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn contestant(app: &TestApp, member: i64) -> i64 {
    sqlx::query_scalar("select id from contestants where member_id = $1")
        .bind(member)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn item_of(app: &TestApp, event: i64) -> i64 {
    sqlx::query_scalar(
        "select i.id from event_items i join event_parts p on p.id = i.part_id where p.event_id = $1",
    )
    .bind(event)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn values(app: &TestApp, item: i64) -> Vec<(i64, i64, i32)> {
    sqlx::query_as(
        "select contestant_id, judge_slot, value from marks where item_id = $1
         order by contestant_id, judge_slot",
    )
    .bind(item)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// The competition under way with its panel: 孙磊 (city, chief), 钱坤 (the couriers' union),
/// 吴昊 and 郑爽 (city). Event 快递分拣 (a measured theory exam) holds two couriers; event 快递包装
/// (one judgement sub-item on a scale of 3, gap 1, of 100 points) a courier and a truck driver.
struct World {
    competition: String,
    measured: (i64, i64),
    judged: (i64, i64),
    couriers: Vec<i64>,
    driver: i64,
    chief: Browser,
    conflicted: Browser,
    judges: Vec<(i64, Browser)>,
}

async fn world(app: &TestApp) -> World {
    let organiser = app.signed_in("organiser").await;
    let (competition, measured_event) = open_competition(app, &organiser, "").await;
    organiser
        .post_form(
            &format!("{competition}/events"),
            &[("name", "快递包装"), ("team_size", "")],
        )
        .await;
    let judged_event = event_id(app, &competition, "快递包装").await;
    organiser
        .post_form(
            &format!("{competition}/events/{judged_event}/parts"),
            &[
                ("name", "实操"),
                ("kind", "practical"),
                ("max_mark", "100"),
                ("weight", "100"),
            ],
        )
        .await;
    let part: i64 = sqlx::query_scalar("select id from event_parts where event_id = $1")
        .bind(judged_event)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let response = organiser
        .post_form(
            &format!("{competition}/events/{judged_event}/items"),
            &[
                ("part_id", &part.to_string()),
                ("name", "包装质量"),
                ("max_mark", "100"),
                ("weight", "100"),
                ("marking", "judgement"),
                ("scale_max", "3"),
                ("rule", "mean"),
                ("max_gap", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let couriers: Vec<i64> = members_of(app, "DL-GJZ-HQ-FX")
        .await
        .iter()
        .map(|m| m.0)
        .collect();
    let driver = members_of(app, "DL-GJZ-HQ-SD").await[0].0;
    for (event, member) in [
        (measured_event, couriers[0]),
        (measured_event, couriers[1]),
        (judged_event, couriers[2]),
        (judged_event, driver),
    ] {
        let response = organiser
            .post_form(
                &format!("{competition}/events/{event}/contestants"),
                &[("id", &member.to_string())],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let (qian, conflicted) = judge_account(app, "qiankun", "钱坤", "DL-GJZ-HQ-FX").await;
    let wu = judge_account(app, "wuhao", "吴昊", "DL").await;
    let zheng = judge_account(app, "zhengshuang", "郑爽", "DL").await;
    let sun = user_id(app, "judge").await;
    for event in [measured_event, judged_event] {
        for judge in [sun, qian, wu.0, zheng.0] {
            organiser
                .post_form(
                    &format!("{competition}/events/{event}/judges"),
                    &[("user_id", &judge.to_string())],
                )
                .await;
        }
    }
    for step in ["registration-closing", "start"] {
        organiser
            .post_form(&format!("{competition}/{step}"), &[])
            .await;
    }
    World {
        measured: (measured_event, item_of(app, measured_event).await),
        judged: (judged_event, item_of(app, judged_event).await),
        competition,
        couriers,
        driver,
        chief: app.signed_in("judge").await,
        conflicted,
        judges: vec![wu, zheng],
    }
}

#[tokio::test]
async fn a_measured_sheet_saves_all_or_nothing_locks_refuses_changes_and_unlocks_with_a_reason() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let item = w.measured.1;
    let sheet = format!("{}/items/{item}/marks", w.competition);
    let (first, second) = (
        contestant(&app, w.couriers[0]).await,
        contestant(&app, w.couriers[1]).await,
    );
    let (f, s) = (format!("m{first}"), format!("m{second}"));

    // One value above the maximum: nothing saved, both typed values kept, the wrong one named.
    let response = w
        .chief
        .post_form(&sheet, &[(&f, "88.5"), (&s, "101")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("value=\"88.5\"") && page.contains("value=\"101\""));
    assert!(page.contains("分数超过上限") && page.contains("全部未保存"));
    assert!(values(&app, item).await.is_empty());

    // Full-width digits as typed on a Chinese keyboard are marks too.
    let response = w
        .chief
        .post_form(&sheet, &[(&f, "88.5"), (&s, "９２")])
        .await;
    assert_eq!(location(&response), sheet);
    assert_eq!(
        values(&app, item).await,
        [(first, 0, 8850), (second, 0, 9200)]
    );
    assert_eq!(app.audit_count("mark_sheet", "save").await, 1);
    let (_, page) = w.chief.page(&sheet).await;
    assert!(page.contains("孙磊 · ") && page.contains("已有分数 2 / 2"));

    // 钱坤 sits at the couriers' union: he steps aside, and what he posts for them is ignored.
    let (_, page) = w.conflicted.page(&sheet).await;
    assert_eq!(page.matches("回避（由其他评委评分）").count(), 2);
    w.conflicted.post_form(&sheet, &[(&f, "10")]).await;
    assert_eq!(values(&app, item).await[0].2, 8850);
    // Staff read the sheet but enter nothing; a judge who is not chief cannot lock.
    let organiser = app.signed_in("organiser").await;
    assert_eq!(organiser.get(&sheet).await.status(), StatusCode::OK);
    assert_eq!(
        organiser.post_form(&sheet, &[(&f, "1")]).await.status(),
        StatusCode::FORBIDDEN
    );
    let lock = format!("{}/items/{item}/lock", w.competition);
    assert_eq!(
        w.judges[0].1.post_form(&lock, &[]).await.status(),
        StatusCode::FORBIDDEN
    );

    // Marking cannot finish with a sub-item unlocked.
    organiser
        .post_form(&format!("{}/marking-end", w.competition), &[])
        .await;
    let status: String =
        sqlx::query_scalar("select status from competitions where id = $1::bigint")
            .bind(w.competition.trim_start_matches("/competitions/"))
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(status, "in_progress");

    // The chief locks: the marks are kept, a change afterwards is refused.
    let response = w.chief.post_form(&lock, &[]).await;
    assert_eq!(location(&response), sheet);
    let kept: Vec<(i64, i32)> = sqlx::query_as(
        "select contestant_id, mark from item_marks where item_id = $1 order by contestant_id",
    )
    .bind(item)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(kept, [(first, 8850), (second, 9200)]);
    let response = w.chief.post_form(&sheet, &[(&f, "90")]).await;
    assert_eq!(location(&response), sheet);
    assert_eq!(
        values(&app, item).await[0].2,
        8850,
        "locked marks do not change"
    );

    // The unlock needs a reason, kept in the competition's history.
    let unlock = format!("{}/items/{item}/unlock", w.competition);
    let response = w.chief.post_form(&unlock, &[("reason", "")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("请填写解锁原因"));
    w.chief
        .post_form(&unlock, &[("reason", "A001 的理论试卷复核后加 1 分")])
        .await;
    w.chief.post_form(&sheet, &[(&f, "89.5"), (&s, "92")]).await;
    assert_eq!(values(&app, item).await[0].2, 8950);
    let (_, page) = organiser.page(&w.competition).await;
    assert!(
        page.contains("小项分数解锁") && page.contains("理论考试：A001 的理论试卷复核后加 1 分")
    );

    // Both sub-items locked (the judgement one from its scores), marking finishes.
    w.chief.post_form(&lock, &[]).await;
    let judged = w.judged.1;
    let judged_sheet = format!("{}/items/{judged}/marks", w.competition);
    let (courier, driver) = (
        contestant(&app, w.couriers[2]).await,
        contestant(&app, w.driver).await,
    );
    for browser in [&w.chief, &w.judges[0].1, &w.judges[1].1] {
        browser
            .post_form(
                &judged_sheet,
                &[(&format!("m{courier}"), "2"), (&format!("m{driver}"), "3")],
            )
            .await;
    }
    w.chief
        .post_form(&format!("{}/items/{judged}/lock", w.competition), &[])
        .await;
    organiser
        .post_form(&format!("{}/marking-end", w.competition), &[])
        .await;
    let status: String =
        sqlx::query_scalar("select status from competitions where id = $1::bigint")
            .bind(w.competition.trim_start_matches("/competitions/"))
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(status, "marking_finished");
}

#[tokio::test]
async fn judgement_scores_derive_the_mark_and_a_gap_too_wide_holds_the_lock_until_rescored() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let item = w.judged.1;
    let sheet = format!("{}/items/{item}/marks", w.competition);
    let lock = format!("{}/items/{item}/lock", w.competition);
    let (courier, driver) = (
        contestant(&app, w.couriers[2]).await,
        contestant(&app, w.driver).await,
    );
    let (c, d) = (format!("m{courier}"), format!("m{driver}"));

    // Above the scale of 3 is refused.
    let response = w.chief.post_form(&sheet, &[(&c, "4")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    w.chief.post_form(&sheet, &[(&c, "2"), (&d, "3")]).await;
    // Two judges so far: too few to lock.
    w.judges[0]
        .1
        .post_form(&sheet, &[(&c, "2"), (&d, "3")])
        .await;
    let response = w.chief.post_form(&lock, &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("2 名选手的评委打分不足 3 人")
    );

    // 郑爽 scores the driver 0: three points apart, more than the gap of 1.
    w.judges[1]
        .1
        .post_form(&sheet, &[(&c, "3"), (&d, "0")])
        .await;
    // 钱坤 steps aside for the courier and scores the driver only.
    w.conflicted
        .post_form(&sheet, &[(&c, "3"), (&d, "3")])
        .await;
    let scores = values(&app, item).await;
    assert_eq!(scores.iter().filter(|(k, ..)| *k == courier).count(), 3);
    assert_eq!(scores.iter().filter(|(k, ..)| *k == driver).count(), 4);
    let (_, page) = w.chief.page(&sheet).await;
    assert!(page.contains("分差超过 1，请合议后重新打分") && page.contains("3 / 3 / 3 / 0"));
    let response = w.chief.post_form(&lock, &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("1 名选手的评委分差过大")
    );

    // After discussion 郑爽 scores the driver 3 again; the lock keeps the derived marks:
    // the courier (2 + 2 + 3) / 3 of 3, of 100 points = 77.78; the driver 100.
    w.judges[1]
        .1
        .post_form(&sheet, &[(&c, "3"), (&d, "3")])
        .await;
    let response = w.chief.post_form(&lock, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let kept: Vec<(i64, i32)> = sqlx::query_as(
        "select contestant_id, mark from item_marks where item_id = $1 order by mark",
    )
    .bind(item)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(kept, [(courier, 7778), (driver, 10000)]);

    // Under anonymous marking a judge's sheet shows numbers, not names; staff still see both.
    sqlx::query("update competitions set anonymous_marking = true where id = $1::bigint")
        .bind(w.competition.trim_start_matches("/competitions/"))
        .execute(&app.db)
        .await
        .unwrap();
    let name: String = sqlx::query_scalar("select name from members where id = $1")
        .bind(w.driver)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (_, page) = w.judges[0].1.page(&sheet).await;
    assert!(page.contains("B002") && !page.contains(&name));
    let (_, page) = app.signed_in("organiser").await.page(&sheet).await;
    assert!(page.contains(&name));
    // A judge of another event sees none of this one.
    let (_, outsider) = judge_account(&app, "outsider", "冯远", "DL").await;
    assert_eq!(outsider.get(&sheet).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_final_is_fully_marked_published_and_the_livestock_contest_part_locked_with_a_gap_to_discuss()
 {
    let app = TestApp::spawn().await;
    let judge = app.signed_in("judge").await;
    let (competition, status): (i64, String) = sqlx::query_as(
        "select c.id, c.status from competitions c join competition_events e on e.competition_id = c.id
         where e.name = '水泥生产质量控制（团体）'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(status, "results_published");
    let locked: Vec<(i64, bool, i64)> = sqlx::query_as(
        "select i.id, i.locked_at is not null, (select count(*) from item_marks m where m.item_id = i.id)
         from event_items i join event_parts p on p.id = i.part_id
         join competition_events e on e.id = p.event_id where e.competition_id = $1 order by i.id",
    )
    .bind(competition)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(locked.len(), 4);
    assert!(
        locked.iter().all(|(_, l, marks)| *l && *marks == 44),
        "{locked:?}"
    );
    let (_, page) = judge
        .page(&format!(
            "/competitions/{competition}/items/{}/marks",
            locked[3].0
        ))
        .await;
    assert!(page.contains("已锁定") && page.contains("已有分数 44 / 44"));

    let items: Vec<(i64, bool)> = sqlx::query_as(
        "select i.id, i.locked_at is not null from event_items i
         join event_parts p on p.id = i.part_id join competition_events e on e.id = p.event_id
         where e.name = '动物疫病防治员' order by p.position, p.id, i.position, i.id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let locks: Vec<bool> = items.iter().map(|(_, l)| *l).collect();
    assert_eq!(locks, [true, false, true, false]);
    let livestock: i64 = sqlx::query_scalar(
        "select competition_id from competition_events where name = '动物疫病防治员'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (_, page) = judge
        .page(&format!(
            "/competitions/{livestock}/items/{}/marks",
            items[1].0
        ))
        .await;
    assert_eq!(page.matches("请合议后重新打分").count(), 1);
    assert!(
        page.contains("已有分数 299 / 414"),
        "one line waits for its judges"
    );
}
