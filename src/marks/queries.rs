//! SQL of mark sheets: a sub-item with its event, the contestants on its sheet with every value
//! entered, saving a judge's values in two statements, and the lock.

use sqlx::PgExecutor;

use super::model::Marking;
use crate::points::Mark;

/// A sub-item as its mark sheet shows it.
#[derive(Debug, Clone)]
pub struct SheetItem {
    pub id: i64,
    pub name: String,
    pub part_name: String,
    pub event_id: i64,
    pub event_name: String,
    pub team_size: i16,
    pub max_mark: Mark,
    pub marking: Marking,
    pub locked_at: Option<time::OffsetDateTime>,
    pub locked_by: Option<String>,
}

impl SheetItem {
    pub fn is_team(&self) -> bool {
        self.team_size > 1
    }

    pub fn limit(&self) -> Mark {
        self.marking.limit(self.max_mark)
    }
}

pub async fn find_item(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    item_id: i64,
) -> sqlx::Result<Option<SheetItem>> {
    let row = sqlx::query!(
        r#"select i.id, i.name, p.name as part_name, e.id as event_id, e.name as event_name,
                  e.team_size, i.max_mark as "max_mark: Mark", i.marking,
                  i.scale_max as "scale_max: Mark", i.rule, i.max_gap as "max_gap: Mark",
                  i.locked_at, u.display_name as "locked_by?"
           from event_items i
           join event_parts p on p.id = i.part_id
           join competition_events e on e.id = p.event_id
           left join users u on u.id = i.locked_by
           where i.id = $2 and e.competition_id = $1"#,
        competition_id,
        item_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| {
        let marking = match (row.marking.as_str(), row.scale_max, row.max_gap) {
            ("judgement", Some(scale), Some(gap)) => Marking::Judgement {
                scale,
                trimmed: row.rule.as_deref() == Some("trimmed_mean"),
                gap,
            },
            _ => Marking::Measurement,
        };
        SheetItem {
            id: row.id,
            name: row.name,
            part_name: row.part_name,
            event_id: row.event_id,
            event_name: row.event_name,
            team_size: row.team_size,
            max_mark: row.max_mark,
            marking,
            locked_at: row.locked_at,
            locked_by: row.locked_by,
        }
    }))
}

/// One value on a sheet: whose slot (0 for a measurement), the value, who entered it and when.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Entry {
    pub slot: i64,
    pub value: Mark,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
}

/// A line of a sheet: a registered contestant (in a team event, the team, by its leader).
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub contestant_id: i64,
    pub number: String,
    pub name: String,
    pub team_name: Option<String>,
    pub organisation_path: String,
    pub employer: String,
    pub entries: Vec<Entry>,
}

pub async fn sheet_rows(
    db: impl PgExecutor<'_>,
    event_id: i64,
    item_id: i64,
) -> sqlx::Result<Vec<SheetRow>> {
    let rows = sqlx::query!(
        r#"select k.id, k.number, m.name, t.name as "team_name?", o.path::text as "path!",
                  k.employer,
                  coalesce((select json_agg(json_build_object(
                               'slot', x.judge_slot, 'value', x.value, 'by', u.display_name,
                               'at', x.entered_at) order by x.judge_slot)
                            from marks x join users u on u.id = x.entered_by
                            where x.item_id = $2 and x.contestant_id = k.id), '[]') as "entries!: sqlx::types::Json<Vec<Entry>>"
           from contestants k
           join members m on m.id = k.member_id
           join organisations o on o.id = k.organisation_id
           left join event_teams t on t.id = k.team_id
           where k.event_id = $1 and k.status = 'registered' and (k.team_id is null or k.leader)
           order by k.seq"#,
        event_id,
        item_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| SheetRow {
            contestant_id: row.id,
            number: row.number,
            name: row.name,
            team_name: row.team_name,
            organisation_path: row.path,
            employer: row.employer,
            entries: row.entries.0,
        })
        .collect())
}

/// Locks the sub-item's row for a change of its marks; whether it is locked (none when the
/// competition has no such sub-item).
pub async fn lock_item(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    item_id: i64,
) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!(
        r#"select (i.locked_at is not null) as "locked!"
           from event_items i
           join event_parts p on p.id = i.part_id
           join competition_events e on e.id = p.event_id
           where i.id = $2 and e.competition_id = $1
           for update of i"#,
        competition_id,
        item_id
    )
    .fetch_optional(db)
    .await
}

