//! Registration from a file through HTTP: an office's list (GBK CSV under a title, .xlsx) matched to
//! members by ID number or member number, every problem named by line, nobody registered while one
//! remains, and the confirmation registering every line at once (teams with their leaders).

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::helpers::{Browser, TestApp, id_number, location};
use crate::registration::{members_of, open_competition};

async fn upload(
    browser: &Browser,
    event_page: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let token = browser.csrf_token().await;
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    let url = browser.url(&format!("{event_page}/contestants/file?csrf_token={token}"));
    browser
        .client
        .post(url)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn gbk(lines: &[String]) -> Vec<u8> {
    encoding_rs::GBK.encode(&lines.join("\r\n")).0.into_owned()
}

/// The lines the preview's confirmation carries.
fn entries(page: &str) -> Vec<(&'static str, String)> {
    page.split("name=\"entry\" value=\"")
        .skip(1)
        .map(|rest| ("entry", rest[..rest.find('"').unwrap()].to_string()))
        .collect()
}

async fn registered(app: &TestApp, event: i64) -> Vec<(String, String, Option<String>, bool)> {
    sqlx::query_as(
        "select k.number, m.name, t.name, k.leader from contestants k
         join members m on m.id = k.member_id left join event_teams t on t.id = k.team_id
         where k.event_id = $1 and k.status = 'registered' order by k.seq",
    )
    .bind(event)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_gbk_file_names_every_problem_by_line_registers_nobody_then_registers_every_line() {
    let app = TestApp::spawn().await;
    let organiser = app.signed_in("organiser").await;
    let (competition, event) = open_competition(&app, &organiser, "").await;
    let event_page = format!("{competition}/events/{event}");
    let rules = [("occupation", "courier"), ("one_event_only", "on")];
    organiser
        .post_form(&format!("{event_page}/rules"), &rules)
        .await;

    // A courier of one character, known by ID number.
    let id = id_number("19900301", 61);
    let member = [
        ("organisation_code", "DL-GJZ-HQ-FX"),
        ("name", "车"),
        ("id_number", id.as_str()),
        ("phone", "13904110061"),
        ("employer", "顺丰速运大连分公司"),
        ("occupation", "courier"),
        ("join_date", "2026-11-03"),
        ("join_channel", "staff"),
    ];
    let response = organiser.post_form("/members", &member).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let couriers = members_of(&app, "DL-GJZ-HQ-FX").await;
    let drivers = members_of(&app, "DL-GJZ-HQ-SD").await;
    let other = id_number("19900301", 62);
    let last = if other.ends_with('0') { '1' } else { '0' };
    let wrong_check_digit = format!("{}{last}", &other[..17]);
    let file = gbk(&[
        "红旗街道快递员技能竞赛报名表,,,".into(),
        "序号,选手姓名,身份证号码,会员编号".into(),
        format!("1,车,{},", id.to_lowercase()),
        format!("2,{},,{}", couriers[0].2, couriers[0].1),
        format!("3,王　错,,{}", couriers[1].1),
        format!("4,{},,{}", drivers[0].2, drivers[0].1),
        format!("5,{},,{}", couriers[0].2, couriers[0].1.to_lowercase()),
        "6,某人,,GH99999999".into(),
        format!("7,某人,{wrong_check_digit},"),
        "8,李四,,".into(),
    ]);
    let response = upload(&organiser, &event_page, "报名表.csv", file).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("有 6 行共 6 处问题，本次未报名任何人"),
        "{page}"
    );
    let line = |n: usize| {
        let start = page.find(&format!("<td>{n}</td>")).unwrap();
        page[start..start + page[start..].find("</tr>").unwrap()].to_string()
    };
    assert!(line(3).contains("符合条件") && line(3).contains("2102**********"));
    assert!(line(4).contains("符合条件"));
    assert!(line(5).contains(&format!("档案中为“{}”", couriers[1].2)));
    assert!(line(6).contains("职业不符合本赛项条件"));
    assert!(line(7).contains("首次在第 4 行"));
    assert!(line(8).contains("没有找到这名会员"));
    assert!(line(9).contains("校验位不对"));
    assert!(line(10).contains("请填写身份证号或会员号"));
    assert!(
        !page.contains("name=\"entry\""),
        "no confirmation while a problem remains"
    );
    assert!(registered(&app, event).await.is_empty());

    // The corrected file: a preview that registers nothing yet, then its confirmation.
    let file = gbk(&[
        "姓名,身份证号,会员号".into(),
        format!("车,{id},"),
        format!("{},,{}", couriers[0].2, couriers[0].1),
        format!("{},,{}", couriers[1].2, couriers[1].1),
    ]);
    let response = upload(&organiser, &event_page, "报名表.csv", file).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("确认为 3 人报名"));
    assert!(
        registered(&app, event).await.is_empty(),
        "a preview registers nobody"
    );
    let confirmation = format!("{event_page}/contestants/file/confirmation");
    let carried = entries(&page);
    let fields: Vec<(&str, &str)> = carried.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = organiser.post_form(&confirmation, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("{event_page}#contestants"));
    let names: Vec<(String, String)> = registered(&app, event)
        .await
        .into_iter()
        .map(|(number, name, ..)| (number, name))
        .collect();
    assert_eq!(
        names,
        [
            ("A001".to_string(), "车".to_string()),
            ("A002".to_string(), couriers[0].2.clone()),
            ("A003".to_string(), couriers[1].2.clone()),
        ],
        "numbered in the order of the file"
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where entity = 'contestant' and action = 'create'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 3);

    // The same confirmation again: everyone is already entered, nobody twice.
    let response = organiser.post_form(&confirmation, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = response.text().await.unwrap();
    assert!(again.contains("已报名本赛项"));
    assert!(
        again.contains(&format!("<td>{}</td>", couriers[0].1)),
        "the refused preview still shows each line's member number"
    );
    assert_eq!(registered(&app, event).await.len(), 3);

    // A file without a name column is said beside the file field.
    let response = upload(
        &organiser,
        &event_page,
        "x.csv",
        gbk(&["手机号".into(), "1".into()]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("文件缺少必填列：姓名")
    );

    // The template names the columns.
    let response = organiser
        .client
        .get(organiser.url(&format!("{event_page}/contestants/template.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.text().await.unwrap(),
        "\u{feff}姓名,身份证号,会员号\r\n"
    );
}

#[tokio::test]
async fn a_team_file_groups_lines_by_team_checks_each_size_and_marks_its_leader() {
    let app = TestApp::spawn().await;
    let organiser = app.signed_in("organiser").await;
    let (competition, event) = open_competition(&app, &organiser, "3").await;
    let event_page = format!("{competition}/events/{event}");
    let members = members_of(&app, "DL-GJZ-HQ-FX").await;
    let line = |m: usize, team: &str, leader: &str| {
        format!("{},{},{team},{leader}", members[m].2, members[m].1)
    };
    let head = "姓名,会员号,队名,队长".to_string();

    // A team of two and a team with two leaders: both named, nobody registered.
    let file = gbk(&[
        head.clone(),
        line(0, "飞鹰队", ""),
        line(1, "飞鹰队", "是"),
        line(2, "飞鹰队", "是"),
        line(3, "猎豹队", ""),
        line(4, "猎豹队", "否"),
    ]);
    let response = upload(&organiser, &event_page, "teams.csv", file).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("同一队标出了两名队长"));
    assert_eq!(
        page.matches("这支队伍在文件中有 2 人，每队须为 3 人")
            .count(),
        2
    );
    assert!(registered(&app, event).await.is_empty());

    // Corrected, as an .xlsx: 飞鹰队 led by its second line, 猎豹队 by its first (none marked).
    let rows = [
        ["姓名", "会员号", "队名", "队长"].map(String::from),
        [&members[0].2, &members[0].1, "飞鹰队", ""].map(String::from),
        [&members[1].2, &members[1].1, "飞鹰队", "√"].map(String::from),
        [&members[2].2, &members[2].1, "飞鹰队", ""].map(String::from),
        [&members[3].2, &members[3].1, "猎豹队", ""].map(String::from),
        [&members[4].2, &members[4].1, "猎豹队", ""].map(String::from),
        [&members[5].2, &members[5].1, "猎豹队", ""].map(String::from),
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    let response = upload(
        &organiser,
        &event_page,
        "teams.xlsx",
        book.save_to_buffer().unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("将报名 2 组"));
    let carried = entries(&page);
    let fields: Vec<(&str, &str)> = carried.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let confirmation = format!("{event_page}/contestants/file/confirmation");
    let response = organiser.post_form(&confirmation, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let teams: Vec<(String, Option<String>, bool)> = registered(&app, event)
        .await
        .into_iter()
        .map(|(_, name, team, leader)| (name, team, leader))
        .collect();
    assert_eq!(teams.len(), 6);
    let leaders: Vec<(&str, &str)> = teams
        .iter()
        .filter(|(.., leader)| *leader)
        .map(|(name, team, _)| (name.as_str(), team.as_deref().unwrap()))
        .collect();
    assert_eq!(
        leaders,
        [
            (members[1].2.as_str(), "飞鹰队"),
            (members[3].2.as_str(), "猎豹队")
        ]
    );

    // A confirmation altered by hand is refused whole.
    let response = organiser
        .post_form(&confirmation, &[("entry", "2|not-a-member|0|x")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("{event_page}#from-file"));
    assert_eq!(registered(&app, event).await.len(), 6);
}
