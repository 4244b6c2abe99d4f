//! The demo's care campaigns, with the news page's figures placed in Dalian: 暖"新"礼包 care
//! packages handed to 1,250 delivery riders (Liaocheng's figure), a mobile check-up campaign that
//! reached 683 truck drivers (Yulin: 680+), a winter relief (送温暖) of a district's members
//! running now, and a street union's summer deliveries (夏送清凉) to its members and a few
//! outdoor workers who are not members.
//! Riders and drivers who are not members are recorded with their ID numbers and phones sealed,
//! as the app records anyone who is not a member.

use std::collections::HashMap;

use sqlx::PgConnection;
use time::{Date, Duration};

use super::model::{Kind, ValidCampaign, Way};
use super::queries::{self, NewRecipient};
use crate::access::Actor;
use crate::members::identity::{IdNumber, Phone};
use crate::members::queries::Keyed;
use crate::members::worker::SealedWorker;
use crate::money::Money;
use crate::pii::Pii;
use crate::workflow::{self, Line};

/// Surnames and given names the outsiders' names are drawn from: one and two characters.
const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "欧阳", "马",
];
const GIVEN: [&str; 12] = [
    "强", "伟", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "晓东", "建国",
];

pub async fn seed(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    pii: &Pii,
) -> Result<(), crate::BoxError> {
    let today = crate::joining::queries::today(&mut *tx).await?;
    let actor = Actor::system("demo");
    let staff = crate::users::queries::find_id_by_username(&mut *tx, "staff")
        .await?
        .ok_or("the demo staff")?;
    let mut serial = 0usize;
    let fund = care_fund(tx, ids, &actor, today).await?;
    let packages = ValidCampaign {
        organisation_id: ids["DL-XJY"],
        kind: Kind::CarePackage,
        title: "2026年暖“新”礼包·关爱外卖骑手".into(),
        starts_on: today - Duration::days(40),
        ends_on: today - Duration::days(10),
        goods: "保温杯、护膝、反光背心、防暑药品".into(),
        unit_value: Money::from_yuan(150),
        budget: Money::from_yuan(200_000),
        fund_id: Some(fund),
    };
    let riders = members_of(tx, "DL-XJY-PS", "delivery_rider").await?;
    serial = reach(tx, (&packages, &actor, staff), riders, 1_250, (pii, serial)).await?;
    // Handed out and settled: 1,250 × 150 yuan paid from the fund, the rest released.
    settle_latest(tx, &actor).await?;
    let checkups = ValidCampaign {
        organisation_id: ids["DL-XJY-HY"],
        kind: Kind::Checkup,
        title: "货车司机移动体检进物流园".into(),
        starts_on: today - Duration::days(75),
        ends_on: today - Duration::days(20),
        goods: "移动体检车免费体检（血压、血糖、心电图等12项）".into(),
        unit_value: Money::from_yuan(260),
        budget: Money::from_yuan(180_000),
        fund_id: None,
    };
    let drivers = members_of(tx, "DL-XJY-HY", "truck_driver").await?;
    serial = reach(tx, (&checkups, &actor, staff), drivers, 683, (pii, serial)).await?;
    let relief = ValidCampaign {
        organisation_id: ids["DL-GJZ"],
        kind: Kind::WinterRelief,
        title: "甘井子区冬季送温暖".into(),
        starts_on: today - Duration::days(6),
        ends_on: today + Duration::days(24),
        goods: "米、面、油各一份".into(),
        unit_value: Money::from_yuan(200),
        budget: Money::from_yuan(30_000),
        fund_id: Some(fund),
    };
    let district = members_of(tx, "DL-GJZ", "").await?;
    let reached = district.len();
    serial = reach(
        tx,
        (&relief, &actor, staff),
        district,
        reached,
        (pii, serial),
    )
    .await?;
    let cool = ValidCampaign {
        organisation_id: ids["DL-GJZ-HQ"],
        kind: Kind::Seasonal,
        title: "红旗街道夏送清凉".into(),
        starts_on: today - Duration::days(160),
        ends_on: today - Duration::days(100),
        goods: "防暑降温药品、绿豆、毛巾".into(),
        unit_value: Money::from_yuan(60),
        budget: Money::from_yuan(5_000),
        fund_id: None,
    };
    let street = members_of(tx, "DL-GJZ-HQ", "").await?;
    let reached = street.len() + 12;
    serial = reach(tx, (&cool, &actor, staff), street, reached, (pii, serial)).await?;
    serial = super::demo_sessions::training(tx, ids, (&actor, staff), (pii, serial)).await?;
    serial = super::demo_sessions::street_training(tx, ids, (&actor, staff), (pii, serial)).await?;
    super::demo_sessions::counselling(tx, ids, (&actor, staff), (pii, serial)).await?;
    Ok(())
}

