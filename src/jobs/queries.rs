//! SQL of the job queue.

use std::time::Duration;

use sqlx::PgExecutor;

use super::Job;

/// Queues a job; call it in the transaction of the change that asks for it, so the job exists
/// exactly when the change does.
pub async fn enqueue(
    db: impl PgExecutor<'_>,
    kind: &str,
    payload: &serde_json::Value,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into jobs (kind, payload) values ($1, $2) returning id",
        kind,
        payload
    )
    .fetch_one(db)
    .await
}

/// Takes the oldest ready job of the given kinds, marking it running; another worker skips it.
/// A worker takes only kinds it knows, so during a rolling upgrade an older instance leaves a new
/// kind of job to the newer ones.
pub async fn take_next(db: impl PgExecutor<'_>, kinds: &[String]) -> sqlx::Result<Option<Job>> {
    sqlx::query_as!(
        Job,
        r#"update jobs set status = 'running', attempts = attempts + 1, heartbeat_at = now()
           where id = (select id from jobs where status = 'queued' and run_at <= now()
                         and kind = any($1)
                       order by run_at, id for update skip locked limit 1)
           returning id, kind, payload, attempts as attempt, max_attempts"#,
        kinds
    )
    .fetch_optional(db)
    .await
}

/// The job is still being worked on.
pub async fn beat(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update jobs set heartbeat_at = now() where id = $1 and status = 'running'",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn complete(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update jobs set status = 'done', finished_at = now(), last_error = null where id = $1",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn fail(db: impl PgExecutor<'_>, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "update jobs set status = 'failed', finished_at = now(), last_error = $2 where id = $1",
        id,
        error
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Back to the queue after a failed attempt, to run again after `delay`.
pub async fn retry(
    db: impl PgExecutor<'_>,
    id: i64,
    error: &str,
    delay: Duration,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update jobs set status = 'queued', last_error = $2, heartbeat_at = null,
                           run_at = now() + make_interval(secs => $3)
           where id = $1"#,
        id,
        error,
        delay.as_secs_f64()
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Running jobs without a heartbeat for `lease`: back to the queue, or failed once their attempts
/// are used up. Returns them as they were.
pub async fn release_stale(db: impl PgExecutor<'_>, lease: Duration) -> sqlx::Result<Vec<Job>> {
    sqlx::query_as!(
        Job,
        r#"update jobs
           set status = case when attempts >= max_attempts then 'failed' else 'queued' end,
               finished_at = case when attempts >= max_attempts then now() end,
               last_error = 'the process running it stopped', heartbeat_at = null
           where status = 'running' and heartbeat_at < now() - make_interval(secs => $1)
           returning id, kind, payload, attempts as attempt, max_attempts"#,
        lease.as_secs_f64()
    )
    .fetch_all(db)
    .await
}
