//! The competitions' part of the demo world (DOMAIN.md): Dalian's year of about 100 city (tier-1)
//! competitions, 42 of them on tracks first opened this year in frontier fields; 22 industry
//! contests; a competition for every approved contest application; the national
//! building-materials final (teams of 3: theory exam, team quiz, presentation) and the
//! Sichuan–Chongqing livestock contest (2 practical projects, 4 sub-items), both under way.

use std::collections::HashMap;

use sqlx::PgConnection;
use time::{Date, Duration};

use super::event_queries as q;
use super::model::{Fields, Status, Step, transition};
use super::structure::ItemFields;
use crate::access::Actor;
use crate::points::{Mark, Weight};
use crate::workflow::{self, Line};

/// Frontier tracks first opened this year: (name, sector).
const NEW_TRACKS: [(&str, &str); 6] = [
    ("低空物流", "无人机物流配送"),
    ("具身智能", "智能机器人运维"),
    ("储能运维", "新型储能电站运维"),
    ("工业互联网", "工业互联网平台运维"),
    ("氢能装备", "氢燃料电池装调"),
    ("智能网联汽车", "车联网测试"),
];

/// Occupations the city's competitions are named after.
const TRADES: [&str; 20] = [
    "电工",
    "焊工",
    "钳工",
    "数控车工",
    "汽车维修工",
    "起重装卸机械操作工",
    "快递员",
    "网约配送员",
    "无人机驾驶员",
    "数据标注员",
    "工业机器人系统运维员",
    "网络与信息安全管理员",
    "物流服务师",
    "叉车司机",
    "茶艺师",
    "中式烹调师",
    "育婴员",
    "养老护理员",
    "电梯安装维修工",
    "砌筑工",
];

const INDUSTRY: [&str; 4] = ["DL-JY", "DL-CM", "DL-JT", "DL-XJY"];

pub async fn seed(tx: &mut PgConnection, ids: &HashMap<&str, i64>) -> Result<(), crate::BoxError> {
    let actor = Actor::system("seed");
    let today = crate::joining::queries::today(&mut *tx).await?;
    let year = today.year();
    let city = *ids.get("DL").ok_or("the city federation")?;
    let mut new_tracks = Vec::new();
    for (name, sector) in NEW_TRACKS {
        new_tracks.push(crate::tracks::queries::insert(&mut *tx, name, sector, true, year).await?);
    }
    let old_tracks: Vec<i64> = sqlx::query_scalar!(
        "select id from tracks where first_year < $1 order by id",
        year
    )
    .fetch_all(&mut *tx)
    .await?;
    let first_day = Date::from_calendar_date(year, time::Month::March, 1)?;

    // The city's 100: 42 on this year's new frontier tracks, spread over the year, most marked.
    for n in 0..100usize {
        let track = if n < 42 {
            new_tracks[n % new_tracks.len()]
        } else {
            old_tracks[n % old_tracks.len().max(1)]
        };
        let starts = first_day + Duration::days((n as i64 * 3) % 280);
        let title = format!(
            "{year}年大连市职工技能大赛·{}（第{}项）",
            TRADES[n % TRADES.len()],
            n + 1
        );
        let fields = fields(1, track, &title, starts, "市人力资源和社会保障局");
        let id = create(tx, &actor, city, &fields).await?;
        individual_event(tx, id, TRADES[n % TRADES.len()]).await?;
        advance(tx, &actor, (id, city), stage(starts, today)).await?;
    }
    // 22 industry contests.
    for n in 0..22usize {
        let org = *ids
            .get(INDUSTRY[n % INDUSTRY.len()])
            .ok_or("an industry union")?;
        let track = old_tracks[(n * 7) % old_tracks.len().max(1)];
        let starts = first_day + Duration::days(20 + (n as i64 * 11) % 250);
        let title = format!(
            "{year}年产业职工技能竞赛·{}",
            TRADES[(n * 3) % TRADES.len()]
        );
        let id = create(tx, &actor, org, &fields(2, track, &title, starts, "")).await?;
        individual_event(tx, id, TRADES[(n * 3) % TRADES.len()]).await?;
        advance(tx, &actor, (id, org), stage(starts, today)).await?;
    }
    held_on_applications(tx, &actor, today).await?;
    building_materials(tx, &actor, city, year, old_tracks[0]).await?;
    livestock(tx, &actor, city, year, old_tracks[old_tracks.len() / 2]).await?;
    Ok(())
}

