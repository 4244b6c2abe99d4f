//! SQL of accounts, sessions and sign-in attempts.

use sqlx::PgExecutor;

/// What sign-in needs to know of an account.
pub struct LoginCandidate {
    pub id: i64,
    pub password_hash: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub organisation_id: i64,
}

pub async fn find_login_candidate(
    db: impl PgExecutor<'_>,
    username: &str,
) -> sqlx::Result<Option<LoginCandidate>> {
    sqlx::query_as!(
        LoginCandidate,
        r#"select id, password_hash, disabled_at is not null as "disabled!",
                  must_change_password, organisation_id
           from users where username = $1"#,
        username
    )
    .fetch_optional(db)
    .await
}

pub async fn insert_session(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    user_id: i64,
    ip: Option<String>,
    user_agent: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into sessions (token_hash, user_id, ip, user_agent) values ($1, $2, $3::text::inet, $4)",
        token_hash,
        user_id,
        ip,
        user_agent
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_session(db: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query!("delete from sessions where token_hash = $1", token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of the user but `keep` (the one asking, when it has one).
pub async fn delete_other_sessions(
    db: impl PgExecutor<'_>,
    user_id: i64,
    keep: Option<&[u8]>,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from sessions where user_id = $1 and token_hash is distinct from $2",
        user_id,
        keep
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

pub async fn delete_sessions_of_user(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!("delete from sessions where user_id = $1", user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

pub async fn record_login_attempt(
    db: impl PgExecutor<'_>,
    username: &str,
    ip: Option<String>,
    succeeded: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into login_attempts (username, ip, succeeded) values ($1, $2::text::inet, $3)",
        username,
        ip,
        succeeded
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Failed attempts in the window, for this account name and for this address.
pub struct RecentFailures {
    pub by_username: i64,
    pub by_ip: i64,
}

pub async fn count_recent_failures(
    db: impl PgExecutor<'_>,
    username: &str,
    ip: Option<String>,
    window_seconds: f64,
) -> sqlx::Result<RecentFailures> {
    sqlx::query_as!(
        RecentFailures,
        r#"select
             count(*) filter (where username = $1) as "by_username!",
             count(*) filter (where ip = $2::text::inet) as "by_ip!"
           from login_attempts
           where not succeeded
             and attempted_at > now() - make_interval(secs => $3)
             and (username = $1 or ip = $2::text::inet)"#,
        username,
        ip,
        window_seconds
    )
    .fetch_one(db)
    .await
}

pub async fn update_password(
    db: impl PgExecutor<'_>,
    user_id: i64,
    password_hash: &str,
    must_change: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set password_hash = $2, must_change_password = $3 where id = $1",
        user_id,
        password_hash,
        must_change
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find_password_hash(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar!("select password_hash from users where id = $1", user_id)
        .fetch_one(db)
        .await
}

pub async fn update_locale(
    db: impl PgExecutor<'_>,
    user_id: i64,
    locale: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set locale = $2 where id = $1",
        user_id,
        locale
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets sessions past their timeouts and sign-in attempts older than a day. Run at each sign-in:
/// cheap, and it keeps both tables small without a scheduler.
pub async fn delete_expired(
    db: impl PgExecutor<'_>,
    idle_seconds: f64,
    max_seconds: f64,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"with gone as (
             delete from sessions
             where last_seen_at < now() - make_interval(secs => $1)
                or created_at < now() - make_interval(secs => $2)
           )
           delete from login_attempts where attempted_at < now() - interval '1 day'"#,
        idle_seconds,
        max_seconds
    )
    .execute(db)
    .await?;
    Ok(())
}
