//! Batch joining and import from office files, and exports of the member list.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::helpers::{Browser, TestApp, id_number, location};

pub async fn upload(
    browser: &Browser,
    file_name: &str,
    bytes: Vec<u8>,
    channel: &str,
) -> reqwest::Response {
    let token = browser.csrf_token().await;
    let form = Form::new()
        .part("file", Part::bytes(bytes).file_name(file_name.to_string()))
        .text("organisation_code", "DL-XJY-HY")
        .text("channel", channel.to_string());
    browser
        .client
        .post(browser.url(&format!("/members/import?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub fn gbk_csv(rows: &[String]) -> Vec<u8> {
    let text = format!(
        "姓名,身份证号,手机号,工作单位或平台,职业,技能等级,入会日期\r\n{}\r\n",
        rows.join("\r\n")
    );
    encoding_rs::GBK.encode(&text).0.into_owned()
}

pub fn drivers(count: u32, last_id: Option<&str>) -> Vec<String> {
    (0..count)
        .map(|n| {
            let id = match last_id {
                Some(id) if n == count - 1 => id.to_string(),
                _ => id_number("19850101", 500 + n),
            };
            format!(
                "司机{n},{id},1390411{:04},大连港湾物流车队,货车司机,中级工,2026/5/1",
                n
            )
        })
        .collect()
}

async fn members(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from members")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn wait_until_done(browser: &Browser, preview: &str) -> String {
    for _ in 0..100 {
        let (_, page) = browser.page(preview).await;
        if page.contains("导入完成") || page.contains("导入失败") {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import did not finish in 10 s");
}

#[tokio::test]
async fn a_gbk_file_with_a_bad_last_row_saves_nothing_and_the_fixed_file_imports_at_a_ceremony() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    let before = members(&app).await;
    let mut bad = id_number("19850101", 599);
    bad.replace_range(17..18, if bad.ends_with('1') { "2" } else { "1" });

    let response = upload(
        &staff,
        "车队入会.csv",
        gbk_csv(&drivers(5, Some(&bad))),
        "ceremony",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let preview = location(&response);
    let (_, page) = staff.page(&preview).await;
    assert!(
        page.contains("第 6 行"),
        "the bad row is named by its line in the file"
    );
    assert!(page.contains("身份证号校验位不对") && page.contains(&bad));
    assert!(
        !page.contains("确认导入"),
        "no way to import a file with problems"
    );
    // The rows with problems download as a sheet to fix and upload again; that is recorded.
    let problems = staff.get(&format!("{preview}/problems.xlsx")).await;
    assert_eq!(problems.status(), StatusCode::OK);
    let sheet = problems.bytes().await.unwrap();
    let rows = gonghui::members::import::files::read(&sheet).unwrap();
    assert_eq!(rows.len(), 1, "only the bad row");
    assert_eq!(rows[0].fields["id_number"], bad);
    assert_eq!(app.audit_count("member_import", "export_problems").await, 1);
    let other = app.signed_in("staff").await;
    let theirs = other.get(&format!("{preview}/problems.xlsx")).await;
    assert_eq!(
        theirs.status(),
        StatusCode::NOT_FOUND,
        "an upload is its uploader's"
    );
    let confirm = staff.post_form(&preview, &[]).await;
    assert_eq!(confirm.status(), StatusCode::SEE_OTHER);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(members(&app).await, before, "nothing saved");

    let fixed = gbk_csv(&drivers(5, None));
    let preview = location(&upload(&staff, "车队入会.csv", fixed.clone(), "ceremony").await);
    let (_, page) = staff.page(&preview).await;
    assert!(
        page.contains("确认导入") && page.contains("司机0") && page.contains("139****0000"),
        "{page}"
    );
    staff.post_form(&preview, &[]).await;
    let result = wait_until_done(&staff, &preview).await;
    assert!(result.contains("新增会员 5"), "{result}");
    assert_eq!(members(&app).await, before + 5);
    let channel: String =
        sqlx::query_scalar("select distinct join_channel from members where name like '司机%'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(channel, "ceremony");
    assert_eq!(app.audit_count("member_import", "import").await, 1);

    // The history names the file, who imported it and how many joined; the uploader reopens it.
    let (_, history) = staff.page("/members/imports").await;
    assert!(
        history.contains("车队入会.csv") && history.contains("系统管理员"),
        "{history}"
    );
    assert!(history.contains(&format!(r#"<a href="{preview}">车队入会.csv</a>"#)));
    assert!(history.contains("<td>5</td>") && history.contains("已导入"));
    // Another district's staff see none of it.
    let (_, elsewhere) = app.signed_in("staff").await.page("/members/imports").await;
    assert!(!elsewhere.contains("车队入会.csv"));

    // The same file again adds nobody twice.
    let again = location(&upload(&staff, "车队入会.csv", fixed, "ceremony").await);
    let (_, page) = staff.page(&again).await;
    assert!(
        page.contains(
            r#"<span class="stat-value">5</span><span class="stat-label">已是会员（跳过）"#
        ),
        "{page}"
    );
    assert!(
        !page.contains("确认导入") && page.contains("没有可导入的新会员"),
        "no button to import nobody"
    );
    staff.post_form(&again, &[]).await;
    wait_until_done(&staff, &again).await;
    assert_eq!(members(&app).await, before + 5);
}

#[tokio::test]
async fn an_xlsx_with_excel_dates_is_read_and_an_id_stored_as_a_number_is_refused() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    for (column, title) in ["姓名", "身份证号", "手机号", "职业", "入会日期"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *title).unwrap();
    }
    sheet.write_string(1, 0, "刘一").unwrap();
    sheet
        .write_string(1, 1, id_number("19910202", 111))
        .unwrap();
    sheet.write_number(1, 2, 13904119991.0).unwrap();
    sheet.write_string(1, 3, "外卖骑手").unwrap();
    sheet
        .write_number_with_format(1, 4, 46350.0, &date)
        .unwrap();
    sheet.write_string(2, 0, "陈二").unwrap();
    sheet.write_number(2, 1, 210211199102021121.0).unwrap();
    sheet.write_string(2, 2, "13904119992").unwrap();
    sheet.write_string(2, 3, "快递员").unwrap();
    sheet.write_string(2, 4, "2026.11.24").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let preview = location(&upload(&staff, "入会.xlsx", bytes, "import").await);
    let (_, page) = staff.page(&preview).await;
    assert!(
        page.contains("第 3 行") && page.contains("被 Excel 当成了数字"),
        "{page}"
    );
    assert!(
        !page.contains("第 2 行"),
        "the first row, with an Excel date and a numeric phone, is fine"
    );
}

#[tokio::test]
async fn a_file_without_a_required_column_is_refused_with_its_name() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    let response = upload(
        &staff,
        "x.csv",
        "姓名,手机号\r\n王芳,13904110001\r\n".as_bytes().to_vec(),
        "import",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("文件缺少必填列：身份证号"), "{body}");
}

#[tokio::test]
async fn the_template_downloads_and_imports_cleanly() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    let response = staff.get("/members/import/template.csv").await;
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(
                "filename*=UTF-8''%E4%BC%9A%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv"
            ),
        "saved as 会员导入模板.csv"
    );
    let template = response.bytes().await.unwrap();
    assert!(template.starts_with(&[0xEF, 0xBB, 0xBF]));
    let preview = location(&upload(&staff, "template.csv", template.to_vec(), "import").await);
    let (_, page) = staff.page(&preview).await;
    assert!(
        page.contains("确认导入"),
        "the template's example row is valid: {page}"
    );
    // The Excel template, with its drop-down lists, imports the same way.
    let xlsx = staff.get("/members/import/template.xlsx").await;
    assert!(
        xlsx.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".xlsx")
    );
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"PK"));
    let preview = location(&upload(&staff, "模板.xlsx", bytes, "import").await);
    let (_, page) = staff.page(&preview).await;
    assert!(page.contains("确认导入 1 人"), "{page}");
}

#[tokio::test]
async fn exports_are_masked_unless_staff_ask_for_full_numbers_which_is_audited() {
    let app = TestApp::spawn().await;
    let manager = app.signed_in("manager").await;
    let csv = manager
        .get("/members/export.csv?occupation=truck_driver")
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = String::from_utf8(csv.bytes().await.unwrap().to_vec()).unwrap();
    assert!(csv.starts_with('\u{feff}') && csv.contains("\"会员编号\""));
    let drivers: i64 =
        sqlx::query_scalar("select count(*) from members where occupation = 'truck_driver'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(drivers > 18);
    assert_eq!(
        csv.lines().count() as i64,
        1 + drivers,
        "the demo's truck drivers"
    );
    assert!(
        csv.contains("2102**********") && !csv.contains("\"21021"),
        "masked for a manager"
    );
    let full = manager
        .get("/members/export.csv?full=1&occupation=truck_driver")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !full.contains("\"21021"),
        "a manager cannot ask for full numbers"
    );

    let staff = app.signed_in("staff").await;
    let xlsx = staff.get("/members/export.xlsx?full=1").await;
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = xlsx.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0)
        .unwrap()
        .unwrap();
    assert_eq!(range.rows().count(), 1 + 15, "the district's 15 members");
    let id = range.rows().nth(1).unwrap()[4].to_string();
    assert!(
        id.starts_with("21021") && id.len() == 18 && !id.contains('*'),
        "full ID as text: {id}"
    );
    assert_eq!(app.audit_count("member", "export_full").await, 1);
    assert_eq!(app.audit_count("member", "export").await, 2);
}

