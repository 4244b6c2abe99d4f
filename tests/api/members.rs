//! Member records: registering with validated, protected personal data; search; masking by role;
//! duplicates; transfers, lapses and reinstatements with their history.

use reqwest::StatusCode;

use crate::helpers::{TestApp, id_number, location};

pub(crate) fn member_fields<'a>(
    name: &'a str,
    id: &'a str,
    phone: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("organisation_code", "DL-GJZ-HQ-SD"),
        ("name", name),
        ("id_number", id),
        ("phone", phone),
        ("employer", "大连顺达物流有限公司"),
        ("occupation", "truck_driver"),
        ("skill_level", "senior"),
        ("join_date", "2026年11月3日"),
        ("join_channel", "staff"),
    ]
}

#[tokio::test]
async fn staff_register_a_member_whose_personal_data_is_stored_encrypted_and_shown_masked() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let id = id_number("19880512", 417);
    let response = staff
        .post_form("/members", &member_fields("车", &id, "139 4111 2233"))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    let page = location(&response);
    let (_, body) = staff.page(&page).await;
    assert!(body.contains("<h1>车 "), "a one-character name is a name");
    assert!(
        body.contains("2102**********") && !body.contains(&id),
        "ID masked"
    );
    assert!(
        body.contains("139****2233") && !body.contains("13941112233"),
        "phone masked"
    );
    assert!(
        body.contains("1988-05-12") && body.contains("男"),
        "birth date and gender read from the ID"
    );
    assert!(
        body.contains("2026-11-03"),
        "an office spelling of the date understood"
    );

    // At rest: no clear ID number or phone anywhere in the row.
    let row: (Vec<u8>, String) =
        sqlx::query_as("select id_number_cipher, member_no from members where name = '车'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(!String::from_utf8_lossy(&row.0).contains(&id[..10]));
    assert!(row.1.starts_with("GH2026"), "member number {}", row.1);
    let clear: i64 = sqlx::query_scalar(
        "select count(*) from members where id_number_masked = $1 or position($1 in employer) > 0",
    )
    .bind(&id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(clear, 0);
}

#[tokio::test]
async fn a_wrong_id_number_is_refused_beside_the_field_and_nothing_typed_is_lost() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from members")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    let before = count().await;
    let mut wrong = id_number("19880512", 417);
    wrong.replace_range(17..18, if wrong.ends_with('1') { "2" } else { "1" });
    let response = staff
        .post_form(
            "/members",
            &member_fields("欧阳娜娜", &wrong, "13941112233"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("身份证号校验位不对"));
    assert!(body.contains(r#"id="id_number-error""#) && body.contains(r#"aria-invalid="true""#));
    for kept in [
        r#"value="欧阳娜娜""#,
        &format!(r#"value="{wrong}""#),
        r#"value="13941112233""#,
        r#"value="2026年11月3日""#,
    ] {
        assert!(body.contains(kept), "kept: {kept}");
    }
    assert_eq!(count().await, before, "nothing saved");
}

#[tokio::test]
async fn one_id_number_is_one_member_and_the_refusal_links_to_the_existing_record() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let id = id_number("19900101", 555);
    staff
        .post_form("/members", &member_fields("张三", &id, "13941110001"))
        .await;
    let again = staff
        .post_form(
            "/members",
            &member_fields("张三丰", &id.to_lowercase(), "13941110002"),
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = again.text().await.unwrap();
    assert!(body.contains("该身份证号已登记为会员"));
    let existing: i64 = sqlx::query_scalar("select id from members where name = '张三'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        body.contains(&format!(r#"href="/members/{existing}""#)),
        "links to the existing member"
    );

    // Staff of another district learn it is taken but get no link into a record they may not see.
    sqlx::query("update users set organisation_id = (select id from organisations where code = 'DL-JZ') where username = 'applicant'")
        .execute(&app.db)
        .await
        .unwrap();
    let other = app.signed_in("applicant").await;
    let mut fields = member_fields("张三丰", &id, "13941110002");
    fields[0] = ("organisation_code", "DL-JZ-SQ");
    let body = other
        .post_form("/members", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("该身份证号已登记为会员") && !body.contains(&format!("/members/{existing}"))
    );
}

#[tokio::test]
async fn search_finds_members_by_part_of_a_chinese_name_phone_member_number_or_exact_id() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let id = id_number("19850612", 351);
    staff
        .post_form("/members", &member_fields("司马相如", &id, "13941119876"))
        .await;
    let no: String = sqlx::query_scalar("select member_no from members where name = '司马相如'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    for query in [
        "司马相如",
        "相如",
        "马相",
        "司",
        &id,
        "13941119876",
        &no.to_lowercase(),
    ] {
        let (_, body) = staff
            .page(&format!("/members?q={}", urlencode(query)))
            .await;
        assert!(body.contains("司马相如"), "found by {query}");
    }
    let (_, body) = staff
        .page(&format!("/members?q={}", urlencode("相司")))
        .await;
    assert!(
        !body.contains("司马相如"),
        "the two characters must stand together"
    );
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("q", text)]).unwrap()[2..].to_string()
}

#[tokio::test]
async fn the_list_filters_counts_by_occupation_and_stays_within_scope() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let (_, body) = admin.page("/members?occupation=truck_driver").await;
    assert!(body.contains("大连港湾物流车队") || body.contains("大连市货车司机工会"));
    assert!(!body.contains("饿了么"), "riders filtered out");

    let staff = app.signed_in("staff").await;
    let (_, body) = staff.page("/members").await;
    assert!(
        body.contains("大连顺达物流有限公司工会"),
        "the district's members"
    );
    assert!(
        !body.contains("大连市网约配送员工会") && !body.contains("金州区友谊社区工会"),
        "none from outside"
    );
    // 甘井子区 holds 6 truck drivers and 9 couriers in the demo.
    assert!(
        body.contains(r#"<span class="stat-value">15</span><span class="stat-label">会员合计"#),
        "{body}"
    );

    let outside: i64 = sqlx::query_scalar(
        "select min(m.id) from members m join organisations o on o.id = m.organisation_id where o.code = 'DL-JZ-SQ'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        staff.get(&format!("/members/{outside}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_staff_may_see_full_numbers_and_every_such_view_is_audited() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let id = id_number("19920303", 808);
    let created = staff
        .post_form("/members", &member_fields("林一", &id, "13941113344"))
        .await;
    let page = location(&created);
    let (status, body) = staff.page(&format!("{page}/identity")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&id) && body.contains("13941113344"));
    assert_eq!(app.audit_count("member", "reveal").await, 1);

    for name in ["manager", "reviewer", "auditor"] {
        let reader = app.signed_in(name).await;
        let (status, body) = reader.page(&page).await;
        assert_eq!(status, StatusCode::OK, "{name} reads the record");
        assert!(
            !body.contains(&id) && !body.contains("查看完整证件号"),
            "{name} sees it masked, with no reveal link"
        );
        assert_eq!(
            reader.get(&format!("{page}/identity")).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let audited: serde_json::Value = sqlx::query_scalar(
        "select after from audit_log where entity = 'member' and action = 'create'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        audited["id_number"],
        format!("2102**********{}", &id[14..]),
        "the trail holds the masked number"
    );
}

#[tokio::test]
async fn editing_keeps_the_protected_fields_unless_retyped() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let id = id_number("19920303", 809);
    let page = location(
        &staff
            .post_form("/members", &member_fields("林二", &id, "13941113345"))
            .await,
    );
    let (_, form) = staff.page(&format!("{page}/edit")).await;
    assert!(
        !form.contains(&id) && !form.contains("13941113345"),
        "the form never carries the clear numbers"
    );
    let mut fields = member_fields("林二妹", "", "");
    fields.retain(|(key, _)| *key != "organisation_code");
    let response = staff.post_form(&page, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = staff.page(&format!("{page}/identity")).await;
    assert!(body.contains("林二妹") && body.contains(&id) && body.contains("13941113345"));

    // The trail records the name change and nothing else: no phantom organisation change.
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select before, after from audit_log where entity = 'member' and action = 'update'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let changed: Vec<&String> = after
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, value)| before.get(key.as_str()) != Some(value))
        .map(|(key, _)| key)
        .collect();
    assert_eq!(changed, ["name"], "before {before} after {after}");
}

#[tokio::test]
async fn a_transfer_keeps_both_organisations_in_the_history_and_lapse_and_reinstate_work() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let id: i64 = sqlx::query_scalar(
        "select min(m.id) from members m join organisations o on o.id = m.organisation_id where o.code = 'DL-GJZ-HQ-SD'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let bad = admin
        .post_form(
            &format!("/members/{id}/transfer"),
            &[("organisation_code", "NOPE"), ("note", "换到车队")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = bad.text().await.unwrap();
    assert!(
        bad.contains(r#"value="NOPE""#) && bad.contains(r#"value="换到车队""#),
        "what was typed is kept"
    );
    assert!(
        bad.contains("从 大连顺达物流有限公司工会 转到"),
        "the page says where from"
    );
    let response = admin
        .post_form(
            &format!("/members/{id}/transfer"),
            &[("organisation_code", "DL-XJY-HY"), ("note", "换到车队")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = admin.page(&format!("/members/{id}")).await;
    assert!(
        body.contains("大连顺达物流有限公司工会 → 大连市货车司机工会"),
        "both organisations in the history"
    );
    assert!(body.contains("换到车队"));

    // The district's staff no longer see the member; the city does.
    let staff = app.signed_in("staff").await;
    assert_eq!(
        staff.get(&format!("/members/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );

    admin.post_form(&format!("/members/{id}/lapse"), &[]).await;
    let (_, body) = admin.page("/members?status=lapsed").await;
    assert!(body.contains(&format!("/members/{id}\"")));
    // Lapsing twice (a double click, a stale page) is refused with why, never "saved", and the
    // timeline holds one lapse.
    admin.post_form(&format!("/members/{id}/lapse"), &[]).await;
    let (_, body) = admin.page(&format!("/members/{id}")).await;
    assert!(
        body.contains("会籍已是停止状态") && !body.contains("已保存"),
        "{body}"
    );
    let lapses: i64 = sqlx::query_scalar(
        "select count(*) from timeline where entity = 'member' and entity_id = $1 and step = 'lapsed'",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(lapses, 1);
    admin
        .post_form(&format!("/members/{id}/reinstatement"), &[])
        .await;
    let status: String = sqlx::query_scalar("select status from members where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "active");
    let (_, body) = admin.page(&format!("/members/{id}")).await;
    assert!(body.contains("失效") && body.contains("恢复会籍"));
}

/// The figures of the counts bar: the total first, then one per occupation.
/// The list's counts by occupation after the total; none shown (an empty result) reads as zeros.
fn counts_on(body: &str) -> Vec<i64> {
    let counts: Vec<i64> = body
        .split(r#"<span class="stat-value">"#)
        .skip(1)
        .map(|rest| rest[..rest.find('<').unwrap()].parse().unwrap())
        .collect();
    if counts.is_empty() {
        assert!(
            body.contains("没有符合条件的会员"),
            "an empty result says so"
        );
        return vec![0; 7];
    }
    counts
}

#[tokio::test]
async fn surname_counts_follow_every_change_of_name_organisation_and_status() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let admin = app.signed_in("admin").await;
    let zhuge = location(
        &staff
            .post_form(
                "/members",
                &member_fields("诸葛亮", &id_number("19810401", 11), "13941110001"),
            )
            .await,
    );
    let ping_id = id_number("19810402", 12);
    let mut fields = member_fields("诸平", &ping_id, "13941110002");
    fields.retain(|(key, _)| *key != "occupation");
    fields.push(("occupation", "courier"));
    let ping = location(&staff.post_form("/members", &fields).await);
    let surname = |who: &'static str, q: &'static str| {
        let browser = if who == "staff" { &staff } else { &admin };
        async move {
            let (_, body) = browser.page(&format!("/members?q={}", urlencode(q))).await;
            counts_on(&body)
        }
    };
    // Total, then rider, courier, truck driver, ride-hailing, domestic, other.
    assert_eq!(surname("admin", "诸").await, [2, 0, 1, 1, 0, 0, 0]);

    // A new surname moves the member between counters.
    let mut rename = member_fields("葛平", "", "");
    rename.retain(|(key, _)| !matches!(*key, "organisation_code" | "occupation"));
    rename.push(("occupation", "courier"));
    assert_eq!(
        staff.post_form(&ping, &rename).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(surname("admin", "诸").await, [1, 0, 0, 1, 0, 0, 0]);
    assert_eq!(surname("staff", "葛").await, [1, 0, 1, 0, 0, 0, 0]);

    // A transfer out of the district leaves the district's counts; the city still counts them.
    admin
        .post_form(
            &format!("{ping}/transfer"),
            &[("organisation_code", "DL-XJY-HY")],
        )
        .await;
    assert_eq!(surname("staff", "葛").await, [0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(surname("admin", "葛").await, [1, 0, 1, 0, 0, 0, 0]);

    // A lapsed member counts under "lapsed", not under "active".
    staff.post_form(&format!("{zhuge}/lapse"), &[]).await;
    let (_, body) = staff
        .page(&format!("/members?status=active&q={}", urlencode("诸")))
        .await;
    assert_eq!(counts_on(&body)[0], 0);
    let (_, body) = staff
        .page(&format!("/members?status=lapsed&q={}", urlencode("诸")))
        .await;
    assert_eq!(counts_on(&body), [1, 0, 0, 1, 0, 0, 0]);

    // And the counters agree with the members themselves, surname by surname.
    let disagreeing: i64 = sqlx::query_scalar(
        "select count(*) from (
             select organisation_id, left(name, 1) as surname, occupation, status, count(*) as n
             from members group by 1, 2, 3, 4) m
         full join (select * from member_surname_counts where n > 0) c
           using (organisation_id, surname, occupation, status)
         where m.n is distinct from c.n",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(disagreeing, 0);
}

#[tokio::test]
async fn a_member_transferred_out_of_the_federation_says_where_and_can_come_back() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let page = location(
        &staff
            .post_form(
                "/members",
                &member_fields("乔", &id_number("19890909", 919), "13941119090"),
            )
            .await,
    );
    let departure = format!("{page}/departure");
    let (_, member_page) = staff.page(&page).await;
    assert!(
        member_page.contains(&format!(r#"href="{departure}""#))
            && !member_page.contains(&format!(r#"action="{departure}""#)),
        "transferring out starts from a page of its own, not one click on the member's"
    );
    let (_, confirm) = staff.page(&departure).await;
    assert!(
        confirm.contains("乔（会员编号") && confirm.contains("不再计入在册会员"),
        "the page says what will happen: {confirm}"
    );

    let refused = staff.post_form(&departure, &[("destination", "   ")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains(r#"id="destination-error""#) && body.contains("请填写转往的工会或单位"));

    let response = staff
        .post_form(&departure, &[("destination", "沈阳市总工会（随家属迁居）")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = staff.page(&page).await;
    assert!(body.contains("已转出") && body.contains("（沈阳市总工会（随家属迁居））"));
    let transfer_link = format!(r#"href="{page}/transfer""#);
    assert!(
        !body.contains(&transfer_link),
        "no transfer inside the federation for someone who left it"
    );
    let no_step = staff.get(&format!("{page}/transfer")).await;
    assert_eq!(
        location(&no_step),
        page,
        "its page sends back to the member"
    );
    let (_, home) = staff.page("/").await;
    assert!(
        home.contains(r#"<span class="stat-value"><a href="/members?status=active">15</a></span>"#),
        "no longer counted as active"
    );
    let (_, listed) = staff.page("/members?status=transferred_out").await;
    assert!(listed.contains("乔"));
    let after: serde_json::Value = sqlx::query_scalar(
        "select after from audit_log where entity = 'member' and action = 'transferred_out'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(after["note"], "沈阳市总工会（随家属迁居）");

    // A second click changes nothing and says so, never "saved"; coming back reinstates.
    let again = staff
        .post_form(&departure, &[("destination", "别处")])
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), page);
    let (_, body) = staff.page(&page).await;
    assert!(
        body.contains("该会员已转出") && !body.contains("已保存"),
        "{body}"
    );
    let events: i64 = sqlx::query_scalar(
        "select count(*) from timeline e join members m on m.id = e.entity_id where e.entity = 'member' and m.name = '乔' and e.step = 'transferred_out'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(events, 1);
    staff.post_form(&format!("{page}/reinstatement"), &[]).await;
    let (_, body) = staff.page(&page).await;
    assert!(body.contains("恢复会籍") && body.contains(&transfer_link));
    let status: String = sqlx::query_scalar("select status from members where name = '乔'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "active");
}

#[tokio::test]
async fn organisations_are_named_by_code_or_full_name_with_suggestions_in_scope() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let (_, form) = staff.page("/members/new").await;
    assert!(
        form.contains(r#"<option value="DL-GJZ-HQ-SD">大连顺达物流有限公司工会</option>"#),
        "the district's unions are suggested"
    );
    assert!(
        !form.contains("DL-XJY-HY"),
        "nothing outside the district is suggested"
    );
    let (_, import) = staff.page("/members/import").await;
    assert!(import.contains(r#"<option value="DL-GJZ-HQ-FX">"#));
    let (_, account_form) = app.signed_in("admin").await.page("/users/new").await;
    assert!(account_form.contains(r#"<option value="DL-XJY-HY">大连市货车司机工会</option>"#));

    let id = id_number("19870707", 707);
    let mut fields = member_fields("名全", &id, "13941117070");
    fields.retain(|(key, _)| *key != "organisation_code");
    fields.push(("organisation_code", "大连飞翔快递服务有限公司工会"));
    let page = location(&staff.post_form("/members", &fields).await);
    let (_, body) = staff.page(&page).await;
    assert!(
        body.contains(r#">大连飞翔快递服务有限公司工会</a>"#),
        "{body}"
    );

    // Two unions of one name: the code must say which.
    sqlx::query(
        "update organisations set name = '大连飞翔快递服务有限公司工会' where code = 'DL-GJZ-HQ-SD'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let refused = staff
        .post_form(
            &format!("{page}/transfer"),
            &[("organisation_code", "大连飞翔快递服务有限公司工会")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("有多个同名组织，请填写组织编码")
    );
    let moved = staff
        .post_form(
            &format!("{page}/transfer"),
            &[("organisation_code", "dl-gjz-hq-sd")],
        )
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_list_pages_by_fifty_and_the_pager_keeps_the_filters() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let total: i64 = sqlx::query_scalar("select count(*) from members where status = 'active'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(total > 50, "the demo world has more than a page");
    let (_, first) = admin.page("/members?sort=name").await;
    let listed = counts_on(&first)[0];
    let pages = (listed + 49) / 50;
    assert!(
        first.contains(&format!("共 {listed} 条，第 1 / {pages} 页")),
        "the pager says how many and where one is"
    );
    assert!(first.contains(r#"<span aria-current="page" class="pager-here">1</span>"#));
    assert!(first.contains(r#"rel="next""#) && !first.contains(r#"rel="prev""#));
    assert!(
        first.contains("sort=name&#38;"),
        "the next link keeps the sort"
    );
    let rows = |page: &str| page.matches(r#"href="/members/"#).count();
    let (_, second) = admin
        .page(&format!("/members?sort=name&page={pages}"))
        .await;
    assert!(
        second.contains(&format!("第 {pages} / {pages} 页")) && second.contains(r#"rel="prev""#)
    );
    assert!(
        !second.contains(r#"rel="next""#),
        "the last page has no next"
    );
    assert!(
        rows(&first) >= 50 && rows(&second) >= 1,
        "{} {}",
        rows(&first),
        rows(&second)
    );
    let (_, english) = {
        admin.post_form("/language", &[("lang", "en")]).await;
        admin.page(&format!("/members?page={pages}")).await
    };
    assert!(
        english.contains(&format!("page {pages} of {pages}")),
        "the sentence is whole in each language"
    );
}

#[tokio::test]
async fn staff_read_their_members_history_in_plain_words() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("staff").await;
    let id = id_number("19870303", 331);
    let created = staff
        .post_form("/members", &member_fields("任", &id, "13941113311"))
        .await;
    let page = location(&created);
    let mut edited = member_fields("任", &id, "13941113311");
    for field in edited.iter_mut() {
        match field.0 {
            "occupation" => field.1 = "courier",
            // The union typed by its name rather than its code: the same union, no change.
            "organisation_code" => field.1 = "大连顺达物流有限公司工会",
            _ => {}
        }
    }
    let saved = staff.post_form(&page, &edited).await;
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text().await.unwrap()
    );
    staff.post_form(&format!("{page}/lapse"), &[]).await;

    let (_, body) = staff.page(&page).await;
    let history = body
        .split("变更记录")
        .nth(1)
        .expect("staff see the history");
    assert!(
        history.contains("<del>货车司机</del> → <ins>快递员</ins>"),
        "{history}"
    );
    assert!(
        history.contains("<del>正常</del> → <ins>失效</ins>"),
        "{history}"
    );
    assert!(
        history.contains("王芳") && !history.contains(">staff<"),
        "the display name"
    );
    assert!(!history.contains("truck_driver") && !history.contains("DL-GJZ-HQ-SD"));
    let sd: i64 = sqlx::query_scalar("select id from organisations where code = 'DL-GJZ-HQ-SD'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        history.contains(&format!(
            r#"<ins><a href="/orgs/{sd}">大连顺达物流有限公司工会</a></ins>"#
        )),
        "the union by name, linked: {history}"
    );
    assert!(
        !history.contains("<span class=\"change-field\">所属组织</span><del>"),
        "no change"
    );

    // The demo's own organisations were written by the system setup.
    let demo: i64 = sqlx::query_scalar("select id from organisations where code = 'DL-GJZ-HQ-SD'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (_, body) = app
        .signed_in("admin")
        .await
        .page(&format!("/orgs/{demo}"))
        .await;
    assert!(
        body.contains("<td>系统初始化</td>") && !body.contains("<td>seed</td>"),
        "{body}"
    );
    // Reviewers read the member but not its history.
    let (_, body) = app.signed_in("reviewer").await.page(&page).await;
    assert!(!body.contains("变更记录"));
}
