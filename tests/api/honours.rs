//! The use of results through HTTP: winners recommended for honours and skill promotion, the
//! checks of the form, each step from proposed to granted or declined, and what was granted on
//! the member's record (a promotion raising the member's skill level).

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

async fn final_competition(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "select competition_id from competition_events where name = '水泥生产质量控制（团体）'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_winner_is_recommended_submitted_and_granted_and_the_honour_stands_on_their_record() {
    let app = TestApp::spawn().await;
    let competition = final_competition(&app).await;
    let organiser = app.signed_in("organiser").await;
    let list = format!("/competitions/{competition}/recommendations");
    // The demo's recommendations, at every stage.
    let (status, page) = organiser.page(&list).await;
    assert_eq!(status, StatusCode::OK);
    for stage in ["拟推荐", "已报送", "已授予", "未获批"] {
        assert!(page.contains(stage), "{stage}");
    }
    // A winner of the final nobody has recommended yet, with no skill level recorded above senior.
    let (contestant, member, name): (i64, i64, String) = sqlx::query_as(
        "select k.id, k.member_id, m.name from contestants k join members m on m.id = k.member_id
         join results r on r.contestant_id = k.id
         where k.competition_id = $1 and r.award is not null
           and (m.skill_level is null or m.skill_level in ('junior', 'intermediate', 'senior'))
           and not exists (select 1 from recommendations x where x.contestant_id = k.id)
         order by r.rank limit 1",
    )
    .bind(competition)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let loser: i64 = sqlx::query_scalar(
        "select k.id from contestants k join results r on r.contestant_id = k.id
         where k.competition_id = $1 and r.award is null limit 1",
    )
    .bind(competition)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let before: i64 = sqlx::query_scalar("select count(*) from recommendations")
        .fetch_one(&app.db)
        .await
        .unwrap();

    // The form's problems, beside their fields, with the choices kept.
    let id = contestant.to_string();
    let response = organiser
        .post_form(
            &list,
            &[("contestant_id", &id), ("kind", "skill_promotion")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("请选择晋升后的技能等级"));
    assert!(page.contains(&format!("value=\"{contestant}\" selected")));
    let response = organiser
        .post_form(
            &list,
            &[
                ("contestant_id", &id),
                ("kind", "skill_promotion"),
                ("skill_level", "junior"),
            ],
        )
        .await;
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("须高于选手现有等级")
    );
    let response = organiser
        .post_form(
            &list,
            &[
                ("contestant_id", &loser.to_string()),
                ("kind", "may_day_medal"),
            ],
        )
        .await;
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("请选择本竞赛的一名获奖选手")
    );
    let after: i64 = sqlx::query_scalar("select count(*) from recommendations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(after, before, "a refused form adds nothing");

    // Recommended twice: the second is refused.
    for kind in ["may_day_medal", "skill_promotion"] {
        let response = organiser
            .post_form(
                &list,
                &[
                    ("contestant_id", &id),
                    ("kind", kind),
                    ("skill_level", "senior_technician"),
                ],
            )
            .await;
        assert_eq!(location(&response), list);
    }
    let response = organiser
        .post_form(&list, &[("contestant_id", &id), ("kind", "may_day_medal")])
        .await;
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("已被推荐过这一事项")
    );
    let rows: Vec<(i64, String)> =
        sqlx::query_as("select id, kind from recommendations where contestant_id = $1 order by id")
            .bind(contestant)
            .fetch_all(&app.db)
            .await
            .unwrap();
    let (medal, promotion) = (rows[0].0, rows[1].0);

    // Granted only once submitted; submitting names the granting body.
    let step = |id: i64, name: &str| format!("{list}/{id}/{name}");
    organiser.post_form(&step(medal, "grant"), &[]).await;
    let response = organiser
        .post_form(&step(medal, "submission"), &[("granting_body", " ")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("请填写授予机关"));
    for (id, body) in [
        (medal, "中华全国总工会"),
        (promotion, "大连市人力资源和社会保障局"),
    ] {
        organiser
            .post_form(&step(id, "submission"), &[("granting_body", body)])
            .await;
        organiser.post_form(&step(id, "grant"), &[]).await;
    }
    let response = organiser.post_form(&step(medal, "grant"), &[]).await;
    assert_eq!(location(&response), list, "a second grant is refused");
    let statuses: Vec<String> = sqlx::query_scalar(
        "select status from recommendations where contestant_id = $1 order by id",
    )
    .bind(contestant)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(statuses, ["granted", "granted"]);
    let grants: i64 = sqlx::query_scalar(
        "select count(*) from timeline where entity = 'recommendation' and entity_id = $1
         and step = 'recommendation_granted'",
    )
    .bind(medal)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(grants, 1);

    // The member's record: the medal with its competition, the new level, the certificates.
    let level: Option<String> = sqlx::query_scalar("select skill_level from members where id = $1")
        .bind(member)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(level.as_deref(), Some("senior_technician"));
    let (_, page) = organiser.page(&format!("/members/{member}")).await;
    assert!(
        page.contains(&name) && page.contains("五一劳动奖章") && page.contains("中华全国总工会")
    );
    assert!(page.contains("技能晋升直通车 → 高级技师") && page.contains("荣誉证书"));
    assert!(page.contains("全国建材行业职业技能竞赛决赛"));

    // Declining needs a reason; a decision is final.
    let declined = rows[0].0;
    let response = organiser
        .post_form(&step(declined, "decline"), &[("reason", "再议")])
        .await;
    assert_eq!(location(&response), list);
    let status: String = sqlx::query_scalar("select status from recommendations where id = $1")
        .bind(declined)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "granted");
    let (_, page) = app.signed_in("staff").await.page(&list).await;
    assert!(
        !page.contains("五一劳动奖章"),
        "staff of 甘井子区 see nothing of the city's"
    );
}
