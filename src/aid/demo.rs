//! The demo's mutual-aid insurance (the news page: 600 workers insured, with a fast claims
//! channel): the new-employment-form federation's plan for the year with 600 riders and drivers
//! enrolled (the demo's members of the federation and 566 more who joined at its ceremonies),
//! and claims at every stage, through both channels, one of them late.

use std::collections::HashMap;

use sqlx::PgConnection;
use time::{Date, Duration};

use super::model::{Channel, EventKind, ValidClaim, ValidPlan};
use super::queries::{self, NewClaim};
use crate::access::Actor;
use crate::members::model::{IdNumber, Phone, ValidMember};
use crate::members::queries::{NewMember, insert_member};
use crate::money::Money;
use crate::pii::Pii;
use crate::workflow::{self, Line};

const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "孙", "周", "吴", "郑"];
const GIVEN: [&str; 10] = ["伟", "刚", "鹏", "斌", "浩", "宇", "晨", "凯", "亮", "博"];

pub async fn seed(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    pii: &Pii,
) -> Result<(), crate::BoxError> {
    let today = crate::joining::queries::today(&mut *tx).await?;
    let staff = crate::users::queries::find_id_by_username(&mut *tx, "staff")
        .await?
        .ok_or("the demo staff")?;
    let actor = Actor::system("demo");
    more_members(tx, ids, pii, today).await?;
    let start = today.replace_ordinal(1)?;
    let plan = ValidPlan {
        organisation_id: ids["DL-XJY"],
        title: format!("{}年度新就业形态劳动者互助保障计划", today.year()),
        starts_on: start,
        ends_on: Date::from_calendar_date(today.year(), time::Month::December, 31)?,
        cover: "在岗期间及上下班途中发生的意外伤害、因病住院".into(),
        premium: Money::from_yuan(30),
        benefits: [
            Money::from_yuan(10_000),
            Money::from_yuan(3_000),
            Money::from_yuan(50_000),
            Money::from_yuan(100_000),
        ],
        fast_limit: Money::from_yuan(3_000),
        fast_working_days: 3,
    };
    let plan_id = queries::insert_plan(tx, &plan, staff).await?;
    workflow::record(
        tx,
        &actor,
        &Line::event("aid_plan", plan_id, plan.organisation_id, "created"),
    )
    .await?;
    let members: Vec<i64> = sqlx::query_scalar!(
        "select m.id from members m join organisations o on o.id = m.organisation_id
         where o.path <@ (select path from organisations where code = 'DL-XJY')
           and m.status = 'active' order by m.id limit 600"
    )
    .fetch_all(&mut *tx)
    .await?;
    queries::enrol(tx, plan_id, &members, (start, staff)).await?;
    let line = Line::event("aid_plan", plan_id, plan.organisation_id, "enrolled")
        .with_detail(serde_json::json!({ "enrolled": members.len() }));
    workflow::record(tx, &actor, &line).await?;

    // (member, event, claimed yuan, documents complete, days ago filed, what happened next)
    let claims: [(usize, EventKind, i64, bool, i64, &str); 8] = [
        (3, EventKind::AccidentMedical, 1_860, true, 40, "paid"),
        (17, EventKind::HospitalStay, 2_400, true, 26, "paid"),
        (45, EventKind::AccidentMedical, 920, true, 1, "filed"),
        (88, EventKind::AccidentMedical, 2_750, true, 12, "filed"),
        (
            130,
            EventKind::HospitalStay,
            3_000,
            false,
            9,
            "documents_requested",
        ),
        (201, EventKind::Disability, 32_000, true, 25, "approved"),
        (256, EventKind::AccidentMedical, 4_800, true, 30, "declined"),
        (340, EventKind::AccidentMedical, 6_500, true, 60, "paid"),
    ];
    for (n, kind, yuan, complete, ago, outcome) in claims {
        let member = members[n % members.len()];
        let enrolment = queries::enrolment(&mut *tx, plan_id, member)
            .await?
            .ok_or("a demo enrolment")?;
        let filed_on = today - Duration::days(ago);
        let claim = ValidClaim {
            event_kind: kind,
            event_on: filed_on - Duration::days(3),
            facts: "配送途中电动车侧滑摔伤，门诊治疗".into(),
            claimed: Money::from_yuan(yuan),
            documents_complete: complete,
        };
        let channel = super::model::channel(claim.claimed, complete, plan.fast_limit);
        let due_on = match channel {
            Channel::Fast => crate::calendar::working_days_after(&mut *tx, filed_on, 3).await?,
            Channel::Normal => filed_on + Duration::days(30),
        };
        let new = NewClaim {
            enrolment_id: enrolment.0,
            organisation_id: plan.organisation_id,
            claim: &claim,
            channel,
            filed_on,
            due_on,
        };
        let id = queries::insert_claim(tx, &new, staff).await?;
        let filed = Line::event("aid_claim", id, plan.organisation_id, "filed");
        workflow::record(tx, &actor, &filed).await?;
        let decided = filed_on + Duration::days(if channel == Channel::Fast { 1 } else { 12 });
        let step = match outcome {
            "documents_requested" => {
                queries::request_documents(tx, id, "住院发票原件、出院小结").await?;
                Some("documents_requested")
            }
            "declined" => {
                let reason = "事故发生在非工作时间且非上下班途中，不在保障范围内";
                queries::decline(tx, id, (reason, decided)).await?;
                Some("declined")
            }
            "approved" | "paid" => {
                queries::approve(tx, id, (claim.claimed, decided)).await?;
                if outcome == "paid" {
                    queries::pay(tx, id, decided + Duration::days(1)).await?;
                    Some("paid")
                } else {
                    Some("approved")
                }
            }
            _ => None,
        };
        if let Some(step) = step {
            let line = Line::event("aid_claim", id, plan.organisation_id, step);
            workflow::record(tx, &actor, &line).await?;
        }
    }
    street_plan(tx, ids, (&actor, staff), &plan).await
}

