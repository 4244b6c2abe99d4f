//! The case list at length: 1,200 cases of 甘井子区 are put in the database as a year's intake
//! would leave them (set up in SQL: taking in 1,200 cases through the form would test nothing
//! more), then the list is read as a mediator reads it: the count from the tallies, a list
//! narrowed past the count's cap, the pages, and the search by part of a name, a case number
//! and an employer.

use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_long_list_is_counted_paged_and_searched() {
    let app = TestApp::spawn().await;
    let mediator = app.signed_in("mediator").await;
    let me: i64 = sqlx::query_scalar("select id from users where username = 'mediator'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    // 1,200 cases of the mediator's district with names of one to three characters; every
    // fourth still mediating, past its last day.
    sqlx::query(
        "insert into dispute_cases (organisation_id, number, year, sequence, channel, kind,
             member_id, worker_name, employer_id, facts, claimed, worker_claimed, received_on,
             status, mediator_id, accepted_on, due_on, agreed, closed_on)
         select o.id, '甘劳调〔2024〕' || (5000 + n) || '号', 2024, 5000 + n, 'hotline',
                'wage_arrears', m.id,
                (array['欧阳娜娜', '司马光', '王伟', '李'])[n % 4 + 1],
                e.id, '职工反映公司拖欠工资。', 100000, 100000, date '2024-01-01' + n % 300,
                case when n % 4 = 0 then 'mediating' else 'mediated' end, $1,
                date '2024-01-01' + n % 300, date '2024-01-16' + n % 300,
                case when n % 4 = 0 then null else 80000 end,
                case when n % 4 = 0 then null else date '2024-01-10' + n % 300 end
         from generate_series(1, 1200) as n,
              (select id from organisations where code = 'DL-GJZ') as o,
              (select id from members order by id limit 1) as m,
              (select id from employers where credit_code = '91210211MA10J6T8HX') as e",
    )
    .bind(me)
    .execute(&app.db)
    .await
    .unwrap();

    // The whole list is counted exactly (from the tallies), and agrees with the cases.
    let in_scope: i64 = sqlx::query_scalar(
        "select count(*) from dispute_cases c join organisations o on o.id = c.organisation_id
         where o.path <@ (select path from organisations where code = 'DL-GJZ')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(in_scope > 1_200);
    let (status, list) = mediator.page("/disputes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(&format!("共 {in_scope} 件")), "exact count");
    let pages = (in_scope + 49) / 50;
    assert!(list.contains(&format!("第 1 / {pages} 页")));
    let (_, mediating) = mediator.page("/disputes?status=mediating").await;
    let mediating_count: i64 = sqlx::query_scalar(
        "select count(*) from dispute_cases c join organisations o on o.id = c.organisation_id
         where c.status = 'mediating'
           and o.path <@ (select path from organisations where code = 'DL-GJZ')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(mediating.contains(&format!("共 {mediating_count} 件")));

    // Narrowed by mediator past the cap: "1000+", pages by next and previous.
    let (_, mine) = mediator.page(&format!("/disputes?mediator={me}")).await;
    assert!(mine.contains("共 1000+ 件"), "capped count");
    assert!(mine.contains("rel=\"next\"") && !mine.contains("第 1 /"));
    let (_, second) = mediator
        .page(&format!("/disputes?mediator={me}&page=2"))
        .await;
    assert!(second.contains("rel=\"prev\"") && second.contains("甘劳调〔2024〕"));

    // The overdue list: the most overdue first (the earliest last day).
    let (_, overdue) = mediator.page("/disputes?overdue=1&mine=1").await;
    let first = overdue
        .find("甘劳调〔2024〕5004号")
        .expect("the oldest overdue case");
    let later = overdue.find("甘劳调〔2024〕5008号").expect("a later one");
    assert!(first < later, "most overdue first");
    let overdue_count: i64 = sqlx::query_scalar(
        "select count(*) from dispute_cases where mediator_id = $1 and status = 'mediating'
           and due_on < (now() at time zone 'Asia/Shanghai')::date",
    )
    .bind(me)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(overdue_count >= 300);
    assert!(
        overdue.contains(&format!("共 {overdue_count} 件")),
        "counted below the cap"
    );

    // Searches: two characters inside a four-character name, one character, three characters,
    // a case number, an employer's name.
    for (q, expect, absent) in [
        ("阳娜", "欧阳娜娜", "司马光"),
        ("司马光", "司马光", "欧阳娜娜"),
        ("伟", "王伟", "司马光"),
        ("〔2024〕5005号", "司马光", "欧阳娜娜"),
    ] {
        let (status, found) = mediator.page(&format!("/disputes?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert!(found.contains(expect) && !found.contains(absent), "{q}");
    }
    let (_, one) = mediator.page("/disputes?q=〔2024〕5005号").await;
    assert!(one.contains("共 1 件"));
    let (_, by_employer) = mediator.page("/disputes?q=飞鹰快递").await;
    assert!(by_employer.contains("共 200+ 件"), "a search counts to 200");
    // One character: the newest page of its matches, "more than" past it, and the next page.
    let (_, surname) = mediator.page("/disputes?q=王").await;
    assert!(surname.contains("共 50+ 件") && surname.contains("rel=\"next\""));
    let (_, next) = mediator.page("/disputes?q=王&page=2").await;
    assert!(next.contains("rel=\"prev\"") && next.contains("王"));
    let (_, nothing) = mediator.page("/disputes?q=诸葛").await;
    assert!(nothing.contains("共 0 件"));
}