#[tokio::test]
async fn a_legacy_xls_roster_with_a_title_row_padded_names_and_odd_dates_imports() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    // Made by tests/fixtures/make_xls.py: Excel 97-2003, as many union offices still keep rosters.
    let roster = include_bytes!("../fixtures/hongqi-members.xls").to_vec();
    let preview = location(&upload(&staff, "红旗街道入会名册.xls", roster, "ceremony").await);
    let (_, page) = staff.page(&preview).await;
    assert!(page.contains("确认导入"), "{page}");
    assert!(
        page.contains("王芳") && page.contains("139****7001"),
        "the padded name is read as 王芳: {page}"
    );
    staff.post_form(&preview, &[]).await;
    let result = wait_until_done(&staff, &preview).await;
    assert!(result.contains("新增会员 2"), "{result}");
    let joined: Vec<(String, String, String)> = sqlx::query_as(
        "select name, occupation, join_date::text from members where phone_masked like '139****700_' order by name",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        joined,
        [
            ("王芳".into(), "delivery_rider".into(), "2026-11-03".into()),
            ("车".into(), "courier".into(), "2026-11-04".into()),
        ]
    );
}

#[tokio::test]
async fn a_tab_separated_export_named_xls_is_read_as_text() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    let text = format!(
        "姓名\t身份证号\t手机号\t职业\t入会日期\r\n李　娜\t{}\t13904117003\t网约车司机\t2026-11-05 00:00:00\r\n",
        id_number("19930606", 222)
    );
    let bytes = encoding_rs::GBK.encode(&text).0.into_owned();
    let preview = location(&upload(&staff, "系统导出.xls", bytes, "import").await);
    let (_, page) = staff.page(&preview).await;
    assert!(page.contains("确认导入") && page.contains("李娜"), "{page}");
}