/// A street union's own plan for its couriers and drivers, with a claim just filed.
async fn street_plan(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    (actor, staff): (&Actor, i64),
    city: &ValidPlan,
) -> Result<(), crate::BoxError> {
    let today = crate::joining::queries::today(&mut *tx).await?;
    let plan = ValidPlan {
        organisation_id: ids["DL-GJZ-HQ"],
        title: format!("红旗街道{}年职工互助保障", today.year()),
        premium: Money::from_yuan(20),
        ..city.clone()
    };
    let plan_id = queries::insert_plan(tx, &plan, staff).await?;
    let members: Vec<i64> = sqlx::query_scalar!(
        "select m.id from members m join organisations o on o.id = m.organisation_id
         where o.path <@ (select path from organisations where code = 'DL-GJZ-HQ')
           and m.status = 'active' order by m.id"
    )
    .fetch_all(&mut *tx)
    .await?;
    queries::enrol(tx, plan_id, &members, (plan.starts_on, staff)).await?;
    let enrolment = queries::enrolment(&mut *tx, plan_id, members[0])
        .await?
        .ok_or("a demo enrolment")?;
    let claim = ValidClaim {
        event_kind: EventKind::AccidentMedical,
        event_on: today - Duration::days(2),
        facts: "装卸货物时手部划伤，门诊缝合".into(),
        claimed: Money::from_yuan(680),
        documents_complete: true,
    };
    let new = NewClaim {
        enrolment_id: enrolment.0,
        organisation_id: plan.organisation_id,
        claim: &claim,
        channel: Channel::Fast,
        filed_on: today,
        due_on: crate::calendar::working_days_after(&mut *tx, today, 3).await?,
    };
    let id = queries::insert_claim(tx, &new, staff).await?;
    workflow::record(
        tx,
        actor,
        &Line::event("aid_claim", id, plan.organisation_id, "filed"),
    )
    .await?;
    Ok(())
}

/// The riders and drivers who joined the federation's unions at its ceremonies this year.
async fn more_members(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    pii: &Pii,
    today: Date,
) -> Result<(), crate::BoxError> {
    for n in 0..566usize {
        let (code, occupation, employer) = if n % 2 == 0 {
            ("DL-XJY-HY", "truck_driver", "大连港湾物流车队")
        } else {
            ("DL-XJY-PS", "delivery_rider", "美团外卖大连站")
        };
        let birth = format!("{}{:02}{:02}", 1972 + n % 28, 1 + n % 12, 1 + n % 28);
        let id = IdNumber::complete(&format!("210203{birth}{:03}", n % 1000));
        let valid = ValidMember {
            name: format!("{}{}", SURNAMES[n % 10], GIVEN[(n / 10) % 10]),
            id_number: IdNumber::parse(&id).map_err(|_| "a demo ID number")?,
            phone: Phone::parse(&format!("136{:08}", 40_000_000 + n * 7_919))
                .ok_or("a demo phone")?,
            employer: employer.into(),
            occupation,
            skill_level: None,
            join_date: (today.replace_ordinal(1)? + Duration::days((n % 60) as i64)).min(today),
            join_channel: "ceremony",
        };
        let record = NewMember::sealed(pii, ids[code], &valid);
        insert_member(&mut *tx, &record).await?;
    }
    Ok(())
}
