//! A competition's events, parts and sub-items in SQL: read as one tree, added and removed one
//! by one (only while the competition is editable, which the handlers check under a lock).

use sqlx::PgExecutor;

use super::structure::{Event, Item, ItemFields, Part};
use crate::points::{Mark, Weight};

/// Every event of a competition with its parts and their sub-items, in their order.
pub async fn tree(db: &sqlx::PgPool, competition_id: i64) -> sqlx::Result<Vec<Event>> {
    let events = sqlx::query!(
        "select id, name, team_size from competition_events where competition_id = $1
         order by position, id",
        competition_id
    )
    .fetch_all(db)
    .await?;
    let parts = sqlx::query!(
        r#"select p.id, p.event_id, p.name, p.kind, p.max_mark as "max_mark: Mark",
                  p.weight as "weight: Weight"
           from event_parts p join competition_events e on e.id = p.event_id
           where e.competition_id = $1 order by p.position, p.id"#,
        competition_id
    )
    .fetch_all(db)
    .await?;
    let items = sqlx::query_as!(
        Item,
        r#"select i.id, i.part_id, i.name, i.max_mark as "max_mark: Mark",
                  i.weight as "weight: Weight", i.marking, i.scale_max as "scale_max: Mark",
                  i.rule, i.max_gap as "max_gap: Mark"
           from event_items i join event_parts p on p.id = i.part_id
           join competition_events e on e.id = p.event_id
           where e.competition_id = $1 order by i.position, i.id"#,
        competition_id
    )
    .fetch_all(db)
    .await?;
    Ok(events
        .into_iter()
        .map(|event| Event {
            parts: parts
                .iter()
                .filter(|part| part.event_id == event.id)
                .map(|part| Part {
                    id: part.id,
                    event_id: part.event_id,
                    name: part.name.clone(),
                    kind: part.kind.clone(),
                    max_mark: part.max_mark,
                    weight: part.weight,
                    items: items
                        .iter()
                        .filter(|item| item.part_id == part.id)
                        .cloned()
                        .collect(),
                })
                .collect(),
            id: event.id,
            name: event.name,
            team_size: event.team_size,
        })
        .collect())
}

pub async fn insert_event(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    name: &str,
    team_size: i16,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into competition_events (competition_id, name, team_size, position)
         values ($1, $2, $3, (select count(*) from competition_events where competition_id = $1))
         returning id",
        competition_id,
        name,
        team_size
    )
    .fetch_one(db)
    .await
}

pub async fn insert_part(
    db: impl PgExecutor<'_>,
    event_id: i64,
    (name, kind, max_mark, weight): (&str, &str, Mark, Weight),
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into event_parts (event_id, name, kind, max_mark, weight, position)
         values ($1, $2, $3, $4, $5, (select count(*) from event_parts where event_id = $1))
         returning id",
        event_id,
        name,
        kind,
        max_mark.hundredths(),
        weight.hundredths(),
    )
    .fetch_one(db)
    .await
}

pub async fn insert_item(
    db: impl PgExecutor<'_>,
    part_id: i64,
    item: &ItemFields,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into event_items (part_id, name, max_mark, weight, marking, scale_max, rule,
                                  max_gap, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8,
                 (select count(*) from event_items where part_id = $1))
         returning id",
        part_id,
        item.name,
        item.max_mark.hundredths(),
        item.weight.hundredths(),
        item.marking,
        item.scale_max.map(Mark::hundredths),
        item.rule,
        item.max_gap.map(Mark::hundredths),
    )
    .fetch_one(db)
    .await
}

/// Whether `event_id` is an event of `competition_id`.
pub async fn is_event_of(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    event_id: i64,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from competition_events where id = $1 and competition_id = $2) as "held!""#,
        event_id,
        competition_id
    )
    .fetch_one(db)
    .await
}

/// Which event of `competition_id` holds the part `part_id` (none when it is another's).
pub async fn event_of_part(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    part_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select p.event_id from event_parts p join competition_events e on e.id = p.event_id
         where p.id = $1 and e.competition_id = $2",
        part_id,
        competition_id
    )
    .fetch_optional(db)
    .await
}

/// Removes an event with its parts and sub-items; false when it is not the competition's.
pub async fn delete_event(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    event_id: i64,
) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "delete from competition_events where id = $1 and competition_id = $2
           and not exists (select 1 from event_judges where event_id = $1)",
        event_id,
        competition_id
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

pub async fn delete_part(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    part_id: i64,
) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "delete from event_parts p using competition_events e
          where p.id = $1 and e.id = p.event_id and e.competition_id = $2",
        part_id,
        competition_id
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

pub async fn delete_item(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    item_id: i64,
) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "delete from event_items i using event_parts p, competition_events e
          where i.id = $1 and p.id = i.part_id and e.id = p.event_id and e.competition_id = $2",
        item_id,
        competition_id
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// Locks the competition's row for a change of its events, and says whether it may change.
pub async fn lock_editable(
    db: impl PgExecutor<'_>,
    competition_id: i64,
) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!(
        r#"select status in ('planned', 'registration_open') as "editable!"
           from competitions where id = $1 for update"#,
        competition_id
    )
    .fetch_optional(db)
    .await
}