#[tokio::test]
async fn a_roster_with_its_own_headings_names_unions_by_name_or_code() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    let roster = |third_union: &str| {
        let text = format!(
            "序号,会员姓名,性别,身份证号码,联系电话,工作单位,工种,入会时间,所属工会\r\n\
             1,赵一,男,{},13904118001,顺达物流,货车司机,2026-11-02,大连顺达物流有限公司工会\r\n\
             2,钱二,女,{},13904118002,飞翔快递,快递员,2026-11-02,dl-gjz-hq-fx\r\n\
             3,孙三,男,{},13904118003,顺达物流,货车司机,2026-11-02,{third_union}\r\n",
            id_number("19880808", 801),
            id_number("19880808", 802),
            id_number("19880808", 803),
        );
        encoding_rs::GBK.encode(&text).0.into_owned()
    };
    let preview = location(&upload(&staff, "名册.csv", roster("大连顺达物流公司"), "import").await);
    let (_, page) = staff.page(&preview).await;
    assert!(
        page.contains("第 4 行") && page.contains("大连顺达物流公司") && !page.contains("确认导入"),
        "an unknown union is named on its line: {page}"
    );
    assert!(
        !page.contains("第 2 行") && !page.contains("第 3 行"),
        "{page}"
    );

    let response = upload(
        &staff,
        "名册.csv",
        roster("大连顺达物流有限公司工会"),
        "import",
    )
    .await;
    let preview = location(&response);
    staff.post_form(&preview, &[]).await;
    let result = wait_until_done(&staff, &preview).await;
    assert!(result.contains("新增会员 3"), "{result}");
    let placed: Vec<(String, String)> = sqlx::query_as(
        "select m.name, o.code from members m join organisations o on o.id = m.organisation_id
         where m.name in ('赵一', '钱二', '孙三') order by m.name",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        placed,
        [
            ("孙三".into(), "DL-GJZ-HQ-SD".into()),
            ("赵一".into(), "DL-GJZ-HQ-SD".into()),
            ("钱二".into(), "DL-GJZ-HQ-FX".into()),
        ]
    );
}

