//! Dispute statistics on a small known set: three cases of 甘井子区 taken in in January 2025 (the
//! demo's start later), one mediated and partly paid, one referred, one still open; the figures,
//! the breakdowns, their drill-down to the cases, the .xlsx; the city's contracts in force.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, id_number, location};

/// Takes in a case on `received` and returns its page's path.
async fn case(mediator: &Browser, kind: &str, claimed: &str, received: &str) -> String {
    let id_no = id_number("19900101", 517);
    let response = mediator
        .post_form(
            "/disputes",
            &[
                ("channel", "hotline"),
                ("kind", kind),
                ("member", ""),
                ("worker_name", "闫"),
                ("worker_id_number", id_no.as_str()),
                ("worker_phone", "13904112233"),
                ("employer", "91210211MA10J6T8HX"),
                ("facts", "职工反映公司拖欠工资。"),
                ("claimed", claimed),
                ("received_on", received),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{kind} {received}"
    );
    location(&response)
}

async fn step(mediator: &Browser, path: String, fields: &[(&str, &str)]) {
    let response = mediator.post_form(&path, fields).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{path} {fields:?}"
    );
}

#[tokio::test]
async fn statistics_add_up_a_known_month_and_lead_to_its_cases() {
    let app = TestApp::spawn().await;
    let mediator = app.signed_in("mediator").await;
    let me: i64 = sqlx::query_scalar("select id from users where username = 'mediator'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let me = me.to_string();

    // Mediated in two rounds within six days; 8,000 agreed, 5,000 paid.
    let a = case(&mediator, "wage_arrears", "1万", "2025-01-06").await;
    step(
        &mediator,
        format!("{a}/acceptance"),
        &[("accepted_on", "2025-01-06"), ("mediator_id", &me)],
    )
    .await;
    for held in ["2025-01-08", "2025-01-10"] {
        step(
            &mediator,
            format!("{a}/rounds"),
            &[("held_on", held), ("worker_side", "本人")],
        )
        .await;
    }
    step(
        &mediator,
        format!("{a}/closure"),
        &[
            ("outcome", "mediated"),
            ("closed_on", "2025-01-12"),
            ("agreed", "8000"),
        ],
    )
    .await;
    step(
        &mediator,
        format!("{a}/instalments"),
        &[("day", "2025-01-20"), ("amount", "8000")],
    )
    .await;
    step(
        &mediator,
        format!("{a}/payments"),
        &[("day", "2025-01-18"), ("amount", "5000")],
    )
    .await;
    // Referred to arbitration after one round, five days after intake.
    let b = case(&mediator, "social_insurance", "3000", "2025-01-15").await;
    step(
        &mediator,
        format!("{b}/acceptance"),
        &[("accepted_on", "2025-01-15"), ("mediator_id", &me)],
    )
    .await;
    step(
        &mediator,
        format!("{b}/rounds"),
        &[("held_on", "2025-01-16"), ("worker_side", "本人")],
    )
    .await;
    step(
        &mediator,
        format!("{b}/closure"),
        &[
            ("outcome", "referred"),
            ("closed_on", "2025-01-20"),
            ("note", "转劳动仲裁"),
        ],
    )
    .await;
    // Still open.
    case(&mediator, "wage_arrears", "2000", "2025-01-30").await;

    let period = "from=2025-01-01&to=2025-01-31";
    let (status, page) = mediator
        .page(&format!("/disputes/statistics?{period}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for figure in [
        ">3</a>",
        "50.0%",
        "1.50万元",
        "0.80万元",
        "0.50万元",
        ">1.5<",
        ">5.5<",
        "拖欠工资",
        "2025-01",
    ] {
        assert!(page.contains(figure), "{figure}");
    }
    assert!(page.contains("¥15,000.00") && page.contains("¥5,000.00"));
    assert!(
        page.contains("<svg") && page.contains("<desc"),
        "charts with a text alternative"
    );
    // A bar leads to its cases: the two wage cases of the month.
    let wage = "/disputes?kind=wage_arrears&from=2025-01-01&to=2025-01-31";
    let links = page.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        links.contains(&format!("href=\"{wage}\"")),
        "drill-down by kind"
    );
    let (_, list) = mediator.page(wage).await;
    assert!(list.contains("共 2 件"));
    let (_, month) = mediator
        .page("/disputes?from=2025-01-01&to=2025-01-31")
        .await;
    assert!(month.contains("共 3 件"));

    // The list narrowed by employer and by mediator: the open case has no mediator yet.
    let employer: i64 =
        sqlx::query_scalar("select id from employers where credit_code = '91210211MA10J6T8HX'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let (_, by_employer) = mediator
        .page(&format!("/disputes?employer={employer}&{period}"))
        .await;
    assert!(
        by_employer.contains("共 3 件")
            && by_employer.contains("用人单位：大连飞鹰快递服务有限公司")
    );
    let (_, by_mediator) = mediator
        .page(&format!("/disputes?mediator={me}&{period}"))
        .await;
    assert!(by_mediator.contains("共 2 件"));

    // A period from inside January to inside February: January's days from the 10th are read
    // from the cases themselves, the whole months from the tallies. Two cases, 5,000 claimed.
    let (_, part) = mediator
        .page("/disputes/statistics?from=2025-01-10&to=2025-02-14")
        .await;
    assert!(part.contains(">2</a>") && part.contains("0.50万元") && !part.contains("1.50万元"));

    // The tallies the statistics read agree with the cases, after every step above.
    let drift: i64 = sqlx::query_scalar(
        "with tallied as (
             select organisation_id, month, kind, status, cases, closed, mediated, claimed,
                    agreed, recovered, rounds_closed, days_closed
             from dispute_case_tallies where cases > 0
         ), counted as (
             select organisation_id, date_trunc('month', received_on)::date, kind, status,
                    count(*), count(closed_on), count(*) filter (where status = 'mediated'),
                    sum(claimed)::bigint,
                    coalesce(sum(agreed) filter (where status = 'mediated'), 0)::bigint,
                    sum(recovered)::bigint,
                    coalesce(sum(rounds) filter (where closed_on is not null), 0)::bigint,
                    coalesce(sum(closed_on - received_on), 0)::bigint
             from dispute_cases group by 1, 2, 3, 4
         )
         select count(*) from ((table tallied except table counted)
                               union all (table counted except table tallied)) as differing",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(drift, 0, "tallies agree with the cases");

    // A date that is not one is said beside its field.
    let (_, bad) = mediator.page("/disputes/statistics?from=2025-13-01").await;
    assert!(bad.contains("日期格式不对"));

    // The workbook.
    let response = mediator
        .get(&format!("/disputes/statistics.xlsx?{period}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an .xlsx (zip) file");

    // The city sees the demo's contracts in force: 37 covering 141 enterprises, 13,126 workers.
    let admin = app.signed_in("admin").await;
    let (_, city) = admin.page("/disputes/statistics").await;
    for figure in [">37<", ">141<", ">13126<"] {
        assert!(city.contains(figure), "{figure}");
    }
    // Reviewers and managers do not see dispute figures.
    let manager = app.signed_in("manager").await;
    let (status, _) = manager.page("/disputes/statistics").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
