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
    /// A pending request whose ID number is a member already (joined some other way meanwhile).
    pub already_member: bool,
    /// How many requests the filter finds in all (the same on every row).
    pub total: i64,
}

/// Requests of the organisations in scope in one state (`None`: any), newest first, whose name,
/// reference or organisation's name holds `search`; with whether the ID number is already a member.
pub async fn list_queue(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    status: Option<&str>,
    search: &str,
    (limit, offset): (i64, i64),
) -> sqlx::Result<Vec<QueueRow>> {
    sqlx::query_as!(
        QueueRow,
        r#"select r.id, r.reference, r.name, r.id_number_masked, r.phone_masked, r.employer, r.occupation,
                  o.name as organisation_name, r.status as "status: JoinStatus", r.decline_reason,
                  r.member_id, r.created_at as submitted_at,
                  r.status = 'pending' and exists (
                      select 1 from members m where m.id_number_index = r.id_number_index
                  ) as "already_member!",
                  count(*) over () as "total!"
           from join_requests r join organisations o on o.id = r.organisation_id
           where o.path <@ $1::text::ltree
             and ($2::text is null or r.status = $2)
             and ($3 = '' or strpos(r.name, $3) > 0 or r.reference = upper($3)
                  or strpos(o.name, $3) > 0)
           order by r.id desc
           limit $4 offset $5"#,
        scope.path(),
        status,
        search,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

/// Requests waiting for a decision in the scope.
pub async fn count_pending(db: impl PgExecutor<'_>, scope: &Scope) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from join_requests r join organisations o on o.id = r.organisation_id
           where o.path <@ $1::text::ltree and r.status = 'pending'"#,
        scope.path()
    )
    .fetch_one(db)
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

/// Whether a joining ceremony is open today (Beijing time) for the organisation.
pub async fn ceremony_open(db: impl PgExecutor<'_>, organisation_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (
               select 1 from join_ceremonies
               where organisation_id = $1 and closed_at is null
                 and day = (now() at time zone 'Asia/Shanghai')::date) as "open!""#,
        organisation_id
    )
    .fetch_one(db)
    .await
}

/// Opens today's ceremony for the organisation (again, if it was closed earlier today); false when
/// it was already open.
pub async fn open_ceremony(
    db: impl PgExecutor<'_>,
    organisation_id: i64,
    user_id: i64,
    user_name: &str,
) -> sqlx::Result<bool> {
    let opened = sqlx::query!(
        r#"insert into join_ceremonies (organisation_id, day, opened_by, opened_by_name)
           values ($1, (now() at time zone 'Asia/Shanghai')::date, $2, $3)
           on conflict (organisation_id, day) do update
               set opened_by = excluded.opened_by, opened_by_name = excluded.opened_by_name,
                   opened_at = now(), closed_at = null, updated_at = now()
               where join_ceremonies.closed_at is not null"#,
        organisation_id,
        user_id,
        user_name
    )
    .execute(db)
    .await?;
    Ok(opened.rows_affected() == 1)
}

/// Closes today's ceremony for the organisation; false when none was open.
pub async fn close_ceremony(db: impl PgExecutor<'_>, organisation_id: i64) -> sqlx::Result<bool> {
    let closed = sqlx::query!(
        r#"update join_ceremonies set closed_at = now(), updated_at = now()
           where organisation_id = $1 and closed_at is null
             and day = (now() at time zone 'Asia/Shanghai')::date"#,
        organisation_id
    )
    .execute(db)
    .await?;
    Ok(closed.rows_affected() == 1)
}
