//! The applications' part of the demo world (DOMAIN.md): the year's 6,000,000-yuan grassroots
//! contest subsidy fund and the ~20,000,000-yuan annual competition budget, a catalogue of
//! tracks (42% frontier), and 96 tier-2 and 172 tier-3 applications from Dalian's districts and
//! industry unions at every stage, each moved through the same queries and ledger as the app's
//! own steps, so the balances agree with the ledger to the fen.

use std::collections::HashMap;

use sqlx::PgConnection;
use time::Duration;

use super::model::{Fields, Status};
use super::queries;
use super::step_queries::{self as q, Report};
use crate::access::Actor;
use crate::funds::ledger::{self, Movement, Purpose};
use crate::funds::model::{Rules, ValidFund};
use crate::funds::queries as funds;
use crate::money::Money;
use crate::workflow::{self, Line};

/// (name, sector, frontier, first year)
const TRACKS: [(&str, &str, bool, i32); 12] = [
    ("低空经济", "无人机驾驶与维修", true, 2025),
    ("人工智能", "数据标注与算法应用", true, 2025),
    ("工业机器人", "智能制造", true, 2024),
    ("新能源汽车", "汽车维修", true, 2025),
    ("数字技能", "网络与信息安全", true, 2023),
    ("装备制造", "数控加工", false, 2010),
    ("交通物流", "货车驾驶与调度", false, 2012),
    ("快递配送", "快递分拣与投递", false, 2019),
    ("网约配送", "外卖配送", false, 2021),
    ("建筑施工", "焊接与钢筋", false, 2008),
    ("财贸服务", "收银与营销", false, 2011),
    ("教育教学", "教师教学技能", false, 2009),
];

/// Tier-2 filers (districts, industry unions, federations) and tier-3 filers (grassroots).
const TIER2: [&str; 7] = [
    "DL-GJZ", "DL-JZ", "DL-JY", "DL-CM", "DL-JT", "DL-JZ-DK", "DL-XJY",
];
const TIER3: [&str; 8] = [
    "DL-GJZ-HQ",
    "DL-GJZ-HQ-SD",
    "DL-GJZ-HQ-FX",
    "DL-GJZ-YQ",
    "DL-GJZ-YQ-HX",
    "DL-JZ-SQ",
    "DL-XJY-PS",
    "DL-XJY-HY",
];

/// The stage each application reaches, in turn: drafts, waiting, returned, approved, rejected,
/// reported, settled and the rest, roughly as a year's applications stand in December.
const STAGES: [Status; 20] = [
    Status::Settled,
    Status::Approved,
    Status::Submitted,
    Status::Settled,
    Status::Reported,
    Status::Draft,
    Status::UnderReview,
    Status::Settled,
    Status::Returned,
    Status::Approved,
    Status::Rejected,
    Status::Resubmitted,
    Status::Settled,
    Status::Submitted,
    Status::Reported,
    Status::Withdrawn,
    Status::Approved,
    Status::Recommended,
    Status::Cancelled,
    Status::Settled,
];

