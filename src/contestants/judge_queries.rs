//! SQL of an event's judges: who judges it, who could, and the changes of its panel.

use sqlx::PgExecutor;

#[derive(Debug, Clone)]
pub struct Judge {
    pub user_id: i64,
    pub display_name: String,
    pub organisation_name: String,
    pub organisation_path: String,
    pub employer: String,
    pub chief: bool,
    /// The sub-items the judge is assigned to; none: every sub-item of the event.
    pub items: Vec<i64>,
}

impl Judge {
    /// Whether the judge marks sub-item `item` (the chief marks every one).
    pub fn marks(&self, item: i64) -> bool {
        self.chief || self.items.is_empty() || self.items.contains(&item)
    }
}

/// The event's judges, the chief first.
pub async fn judges(db: impl PgExecutor<'_>, event_id: i64) -> sqlx::Result<Vec<Judge>> {
    sqlx::query_as!(
        Judge,
        r#"select u.id as user_id, u.display_name, o.name as organisation_name,
                  o.path::text as "organisation_path!", j.employer, j.chief, j.items
           from event_judges j
           join users u on u.id = j.user_id
           join organisations o on o.id = u.organisation_id
           where j.event_id = $1
           order by j.chief desc, j.created_at, u.id"#,
        event_id
    )
    .fetch_all(db)
    .await
}

/// Accounts that may be asked to judge a competition organised at `path`: enabled, holding the
/// judge's role, at the organiser, above it, or inside its subtree; not yet on the event's panel.
pub async fn pool(
    db: impl PgExecutor<'_>,
    event_id: i64,
    path: &str,
) -> sqlx::Result<Vec<(i64, String, String)>> {
    let rows = sqlx::query!(
        r#"select u.id, u.display_name, o.name as organisation_name
           from users u join organisations o on o.id = u.organisation_id
           where 'judge' = any(u.roles) and u.disabled_at is null
             and (o.path @> $2::text::ltree or o.path <@ $2::text::ltree)
             and not exists (select 1 from event_judges j where j.event_id = $1 and j.user_id = u.id)
           order by o.path, u.display_name, u.id
           limit 200"#,
        event_id,
        path
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.display_name, row.organisation_name))
        .collect())
}

/// Whether the account may judge the competition organised at `path` (as [`pool`] admits).
pub async fn may_judge(db: impl PgExecutor<'_>, user_id: i64, path: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (
               select 1 from users u join organisations o on o.id = u.organisation_id
               where u.id = $1 and 'judge' = any(u.roles) and u.disabled_at is null
                 and (o.path @> $2::text::ltree or o.path <@ $2::text::ltree)) as "ok!""#,
        user_id,
        path
    )
    .fetch_one(db)
    .await
}

/// Puts a judge on the panel; the first judge of an event is its chief.
pub async fn insert(
    db: impl PgExecutor<'_>,
    event_id: i64,
    user_id: i64,
    employer: &str,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into event_judges (event_id, user_id, employer, chief)
         values ($1, $2, $3, not exists (select 1 from event_judges where event_id = $1 and chief))
         on conflict do nothing",
        event_id,
        user_id,
        employer
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn delete(db: impl PgExecutor<'_>, event_id: i64, user_id: i64) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "delete from event_judges where event_id = $1 and user_id = $2",
        event_id,
        user_id
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// Makes a judge of the panel its chief (the one chief before steps down); false when the
/// account is not on the panel.
pub async fn make_chief(
    db: &mut sqlx::PgConnection,
    event_id: i64,
    user_id: i64,
) -> sqlx::Result<bool> {
    sqlx::query!(
        "update event_judges set chief = false where event_id = $1 and chief and user_id <> $2",
        event_id,
        user_id
    )
    .execute(&mut *db)
    .await?;
    let made = sqlx::query!(
        "update event_judges set chief = true, items = '{}' where event_id = $1 and user_id = $2",
        event_id,
        user_id
    )
    .execute(&mut *db)
    .await?;
    Ok(made.rows_affected() == 1)
}

/// Assigns a judge of the panel to `items` of the event (none: every one); false when the account
/// is not on the panel.
pub async fn set_items(
    db: impl PgExecutor<'_>,
    event_id: i64,
    user_id: i64,
    items: &[i64],
) -> sqlx::Result<bool> {
    let set = sqlx::query!(
        "update event_judges set items = $3 where event_id = $1 and user_id = $2 and not chief",
        event_id,
        user_id,
        items
    )
    .execute(db)
    .await?;
    Ok(set.rows_affected() == 1)
}
