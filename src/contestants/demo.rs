//! The registration part of the demo world (DOMAIN.md): the building-materials final's 44 teams of
//! three from 44 companies, and the livestock contest's 400-odd contestants from 38 districts of
//! Sichuan and Chongqing, each a member with a contestant number and an exam seat; a few
//! withdrawals; the demo judge as chief judge of both events.

use sqlx::PgConnection;

use super::model::contestant_number;
use super::queries::{self as q, NewContestant};
use crate::access::Actor;
use crate::members::model::{IdNumber, Phone, ValidMember};
use crate::workflow::{self, Line};

const SURNAMES: [&str; 30] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];

/// Given names of one and two characters, as they come.
const GIVEN: [&str; 24] = [
    "伟", "芳", "磊", "静", "军", "勇", "建国", "海燕", "志强", "秀英", "晓东", "丽娟", "文", "斌",
    "春梅", "国庆", "红", "明", "桂兰", "宇航", "立新", "雪", "浩然", "玉兰",
];

const CEMENT_WORKS: [&str; 11] = [
    "冀东水泥",
    "海螺水泥",
    "华新水泥",
    "金隅集团",
    "天山股份",
    "华润水泥",
    "亚泰集团",
    "祁连山水泥",
    "红狮水泥",
    "台泥",
    "山水水泥",
];

const CEMENT_PLACES: [&str; 4] = ["唐山", "芜湖", "武汉", "大连"];

/// Districts of Sichuan and Chongqing the livestock contestants come from (38).
const DISTRICTS: [&str; 38] = [
    "万州区",
    "涪陵区",
    "渝中区",
    "大渡口区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "綦江区",
    "大足区",
    "渝北区",
    "巴南区",
    "黔江区",
    "长寿区",
    "江津区",
    "合川区",
    "永川区",
    "南川区",
    "璧山区",
    "铜梁区",
    "潼南区",
    "荣昌区",
    "开州区",
    "梁平区",
    "武隆区",
    "锦江区",
    "青羊区",
    "金牛区",
    "武侯区",
    "成华区",
    "龙泉驿区",
    "新都区",
    "温江区",
    "双流区",
    "郫都区",
    "新津区",
    "自贡市自流井区",
];

fn name(n: usize) -> String {
    format!(
        "{}{}",
        SURNAMES[(n * 7) % SURNAMES.len()],
        GIVEN[(n * 11 + n / 30) % GIVEN.len()]
    )
}

/// A member for the demo's contestants, at the city federation, working for `employer`.
async fn member(
    tx: &mut PgConnection,
    pii: &crate::pii::Pii,
    (city, n, region): (i64, usize, &str),
    employer: &str,
) -> Result<(i64, String), crate::BoxError> {
    let birth = format!("{}{:02}{:02}", 1972 + n % 28, 1 + n % 12, 1 + n % 28);
    let id = IdNumber::complete(&format!("{region}{birth}{:03}", n % 1000));
    let skill = ["intermediate", "senior", "technician", "senior_technician"][n % 4];
    let valid = ValidMember {
        name: name(n),
        id_number: IdNumber::parse(&id).map_err(|e| format!("demo ID {id}: {e:?}"))?,
        phone: Phone::parse(&format!("137{:08}", 20_000_000 + n * 4111)).ok_or("demo phone")?,
        employer: employer.to_string(),
        occupation: "other",
        skill_level: Some(skill),
        join_date: time::Date::from_calendar_date(2024, time::Month::March, 1 + (n % 28) as u8)?,
        join_channel: "staff",
    };
    let record = crate::members::queries::NewMember::sealed(pii, city, &valid);
    let (id, _) = crate::members::queries::insert_member(&mut *tx, &record).await?;
    let joined = Line::event("member", id, city, "joined").between(None, Some(city));
    workflow::write_timeline(tx, &Actor::system("seed"), &joined).await?;
    Ok((id, employer.to_string()))
}

async fn event_named(tx: &mut PgConnection, name: &str) -> Result<(i64, i64), crate::BoxError> {
    let row = sqlx::query!(
        "select id, competition_id from competition_events where name = $1 order by id limit 1",
        name
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok((row.competition_id, row.id))
}

async fn enter(
    tx: &mut PgConnection,
    (competition, event): (i64, i64),
    (member, employer): (i64, &str),
    (city, team, leader): (i64, Option<i64>, bool),
) -> Result<i64, crate::BoxError> {
    let seq = q::next_seq(&mut *tx, event).await?;
    let new = NewContestant {
        competition_id: competition,
        event_id: event,
        member_id: member,
        team_id: team,
        leader,
        organisation_id: city,
        employer,
        registered_by: "seed",
    };
    Ok(q::insert_contestant(&mut *tx, &new, (seq, &contestant_number(0, seq))).await?)
}

async fn chief_judge(tx: &mut PgConnection, event: i64) -> Result<(), crate::BoxError> {
    let judge = crate::users::queries::find_id_by_username(&mut *tx, "judge")
        .await?
        .ok_or("the demo judge")?;
    super::judge_queries::insert(&mut *tx, event, judge, "").await?;
    Ok(())
}

pub async fn seed(
    tx: &mut PgConnection,
    pii: &crate::pii::Pii,
    city: i64,
) -> Result<(), crate::BoxError> {
    let final_event = event_named(tx, "水泥生产质量控制（团体）").await?;
    // 4 places × 11 works: 44 companies, each once (4 and 11 share no factor).
    for team in 0..44 {
        let company = format!(
            "{}{}有限公司",
            CEMENT_PLACES[team % CEMENT_PLACES.len()],
            CEMENT_WORKS[team % CEMENT_WORKS.len()]
        );
        let team_id = q::insert_team(&mut *tx, final_event.1, &format!("{company}代表队")).await?;
        for place in 0..3 {
            let n = team * 3 + place;
            let who = member(tx, pii, (city, n, "130203"), &company).await?;
            enter(
                tx,
                final_event,
                (who.0, &who.1),
                (city, Some(team_id), place == 0),
            )
            .await?;
        }
    }
    q::draw_seats(&mut *tx, final_event.1).await?;
    chief_judge(tx, final_event.1).await?;

    let livestock = event_named(tx, "动物疫病防治员").await?;
    let mut withdrawn = Vec::new();
    for n in 0..418 {
        let district = DISTRICTS[n % DISTRICTS.len()];
        let (region, station) = if n % DISTRICTS.len() < 26 {
            ("500101", format!("重庆市{district}畜牧兽医站"))
        } else {
            ("510104", format!("成都市{district}动物疫病预防控制中心"))
        };
        let who = member(tx, pii, (city, 200 + n, region), &station).await?;
        let contestant = enter(tx, livestock, (who.0, &who.1), (city, None, false)).await?;
        if n % 100 == 57 {
            withdrawn.push(contestant);
        }
    }
    for contestant in withdrawn {
        q::withdraw(&mut *tx, livestock.0, contestant, "因病无法参赛").await?;
    }
    q::draw_seats(&mut *tx, livestock.1).await?;
    chief_judge(tx, livestock.1).await?;
    Ok(())
}