pub async fn seed(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    reviewer: i64,
) -> Result<(), crate::BoxError> {
    let actor = Actor::system("seed");
    let today = crate::joining::queries::today(&mut *tx).await?;
    let year = today.year();
    let mut tracks = Vec::new();
    for (name, sector, frontier, first) in TRACKS {
        tracks.push((
            crate::tracks::queries::insert(&mut *tx, name, sector, frontier, first.min(year))
                .await?,
            frontier,
        ));
    }
    let window = (
        time::Date::from_calendar_date(year, time::Month::January, 1)?,
        time::Date::from_calendar_date(year, time::Month::December, 31)?,
    );
    let subsidy = ValidFund {
        name: format!("{year}年基层劳动和技能竞赛专项补贴资金"),
        year,
        purpose: "补贴区县、产业工会举办的二类赛和基层工会举办的三类赛（技能擂台赛）。".into(),
        total: Money::from_yuan(6_000_000),
        rules: Rules {
            tiers: vec![2, 3],
            max_grant_tier2: Some(Money::from_yuan(100_000)),
            max_grant_tier3: Some(Money::from_yuan(30_000)),
            max_share_percent: 50,
            opens_on: window.0,
            closes_on: window.1,
            report_due_days: 30,
            second_signoff_above: Some(Money::from_yuan(50_000)),
        },
    };
    let annual = ValidFund {
        name: format!("{year}年劳动和技能竞赛专项经费"),
        year,
        purpose: "全市一、二、三类劳动和技能竞赛的年度专项经费（百项赛事）。".into(),
        total: Money::from_yuan(19_800_000),
        rules: Rules {
            tiers: vec![1, 2, 3],
            max_grant_tier2: Some(Money::from_yuan(200_000)),
            max_grant_tier3: Some(Money::from_yuan(50_000)),
            max_share_percent: 80,
            ..subsidy.rules.clone()
        },
    };
    let city = ids["DL"];
    let mut fund_ids = Vec::new();
    for fund in [&subsidy, &annual] {
        let id = funds::insert_fund(&mut *tx, city, fund).await?;
        let pool = funds::insert_account(&mut *tx, id, None, None).await?;
        post(
            tx,
            &actor,
            Movement::appropriation(id, pool, fund.total).with_memo(&fund.name),
        )
        .await?;
        fund_ids.push((id, pool, fund.rules.clone()));
    }
    // The subsidy fund's allocations: the grassroots tier, and two districts.
    let (subsidy_id, subsidy_pool, _) = fund_ids[0].clone();
    for (tier, org, yuan, memo) in [
        (Some(3), None, 800_000, "三类赛（技能擂台赛）专项"),
        (None, Some(ids["DL-GJZ"]), 1_800_000, "甘井子区"),
        (None, Some(ids["DL-JZ"]), 1_200_000, "金州区"),
    ] {
        let account = funds::insert_account(&mut *tx, subsidy_id, tier, org).await?;
        let amount = Money::from_yuan(yuan);
        post(
            tx,
            &actor,
            Movement::allocation(subsidy_id, subsidy_pool, -amount).with_memo(memo),
        )
        .await?;
        post(
            tx,
            &actor,
            Movement::allocation(subsidy_id, account, amount).with_memo(memo),
        )
        .await?;
    }
    let (annual_id, annual_pool, _) = fund_ids[1].clone();
    let tier1 = funds::insert_account(&mut *tx, annual_id, Some(1), None).await?;
    let amount = Money::from_yuan(12_000_000);
    post(
        tx,
        &actor,
        Movement::allocation(annual_id, annual_pool, -amount).with_memo("一类赛（百项赛事）"),
    )
    .await?;
    post(
        tx,
        &actor,
        Movement::allocation(annual_id, tier1, amount).with_memo("一类赛（百项赛事）"),
    )
    .await?;

    for n in 0..(96 + 172) {
        let tier: i16 = if n < 96 { 2 } else { 3 };
        let code = if tier == 2 {
            TIER2[n % TIER2.len()]
        } else {
            TIER3[n % TIER3.len()]
        };
        let (fund_id, _, rules) = if tier == 2 && n % 6 == 5 {
            &fund_ids[1]
        } else {
            &fund_ids[0]
        };
        let stage = STAGES[(n * 7 + n / 20) % STAGES.len()];
        let (track, _) = tracks[(n * 5) % tracks.len()];
        let track_name = TRACKS[(n * 5) % TRACKS.len()].0;
        let past = matches!(
            stage,
            Status::Approved | Status::Reported | Status::Settled | Status::Cancelled
        );
        let start = if past {
            today - Duration::days(20 + (n as i64 * 13) % 240)
        } else {
            today + Duration::days(10 + (n as i64 * 11) % 120)
        };
        let scale = if tier == 2 { 4_000 } else { 1_200 };
        let budget =
            [6, 3, 8, 2, 3, 1].map(|k| Money::from_yuan(k * scale * (4 + (n as i64 % 5)) / 4));
        let total: Money = budget.iter().copied().sum();
        let ceiling = rules.ceiling(tier, total);
        // Round requests to the hundred yuan, as offices do; some tier-2 ones above the second sign-off.
        let requested =
            Money::from_yuan(ceiling.fen() / 100 * (70 + (n as i64 * 3) % 31) / 100 / 100 * 100);
        let fields = Fields {
            fund_id: *fund_id,
            tier,
            track_id: track,
            title: if tier == 2 {
                format!("{track_name}职业技能竞赛（第{}届）", 1 + n % 5)
            } else {
                format!("{track_name}技能擂台赛")
            },
            planned_start: start,
            planned_end: start + Duration::days(1 + (n as i64 % 3)),
            venue: "大连市职工技能培训中心".into(),
            expected_contestants: (if tier == 2 { 120 } else { 40 }) + (n as i32 * 17) % 200,
            expected_companies: (if tier == 2 { 20 } else { 3 }) + (n as i32 * 7) % 30,
            contact_name: "刘洋".into(),
            contact_phone: "0411-86605678".into(),
            budget,
            requested,
        };
        let org = ids[code];
        let id = queries::insert(&mut *tx, org, &fields, None).await?;
        step(tx, &actor, id, org, "created", None).await?;
        if stage == Status::Draft {
            continue;
        }
        let number = q::next_number(tx, year, tier).await?;
        q::submit(tx, id, Status::Draft, Status::Submitted, Some(&number)).await?;
        step(
            tx,
            &actor,
            id,
            org,
            "submitted",
            Some((Status::Draft, Status::Submitted)),
        )
        .await?;
        let mut at = Status::Submitted;
        if matches!(stage, Status::Returned | Status::Resubmitted) {
            q::send_back(
                tx,
                id,
                at,
                &fields,
                "请补充评分细则，奖励费超出同类赛事标准，请核减。",
            )
            .await?;
            step(
                tx,
                &actor,
                id,
                org,
                "returned",
                Some((at, Status::Returned)),
            )
            .await?;
            at = Status::Returned;
            if stage == Status::Resubmitted {
                let mut revised = fields.clone();
                revised.budget[2] = Money::from_fen(fields.budget[2].fen() * 3 / 4);
                revised.requested = revised
                    .requested
                    .min(rules.ceiling(tier, revised.budget_total()));
                queries::update_fields(&mut *tx, id, org, &revised).await?;
                q::submit(tx, id, at, Status::Resubmitted, None).await?;
                step(
                    tx,
                    &actor,
                    id,
                    org,
                    "resubmitted",
                    Some((at, Status::Resubmitted)),
                )
                .await?;
            }
            continue;
        }
        match stage {
            Status::Submitted => continue,
            Status::UnderReview => {
                q::take_up(tx, id, at, reviewer).await?;
                step(
                    tx,
                    &actor,
                    id,
                    org,
                    "taken_up",
                    Some((at, Status::UnderReview)),
                )
                .await?;
                continue;
            }
            Status::Recommended => {
                q::recommend(tx, id, at, requested, reviewer).await?;
                step(
                    tx,
                    &actor,
                    id,
                    org,
                    "recommended",
                    Some((at, Status::Recommended)),
                )
                .await?;
                continue;
            }
            Status::Rejected | Status::Withdrawn => {
                q::decide(tx, id, at, stage).await?;
                let name = if stage == Status::Rejected {
                    "rejected"
                } else {
                    "withdrawn"
                };
                step(tx, &actor, id, org, name, Some((at, stage))).await?;
                continue;
            }
            _ => {}
        }
        // Approved, and on from there.
        let path: String = sqlx::query_scalar!(
            r#"select path::text as "p!" from organisations where id = $1"#,
            org
        )
        .fetch_one(&mut *tx)
        .await?;
        let account = funds::account_for(&mut *tx, *fund_id, Some(tier), &path).await?;
        if rules.needs_second_signoff(requested) {
            step(
                tx,
                &actor,
                id,
                org,
                "recommended",
                Some((at, Status::Recommended)),
            )
            .await?;
            at = Status::Recommended;
            q::recommend(tx, id, Status::Submitted, requested, reviewer).await?;
        }
        q::approve(tx, id, at, requested, account, rules.report_due_days).await?;
        post(
            tx,
            &actor,
            Movement::commitment(*fund_id, account, Purpose::Application(id), requested)
                .with_memo(&number),
        )
        .await?;
        step(
            tx,
            &actor,
            id,
            org,
            "approved",
            Some((at, Status::Approved)),
        )
        .await?;
        at = Status::Approved;
        if stage == Status::Cancelled {
            q::decide(tx, id, at, stage).await?;
            post(
                tx,
                &actor,
                Movement::release(*fund_id, account, Purpose::Application(id), requested)
                    .with_memo(&number),
            )
            .await?;
            step(tx, &actor, id, org, "cancelled", Some((at, stage))).await?;
            continue;
        }
        if stage == Status::Approved {
            continue;
        }
        let spent =
            budget.map(|line| Money::from_fen(line.fen() * (80 + (n as i64 * 7) % 25) / 100));
        let report = Report {
            actual_start: start,
            actual_end: fields.planned_end,
            contestants: fields.expected_contestants - 10 + (n as i32 * 3) % 30,
            companies: fields.expected_companies,
            winners: "一等奖：王芳、李强；二等奖：张伟、刘洋、陈静".into(),
            spent,
        };
        q::file_report(tx, id, &report).await?;
        step(
            tx,
            &actor,
            id,
            org,
            "reported",
            Some((at, Status::Reported)),
        )
        .await?;
        if stage == Status::Reported {
            continue;
        }
        let paid = rules.payable(tier, requested, report.spent_total());
        q::settle(tx, id, paid).await?;
        post(
            tx,
            &actor,
            Movement::disbursement(*fund_id, account, Purpose::Application(id), paid)
                .with_memo(&number),
        )
        .await?;
        if requested > paid {
            post(
                tx,
                &actor,
                Movement::release(
                    *fund_id,
                    account,
                    Purpose::Application(id),
                    requested - paid,
                )
                .with_memo(&number),
            )
            .await?;
        }
        step(
            tx,
            &actor,
            id,
            org,
            "settled",
            Some((Status::Reported, Status::Settled)),
        )
        .await?;
    }
    // Submissions spread over the year, and the queue's ages over the last weeks.
    sqlx::query!(
        r#"update applications
              set first_submitted_at = greatest(date_trunc('year', now()), now() - ((id * 37) % 300) * interval '1 day'),
                  submitted_at = now() - ((id * 3) % 25) * interval '1 day' - interval '2 hours'
            where submitted_at is not null"#
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn post(
    tx: &mut PgConnection,
    actor: &Actor,
    movement: Movement<'_>,
) -> Result<(), crate::BoxError> {
    ledger::post(tx, actor, &movement)
        .await?
        .map_err(|refused| format!("demo ledger: {}", refused.0))?;
    Ok(())
}

async fn step(
    tx: &mut PgConnection,
    actor: &Actor,
    id: i64,
    org: i64,
    name: &'static str,
    states: Option<(Status, Status)>,
) -> sqlx::Result<()> {
    let line = match states {
        Some((from, to)) => Line::change("application", id, org, name, from.code(), to.code()),
        None => Line::event("application", id, org, name),
    };
    workflow::write_timeline(tx, actor, &line).await
}
