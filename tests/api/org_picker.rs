//! One way to name an organisation in every form: its code, its full name, or part of its name,
//! with the matches offered to pick from when there are several.

use reqwest::StatusCode;

use crate::helpers::{TestApp, id_number, location};

/// The members a list page shows, by id.
fn member_numbers(page: &str) -> Vec<&str> {
    let mut numbers: Vec<&str> = page
        .split(r#"card-title"><a href="/members/"#)
        .skip(1)
        .filter_map(|row| row.split('"').next())
        .collect();
    numbers.sort_unstable();
    numbers
}

#[tokio::test]
async fn part_of_a_name_finds_the_only_union_that_has_it() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let (_, by_code) = staff.page("/members?org=DL-GJZ-HQ").await;
    let (status, by_part) = staff
        .page("/members?org=%E7%BA%A2%E6%97%97%E8%A1%97%E9%81%93") // 红旗街道
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!by_part.contains("field-error"), "{by_part}");
    assert!(!member_numbers(&by_code).is_empty());
    assert_eq!(member_numbers(&by_part), member_numbers(&by_code));

    // "大连" is in three unions' names: they are offered, and the one picked filters.
    let (_, several) = staff.page("/members?org=%E5%A4%A7%E8%BF%9E").await;
    assert!(several.contains("有多个组织符合"));
    for code in ["DL-GJZ-HQ-SD", "DL-GJZ-HQ-FX", "DL-GJZ-YQ-HX"] {
        assert!(
            several.contains(&format!(r#"name="org_choice" value="{code}""#)),
            "{code}"
        );
    }
    assert!(
        member_numbers(&several).is_empty(),
        "an unclear filter shows no one"
    );
    let (_, picked) = staff
        .page("/members?org=%E5%A4%A7%E8%BF%9E&org_choice=DL-GJZ-HQ-FX")
        .await;
    let (_, fx) = staff.page("/members?org=DL-GJZ-HQ-FX").await;
    assert!(!picked.contains("field-error"));
    assert_eq!(member_numbers(&picked), member_numbers(&fx));

    // Another district's union is not found, whatever is typed.
    let (_, outside) = staff.page("/members?org=%E9%87%91%E5%B7%9E").await; // 金州
    assert!(outside.contains("在您的管辖范围内没有名称或编码含这些字的组织"));
}

#[tokio::test]
async fn a_new_member_goes_to_the_union_picked_among_those_that_match() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let id = id_number("19890909", 909);
    let fields = |org: &'static str, choice: &'static str| {
        let id = id.clone();
        move || {
            vec![
                ("organisation_code", org.to_string()),
                ("organisation_code_choice", choice.to_string()),
                ("name", "欧阳娜娜".to_string()),
                ("id_number", id.clone()),
                ("phone", "13941119090".to_string()),
                ("occupation", "courier".to_string()),
                ("join_date", "2026-11-20".to_string()),
                ("join_channel", "staff".to_string()),
            ]
        }
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let staff = staff.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            staff.post_form("/members", &pairs).await
        }
    };
    let unclear = send(fields("有限公司", "")()).await;
    assert_eq!(unclear.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = unclear.text().await.unwrap();
    assert!(page.contains(r#"name="organisation_code_choice" value="DL-GJZ-YQ-HX""#));
    assert!(page.contains("欧阳娜娜"), "what was typed is kept");

    let picked = send(fields("有限公司", "DL-GJZ-YQ-HX")()).await;
    assert_eq!(picked.status(), StatusCode::SEE_OTHER);
    let (_, member) = staff.page(&location(&picked)).await;
    assert!(member.contains("大连华兴装备制造有限公司工会"));

    // A unique part of a name is enough.
    let second = id_number("19890909", 910);
    let pairs = [
        ("organisation_code", "飞翔"),
        ("name", "司马"),
        ("id_number", second.as_str()),
        ("phone", "13941119091"),
        ("occupation", "courier"),
        ("join_date", "2026-11-20"),
        ("join_channel", "staff"),
    ];
    let found = staff.post_form("/members", &pairs).await;
    assert_eq!(found.status(), StatusCode::SEE_OTHER);
    assert!(
        staff
            .page(&location(&found))
            .await
            .1
            .contains("大连飞翔快递服务有限公司工会")
    );
}