fn fields(tier: i16, track_id: i64, title: &str, starts: Date, co: &str) -> Fields {
    Fields {
        tier,
        track_id,
        title: title.to_string(),
        co_organisers: co.to_string(),
        has_preliminary: tier == 1,
        has_final: true,
        starts_on: starts,
        ends_on: starts + Duration::days(1),
        registration_opens_on: Some(starts - Duration::days(40)),
        registration_closes_on: Some(starts - Duration::days(10)),
        venue: "大连市职工技能实训基地".into(),
        anonymous_marking: tier == 1,
        application_id: None,
    }
}

/// Where a competition starting on `starts` stands on `today`.
fn stage(starts: Date, today: Date) -> Status {
    let days = (today - starts).whole_days();
    match days {
        d if d > 3 => Status::MarkingFinished,
        d if d >= 0 => Status::InProgress,
        d if d >= -10 => Status::RegistrationClosed,
        d if d >= -40 => Status::RegistrationOpen,
        _ => Status::Planned,
    }
}

async fn create(
    tx: &mut PgConnection,
    actor: &Actor,
    organisation: i64,
    fields: &Fields,
) -> Result<i64, crate::BoxError> {
    let id = super::queries::insert(&mut *tx, organisation, fields).await?;
    workflow::record(
        tx,
        actor,
        &Line::event("competition", id, organisation, "created"),
    )
    .await?;
    Ok(id)
}

/// Takes a new competition forward one step at a time until it stands at `target`.
async fn advance(
    tx: &mut PgConnection,
    actor: &Actor,
    (id, organisation): (i64, i64),
    target: Status,
) -> Result<(), crate::BoxError> {
    advance_from(tx, actor, (id, organisation), Status::Planned, target).await
}

/// Takes the competition forward from `from`, one step at a time, until it stands at `target`.
pub async fn advance_from(
    tx: &mut PgConnection,
    actor: &Actor,
    (id, organisation): (i64, i64),
    from: Status,
    target: Status,
) -> Result<(), crate::BoxError> {
    let mut status = from;
    for step in Step::FORWARD {
        if status == target {
            break;
        }
        // Steps before `from` do not apply.
        let Ok(to) = transition(status, step) else {
            continue;
        };
        super::queries::step(&mut *tx, id, status, to).await?;
        if to == Status::ResultsPublished {
            crate::results::queries::freeze(tx, id).await?;
        }
        let line = Line::change(
            "competition",
            id,
            organisation,
            step.event(),
            status.code(),
            to.code(),
        );
        workflow::record(tx, actor, &line).await?;
        status = to;
    }
    Ok(())
}

fn weight(percent: i32) -> Weight {
    Weight::from_hundredths(percent * 100)
}

fn mark(points: i32) -> Mark {
    Mark::from_hundredths(points * 100)
}

fn measured(name: &str, max: i32, percent: i32) -> ItemFields {
    ItemFields {
        name: name.into(),
        max_mark: mark(max),
        weight: weight(percent),
        marking: "measurement",
        scale_max: None,
        rule: None,
        max_gap: None,
    }
}

fn judged(name: &str, max: i32, percent: i32) -> ItemFields {
    ItemFields {
        marking: "judgement",
        scale_max: Some(mark(3)),
        rule: Some("trimmed_mean"),
        max_gap: Some(mark(1)),
        ..measured(name, max, percent)
    }
}

/// A part with its sub-items.
async fn part(
    tx: &mut PgConnection,
    event: i64,
    (name, kind, max, percent): (&str, &str, i32, i32),
    items: &[ItemFields],
) -> Result<(), crate::BoxError> {
    let part = q::insert_part(&mut *tx, event, (name, kind, mark(max), weight(percent))).await?;
    for item in items {
        q::insert_item(&mut *tx, part, item).await?;
    }
    Ok(())
}

/// The usual city event: a theory exam (30%) and a practical project of two sub-items (70%).
async fn individual_event(
    tx: &mut PgConnection,
    id: i64,
    trade: &str,
) -> Result<(), crate::BoxError> {
    let event = q::insert_event(&mut *tx, id, trade, 1).await?;
    part(
        tx,
        event,
        ("理论考试", "theory", 100, 30),
        &[measured("理论考试", 100, 100)],
    )
    .await?;
    let practical = [
        measured("操作技能", 100, 60),
        judged("安全文明生产", 100, 40),
    ];
    part(tx, event, ("实操项目", "practical", 100, 70), &practical).await
}

