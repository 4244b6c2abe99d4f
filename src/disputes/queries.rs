//! Dispute cases in SQL. Every read takes the asker's scope; every step is an
//! `update … where status = … returning`, so two clicks cannot both win.

use sqlx::PgExecutor;
use sqlx::types::Json;
use time::Date;

use super::model::{Channel, Kind, Status, ValidClosure, ValidRound};
use crate::access::Scope;
use crate::money::Money;
use crate::workflow::{Timeline, TimelineEntry};

/// A case as its page shows it, with its timeline.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: i64,
    pub number: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub channel: Channel,
    pub kind: Kind,
    pub status: Status,
    pub member_id: Option<i64>,
    pub worker_name: String,
    pub worker_id_cipher: Option<Vec<u8>>,
    pub worker_phone_cipher: Option<Vec<u8>>,
    pub employer_id: i64,
    pub employer_name: String,
    pub facts: String,
    /// The case's total: the first worker's claim and every further worker's.
    pub claimed: Money,
    /// The first worker's own claim.
    pub worker_claimed: Money,
    pub received_on: Date,
    pub mediator_id: Option<i64>,
    pub mediator_name: Option<String>,
    pub accepted_on: Option<Date>,
    pub due_on: Option<Date>,
    pub extended: bool,
    pub agreed: Option<Money>,
    pub outcome_note: String,
    pub closed_on: Option<Date>,
    pub days_left: Option<i32>,
    pub timeline: Timeline,
}

