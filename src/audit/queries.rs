//! SQL of the audit trail.

use sqlx::PgExecutor;

use super::model::{Actor, mask_sensitive};

/// One change to record. `before`/`after` are masked here, so no caller can forget to.
pub struct Change<'a> {
    pub entity: &'a str,
    pub entity_id: String,
    pub action: &'a str,
    pub organisation_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Writes one audit record; call it with the transaction that makes the change.
pub async fn record(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    change: Change<'_>,
) -> sqlx::Result<()> {
    let masked = |value: Option<serde_json::Value>| {
        value.map(|mut value| {
            mask_sensitive(&mut value);
            value
        })
    };
    sqlx::query!(
        r#"insert into audit_log
             (actor_id, actor_name, ip, organisation_id, entity, entity_id, action, before, after)
           values ($1, $2, $3::text::inet, $4, $5, $6, $7, $8, $9)"#,
        actor.user_id,
        actor.name,
        actor.ip,
        change.organisation_id,
        change.entity,
        change.entity_id,
        change.action,
        masked(change.before),
        masked(change.after),
    )
    .execute(db)
    .await?;
    Ok(())
}