/// A tier-2 or tier-3 competition for each approved contest application, on its dates.
async fn held_on_applications(
    tx: &mut PgConnection,
    actor: &Actor,
    today: Date,
) -> Result<(), crate::BoxError> {
    let applications = sqlx::query!(
        "select id, organisation_id, tier, track_id, title, planned_start, planned_end, venue, status
         from applications where status in ('approved', 'reported', 'settled') order by id"
    )
    .fetch_all(&mut *tx)
    .await?;
    for a in applications {
        let fields = Fields {
            application_id: Some(a.id),
            ends_on: a.planned_end,
            venue: a.venue.clone(),
            ..fields(a.tier, a.track_id, &a.title, a.planned_start, "")
        };
        let id = create(tx, actor, a.organisation_id, &fields).await?;
        individual_event(tx, id, "擂台赛").await?;
        let target = if a.status == "approved" {
            stage(a.planned_start, today)
        } else {
            Status::MarkingFinished
        };
        advance(tx, actor, (id, a.organisation_id), target).await?;
    }
    Ok(())
}

/// The national building-materials final: 44 teams of 3; theory exam, team quiz, presentation.
async fn building_materials(
    tx: &mut PgConnection,
    actor: &Actor,
    city: i64,
    year: i32,
    track: i64,
) -> Result<(), crate::BoxError> {
    // The editions before this app: held and published, with the participation they reported.
    let earlier: [(i32, Option<i32>, i32); 4] = [
        (2022, Some(528), 8_406),
        (2023, Some(566), 10_000),
        (2024, Some(610), 8_000),
        (2025, None, 11_000),
    ];
    for (edition, companies, workers) in earlier.into_iter().filter(|(y, ..)| *y < year) {
        let starts = Date::from_calendar_date(edition, time::Month::November, 18)?;
        let title = format!("{edition}年全国建材行业职业技能竞赛决赛");
        let id = create(tx, actor, city, &fields(1, track, &title, starts, "")).await?;
        advance(tx, actor, (id, city), Status::ResultsPublished).await?;
        crate::statistics::queries::save_participation(&mut *tx, id, (companies, workers)).await?;
    }
    let starts = Date::from_calendar_date(year, time::Month::November, 18)?;
    let fields = Fields {
        has_preliminary: false,
        co_organisers: "中国建筑材料联合会、中国就业培训技术指导中心".into(),
        ..fields(
            1,
            track,
            &format!("{year}年全国建材行业职业技能竞赛决赛"),
            starts,
            "",
        )
    };
    let id = create(tx, actor, city, &fields).await?;
    let event = q::insert_event(&mut *tx, id, "水泥生产质量控制（团体）", 3).await?;
    part(
        tx,
        event,
        ("理论考试", "theory", 100, 40),
        &[measured("理论考试", 100, 100)],
    )
    .await?;
    part(
        tx,
        event,
        ("团队知识竞答", "team_quiz", 100, 30),
        &[measured("必答题", 60, 60), measured("抢答题", 40, 40)],
    )
    .await?;
    part(
        tx,
        event,
        ("成果展示", "presentation", 100, 30),
        &[judged("成果展示", 100, 100)],
    )
    .await?;
    advance(tx, actor, (id, city), Status::InProgress).await
}

/// The Sichuan–Chongqing livestock contest: 2 practical projects of 2 sub-items each.
async fn livestock(
    tx: &mut PgConnection,
    actor: &Actor,
    city: i64,
    year: i32,
    track: i64,
) -> Result<(), crate::BoxError> {
    let starts = Date::from_calendar_date(year, time::Month::November, 25)?;
    let fields = Fields {
        co_organisers: "重庆市总工会、四川省总工会".into(),
        ..fields(
            1,
            track,
            &format!("{year}年川渝畜牧兽医职业技能竞赛"),
            starts,
            "",
        )
    };
    let id = create(tx, actor, city, &fields).await?;
    let event = q::insert_event(&mut *tx, id, "动物疫病防治员", 1).await?;
    let first = [
        measured("猪瘟抗体检测", 100, 50),
        judged("病死畜禽剖检", 100, 50),
    ];
    part(
        tx,
        event,
        ("实操项目一：疫病诊断", "practical", 100, 50),
        &first,
    )
    .await?;
    let second = [
        measured("畜禽免疫注射", 100, 50),
        measured("兽药配制", 100, 50),
    ];
    part(
        tx,
        event,
        ("实操项目二：免疫与用药", "practical", 100, 50),
        &second,
    )
    .await?;
    advance(tx, actor, (id, city), Status::InProgress).await
}
