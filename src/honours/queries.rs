//! SQL of recommendations: the winners of a competition who may be put forward, the
//! recommendations and their steps, a promotion's new level, and a member's record of
//! competitions, certificates and honours.

use sqlx::PgExecutor;
use time::OffsetDateTime;

use super::model::{Recommend, Status};
use crate::points::Mark;

/// A contestant whose published result (their team's, in a team event) carries an award.
pub struct Winner {
    pub contestant_id: i64,
    pub member_id: i64,
    pub number: String,
    pub name: String,
    pub event_name: String,
    pub award: String,
    pub skill_level: Option<String>,
}

pub async fn winners(db: impl PgExecutor<'_>, competition_id: i64) -> sqlx::Result<Vec<Winner>> {
    sqlx::query_as!(
        Winner,
        r#"select k.id as contestant_id, k.member_id, k.number, m.name, e.name as event_name,
                  r.award as "award!", m.skill_level
           from results r
           join competition_events e on e.id = r.event_id
           join contestants lead on lead.id = r.contestant_id
           join contestants k on k.id = lead.id
                or (k.team_id = lead.team_id and k.status = 'registered')
           join members m on m.id = k.member_id
           where e.competition_id = $1 and r.award is not null
           order by e.position, r.rank, k.seq"#,
        competition_id
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub id: i64,
    pub member_id: i64,
    pub number: String,
    pub name: String,
    pub event_name: String,
    pub kind: String,
    pub skill_level: Option<String>,
    pub status: Status,
    pub granting_body: String,
    pub created_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
    pub decided_at: Option<OffsetDateTime>,
    pub decline_reason: Option<String>,
}

pub async fn of_competition(
    db: impl PgExecutor<'_>,
    competition_id: i64,
) -> sqlx::Result<Vec<Recommendation>> {
    sqlx::query_as!(
        Recommendation,
        r#"select x.id, x.member_id, k.number, m.name, e.name as event_name, x.kind, x.skill_level,
                  x.status as "status: Status", x.granting_body, x.created_at, x.submitted_at,
                  x.decided_at, x.decline_reason
           from recommendations x
           join contestants k on k.id = x.contestant_id
           join members m on m.id = x.member_id
           join competition_events e on e.id = k.event_id
           where x.competition_id = $1
           order by x.id"#,
        competition_id
    )
    .fetch_all(db)
    .await
}

/// A recommendation of the competition, its row locked for the step about to be taken.
pub async fn lock(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    id: i64,
) -> sqlx::Result<Option<(Status, i64, Option<String>, String)>> {
    let row = sqlx::query!(
        r#"select status as "status: Status", member_id, skill_level, kind from recommendations
           where id = $1 and competition_id = $2 for update"#,
        id,
        competition_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.status, r.member_id, r.skill_level, r.kind)))
}

/// Proposes a winner of the competition; none if the contestant is not one of its winners.
pub async fn insert(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    recommend: &Recommend,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "insert into recommendations (competition_id, contestant_id, member_id, kind, skill_level)
         select $1, k.id, k.member_id, $3, $4 from contestants k
         where k.id = $2 and k.competition_id = $1
         returning id",
        competition_id,
        recommend.contestant_id,
        recommend.kind,
        recommend.skill_level,
    )
    .fetch_optional(db)
    .await
}

/// Takes a step: `update … where status = from`, so that two clicks cannot both win.
pub async fn step(
    db: impl PgExecutor<'_>,
    id: i64,
    (from, to): (Status, Status),
    granting_body: Option<&str>,
    decline_reason: Option<&str>,
) -> sqlx::Result<bool> {
    let row = sqlx::query_scalar!(
        "update recommendations
            set status = $3,
                submitted_at = case when $3 = 'submitted' then now() else submitted_at end,
                decided_at = case when $3 in ('granted', 'declined') then now() end,
                granting_body = coalesce($4, granting_body),
                decline_reason = $5
          where id = $1 and status = $2 returning id",
        id,
        from.code(),
        to.code(),
        granting_body,
        decline_reason,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// Raises a member's skill level (a granted promotion); returns the level before.
pub async fn promote(
    db: impl PgExecutor<'_>,
    member_id: i64,
    level: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "update members m set skill_level = $2 from members before
         where m.id = $1 and before.id = m.id returning before.skill_level",
        member_id,
        level
    )
    .fetch_one(db)
    .await
}

/// A line of a member's record: a competition entered and how it went.
pub struct Entered {
    pub competition_id: i64,
    pub competition_title: String,
    pub event_name: String,
    pub number: String,
    pub status: String,
    pub rank: Option<i32>,
    pub total: Option<Mark>,
    pub award: Option<String>,
    pub passed: Option<bool>,
}

pub async fn entered(db: impl PgExecutor<'_>, member_id: i64) -> sqlx::Result<Vec<Entered>> {
    sqlx::query_as!(
        Entered,
        r#"select c.id as competition_id, c.title as competition_title, e.name as event_name,
                  k.number, k.status, r.rank as "rank?", r.total as "total?: Mark",
                  r.award as "award?", r.passed as "passed?"
           from contestants k
           join competition_events e on e.id = k.event_id
           join competitions c on c.id = k.competition_id
           left join results r on r.event_id = k.event_id
                and r.contestant_id = coalesce(
                    (select l.id from contestants l where l.team_id = k.team_id and l.leader), k.id)
           where k.member_id = $1
           order by c.year desc, c.id desc"#,
        member_id
    )
    .fetch_all(db)
    .await
}

/// A granted honour or promotion on a member's record, with the competition that earned it.
pub struct Honour {
    pub kind: String,
    pub skill_level: Option<String>,
    pub granting_body: String,
    pub decided_at: Option<OffsetDateTime>,
    pub competition_id: i64,
    pub competition_title: String,
}

pub async fn honours(db: impl PgExecutor<'_>, member_id: i64) -> sqlx::Result<Vec<Honour>> {
    sqlx::query_as!(
        Honour,
        "select x.kind, x.skill_level, x.granting_body, x.decided_at, c.id as competition_id,
                c.title as competition_title
         from recommendations x join competitions c on c.id = x.competition_id
         where x.member_id = $1 and x.status = 'granted'
         order by x.decided_at desc",
        member_id
    )
    .fetch_all(db)
    .await
}
