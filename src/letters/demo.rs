//! The demo's supervision letters, one in every state: 甘井子区's notice on the courier's case,
//! answered and put right; an opinion on the riders' overtime whose reply is overdue; an opinion
//! answered but not put right; the logistics union's recommendation to 顺达, not yet delivered; and 金州区's notice on the
//! injured builder, delivered and not yet due.

use std::collections::HashMap;

use sqlx::PgConnection;
use time::Duration;

use super::model::{Kind, ValidLetter, ValidReply};
use super::queries;
use crate::access::Actor;
use crate::workflow::{self, Line};

/// How far the demo takes a letter: delivered and replied this many days after issue.
struct Progress {
    delivered_after: Option<i64>,
    replied_after: Option<(i64, bool)>,
}

pub async fn seed(tx: &mut PgConnection, ids: &HashMap<&str, i64>) -> Result<(), crate::BoxError> {
    let actor = Actor::system("seed");
    let today = crate::joining::queries::today(&mut *tx).await?;
    // (union, its mark, employer, kind, issued days ago, progress, reply)
    let letters = [
        (
            "DL-GJZ",
            "甘",
            "大连飞鹰快递服务有限公司",
            Kind::Notice,
            38,
            Progress {
                delivered_after: Some(1),
                replied_after: Some((6, true)),
            },
            "公司已于协议约定日期前分两期付清拖欠的工资和提成，并修订了派件提成结算办法。",
        ),
        (
            "DL-GJZ",
            "甘",
            "大连闪送同城配送有限公司",
            Kind::Opinion,
            30,
            Progress {
                delivered_after: Some(1),
                replied_after: None,
            },
            "",
        ),
        (
            "DL-GJZ",
            "甘",
            "大连智行网约车平台有限公司",
            Kind::Opinion,
            60,
            Progress {
                delivered_after: Some(2),
                replied_after: Some((12, false)),
            },
            "公司称合作商自行排班，平台不承担责任，未提出整改措施。",
        ),
        (
            "DL-GJZ-HQ",
            "甘",
            "大连顺达物流有限公司",
            Kind::Recommendation,
            1,
            Progress {
                delivered_after: None,
                replied_after: None,
            },
            "",
        ),
        (
            "DL-JZ",
            "金",
            "大连金州港湾建设工程有限公司",
            Kind::Notice,
            3,
            Progress {
                delivered_after: Some(1),
                replied_after: None,
            },
            "",
        ),
    ];
    for (code, mark, employer, kind, ago, progress, reply) in letters {
        let organisation = ids[code];
        let employer_id: i64 = sqlx::query_scalar("select id from employers where name = $1")
            .bind(employer)
            .fetch_one(&mut *tx)
            .await?;
        let case: Option<(i64, String)> = sqlx::query_as(
            "select c.id, c.facts from dispute_cases c join organisations o on o.id = c.organisation_id
             where c.employer_id = $1 and o.id = $2 order by c.id limit 1",
        )
        .bind(employer_id)
        .bind(organisation)
        .fetch_optional(&mut *tx)
        .await?;
        let facts = case.as_ref().map_or(
            "该单位部分职工反映未签订书面劳动合同、加班未支付加班费。",
            |(_, facts)| facts.as_str(),
        );
        let days = kind.reply_days();
        let (subject, body) = kind.draft(crate::web::i18n::Locale::ZhCn, employer, facts, days);
        let issued_on = today - Duration::days(ago);
        let letter = ValidLetter {
            kind,
            subject,
            body,
            issued_on,
            reply_days: days,
        };
        let case_id = case.map(|(id, _)| id);
        let (id, number) = queries::insert(
            tx,
            (organisation, mark),
            (employer_id, case_id),
            &letter,
            None,
        )
        .await?;
        let mut line = Line::event("supervision_letter", id, organisation, "issued");
        line.to = Some("issued");
        workflow::record(tx, &actor, &line).await?;
        if let Some(case_id) = case_id {
            let line = Line::event("dispute_case", case_id, organisation, "letter_issued")
                .with_comment(&number);
            workflow::record(tx, &actor, &line).await?;
        }
        let Some(after) = progress.delivered_after else {
            continue;
        };
        let delivered_on = issued_on + Duration::days(after);
        let due = crate::calendar::working_days_after(&mut *tx, delivered_on, days).await?;
        let how = "直接送达，由单位人事负责人签收";
        queries::deliver(&mut *tx, id, (delivered_on, how), due).await?;
        let line = Line::change(
            "supervision_letter",
            id,
            organisation,
            "delivered",
            "issued",
            "delivered",
        )
        .with_comment(how);
        workflow::record(tx, &actor, &line).await?;
        let Some((after, rectified)) = progress.replied_after else {
            continue;
        };
        let reply = ValidReply {
            replied_on: issued_on + Duration::days(after),
            reply: reply.to_string(),
            rectified,
        };
        queries::record_reply(&mut *tx, id, &reply).await?;
        let step = if rectified {
            "rectified"
        } else {
            "not_rectified"
        };
        let line = Line::change(
            "supervision_letter",
            id,
            organisation,
            step,
            "delivered",
            "replied",
        )
        .with_comment(reply.reply.as_str());
        workflow::record(tx, &actor, &line).await?;
    }
    Ok(())
}
