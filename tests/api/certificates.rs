//! E-certificates through HTTP: issued to every member of a winning team, printed with their
//! serial and QR code, verified in public (masked name) however the serial is typed, and revoked
//! with a reason that is audited, after which the public page says so.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn each_member_of_a_winning_team_gets_a_certificate_verified_in_public_until_revoked() {
    let app = TestApp::spawn().await;
    // The demo final: every team member holds one award certificate per award and one per pass.
    let (teams_awarded, teams_passed, awards, passes): (i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from results r join competition_events e on e.id = r.event_id
                 where e.name = '水泥生产质量控制（团体）' and r.award is not null),
                (select count(*) from results r join competition_events e on e.id = r.event_id
                 where e.name = '水泥生产质量控制（团体）' and r.passed),
                count(*) filter (where kind = 'award'), count(*) filter (where kind = 'pass')
         from certificates where event_name = '水泥生产质量控制（团体）'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(teams_awarded >= 25 && teams_passed > teams_awarded);
    assert_eq!((awards, passes), (teams_awarded * 3, teams_passed * 3));

    let (competition, event, id, serial, holder): (i64, i64, i64, String, String) = sqlx::query_as(
        "select competition_id, event_id, id, serial, holder_name from certificates
             where award = 'first' order by id limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let organiser = app.signed_in("organiser").await;
    let (status, list) = organiser
        .page(&format!(
            "/competitions/{competition}/events/{event}/certificates"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let grouped = format!(
        "{}-{}-{}-{}",
        &serial[..4],
        &serial[4..8],
        &serial[8..12],
        &serial[12..]
    );
    assert!(list.contains(&grouped) && list.contains(&holder));
    let certificate = format!("/competitions/{competition}/certificates/{id}");
    let (status, page) = organiser.page(&certificate).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("荣誉证书") && page.contains("一等奖") && page.contains(&holder));
    assert!(page.contains("<svg") && page.contains(&format!("/verify/{serial}")));

    // Anyone, signed in or not, checks it by the QR link or by the serial as typed.
    let public = app.browser();
    let (status, verified) = public.page(&format!("/verify/{serial}")).await;
    assert_eq!(status, StatusCode::OK);
    let masked: String = holder.chars().take(1).collect();
    assert!(verified.contains("此证书真实有效") && verified.contains(&format!("{masked}*")));
    assert!(!verified.contains(&holder), "the full name stays private");
    let typed = format!(" {} ", grouped.to_lowercase());
    let (_, verified) = public
        .page(&format!("/verify?serial={}", typed.replace(' ', "+")))
        .await;
    assert!(verified.contains("此证书真实有效"));
    let (_, forged) = public.page("/verify?serial=ABCD-EFGH-JKLM-NPQR").await;
    assert!(forged.contains("查无此证书编号") && !forged.contains("真实有效"));

    // Revoking needs a reason, said beside the field, and changes nothing without one.
    let revocation = format!("{certificate}/revocation");
    let response = organiser.post_form(&revocation, &[("reason", "  ")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("请填写撤销原因"));
    let response = organiser
        .post_form(&revocation, &[("reason", "参赛资格复核不合格")])
        .await;
    assert_eq!(location(&response), certificate);
    let (_, revoked) = public.page(&format!("/verify/{serial}")).await;
    assert!(revoked.contains("此证书已被撤销") && !revoked.contains("真实有效"));
    let (_, page) = organiser.page(&certificate).await;
    assert!(page.contains("参赛资格复核不合格") && !page.contains("撤销证书</button>"));
    assert_eq!(
        app.audit_count("competition", "certificate_revoked").await,
        1
    );
    let response = organiser
        .post_form(&revocation, &[("reason", "再次撤销")])
        .await;
    assert_eq!(location(&response), certificate);
    assert_eq!(
        app.audit_count("competition", "certificate_revoked").await,
        1
    );
    // Printing them all, fifty to a run: every valid one on its own page, the revoked one left out.
    let print = format!("/competitions/{competition}/events/{event}/certificates/print");
    let mut pages = 0;
    for batch in 1..=(awards + passes - 1 + 49) / 50 {
        let (status, printed) = organiser.page(&format!("{print}?batch={batch}")).await;
        assert_eq!(status, StatusCode::OK);
        let run = printed.matches("<article class=\"certificate\"").count() as i64;
        assert!(run <= 50);
        pages += run;
        assert!(!printed.contains(&format!("/verify/{serial}")));
    }
    assert_eq!(pages, awards + passes - 1);
    // Staff of 甘井子区 do not reach the city's certificates.
    let (status, _) = app.signed_in("staff").await.page(&certificate).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
