//! A campaign's training and counselling sessions and who attended, in SQL.

use sqlx::{PgConnection, PgExecutor};
use time::Date;

use super::model::{SessionKind, ValidSession};
use crate::access::Scope;

/// A session as a campaign's page and its own page show it to everyone who reads the campaign.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    pub campaign_id: i64,
    pub kind: SessionKind,
    pub held_on: Date,
    pub topic: String,
    pub place: String,
    pub minutes: i32,
    pub trainer: String,
    pub counsellor_id: Option<i64>,
    pub counsellor_name: Option<String>,
    pub attendance: i32,
}

pub async fn list(db: impl PgExecutor<'_>, campaign_id: i64) -> sqlx::Result<Vec<Session>> {
    sqlx::query_as!(
        Session,
        r#"select s.id, s.campaign_id, s.kind as "kind: SessionKind", s.held_on, s.topic, s.place,
                  s.minutes, s.trainer, s.counsellor_id, u.display_name as "counsellor_name?",
                  s.attendance
           from care_sessions s left join users u on u.id = s.counsellor_id
           where s.campaign_id = $1 order by s.held_on desc, s.id desc"#,
        campaign_id
    )
    .fetch_all(db)
    .await
}

/// A session of the campaign (a campaign holds a few dozen at most).
pub async fn find(
    db: impl PgExecutor<'_>,
    campaign_id: i64,
    id: i64,
) -> sqlx::Result<Option<Session>> {
    Ok(list(db, campaign_id)
        .await?
        .into_iter()
        .find(|s| s.id == id))
}

/// The accounts that may counsel for a campaign of the organisation at `path`: holders of the
/// `health` role at it, above it, or in the asker's subtree.
pub async fn counsellors(
    db: impl PgExecutor<'_>,
    path: &str,
    scope: &Scope,
) -> sqlx::Result<Vec<(i64, String)>> {
    crate::users::queries::role_holders(db, crate::access::Role::Health, path, scope).await
}

pub async fn insert(
    tx: &mut PgConnection,
    campaign_id: i64,
    session: &ValidSession,
    created_by: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into care_sessions (campaign_id, kind, held_on, topic, place, minutes, trainer,
                                    counsellor_id, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        campaign_id,
        session.kind.code(),
        session.held_on,
        session.topic,
        session.place,
        session.minutes,
        session.trainer,
        session.counsellor_id,
        created_by
    )
    .fetch_one(tx)
    .await
}

/// Who attended a session: (name, member number or none, masked ID number).
pub async fn attendees(
    db: impl PgExecutor<'_>,
    session_id: i64,
) -> sqlx::Result<Vec<(String, Option<String>, String)>> {
    let rows = sqlx::query!(
        r#"select r.name, m.member_no as "member_no?", r.id_masked
           from care_attendance a
           join care_recipients r on r.id = a.recipient_id
           left join members m on m.id = r.member_id
           where a.session_id = $1 order by a.created_at, r.id"#,
        session_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.name, r.member_no, r.id_masked))
        .collect())
}

/// The campaign's entry of a person (by the blind index of their ID number), if any.
pub async fn recipient_of(
    db: impl PgExecutor<'_>,
    campaign_id: i64,
    person_index: &[u8],
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select id from care_recipients where campaign_id = $1 and person_index = $2",
        campaign_id,
        person_index
    )
    .fetch_optional(db)
    .await
}

/// Records the attendance; false when they were recorded already.
pub async fn attend(
    tx: &mut PgConnection,
    session_id: i64,
    recipient_id: i64,
    recorded_by: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "insert into care_attendance (session_id, recipient_id, recorded_by) values ($1, $2, $3)
         on conflict do nothing",
        session_id,
        recipient_id,
        recorded_by
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The sealed notes of a counselling session.
pub async fn notes(db: impl PgExecutor<'_>, session_id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar!(
        "select notes_cipher from care_sessions where id = $1",
        session_id
    )
    .fetch_one(db)
    .await
}

pub async fn set_notes(tx: &mut PgConnection, session_id: i64, sealed: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "update care_sessions set notes_cipher = $2 where id = $1 and kind = 'counselling'",
        session_id,
        sealed
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Whether the worker attended any of the campaign's sessions (they then stay on it).
pub async fn attended_any(db: impl PgExecutor<'_>, recipient_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from care_attendance where recipient_id = $1) as "attended!""#,
        recipient_id
    )
    .fetch_one(db)
    .await
}