pub async fn find_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Case>> {
    sqlx::query_as!(
        Case,
        r#"select c.id, c.number, c.organisation_id, o.name as organisation_name,
                  c.channel as "channel: Channel", c.kind as "kind: Kind",
                  c.status as "status: Status", c.member_id, c.worker_name, c.worker_id_cipher,
                  c.worker_phone_cipher, c.employer_id, e.name as employer_name, c.facts,
                  c.claimed as "claimed: Money", c.worker_claimed as "worker_claimed: Money",
                  c.received_on, c.mediator_id,
                  u.display_name as "mediator_name?", c.accepted_on, c.due_on, c.extended,
                  c.agreed as "agreed: Money", c.outcome_note, c.closed_on,
                  case when c.status = 'mediating'
                       then (c.due_on - (now() at time zone 'Asia/Shanghai')::date) end as days_left,
                  (select json_agg(line order by id) from timeline_lines
                   where entity = 'dispute_case' and entity_id = c.id) as "timeline?: Json<Vec<TimelineEntry>>"
           from dispute_cases c
           join organisations o on o.id = c.organisation_id
           join employers e on e.id = c.employer_id
           left join users u on u.id = c.mediator_id
           where c.id = $1 and o.path <@ $2::text::ltree"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

/// A mediation round as the case page lists it.
#[derive(Debug, Clone)]
pub struct Round {
    pub held_on: Date,
    pub worker_side: String,
    pub employer_side: String,
    pub claimed: Option<Money>,
    pub offered: Option<Money>,
    pub agreed: Option<Money>,
    pub next_step: String,
    pub next_on: Option<Date>,
    pub recorded_by: Option<String>,
}

pub async fn rounds(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<Vec<Round>> {
    sqlx::query_as!(
        Round,
        r#"select r.held_on, r.worker_side, r.employer_side, r.claimed as "claimed: Money",
                  r.offered as "offered: Money", r.agreed as "agreed: Money", r.next_step,
                  r.next_on, u.display_name as "recorded_by?"
           from dispute_rounds r left join users u on u.id = r.recorded_by
           where r.case_id = $1 order by r.held_on, r.id"#,
        case_id
    )
    .fetch_all(db)
    .await
}

/// The fields of a new case, checked and resolved.
pub struct NewCase<'a> {
    pub organisation_id: i64,
    pub channel: Channel,
    pub kind: Kind,
    pub member_id: Option<i64>,
    pub worker_name: &'a str,
    pub worker_id: Option<(Vec<u8>, Vec<u8>)>,
    pub worker_phone_cipher: Option<Vec<u8>>,
    pub employer_id: i64,
    pub facts: &'a str,
    pub claimed: Money,
    pub received_on: Date,
}

/// Inserts a case numbered after the last of its organisation's year (the organisation's row is
/// locked, so two intakes at once never take one number); its id and number.
pub async fn insert(
    tx: &mut sqlx::PgConnection,
    case: &NewCase<'_>,
    mark: &str,
) -> sqlx::Result<(i64, String)> {
    sqlx::query!(
        "select id from organisations where id = $1 for update",
        case.organisation_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let year = case.received_on.year();
    let sequence: i32 = sqlx::query_scalar!(
        r#"select coalesce(max(sequence), 0) + 1 as "n!" from dispute_cases
           where organisation_id = $1 and year = $2"#,
        case.organisation_id,
        year
    )
    .fetch_one(&mut *tx)
    .await?;
    let number = format!("{mark}劳调〔{year}〕{sequence}号");
    let (id_cipher, id_index) = case.worker_id.clone().unzip();
    let id = sqlx::query_scalar!(
        "insert into dispute_cases (organisation_id, number, year, sequence, channel, kind,
                member_id, worker_name, worker_id_cipher, worker_id_index, worker_phone_cipher,
                employer_id, facts, claimed, worker_claimed, received_on)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15)
         returning id",
        case.organisation_id,
        number,
        year,
        sequence,
        case.channel.code(),
        case.kind.code(),
        case.member_id,
        case.worker_name,
        id_cipher,
        id_index,
        case.worker_phone_cipher,
        case.employer_id,
        case.facts,
        case.claimed.fen(),
        case.received_on
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok((id, number))
}

/// Accepts a case still received: the mediator and the 15 days; `false` when it moved meanwhile.
pub async fn accept(
    db: impl PgExecutor<'_>,
    id: i64,
    mediator: i64,
    accepted_on: Date,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update dispute_cases set status = 'mediating', mediator_id = $2, accepted_on = $3::date,
                due_on = $3::date + $4::integer
         where id = $1 and status = 'received'",
        id,
        mediator,
        accepted_on,
        super::model::MEDIATION_DAYS as i32
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn reassign(db: impl PgExecutor<'_>, id: i64, mediator: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update dispute_cases set mediator_id = $2 where id = $1 and status = 'mediating'",
        id,
        mediator
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_round(
    db: impl PgExecutor<'_>,
    case_id: i64,
    round: &ValidRound,
    recorded_by: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into dispute_rounds (case_id, held_on, worker_side, employer_side, claimed, offered,
                                     agreed, next_step, next_on, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        case_id,
        round.held_on,
        round.worker_side,
        round.employer_side,
        round.claimed.map(Money::fen),
        round.offered.map(Money::fen),
        round.agreed.map(Money::fen),
        round.next_step,
        round.next_on,
        recorded_by
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The last day a case's rounds or outcome may not precede: its last round, else its acceptance,
/// else its intake.
pub async fn last_day(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<Date> {
    sqlx::query_scalar!(
        r#"select greatest(c.received_on, c.accepted_on,
                           (select max(held_on) from dispute_rounds where case_id = c.id)) as "d!"
           from dispute_cases c where c.id = $1"#,
        case_id
    )
    .fetch_one(db)
    .await
}

/// Moves the last day of mediation of a case being mediated to `due_on`, later than it was.
pub async fn extend(db: impl PgExecutor<'_>, id: i64, due_on: Date) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update dispute_cases set due_on = $2, extended = true
         where id = $1 and status = 'mediating' and due_on < $2",
        id,
        due_on
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes a case that is in state `from`; `false` when it moved meanwhile.
pub async fn close(
    db: impl PgExecutor<'_>,
    id: i64,
    from: Status,
    closure: &ValidClosure,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update dispute_cases set status = $3, closed_on = $4, agreed = $5, outcome_note = $6
         where id = $1 and status = $2",
        id,
        from.code(),
        closure.outcome.code(),
        closure.closed_on,
        closure.agreed.map(Money::fen),
        closure.note
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The mediators a case of the organisation at `path` may be given to: accounts holding the role
/// at that organisation or above it, or inside the asker's scope.
pub async fn mediators(
    db: impl PgExecutor<'_>,
    path: &str,
    scope: &Scope,
) -> sqlx::Result<Vec<(i64, String)>> {
    crate::users::queries::role_holders(db, crate::access::Role::Mediator, path, scope).await
}

/// Locks a case's row for a step that adds to it; its state, or `None` when it is gone.
pub async fn find_for_update(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Status>> {
    sqlx::query_scalar!(
        r#"select status as "status: Status" from dispute_cases where id = $1 for update"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// How many cases in `scope` name the employer `employer_id` (for the employer's page).
pub async fn count_for_employer(
    db: impl PgExecutor<'_>,
    employer_id: i64,
    scope: &Scope,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from dispute_cases c
           join organisations o on o.id = c.organisation_id
           where c.employer_id = $1 and o.path <@ $2::text::ltree"#,
        employer_id,
        scope.path()
    )
    .fetch_one(db)
    .await
}
