//! SQL of join requests.

use sqlx::PgExecutor;

use super::model::JoinStatus;
use crate::access::Scope;

pub struct NewRequest<'a> {
    pub reference: &'a str,
    pub organisation_id: i64,
    pub name: &'a str,
    pub id_number_cipher: Vec<u8>,
    pub id_number_index: Vec<u8>,
    pub id_number_masked: String,
    pub phone_cipher: Vec<u8>,
    pub phone_masked: String,
    pub employer: &'a str,
    pub occupation: &'a str,
    pub ip: Option<String>,
}

pub async fn insert(db: impl PgExecutor<'_>, r: &NewRequest<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"insert into join_requests
             (reference, organisation_id, name, id_number_cipher, id_number_index, id_number_masked,
              phone_cipher, phone_masked, employer, occupation, ip)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::inet)
           returning id"#,
        r.reference,
        r.organisation_id,
        r.name,
        r.id_number_cipher,
        r.id_number_index,
        r.id_number_masked,
        r.phone_cipher,
        r.phone_masked,
        r.employer,
        r.occupation,
        r.ip
    )
    .fetch_one(db)
    .await
}

/// Requests from this address in the last hour (the flood limit).
pub async fn count_recent_from(db: impl PgExecutor<'_>, ip: Option<String>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from join_requests
           where ip = $1::text::inet and created_at > now() - interval '1 hour'"#,
        ip
    )
    .fetch_one(db)
    .await
}

pub async fn has_pending(db: impl PgExecutor<'_>, id_number_index: &[u8]) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from join_requests where id_number_index = $1 and status = 'pending') as "e!""#,
        id_number_index
    )
    .fetch_one(db)
    .await
}

/// What the public status page may show: no personal data beyond a masked name.
pub struct PublicStatus {
    pub reference: String,
    pub name: String,
    pub organisation_name: String,
    pub status: JoinStatus,
    pub decline_reason: String,
    pub submitted_at: time::OffsetDateTime,
    /// Once approved: the member number the worker now holds.
    pub member_no: Option<String>,
}

pub async fn find_public_status(
    db: impl PgExecutor<'_>,
    reference: &str,
) -> sqlx::Result<Option<PublicStatus>> {
    sqlx::query_as!(
        PublicStatus,
        r#"select r.reference, r.name, o.name as organisation_name, r.status as "status: JoinStatus",
                  r.decline_reason, r.created_at as submitted_at,
                  m.member_no as "member_no?"
           from join_requests r join organisations o on o.id = r.organisation_id
           left join members m on m.id = r.member_id
           where r.reference = $1"#,
        reference
    )
    .fetch_optional(db)
    .await
}

pub struct QueueRow {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub employer: String,
    pub occupation: String,
    pub organisation_name: String,
    pub status: JoinStatus,
    pub decline_reason: String,
    pub member_id: Option<i64>,
    pub submitted_at: time::OffsetDateTime,
}

/// Requests of the organisations in scope: pending first, then the latest decided.
pub async fn list_queue(db: impl PgExecutor<'_>, scope: &Scope) -> sqlx::Result<Vec<QueueRow>> {
    sqlx::query_as!(
        QueueRow,
        r#"select r.id, r.reference, r.name, r.id_number_masked, r.phone_masked, r.employer, r.occupation,
                  o.name as organisation_name, r.status as "status: JoinStatus", r.decline_reason,
                  r.member_id, r.created_at as submitted_at
           from join_requests r join organisations o on o.id = r.organisation_id
           where o.path <@ $1::text::ltree
           order by (r.status = 'pending') desc, r.id desc
           limit 200"#,
        scope.path()
    )
    .fetch_all(db)
    .await
}

/// A request within scope, locked for its decision.
pub struct LockedRequest {
    pub id: i64,
    pub organisation_id: i64,
    pub status: JoinStatus,
    pub name: String,
    pub id_number_cipher: Vec<u8>,
    pub phone_cipher: Vec<u8>,
    pub employer: String,
    pub occupation: String,
}

pub async fn lock_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<LockedRequest>> {
    sqlx::query_as!(
        LockedRequest,
        r#"select r.id, r.organisation_id, r.status as "status: JoinStatus", r.name,
                  r.id_number_cipher, r.phone_cipher, r.employer, r.occupation
           from join_requests r join organisations o on o.id = r.organisation_id
           where r.id = $1 and o.path <@ $2::text::ltree
           for update of r"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

/// Records a decision if the request still stands at `from`; false when it does not.
pub async fn decide(
    db: impl PgExecutor<'_>,
    id: i64,
    from: JoinStatus,
    to: JoinStatus,
    member_id: Option<i64>,
    reason: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update join_requests set status = $3, member_id = $4, decline_reason = $5
           where id = $1 and status = $2"#,
        id,
        from.code(),
        to.code(),
        member_id,
        reason
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Today in China, from the database's clock (the one clock the app trusts).
pub async fn today(db: impl PgExecutor<'_>) -> sqlx::Result<time::Date> {
    sqlx::query_scalar!(r#"select (now() at time zone 'Asia/Shanghai')::date as "d!""#)
        .fetch_one(db)
        .await
}

pub async fn epoch_seconds(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"select extract(epoch from now())::bigint as "s!""#)
        .fetch_one(db)
        .await
}
