//! The demo's cases at 甘井子区's mediation room: a courier owed 32,000 yuan who got it back after
//! five rounds (as in Anyang), a case in mediation past its 15 days, one just taken in at a company
//! union, and one of 金州区 (outside 甘井子区).

use std::collections::HashMap;

use sqlx::PgConnection;
use time::Duration;

use super::model::{Channel, Kind, Status, ValidClosure, ValidRound};
use super::payments;
use super::queries::{self, NewCase};
use crate::access::Actor;
use crate::members::identity::Phone;
use crate::members::model::IdNumber;
use crate::members::queries::Keyed;
use crate::members::worker::SealedWorker;
use crate::money::Money;
use crate::workflow::{self, Line};

pub async fn seed(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    pii: &crate::pii::Pii,
) -> Result<(), crate::BoxError> {
    let actor = Actor::system("seed");
    let today = crate::joining::queries::today(&mut *tx).await?;
    let mediator: i64 = sqlx::query_scalar!("select id from users where username = 'mediator'")
        .fetch_one(&mut *tx)
        .await?;
    // (taken in by, its mark, employer, kind, facts, claimed yuan, days ago, rounds, agreed yuan)
    let cases = [
        (
            "DL-GJZ",
            "甘",
            "大连飞鹰快递服务有限公司",
            Kind::WageArrears,
            "快递员反映公司拖欠 2025 年 9 月至 12 月工资及派件提成共 32,000 元，多次讨要未果。",
            32_000,
            40,
            5,
            Some(32_000),
        ),
        (
            "DL-GJZ",
            "甘",
            "大连闪送同城配送有限公司",
            Kind::OvertimeRest,
            "骑手反映平台合作商连续三个月每日排班超过 12 小时，未支付加班费。",
            8_600,
            20,
            2,
            None,
        ),
        (
            "DL-GJZ-HQ-SD",
            "甘",
            "大连顺达物流有限公司",
            Kind::SocialInsurance,
            "三名货车司机反映公司入职两年未为其缴纳社会保险（集体争议）。",
            15_000,
            1,
            0,
            None,
        ),
        (
            "DL-JZ",
            "金",
            "大连金州港湾建设工程有限公司",
            Kind::WorkInjury,
            "施工人员在工地摔伤，公司拒绝申报工伤。",
            46_000,
            3,
            0,
            None,
        ),
    ];
    for (code, mark, employer, kind, facts, claimed, ago, rounds, agreed) in cases {
        let organisation = ids[code];
        // 金州区's construction worker is not a member: his numbers are sealed as a member's are.
        let (member_id, name, worker_id, phone) = if code == "DL-JZ" {
            let id_number = IdNumber::complete("21021319850714561");
            let sealed = (pii.encrypt(&id_number), pii.index(&id_number));
            (
                None,
                "鲍".to_string(),
                Some(sealed),
                Some(pii.encrypt("13591123456")),
            )
        } else {
            let member = unclaimed_member(tx, code).await?;
            (Some(member.id), member.name, None, None)
        };
        let employer_id: i64 = sqlx::query_scalar("select id from employers where name = $1")
            .bind(employer)
            .fetch_one(&mut *tx)
            .await?;
        let received_on = today - Duration::days(ago);
        let case = NewCase {
            organisation_id: organisation,
            channel: if rounds > 0 {
                Channel::Station
            } else {
                Channel::Hotline
            },
            kind,
            member_id,
            worker_name: &name,
            worker_id,
            worker_phone_cipher: phone,
            employer_id,
            facts,
            claimed: Money::from_yuan(claimed),
            received_on,
        };
        let (id, _) = queries::insert(tx, &case, mark).await?;
        let line = Line::event("dispute_case", id, organisation, "received");
        workflow::record(tx, &actor, &line).await?;
        // 顺达's case is collective: two more drivers, each with their own claim.
        if code == "DL-GJZ-HQ-SD" {
            // A member driver, and a dispatched one who is not a member (his numbers sealed).
            let member = SealedWorker::member(unclaimed_member(tx, code).await?);
            let id_number = IdNumber::parse(&IdNumber::complete("21021119870921433"))
                .map_err(|_| "a demo ID number")?;
            let phone = Phone::parse("13842217788").ok_or("a demo phone")?;
            let dispatched = SealedWorker::outsider(pii, "钱".into(), &id_number, &phone);
            for (worker, claim) in [(member, 12_500), (dispatched, 9_800)] {
                super::workers::insert(tx, id, &worker, Money::from_yuan(claim), mediator).await?;
            }
        }
        if ago < 5 {
            continue;
        }
        let accepted_on = received_on + Duration::days(1);
        queries::accept(&mut *tx, id, mediator, accepted_on).await?;
        let line = Line::change(
            "dispute_case",
            id,
            organisation,
            "accepted",
            "received",
            "mediating",
        )
        .with_comment("郑律");
        workflow::record(tx, &actor, &line).await?;
        for round in 0..rounds {
            let held_on = accepted_on + Duration::days(2 + 3 * round);
            let offered = Money::from_yuan(claimed * (50 + 12 * round) / 100);
            let last = round + 1 == rounds;
            let valid = ValidRound {
                held_on,
                worker_side: format!("{name}本人"),
                employer_side: "公司人事负责人".into(),
                claimed: Some(Money::from_yuan(claimed)),
                offered: Some(if last {
                    Money::from_yuan(agreed.unwrap_or(claimed))
                } else {
                    offered
                }),
                agreed: if last {
                    agreed.map(Money::from_yuan)
                } else {
                    None
                },
                next_step: if last {
                    String::new()
                } else {
                    "约双方再次面谈".into()
                },
                next_on: (!last).then_some(held_on + Duration::days(3)),
            };
            queries::insert_round(&mut *tx, id, &valid, mediator).await?;
            let held = held_on.to_string();
            let line = Line::event("dispute_case", id, organisation, "round").with_comment(&held);
            workflow::record(tx, &actor, &line).await?;
        }
        if let Some(agreed) = agreed {
            let closure = ValidClosure {
                outcome: Status::Mediated,
                closed_on: accepted_on + Duration::days(14),
                agreed: Some(Money::from_yuan(agreed)),
                note: "双方签订调解协议，公司一次性付清".into(),
            };
            queries::close(&mut *tx, id, Status::Mediating, &closure).await?;
            // Paid in two instalments, both on time: recovered in full.
            for (part, days) in [(2, 3), (2, 10)] {
                let day = closure.closed_on + Duration::days(days);
                let amount = Money::from_yuan(agreed / part);
                payments::insert_instalment(&mut *tx, id, day, amount).await?;
                payments::insert_payment(&mut *tx, id, day, amount, mediator).await?;
            }
            let line = Line::change(
                "dispute_case",
                id,
                organisation,
                "mediated",
                "mediating",
                "mediated",
            );
            workflow::record(tx, &actor, &line).await?;
        }
    }
    seed_joint_station(tx, ids["DL"], mediator, today).await
}

