//! Judges assigned to sub-items through HTTP: a judge given some sub-items of their event sees and
//! marks only those (the others answer 404), a judge given none marks every one, and the chief
//! judge marks every sub-item whatever is asked.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};
use crate::marks::judge_account;
use crate::registration::{event_id, members_of, open_competition};

#[tokio::test]
async fn a_judge_assigned_to_one_sub_item_sees_and_marks_that_one_only() {
    let app = TestApp::spawn().await;
    let organiser = app.signed_in("organiser").await;
    let (competition, _) = open_competition(&app, &organiser, "").await;
    organiser
        .post_form(
            &format!("{competition}/events"),
            &[("name", "快递包装"), ("team_size", "")],
        )
        .await;
    let event = event_id(&app, &competition, "快递包装").await;
    let event_page = format!("{competition}/events/{event}");
    organiser
        .post_form(
            &format!("{event_page}/parts"),
            &[
                ("name", "实操"),
                ("kind", "practical"),
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
    let mut items = Vec::new();
    for name in ["包装质量", "包装速度"] {
        let fields = [
            ("part_id", part.to_string()),
            ("name", name.to_string()),
            ("max_mark", "100".to_string()),
            ("weight", "50".to_string()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = organiser
            .post_form(&format!("{event_page}/items"), &fields)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let id: i64 =
            sqlx::query_scalar("select id from event_items where part_id = $1 and name = $2")
                .bind(part)
                .bind(name)
                .fetch_one(&app.db)
                .await
                .unwrap();
        items.push(id);
    }
    let courier = members_of(&app, "DL-GJZ-HQ-FX").await[0].0.to_string();
    organiser
        .post_form(&format!("{event_page}/contestants"), &[("id", &courier)])
        .await;
    let chief: i64 = sqlx::query_scalar("select id from users where username = 'judge'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (wu, wu_browser) = judge_account(&app, "wuhao", "吴昊", "DL").await;
    let (zheng, zheng_browser) = judge_account(&app, "zhengshuang", "郑爽", "DL").await;
    for judge in [chief, wu, zheng] {
        let judge = judge.to_string();
        organiser
            .post_form(&format!("{event_page}/judges"), &[("user_id", &judge)])
            .await;
    }

    // 郑爽 is given 包装速度 alone; the panel says so.
    let assign = format!("{event_page}/judges/{zheng}/items");
    let response = organiser
        .post_form(&assign, &[("item", &items[1].to_string())])
        .await;
    assert_eq!(location(&response), format!("{event_page}#judges"));
    let (_, page) = organiser.page(&event_page).await;
    let row = &page[page.find("郑爽").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("包装速度") && !row[..row.find("<details>").unwrap()].contains("包装质量")
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where entity = 'event_judge' and action = 'assign_items'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // The chief marks every sub-item: an assignment of the chief is refused.
    let response = organiser
        .post_form(
            &format!("{event_page}/judges/{chief}/items"),
            &[("item", &items[1].to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    for step in ["registration-closing", "start"] {
        organiser
            .post_form(&format!("{competition}/{step}"), &[])
            .await;
    }
    let sheet = |item: i64| format!("{competition}/items/{item}/marks");
    let (_, page) = zheng_browser.page(&event_page).await;
    assert!(page.contains(&sheet(items[1])) && !page.contains(&sheet(items[0])));
    assert_eq!(zheng_browser.page(&sheet(items[1])).await.0, StatusCode::OK);
    assert_eq!(
        zheng_browser.page(&sheet(items[0])).await.0,
        StatusCode::NOT_FOUND
    );
    let contestant: i64 = sqlx::query_scalar("select id from contestants where event_id = $1")
        .bind(event)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let value = [(format!("m{contestant}"), "80".to_string())];
    let value: Vec<(&str, &str)> = value
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = zheng_browser.post_form(&sheet(items[0]), &value).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = zheng_browser.post_form(&sheet(items[1]), &value).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let marked: Vec<i64> = sqlx::query_scalar("select item_id from marks where entered_by = $1")
        .bind(zheng)
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(marked, [items[1]]);

    // 吴昊, given nothing, marks both.
    for item in &items {
        assert_eq!(wu_browser.page(&sheet(*item)).await.0, StatusCode::OK);
    }
    // Every sub-item ticked is the same as none: 郑爽 marks both again.
    let both = [
        ("item", items[0].to_string()),
        ("item", items[1].to_string()),
    ];
    let both: Vec<(&str, &str)> = both.iter().map(|(k, v)| (*k, v.as_str())).collect();
    organiser.post_form(&assign, &both).await;
    let stored: Vec<i64> = sqlx::query_scalar(
        "select unnest(items) from event_judges where event_id = $1 and user_id = $2",
    )
    .bind(event)
    .bind(zheng)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(stored.is_empty());
    assert_eq!(zheng_browser.page(&sheet(items[0])).await.0, StatusCode::OK);
}