/// The city's fund for the care of new-employment-form workers, which pays the riders' packages
/// and a district's winter relief.
async fn care_fund(
    tx: &mut PgConnection,
    ids: &HashMap<&str, i64>,
    actor: &Actor,
    today: Date,
) -> Result<i64, crate::BoxError> {
    use crate::funds::ledger::{self, Movement};
    use crate::funds::model::{Rules, ValidFund};
    let year = today.year();
    let fund = ValidFund {
        name: format!("{year}年新就业形态劳动者关爱专项资金"),
        year,
        purpose: "暖“新”礼包、送温暖等关爱行动，由各级工会按行动结算支付；也可补贴基层三类赛。"
            .into(),
        total: Money::from_yuan(500_000),
        rules: Rules {
            tiers: vec![3],
            max_grant_tier2: None,
            max_grant_tier3: Some(Money::from_yuan(20_000)),
            max_share_percent: 50,
            opens_on: Date::from_calendar_date(year, time::Month::January, 1)?,
            closes_on: Date::from_calendar_date(year, time::Month::December, 31)?,
            report_due_days: 30,
            second_signoff_above: None,
        },
    };
    let id = crate::funds::queries::insert_fund(&mut *tx, ids["DL"], &fund).await?;
    let pool = crate::funds::queries::insert_account(&mut *tx, id, None, None).await?;
    let money = Movement::appropriation(id, pool, fund.total).with_memo(&fund.name);
    ledger::post(tx, actor, &money)
        .await?
        .map_err(|refused| refused.0)?;
    Ok(id)
}

/// Settles the campaign created last.
async fn settle_latest(tx: &mut PgConnection, actor: &Actor) -> Result<(), crate::BoxError> {
    let id = sqlx::query_scalar!("select max(id) as \"id!\" from care_campaigns")
        .fetch_one(&mut *tx)
        .await?;
    let campaign = queries::find_in_scope(&mut *tx, id, &crate::access::Scope::everywhere())
        .await?
        .ok_or("the campaign just made")?;
    super::funding::settle(tx, actor, &campaign)
        .await?
        .map_err(|refused| refused.0)?;
    Ok(())
}

/// The members of a subtree (of one occupation, or any), as a file or a pick would name them.
pub(super) async fn members_of(
    tx: &mut PgConnection,
    code: &str,
    occupation: &str,
) -> Result<Vec<Keyed>, crate::BoxError> {
    Ok(sqlx::query_as!(
        Keyed,
        "select m.id, m.member_no, m.name, m.id_number_index, m.id_number_masked
         from members m join organisations o on o.id = m.organisation_id
         where o.path <@ (select path from organisations where code = $1)
           and ($2 = '' or m.occupation = $2) and m.status = 'active'
         order by m.id",
        code,
        occupation
    )
    .fetch_all(&mut *tx)
    .await?)
}

/// Creates the campaign and signs off `total` workers: the members first, then workers who are
/// not members, spread over the campaign's days (none after today). Returns the next serial of
/// the outsiders' made-up ID numbers.
pub(super) async fn reach(
    tx: &mut PgConnection,
    (campaign, actor, staff): (&ValidCampaign, &Actor, i64),
    members: Vec<Keyed>,
    total: usize,
    (pii, mut serial): (&Pii, usize),
) -> Result<usize, crate::BoxError> {
    let id = queries::insert(tx, campaign, staff).await?;
    let line = Line::event("care_campaign", id, campaign.organisation_id, "created");
    workflow::record(tx, actor, &line).await?;
    let money = (campaign.fund_id, campaign.budget);
    super::funding::commit_budget(
        tx,
        actor,
        (id, &campaign.title),
        money,
        campaign.organisation_id,
    )
    .await?
    .map_err(|refused| refused.0)?;
    let today = crate::joining::queries::today(&mut *tx).await?;
    let last = campaign.ends_on.min(today);
    let days = (last - campaign.starts_on).whole_days().max(0) + 1;
    let day = |n: usize| -> Date { campaign.starts_on + Duration::days(n as i64 % days) };
    let mut rows = Vec::with_capacity(total);
    for (n, member) in members.into_iter().take(total).enumerate() {
        rows.push(signed(
            campaign,
            SealedWorker::member(member),
            day(n),
            Way::Picked,
        ));
    }
    while rows.len() < total {
        serial += 1;
        let n = rows.len();
        let name = format!(
            "{}{}",
            SURNAMES[serial % SURNAMES.len()],
            GIVEN[(serial / SURNAMES.len()) % GIVEN.len()]
        );
        let birth = format!(
            "{}{:02}{:02}",
            1970 + serial % 30,
            1 + serial % 12,
            1 + serial % 28
        );
        let id_text = IdNumber::complete(&format!("210204{birth}{:03}", serial % 1000));
        let id_number = IdNumber::parse(&id_text).map_err(|_| "a demo ID number")?;
        let phone = Phone::parse(&format!("137{:08}", 20_000_000 + serial * 7_919))
            .ok_or("a demo phone")?;
        let worker = SealedWorker::outsider(pii, name, &id_number, &phone);
        let way = if n % 3 == 0 { Way::Outsider } else { Way::File };
        rows.push(signed(campaign, worker, day(n), way));
    }
    queries::insert_recipients(tx, id, staff, &rows).await?;
    let line = Line::event("care_campaign", id, campaign.organisation_id, "reached")
        .with_detail(serde_json::json!({ "lines": rows.len() }));
    workflow::record(tx, actor, &line).await?;
    Ok(serial)
}

pub(super) fn signed(
    campaign: &ValidCampaign,
    worker: SealedWorker,
    given_on: Date,
    way: Way,
) -> NewRecipient {
    NewRecipient {
        worker,
        given_on,
        given: campaign.goods.clone(),
        value: campaign.unit_value,
        way,
    }
}