/// Writes a judge's values (`slot` 0 for a measurement) and removes the ones made blank: two
/// statements for the whole sheet. Values that did not change keep who entered them and when.
pub async fn save(
    db: &mut sqlx::PgConnection,
    (item_id, slot, user_id): (i64, i64, i64),
    marks: &[(i64, Option<Mark>)],
) -> sqlx::Result<u64> {
    let (kept, values): (Vec<i64>, Vec<i32>) = marks
        .iter()
        .filter_map(|(c, m)| m.map(|m| (*c, m.hundredths())))
        .unzip();
    let blank: Vec<i64> = marks
        .iter()
        .filter(|(_, m)| m.is_none())
        .map(|(c, _)| *c)
        .collect();
    let written = sqlx::query!(
        "insert into marks (item_id, contestant_id, judge_slot, value, entered_by)
         select $1, c, $2, v, $3 from unnest($4::bigint[], $5::integer[]) as t(c, v)
         on conflict (item_id, contestant_id, judge_slot) do update
            set value = excluded.value, entered_by = excluded.entered_by, entered_at = now()
          where marks.value <> excluded.value",
        item_id,
        slot,
        user_id,
        &kept,
        &values
    )
    .execute(&mut *db)
    .await?;
    let removed = sqlx::query!(
        "delete from marks where item_id = $1 and judge_slot = $2 and contestant_id = any($3)",
        item_id,
        slot,
        &blank
    )
    .execute(&mut *db)
    .await?;
    Ok(written.rows_affected() + removed.rows_affected())
}

/// Locks the sub-item, keeping each contestant's mark; false when it was locked already.
pub async fn lock(
    db: &mut sqlx::PgConnection,
    item_id: i64,
    user_id: i64,
    marks: &[(i64, Mark)],
) -> sqlx::Result<bool> {
    let locked = sqlx::query!(
        "update event_items set locked_at = now(), locked_by = $2
          where id = $1 and locked_at is null",
        item_id,
        user_id
    )
    .execute(&mut *db)
    .await?;
    if locked.rows_affected() == 0 {
        return Ok(false);
    }
    let (contestants, values): (Vec<i64>, Vec<i32>) =
        marks.iter().map(|(c, m)| (*c, m.hundredths())).unzip();
    sqlx::query!(
        "insert into item_marks (item_id, contestant_id, mark)
         select $1, c, v from unnest($2::bigint[], $3::integer[]) as t(c, v)",
        item_id,
        &contestants,
        &values
    )
    .execute(&mut *db)
    .await?;
    Ok(true)
}

/// Unlocks the sub-item and forgets the marks kept at its lock; false when it was not locked.
pub async fn unlock(db: &mut sqlx::PgConnection, item_id: i64) -> sqlx::Result<bool> {
    let unlocked = sqlx::query!(
        "update event_items set locked_at = null, locked_by = null
          where id = $1 and locked_at is not null",
        item_id
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!("delete from item_marks where item_id = $1", item_id)
        .execute(&mut *db)
        .await?;
    Ok(unlocked.rows_affected() == 1)
}

/// How many sub-items of the competition are not locked.
pub async fn unlocked_items(db: impl PgExecutor<'_>, competition_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from event_items i
           join event_parts p on p.id = i.part_id
           join competition_events e on e.id = p.event_id
           where e.competition_id = $1 and i.locked_at is null"#,
        competition_id
    )
    .fetch_one(db)
    .await
}

/// The sub-items of an event with whether each is locked and how many values it holds.
pub async fn items_of_event(
    db: impl PgExecutor<'_>,
    event_id: i64,
) -> sqlx::Result<Vec<(i64, String, String, bool)>> {
    let rows = sqlx::query!(
        r#"select i.id, i.name, p.name as part_name, (i.locked_at is not null) as "locked!"
           from event_items i join event_parts p on p.id = i.part_id
           where p.event_id = $1 order by p.position, p.id, i.position, i.id"#,
        event_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name, r.part_name, r.locked))
        .collect())
}
