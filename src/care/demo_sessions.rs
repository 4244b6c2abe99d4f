//! The demo's training and counselling (the news page: 5 training sessions with 430+
//! participants; counselling for 30+ people): a skills training of the new-employment-form
//! federation in five sessions that 436 workers attended, and a district's one-to-one
//! counselling of 32 workers in 34 sessions by the demo's doctor, with sealed notes; and a street
//! union's one-session road-safety training.

use std::collections::HashMap;

use sqlx::PgConnection;
use time::Duration;

use super::demo::{members_of, reach};
use super::model::{Kind, SessionKind, ValidCampaign, ValidSession};
use super::session_queries as sq;
use crate::access::Actor;
use crate::money::Money;
use crate::pii::Pii;

const TOPICS: [&str; 5] = [
    "电动车安全驾驶与交通法规",
    "外卖配送中的劳动权益保护",
    "急救知识与AED使用",
    "职业技能等级认定辅导",
    "防暑防寒与职业健康",
];

pub async fn training(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    (actor, staff): (&Actor, i64),
    (pii, serial): (&Pii, usize),
) -> Result<usize, crate::BoxError> {
    let today = crate::joining::queries::today(&mut *tx).await?;
    let campaign = ValidCampaign {
        organisation_id: ids["DL-XJY"],
        kind: Kind::Training,
        title: "新就业形态劳动者专项培训".into(),
        starts_on: today - Duration::days(120),
        ends_on: today - Duration::days(30),
        goods: "专项培训".into(),
        unit_value: Money::ZERO,
        budget: Money::from_yuan(40_000),
        fund_id: None,
    };
    let riders = members_of(tx, "DL-XJY", "").await?;
    let serial = reach(tx, (&campaign, actor, staff), riders, 436, (pii, serial)).await?;
    let (campaign_id, recipients) = last_campaign(tx).await?;
    for (n, topic) in TOPICS.iter().enumerate() {
        let session = ValidSession {
            kind: SessionKind::Training,
            held_on: campaign.starts_on + Duration::days(n as i64 * 18),
            topic: (*topic).into(),
            place: "大连市职工服务中心三楼报告厅".into(),
            minutes: 120,
            trainer: ["王建华", "李律师", "张医生", "赵高级技师", "刘主任"][n].into(),
            counsellor_id: None,
        };
        let id = sq::insert(tx, campaign_id, &session, staff).await?;
        let share = recipients.len().div_ceil(TOPICS.len());
        for recipient in recipients.iter().skip(n * share).take(share) {
            sq::attend(tx, id, *recipient, staff).await?;
        }
    }
    Ok(serial)
}

/// A street union's road-safety training for its couriers: one session, its workers attended.
pub async fn street_training(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    (actor, staff): (&Actor, i64),
    (pii, serial): (&Pii, usize),
) -> Result<usize, crate::BoxError> {
    let today = crate::joining::queries::today(&mut *tx).await?;
    let campaign = ValidCampaign {
        organisation_id: ids["DL-GJZ-HQ"],
        kind: Kind::Training,
        title: "红旗街道快递员安全培训".into(),
        starts_on: today - Duration::days(20),
        ends_on: today - Duration::days(20),
        goods: "道路交通安全培训".into(),
        unit_value: Money::ZERO,
        budget: Money::ZERO,
        fund_id: None,
    };
    let couriers = members_of(tx, "DL-GJZ-HQ", "").await?;
    let serial = reach(tx, (&campaign, actor, staff), couriers, 18, (pii, serial)).await?;
    let (campaign_id, recipients) = last_campaign(tx).await?;
    let session = ValidSession {
        kind: SessionKind::Training,
        held_on: campaign.starts_on,
        topic: "电动车安全驾驶与交通法规".into(),
        place: "红旗街道职工之家".into(),
        minutes: 90,
        trainer: "甘井子交警大队 周警官".into(),
        counsellor_id: None,
    };
    let id = sq::insert(tx, campaign_id, &session, staff).await?;
    for recipient in &recipients {
        sq::attend(tx, id, *recipient, staff).await?;
    }
    Ok(serial)
}

pub async fn counselling(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    (actor, staff): (&Actor, i64),
    (pii, serial): (&Pii, usize),
) -> Result<usize, crate::BoxError> {
    let today = crate::joining::queries::today(&mut *tx).await?;
    let counsellor = crate::users::queries::find_id_by_username(&mut *tx, "doctor")
        .await?
        .ok_or("the demo doctor")?;
    let campaign = ValidCampaign {
        organisation_id: ids["DL-GJZ"],
        kind: Kind::Counselling,
        title: "甘井子区职工心理健康辅导".into(),
        starts_on: today - Duration::days(90),
        ends_on: today + Duration::days(30),
        goods: "一对一心理健康辅导".into(),
        unit_value: Money::ZERO,
        budget: Money::from_yuan(12_000),
        fund_id: None,
    };
    let workers = members_of(tx, "DL-GJZ-YQ", "").await?;
    let serial = reach(tx, (&campaign, actor, staff), workers, 32, (pii, serial)).await?;
    let (campaign_id, recipients) = last_campaign(tx).await?;
    // 34 sessions: everyone once, the first two twice.
    for (n, recipient) in recipients
        .iter()
        .chain(recipients.iter().take(2))
        .enumerate()
    {
        let session = ValidSession {
            kind: SessionKind::Counselling,
            held_on: campaign.starts_on + Duration::days((n as i64 * 5) % 90),
            topic: String::new(),
            place: "心理咨询室".into(),
            minutes: 50,
            trainer: String::new(),
            counsellor_id: Some(counsellor),
        };
        let id = sq::insert(tx, campaign_id, &session, staff).await?;
        sq::attend(tx, id, *recipient, counsellor).await?;
        let notes = "来访者自述夜间配送压力大、睡眠不足；做了放松训练，约两周后复谈。";
        sq::set_notes(tx, id, &pii.encrypt(notes)).await?;
    }
    Ok(serial)
}

/// The campaign created last, and its workers in the order they were entered.
async fn last_campaign(tx: &mut PgConnection) -> Result<(i64, Vec<i64>), crate::BoxError> {
    let id: i64 = sqlx::query_scalar!(r#"select max(id) as "id!" from care_campaigns"#)
        .fetch_one(&mut *tx)
        .await?;
    let recipients = sqlx::query_scalar!(
        "select id from care_recipients where campaign_id = $1 order by id",
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok((id, recipients))
}
