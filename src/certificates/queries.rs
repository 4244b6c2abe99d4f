//! SQL of certificates: issuing them when results are published, an event's list, one by its id
//! or its serial, and revoking one.

use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};

/// A certificate as printed and as the verification page states it.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub id: i64,
    pub serial: String,
    pub competition_id: i64,
    pub event_id: i64,
    pub member_id: i64,
    pub number: String,
    pub kind: String,
    pub award: Option<String>,
    pub holder_name: String,
    pub competition_title: String,
    pub event_name: String,
    pub issuer_name: String,
    pub issued_on: Date,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoke_reason: Option<String>,
}

/// Issues the certificates of a competition's published results, in the publishing transaction:
/// one for each award and one for each pass, to every member of a winning team. Returns how many.
pub async fn issue(db: &mut sqlx::PgConnection, competition_id: i64) -> sqlx::Result<usize> {
    let due = sqlx::query!(
        r#"select k.id as contestant_id, kinds.kind as "kind!",
                  case when kinds.kind = 'award' then r.award end as award
           from results r
           join competition_events e on e.id = r.event_id
           join contestants lead on lead.id = r.contestant_id
           join contestants k on k.id = lead.id
                or (k.team_id = lead.team_id and k.status = 'registered')
           cross join lateral (values ('award', r.award is not null), ('pass', r.passed))
                as kinds (kind, earned)
           where e.competition_id = $1 and kinds.earned
           order by r.rank, k.seq, kinds.kind"#,
        competition_id
    )
    .fetch_all(&mut *db)
    .await?;
    let contestants: Vec<i64> = due.iter().map(|row| row.contestant_id).collect();
    let kinds: Vec<String> = due.iter().map(|row| row.kind.clone()).collect();
    let awards: Vec<Option<String>> = due.iter().map(|row| row.award.clone()).collect();
    let serials: Vec<String> = due.iter().map(|_| crate::random::random_serial()).collect();
    sqlx::query!(
        "insert into certificates (serial, competition_id, event_id, contestant_id, member_id, kind,
                                   award, holder_name, competition_title, event_name, issuer_name,
                                   issued_on)
         select d.serial, c.id, e.id, k.id, k.member_id, d.kind, d.award, m.name, c.title, e.name,
                o.name, (now() at time zone 'Asia/Shanghai')::date
         from unnest($1::text[], $2::bigint[], $3::text[], $4::text[])
              as d (serial, contestant_id, kind, award)
         join contestants k on k.id = d.contestant_id
         join members m on m.id = k.member_id
         join competition_events e on e.id = k.event_id
         join competitions c on c.id = e.competition_id
         join organisations o on o.id = c.organisation_id",
        &serials,
        &contestants,
        &kinds,
        &awards as &[Option<String>],
    )
    .execute(&mut *db)
    .await?;
    Ok(due.len())
}

/// The certificates of an event, by rank as published.
pub async fn of_event(db: impl PgExecutor<'_>, event_id: i64) -> sqlx::Result<Vec<Certificate>> {
    sqlx::query_as!(
        Certificate,
        r#"select x.id, x.serial, x.competition_id, x.event_id, x.member_id, k.number, x.kind,
                  x.award, x.holder_name, x.competition_title, x.event_name, x.issuer_name,
                  x.issued_on, x.revoked_at, x.revoke_reason
           from certificates x join contestants k on k.id = x.contestant_id
           where x.event_id = $1
           order by x.kind, k.number"#,
        event_id
    )
    .fetch_all(db)
    .await
}

/// A member's certificates, newest first (the member's record).
pub async fn of_member(db: impl PgExecutor<'_>, member_id: i64) -> sqlx::Result<Vec<Certificate>> {
    sqlx::query_as!(
        Certificate,
        r#"select x.id, x.serial, x.competition_id, x.event_id, x.member_id, k.number, x.kind,
                  x.award, x.holder_name, x.competition_title, x.event_name, x.issuer_name,
                  x.issued_on, x.revoked_at, x.revoke_reason
           from certificates x join contestants k on k.id = x.contestant_id
           where x.member_id = $1
           order by x.issued_on desc, x.id"#,
        member_id
    )
    .fetch_all(db)
    .await
}

/// A certificate of the competition.
pub async fn find(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    id: i64,
) -> sqlx::Result<Option<Certificate>> {
    sqlx::query_as!(
        Certificate,
        r#"select x.id, x.serial, x.competition_id, x.event_id, x.member_id, k.number, x.kind,
                  x.award, x.holder_name, x.competition_title, x.event_name, x.issuer_name,
                  x.issued_on, x.revoked_at, x.revoke_reason
           from certificates x join contestants k on k.id = x.contestant_id
           where x.id = $1 and x.competition_id = $2"#,
        id,
        competition_id
    )
    .fetch_optional(db)
    .await
}

/// A certificate by its serial (the public verification).
pub async fn find_by_serial(
    db: impl PgExecutor<'_>,
    serial: &str,
) -> sqlx::Result<Option<Certificate>> {
    sqlx::query_as!(
        Certificate,
        r#"select x.id, x.serial, x.competition_id, x.event_id, x.member_id, k.number, x.kind,
                  x.award, x.holder_name, x.competition_title, x.event_name, x.issuer_name,
                  x.issued_on, x.revoked_at, x.revoke_reason
           from certificates x join contestants k on k.id = x.contestant_id
           where x.serial = $1"#,
        serial
    )
    .fetch_optional(db)
    .await
}

/// Revokes a certificate not revoked yet; false if it already was.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    id: i64,
    user_id: i64,
    reason: &str,
) -> sqlx::Result<bool> {
    let row = sqlx::query_scalar!(
        "update certificates set revoked_at = now(), revoked_by = $2, revoke_reason = $3
         where id = $1 and revoked_at is null returning id",
        id,
        user_id,
        reason
    )
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}
