//! The marking part of the demo world: the building-materials final fully marked by its panel
//! (孙磊 the chief, 陈刚 and 高洁), every sub-item locked and marking finished; the livestock
//! contest under way with two sub-items locked, the judged one part-scored with one gap too wide
//! for the judges to discuss, and one measured sub-item half entered.

use sqlx::PgConnection;

use super::model::{Marking, lock_marks};
use super::queries as q;
use crate::access::Actor;
use crate::competitions::model::Status;
use crate::points::Mark;
use crate::workflow::{self, Line};

async fn user(tx: &mut PgConnection, username: &str) -> Result<i64, crate::BoxError> {
    Ok(
        crate::users::queries::find_id_by_username(&mut *tx, username)
            .await?
            .ok_or("a demo judge")?,
    )
}

/// A value for line `n`: a share (55–98%) of `top`, in hundredths, judges 2% apart.
fn value(n: usize, judge: usize, top: Mark) -> Mark {
    let share = 55 + (n * 37) % 40 + judge * 2;
    Mark::from_hundredths(top.hundredths() * share as i32 / 100)
}

/// Enters the values of the first `lines` of the sheet (each of `judges` for a judgement),
/// and locks the sub-item when `locked`.
async fn mark(
    tx: &mut PgConnection,
    (competition, organisation): (i64, i64),
    (item_id, judges, lines, locked): (i64, &[i64], usize, bool),
) -> Result<(), crate::BoxError> {
    let item = q::find_item(&mut *tx, competition, item_id)
        .await?
        .ok_or("a demo sub-item")?;
    let rows = q::sheet_rows(&mut *tx, item.event_id, item.id).await?;
    let slots: Vec<(usize, i64)> = match item.marking {
        Marking::Measurement => vec![(0, 0)],
        Marking::Judgement { .. } => judges.iter().copied().enumerate().collect(),
    };
    for (index, slot) in slots {
        let marks: Vec<(i64, Option<Mark>)> = rows
            .iter()
            .take(lines)
            .enumerate()
            .map(|(n, row)| (row.contestant_id, Some(value(n, index, item.limit()))))
            .collect();
        let by = if slot == 0 { judges[0] } else { slot };
        q::save(&mut *tx, (item.id, slot, by), &marks).await?;
    }
    if !locked {
        return Ok(());
    }
    let rows = q::sheet_rows(&mut *tx, item.event_id, item.id).await?;
    let scores: Vec<(i64, Vec<Mark>)> = rows
        .iter()
        .map(|r| (r.contestant_id, r.entries.iter().map(|e| e.value).collect()))
        .collect();
    let marks = lock_marks(item.marking, item.max_mark, &scores)
        .map_err(|problems| format!("demo sub-item {} cannot lock: {problems:?}", item.name))?;
    q::lock(&mut *tx, item.id, judges[0], &marks).await?;
    let line = Line::event("competition", competition, organisation, "item_locked")
        .with_comment(&item.name)
        .with_detail(serde_json::json!({ "item_id": item.id, "marks": marks.len() }));
    workflow::record(tx, &Actor::system("seed"), &line).await?;
    Ok(())
}

async fn event(tx: &mut PgConnection, name: &str) -> Result<(i64, i64, i64), crate::BoxError> {
    let row = sqlx::query!(
        "select e.id, e.competition_id, c.organisation_id from competition_events e
         join competitions c on c.id = e.competition_id where e.name = $1 order by e.id limit 1",
        name
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok((row.competition_id, row.organisation_id, row.id))
}

pub async fn seed(tx: &mut PgConnection) -> Result<(), crate::BoxError> {
    let judges = [
        user(tx, "judge").await?,
        user(tx, "judge_chen").await?,
        user(tx, "judge_gao").await?,
    ];
    let (competition, organisation, final_event) = event(tx, "水泥生产质量控制（团体）").await?;
    for judge in &judges[1..] {
        crate::contestants::judge_queries::insert(&mut *tx, final_event, *judge, "").await?;
    }
    for (item, ..) in q::items_of_event(&mut *tx, final_event).await? {
        mark(tx, (competition, organisation), (item, &judges, 44, true)).await?;
    }
    let actor = Actor::system("seed");
    let at = (competition, organisation);
    crate::competitions::demo::advance_from(
        tx,
        &actor,
        at,
        Status::InProgress,
        Status::MarkingFinished,
    )
    .await?;
    crate::results::demo::seed(tx, at, final_event).await?;

    let (competition, organisation, livestock) = event(tx, "动物疫病防治员").await?;
    for judge in &judges[1..] {
        crate::contestants::judge_queries::insert(&mut *tx, livestock, *judge, "").await?;
    }
    let items = q::items_of_event(&mut *tx, livestock).await?;
    let at = (competition, organisation);
    // 猪瘟抗体检测 and 畜禽免疫注射 locked; 病死畜禽剖检 (judged) scored for 300; 兽药配制 for 200.
    for (index, (item, ..)) in items.iter().enumerate() {
        let (lines, locked) = match index {
            0 | 2 => (usize::MAX, true),
            1 => (300, false),
            _ => (200, false),
        };
        mark(tx, at, (*item, &judges, lines, locked)).await?;
    }
    // Two judges three-quarters of the scale apart on one contestant: to discuss and score again.
    let judged = items
        .get(1)
        .map(|(id, ..)| *id)
        .ok_or("the judged sub-item")?;
    sqlx::query!(
        "update marks set value = 0 where id = (
             select min(id) from marks where item_id = $1 and judge_slot = $2)",
        judged,
        judges[2]
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