/// Cases mediated at the city's joint station (调裁审一体化, as in Changshu) over 18 months.
pub const STATION_CASES: i64 = 241;
/// What they recovered for the workers, in yuan: 5,768,400.
pub const STATION_RECOVERED_YUAN: i64 = 5_768_400;

/// The joint station's year and a half: every case mediated and paid in full, the amounts adding
/// up to the station's figure to the fen.
async fn seed_joint_station(
    tx: &mut PgConnection,
    organisation: i64,
    mediator: i64,
    today: time::Date,
) -> Result<(), crate::BoxError> {
    let actor = Actor::system("seed");
    let kinds = [
        Kind::WageArrears,
        Kind::WageArrears,
        Kind::WageArrears,
        Kind::Termination,
        Kind::SocialInsurance,
        Kind::WorkInjury,
        Kind::OvertimeRest,
        Kind::Other,
    ];
    let members: Vec<(i64, String)> = sqlx::query_as("select id, name from members order by id")
        .fetch_all(&mut *tx)
        .await?;
    let employers: Vec<i64> = sqlx::query_scalar("select id from employers order by id")
        .fetch_all(&mut *tx)
        .await?;
    let mut left = STATION_RECOVERED_YUAN;
    for n in 0..STATION_CASES {
        // Between 5,000 and 42,700 yuan in hundreds; the last case takes what is left (16,800).
        let agreed = if n + 1 == STATION_CASES {
            left
        } else {
            5_000 + (n * 7_919 % 378) * 100
        };
        left -= agreed;
        let (member_id, name) = &members[(n as usize * 7) % members.len()];
        let received_on = today - Duration::days(30 + n * 510 / STATION_CASES);
        let case = NewCase {
            organisation_id: organisation,
            channel: [Channel::Station, Channel::Hotline, Channel::Referral][n as usize % 3],
            kind: kinds[n as usize % kinds.len()],
            member_id: Some(*member_id),
            worker_name: name,
            worker_id: None,
            worker_phone_cipher: None,
            employer_id: employers[n as usize % employers.len()],
            facts: "职工反映用人单位未依法支付劳动报酬或经济补偿，请求调解。",
            claimed: Money::from_yuan(agreed + agreed / 5),
            received_on,
        };
        let (id, _) = queries::insert(tx, &case, "大").await?;
        workflow::record(
            tx,
            &actor,
            &Line::event("dispute_case", id, organisation, "received"),
        )
        .await?;
        let accepted_on = received_on + Duration::days(1);
        queries::accept(&mut *tx, id, mediator, accepted_on).await?;
        let accepted = Line::change(
            "dispute_case",
            id,
            organisation,
            "accepted",
            "received",
            "mediating",
        );
        workflow::record(tx, &actor, &accepted).await?;
        let rounds = 1 + n % 3;
        for round in 0..rounds {
            let last = round + 1 == rounds;
            let valid = ValidRound {
                held_on: accepted_on + Duration::days(2 + 4 * round),
                worker_side: format!("{name}本人"),
                employer_side: "单位代理人".into(),
                claimed: Some(case.claimed),
                offered: Some(Money::from_yuan(if last { agreed } else { agreed * 3 / 4 })),
                agreed: last.then_some(Money::from_yuan(agreed)),
                next_step: String::new(),
                next_on: None,
            };
            queries::insert_round(&mut *tx, id, &valid, mediator).await?;
        }
        let closure = ValidClosure {
            outcome: Status::Mediated,
            closed_on: accepted_on + Duration::days(4 * rounds),
            agreed: Some(Money::from_yuan(agreed)),
            note: String::new(),
        };
        queries::close(&mut *tx, id, Status::Mediating, &closure).await?;
        let paid_on = closure.closed_on + Duration::days(7);
        payments::insert_payment(&mut *tx, id, paid_on, Money::from_yuan(agreed), mediator).await?;
        let mediated = Line::change(
            "dispute_case",
            id,
            organisation,
            "mediated",
            "mediating",
            "mediated",
        );
        workflow::record(tx, &actor, &mediated).await?;
    }
    Ok(())
}

/// The first member of the subtree at `code` who is on no case yet.
async fn unclaimed_member(
    tx: &mut sqlx::PgConnection,
    code: &str,
) -> Result<Keyed, crate::BoxError> {
    Ok(sqlx::query_as!(
        Keyed,
        "select m.id, m.member_no, m.name, m.id_number_index, m.id_number_masked
         from members m join organisations o on o.id = m.organisation_id
         where o.path <@ (select path from organisations where code = $1)
           and not exists (select 1 from dispute_cases c where c.member_id = m.id)
           and not exists (select 1 from dispute_case_workers w where w.member_id = m.id)
         order by m.id limit 1",
        code
    )
    .fetch_one(&mut *tx)
    .await?)
}
