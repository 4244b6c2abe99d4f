//! SQL of an event's registration: the event with its rules, its judges and the accounts that may
//! judge it, its contestants and teams, and the steps that change them.

use sqlx::PgExecutor;

use super::model::{Candidate, CheckedRules, Rules};
use crate::members::model::MemberStatus;

/// An event of a competition, with its eligibility rules and how many are registered.
#[derive(Debug, Clone)]
pub struct EventHead {
    pub id: i64,
    pub competition_id: i64,
    pub name: String,
    pub team_size: i16,
    pub position: i32,
    pub rules: Rules,
    pub registered: i64,
}

impl EventHead {
    pub fn is_team(&self) -> bool {
        self.team_size > 1
    }
}

pub async fn find_event(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    event_id: i64,
) -> sqlx::Result<Option<EventHead>> {
    let row = sqlx::query!(
        r#"select e.id, e.competition_id, e.name, e.team_size, e.position,
                  e.eligible_organisation_id, coalesce(eo.name, '') as "eligible_name!",
                  coalesce(eo.path, co.path)::text as "path!", e.occupations, e.skill_levels,
                  e.min_age, e.max_age, e.one_event_only,
                  (select count(*) from contestants k
                    where k.event_id = e.id and k.status = 'registered') as "registered!"
           from competition_events e
           join competitions c on c.id = e.competition_id
           join organisations co on co.id = c.organisation_id
           left join organisations eo on eo.id = e.eligible_organisation_id
           where e.id = $2 and e.competition_id = $1"#,
        competition_id,
        event_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| EventHead {
        id: row.id,
        competition_id: row.competition_id,
        name: row.name,
        team_size: row.team_size,
        position: row.position,
        rules: Rules {
            organisation_id: row.eligible_organisation_id,
            organisation_name: row.eligible_name,
            path: row.path,
            occupations: row.occupations,
            skill_levels: row.skill_levels,
            min_age: row.min_age,
            max_age: row.max_age,
            one_event_only: row.one_event_only,
        },
        registered: row.registered,
    }))
}

pub async fn update_rules(
    db: impl PgExecutor<'_>,
    event_id: i64,
    organisation_id: Option<i64>,
    rules: &CheckedRules,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update competition_events
            set eligible_organisation_id = $2, occupations = $3, skill_levels = $4,
                min_age = $5, max_age = $6, one_event_only = $7
          where id = $1",
        event_id,
        organisation_id,
        &rules.occupations,
        &rules.skill_levels,
        rules.min_age,
        rules.max_age,
        rules.one_event_only,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// What decides a member's eligibility, for the members among `ids` under `scope_path`, with the
/// event of competition `competition_id` each is registered in.
pub async fn candidates(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    ids: &[i64],
    scope_path: &str,
) -> sqlx::Result<Vec<(i64, String, i64, String, Candidate)>> {
    let rows = sqlx::query!(
        r#"select m.id, m.name, m.organisation_id, m.employer, m.status as "status: MemberStatus",
                  o.path::text as "path!", m.occupation, m.skill_level, m.birth_date,
                  r.event_id as "event_id?", r.event_name as "event_name?"
           from members m
           join organisations o on o.id = m.organisation_id
           left join lateral (
               select k.event_id, e.name as event_name from contestants k
               join competition_events e on e.id = k.event_id
               where k.competition_id = $1 and k.member_id = m.id and k.status = 'registered'
               limit 1) r on true
           where m.id = any($2) and o.path <@ $3::text::ltree"#,
        competition_id,
        ids,
        scope_path
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let candidate = Candidate {
                status: row.status,
                organisation_path: row.path,
                occupation: row.occupation,
                skill_level: row.skill_level,
                birth_date: row.birth_date,
                registered_in: row.event_id.zip(row.event_name),
            };
            (
                row.id,
                row.name,
                row.organisation_id,
                row.employer,
                candidate,
            )
        })
        .collect())
}

/// A contestant as the event's page lists them.
#[derive(Debug, Clone)]
pub struct ContestantRow {
    pub id: i64,
    pub number: String,
    pub seat: Option<i32>,
    pub member_id: i64,
    pub member_no: String,
    pub name: String,
    pub organisation_name: String,
    pub organisation_path: String,
    pub employer: String,
    pub occupation: String,
    pub skill_level: Option<String>,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub leader: bool,
    pub registered: bool,
    pub withdrawal_reason: String,
}

/// The event's contestants, those registered first, a team's members together, leader first.
pub async fn contestants(
    db: impl PgExecutor<'_>,
    event_id: i64,
) -> sqlx::Result<Vec<ContestantRow>> {
    sqlx::query_as!(
        ContestantRow,
        r#"select k.id, k.number, k.seat, k.member_id, m.member_no, m.name,
                  o.name as organisation_name, o.path::text as "organisation_path!", k.employer, m.occupation, m.skill_level,
                  k.team_id, t.name as "team_name?", k.leader,
                  (k.status = 'registered') as "registered!", k.withdrawal_reason
           from contestants k
           join members m on m.id = k.member_id
           join organisations o on o.id = k.organisation_id
           left join event_teams t on t.id = k.team_id
           where k.event_id = $1
           order by k.status = 'withdrawn', min(k.seq) over (partition by coalesce(k.team_id, -k.id)),
                    k.leader desc, k.seq"#,
        event_id
    )
    .fetch_all(db)
    .await
}

