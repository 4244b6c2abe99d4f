//! The staff queue of join requests as a table: filters, the already-a-member warning, and
//! deciding a ceremony's requests at once.

use reqwest::StatusCode;

use crate::helpers::{TestApp, id_number, join_online, location};

async fn request_id(app: &TestApp, name: &str) -> String {
    let id: i64 = sqlx::query_scalar("select id from join_requests where name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap();
    id.to_string()
}

#[tokio::test]
async fn staff_approve_and_decline_ticked_requests_at_once_and_each_stands_alone() {
    let app = TestApp::spawn().await;
    let hall = app.browser();
    let names = ["骑手甲", "骑手乙", "骑手丙", "骑手丁", "骑手戊"];
    for (n, name) in names.iter().enumerate() {
        let id = id_number("19950505", 500 + n as u32);
        let sent = join_online(&hall, "DL-GJZ-HQ-SD", name, &id, "13900005555").await;
        assert_eq!(sent.status(), StatusCode::OK);
    }
    // 骑手戊 became a member some other way while the request waited.
    let staff = app.signed_in("staff").await;
    let already = id_number("19950505", 504);
    let fields = [
        ("organisation_code", "DL-GJZ-HQ-SD"),
        ("name", "骑手戊"),
        ("id_number", already.as_str()),
        ("phone", "13900005555"),
        ("employer", "美团外卖"),
        ("occupation", "delivery_rider"),
        ("join_date", "2026-11-20"),
        ("join_channel", "staff"),
    ];
    assert_eq!(
        staff.post_form("/members", &fields).await.status(),
        StatusCode::SEE_OTHER
    );

    let (_, queue) = staff.page("/members/requests").await;
    assert!(
        queue.contains("待审核共 5 份") && queue.contains("共 5 条，第 1 / 1 页"),
        "{queue}"
    );
    assert!(queue.contains("骑手戊 <span class=\"badge badge-warning\">已是会员</span>"));

    let mut ticked = vec![];
    for name in ["骑手甲", "骑手乙", "骑手丙", "骑手戊"] {
        ticked.push(request_id(&app, name).await);
    }
    let mut fields: Vec<(&str, &str)> = ticked.iter().map(|id| ("id", id.as_str())).collect();
    let approved = staff
        .post_form("/members/requests/approvals", &fields)
        .await;
    assert_eq!(location(&approved), "/members/requests");
    let (_, queue) = staff.page("/members/requests").await;
    assert!(
        queue.contains("已通过 3 份入会申请；1 份未通过"),
        "three approved, the member left: {queue}"
    );
    let members: i64 = sqlx::query_scalar(
        "select count(*) from members where name in ('骑手甲', '骑手乙', '骑手丙', '骑手戊')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(members, 4, "three new members and the one there already");

    // Declining needs a reason; with one, every ticked request gets it.
    let last = [
        request_id(&app, "骑手丁").await,
        request_id(&app, "骑手戊").await,
    ];
    fields = last.iter().map(|id| ("id", id.as_str())).collect();
    staff.post_form("/members/requests/declines", &fields).await;
    let (_, queue) = staff.page("/members/requests").await;
    assert!(queue.contains("不予通过时请填写原因"));
    fields.push(("reason", "重复申请"));
    staff.post_form("/members/requests/declines", &fields).await;
    let (_, queue) = staff.page("/members/requests").await;
    assert!(queue.contains("已不予通过 2 份入会申请") && queue.contains("暂无入会申请"));

    // The filters find decided requests by state and by name.
    let (_, declined) = staff.page("/members/requests?status=declined").await;
    assert!(
        declined.contains("骑手丁")
            && declined.contains("重复申请")
            && !declined.contains("骑手甲")
    );
    let (_, found) = staff
        .page("/members/requests?status=all&q=%E9%AA%91%E6%89%8B%E4%B9%99")
        .await;
    assert!(found.contains("骑手乙") && !found.contains("骑手丙") && found.contains("清除筛选"));

    // Ticking nothing says so; requests of another district are left alone.
    let none = staff.post_form("/members/requests/approvals", &[]).await;
    assert_eq!(location(&none), "/members/requests");
    assert!(staff.page("/members/requests").await.1.contains("请先勾选"));
    join_online(
        &app.browser(),
        "DL-JZ-SQ",
        "韩梅梅",
        &id_number("19930303", 303),
        "13900003333",
    )
    .await;
    let outside = request_id(&app, "韩梅梅").await;
    staff
        .post_form("/members/requests/approvals", &[("id", outside.as_str())])
        .await;
    let status: String =
        sqlx::query_scalar("select status from join_requests where name = '韩梅梅'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(status, "pending");
}