#[tokio::test]
async fn a_birth_date_or_gender_that_cannot_be_read_or_contradicts_the_id_number_is_named() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    let id = |n| id_number("19880808", n);
    // 1988-08-08 is Excel's day 32363. Odd sequences are men.
    let text = format!(
        "姓名,性别,出生日期,身份证号,手机号,职业,入会日期\r\n\
         周一,男,1988-08-08,{},13904119001,快递员,2026-11-02\r\n\
         吴二,男,1990-13-40,{},13904119002,快递员,2026-11-02\r\n\
         郑三,男,1989-08-08,{},13904119003,快递员,2026-11-02\r\n\
         王四,女,1988/8/8,{},13904119004,快递员,2026-11-02\r\n\
         冯五,未知,1988.08,{},13904119005,快递员,2026-11-02\r\n\
         陈,女,32363,{},13904119006,快递员,2026-11-02\r\n",
        id(901),
        id(903),
        id(905),
        id(907),
        id(909),
        id(910),
    );
    let roster = encoding_rs::GBK.encode(&text).0.into_owned();
    let preview = location(&upload(&staff, "名册.csv", roster, "import").await);
    let (_, page) = staff.page(&preview).await;
    let line = |n: u32| {
        let start = page
            .find(&format!("第 {n} 行"))
            .unwrap_or_else(|| panic!("line {n} is named: {page}"));
        page[start..].split("</tr>").next().unwrap().to_string()
    };
    assert!(
        line(3).contains("出生日期")
            && line(3).contains("无法识别")
            && line(3).contains("1990-13-40")
    );
    assert!(line(4).contains("与身份证号中的出生日期不符") && line(4).contains("1989-08-08"));
    assert!(line(5).contains("性别与身份证号不符"));
    assert!(line(6).contains("性别应填"));
    for fine in [2, 7] {
        assert!(
            !page.contains(&format!("第 {fine} 行")),
            "line {fine}: {page}"
        );
    }
    assert!(!page.contains("确认导入"));
}

#[tokio::test]
async fn the_preview_shows_every_row_to_import_page_by_page_with_its_union() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    let preview =
        location(&upload(&staff, "车队.csv", gbk_csv(&drivers(60, None)), "ceremony").await);
    let (_, first) = staff.page(&preview).await;
    assert!(first.contains("共 60 条，第 1 / 2 页"), "{first}");
    assert!(first.contains("司机0") && !first.contains("司机59<"));
    assert!(
        first.contains("大连市货车司机工会"),
        "each row with its union"
    );
    let (_, second) = staff.page(&format!("{preview}?page=2")).await;
    assert!(second.contains("司机59<") && !second.contains("司机0<"));
    assert!(second.contains("确认导入 60 人"));
}
