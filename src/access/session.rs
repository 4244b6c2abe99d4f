//! The session behind a request's cookie, and its user: read on every request by the context
//! middleware, so it lives here rather than in the sign-in feature.

use sha2::{Digest, Sha256};
use sqlx::PgExecutor;

use super::{CurrentUser, Scope, parse_roles};
use crate::web::i18n::Locale;

/// Sessions are stored by the hash of their token, so a read of the table cannot sign anyone in.
pub fn session_token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A session's user, if the session exists, is neither idle nor too old, and the account is enabled.
pub struct SessionRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub locale: Option<String>,
    pub must_change_password: bool,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub scope: String,
    /// Seconds since the session was last touched (we touch it at most once a minute).
    pub idle_seconds: f64,
    pub unread_notices: i64,
}

pub async fn find_session_user(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    idle_seconds: f64,
    max_seconds: f64,
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as!(
        SessionRow,
        r#"select u.id as user_id, u.username, u.display_name, u.roles, u.locale,
                  u.must_change_password, o.id as organisation_id, o.name as organisation_name,
                  o.path::text as "scope!",
                  extract(epoch from now() - s.last_seen_at)::float8 as "idle_seconds!",
                  (select count(*) from notices n where n.user_id = u.id and n.read_at is null) as "unread_notices!"
           from sessions s
           join users u on u.id = s.user_id
           join organisations o on o.id = u.organisation_id
           where s.token_hash = $1
             and u.disabled_at is null
             and s.last_seen_at > now() - make_interval(secs => $2)
             and s.created_at > now() - make_interval(secs => $3)"#,
        token_hash,
        idle_seconds,
        max_seconds
    )
    .fetch_optional(db)
    .await
}

pub async fn touch_session(db: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "update sessions set last_seen_at = now() where token_hash = $1",
        token_hash
    )
    .execute(db)
    .await?;
    Ok(())
}
/// The user of a live session, touching it at most once a minute (the idle timeout needs no finer
/// grain than that).
pub async fn find_user(
    db: &sqlx::PgPool,
    token: &str,
    idle: std::time::Duration,
    max: std::time::Duration,
) -> sqlx::Result<Option<CurrentUser>> {
    let hash = session_token_hash(token);
    let row = find_session_user(db, &hash, idle.as_secs_f64(), max.as_secs_f64()).await?;
    let Some(row) = row else { return Ok(None) };
    if row.idle_seconds > 60.0 {
        touch_session(db, &hash).await?;
    }
    Ok(Some(CurrentUser {
        id: row.user_id,
        username: row.username,
        display_name: row.display_name,
        roles: parse_roles(&row.roles),
        organisation_id: row.organisation_id,
        organisation_name: row.organisation_name,
        scope: Scope::of(row.scope),
        locale: row.locale.as_deref().and_then(Locale::parse),
        must_change_password: row.must_change_password,
        unread_notices: row.unread_notices,
    }))
}