/// Where the competition stands for registration, with it locked so that numbers and the
/// one-event rule hold under concurrent registrations: its status, and whether today (Beijing
/// time) lies in its registration window.
pub async fn lock_for_registration(
    db: impl PgExecutor<'_>,
    competition_id: i64,
) -> sqlx::Result<Option<(String, bool)>> {
    let row = sqlx::query!(
        r#"select status,
                  ((now() at time zone 'Asia/Shanghai')::date
                     between coalesce(registration_opens_on, '-infinity'::date)
                         and coalesce(registration_closes_on, 'infinity'::date)) as "in_window!"
           from competitions where id = $1 for update"#,
        competition_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (row.status, row.in_window)))
}

pub async fn insert_team(db: impl PgExecutor<'_>, event_id: i64, name: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into event_teams (event_id, name) values ($1, $2) returning id",
        event_id,
        name
    )
    .fetch_one(db)
    .await
}

/// One registration: the member as they stand now, their number and their team.
pub struct NewContestant<'a> {
    pub competition_id: i64,
    pub event_id: i64,
    pub member_id: i64,
    pub team_id: Option<i64>,
    pub leader: bool,
    pub organisation_id: i64,
    pub employer: &'a str,
    pub registered_by: &'a str,
}

/// The next running number of the event (the competition is locked by the caller).
pub async fn next_seq(db: impl PgExecutor<'_>, event_id: i64) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        r#"select coalesce(max(seq), 0) + 1 as "seq!" from contestants where event_id = $1"#,
        event_id
    )
    .fetch_one(db)
    .await
}

pub async fn insert_contestant(
    db: impl PgExecutor<'_>,
    new: &NewContestant<'_>,
    (seq, number): (i32, &str),
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into contestants (competition_id, event_id, member_id, team_id, leader, seq,
                                  number, organisation_id, employer, registered_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
        new.competition_id,
        new.event_id,
        new.member_id,
        new.team_id,
        new.leader,
        seq,
        number,
        new.organisation_id,
        new.employer,
        new.registered_by,
    )
    .fetch_one(db)
    .await
}

/// Withdraws a registered contestant of the competition, or, for a team event, their whole team;
/// the numbers withdrawn, none when there was no such registered contestant.
pub async fn withdraw(
    db: &mut sqlx::PgConnection,
    competition_id: i64,
    contestant_id: i64,
    reason: &str,
) -> sqlx::Result<Vec<String>> {
    let numbers = sqlx::query_scalar!(
        "update contestants k
            set status = 'withdrawn', withdrawal_reason = $3, withdrawn_at = now(), seat = null
          where k.competition_id = $1 and k.status = 'registered'
            and (k.id = $2 or k.team_id = (select team_id from contestants
                                            where id = $2 and competition_id = $1))
          returning k.number",
        competition_id,
        contestant_id,
        reason
    )
    .fetch_all(&mut *db)
    .await?;
    sqlx::query!(
        "update event_teams t set status = 'withdrawn'
          where t.id = (select team_id from contestants where id = $1) and t.status = 'registered'",
        contestant_id
    )
    .execute(&mut *db)
    .await?;
    Ok(numbers)
}

/// Draws the event's exam seats at random: a team's members sit side by side, leader first.
/// Returns how many were seated.
pub async fn draw_seats(db: &mut sqlx::PgConnection, event_id: i64) -> sqlx::Result<u64> {
    sqlx::query!(
        "update contestants set seat = null where event_id = $1 and seat is not null",
        event_id
    )
    .execute(&mut *db)
    .await?;
    let seated = sqlx::query!(
        "with teams as (
             select coalesce(team_id, -id) as unit, random() as draw
             from contestants where event_id = $1 and status = 'registered'
             group by coalesce(team_id, -id)),
         seats as (
             select k.id, row_number() over (order by t.draw, k.leader desc, k.seq) as seat
             from contestants k join teams t on t.unit = coalesce(k.team_id, -k.id)
             where k.event_id = $1 and k.status = 'registered')
         update contestants k set seat = s.seat from seats s where k.id = s.id",
        event_id
    )
    .execute(&mut *db)
    .await?;
    Ok(seated.rows_affected())
}

/// The event of a contestant of the competition.
pub async fn event_of_contestant(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    contestant_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select event_id from contestants where id = $1 and competition_id = $2",
        contestant_id,
        competition_id
    )
    .fetch_optional(db)
    .await
}

/// The names of the event's teams.
pub async fn team_names(db: impl PgExecutor<'_>, event_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!("select name from event_teams where event_id = $1", event_id)
        .fetch_all(db)
        .await
}
