//! A collective dispute through HTTP: workers added to a case each with their own claim, the
//! case's claim their total; a worker is on a case once; bad input keeps what was typed; the
//! agreement names every worker; a closed case takes no one more.

use reqwest::StatusCode;

use crate::helpers::{TestApp, id_number, location};

#[tokio::test]
async fn a_collective_case_totals_its_workers_claims_and_takes_each_worker_once() {
    let app = TestApp::spawn().await;
    let mediator = app.signed_in("mediator").await;
    let today: time::Date = sqlx::query_scalar("select (now() at time zone 'Asia/Shanghai')::date")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let first_id = id_number("19880305", 311);
    let response = mediator
        .post_form(
            "/disputes",
            &[
                ("channel", "station"),
                ("kind", "wage_arrears"),
                ("worker_name", "鲁"),
                ("worker_id_number", &first_id),
                ("worker_phone", "13704115566"),
                ("employer", "91210211ma10j6t8hx"),
                ("facts", "三名分拣员反映公司拖欠两个月工资。"),
                ("claimed", "12,000"),
                ("received_on", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let case = location(&response);
    let workers = format!("{case}/workers");

    // A member of the mediator's subtree, by member number.
    let (member_no, member_name): (String, String) = sqlx::query_as(
        "select m.member_no, m.name from members m
         join organisations o on o.id = m.organisation_id
         join users u on u.username = 'mediator'
         join organisations uo on uo.id = u.organisation_id
         where o.path <@ uo.path order by m.id limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let response = mediator
        .post_form(&workers, &[("member", &member_no), ("claimed", "9800.50")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Bad input: no claim, a bad ID number; what was typed stays.
    let second_id = id_number("19950712", 624);
    let response = mediator
        .post_form(
            &workers,
            &[
                ("worker_name", "欧阳"),
                ("worker_id_number", "110101199507126241"),
                ("worker_phone", "13804117788"),
                ("claimed", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"value="欧阳""#) && page.contains(r#"value="13804117788""#));
    assert!(page.contains("请填写金额。"), "the claim is required");
    let outsider = [
        ("worker_name", "欧阳"),
        ("worker_id_number", second_id.as_str()),
        ("worker_phone", "13804117788"),
        ("claimed", "8,000"),
    ];
    let response = mediator.post_form(&workers, &outsider).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Each worker once: the same outsider, the member again, and the first worker, refused.
    for fields in [
        outsider.to_vec(),
        vec![("member", member_no.as_str()), ("claimed", "1")],
        vec![
            ("worker_name", "鲁"),
            ("worker_id_number", first_id.as_str()),
            ("worker_phone", "13704115566"),
            ("claimed", "1"),
        ],
    ] {
        let response = mediator.post_form(&workers, &fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("这位职工已在本案中")
        );
    }

    let (_, page) = mediator.page(&case).await;
    assert!(page.contains("涉及职工（3 人）") && page.contains("集体争议，3 名职工"));
    assert!(
        page.contains(&member_name) && page.contains("¥9,800.50") && page.contains("¥8,000.00")
    );
    assert!(
        page.contains("¥29,800.50"),
        "the total of 12,000 + 9,800.50 + 8,000"
    );
    assert!(
        !page.contains(&second_id) && page.contains(&second_id[14..]),
        "masked"
    );
    let total: i64 =
        sqlx::query_scalar("select claimed from dispute_cases where id = $1::text::bigint")
            .bind(case.trim_start_matches("/disputes/"))
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(total, 2_980_050);
    let (_, list) = mediator.page("/disputes?q=%E9%B2%81").await;
    assert!(list.contains("¥29,800.50"), "the list shows the total");

    // The full numbers of every outsider, audited once per view.
    let (_, page) = mediator.page(&format!("{case}/identity")).await;
    assert!(page.contains(&second_id) && page.contains(&first_id));

    // Closed by agreement: the agreement names each worker with their claim; no one is added now.
    let mediator_id: i64 = sqlx::query_scalar("select id from users where username = 'mediator'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let response = mediator
        .post_form(
            &format!("{case}/acceptance"),
            &[
                ("accepted_on", &today.to_string()),
                ("mediator_id", &mediator_id.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = mediator
        .post_form(
            &format!("{case}/closure"),
            &[
                ("outcome", "mediated"),
                ("closed_on", &today.to_string()),
                ("agreed", "29800.50"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, agreement) = mediator.page(&format!("{case}/agreement")).await;
    assert!(
        agreement.contains("鲁") && agreement.contains("欧阳") && agreement.contains(&member_name)
    );
    assert!(agreement.contains("诉求 ¥9,800.50"));
    let response = mediator
        .post_form(&workers, &[("member", "GH0"), ("claimed", "1")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "back to the case");
    let (_, page) = mediator.page(&case).await;
    assert!(page.contains("案件已经结案，不能再修改。") && page.contains("涉及职工（3 人）"));
    assert!(
        !page.contains(&format!(r#"action="{workers}""#)),
        "no form on a closed case"
    );
}
