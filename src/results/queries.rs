//! SQL of results: each line's total by the weights, its practical and theory totals and its rank,
//! computed in the database from the marks kept at the locks; the award rule; freezing them.

use sqlx::PgExecutor;

use super::model::AwardRule;
use crate::points::Mark;

/// A line of an event's results: a contestant, or a team by its leader.
#[derive(Debug, Clone)]
pub struct Standing {
    pub contestant_id: i64,
    pub number: String,
    pub name: String,
    pub team_name: Option<String>,
    pub organisation_name: String,
    pub employer: String,
    pub total: Mark,
    pub practical: Mark,
    pub theory: Mark,
    pub rank: i64,
    /// As published; none before.
    pub award: Option<String>,
    pub passed: bool,
}

/// The event's standings now: totals out of 100 by the weights (each sub-item's mark as a share
/// of its maximum, times its weight in its part, times the part's weight), rounded half up to
/// the hundredth once; ranked by total, then the practical parts' total, then the theory's, a tie
/// after that sharing the rank.
pub async fn standings(db: impl PgExecutor<'_>, event_id: i64) -> sqlx::Result<Vec<Standing>> {
    sqlx::query_as!(
        Standing,
        r#"with scores as (
               select im.contestant_id,
                      sum(im.mark::numeric * p.weight * i.weight / (i.max_mark * 10000)) as total,
                      coalesce(sum(im.mark::numeric * p.weight * i.weight / (i.max_mark * 10000))
                               filter (where p.kind = 'practical'), 0) as practical,
                      coalesce(sum(im.mark::numeric * p.weight * i.weight / (i.max_mark * 10000))
                               filter (where p.kind = 'theory'), 0) as theory
               from item_marks im
               join event_items i on i.id = im.item_id
               join event_parts p on p.id = i.part_id
               where p.event_id = $1
               group by im.contestant_id),
           lines as (
               select k.id, k.number, m.name, t.name as team_name, o.name as organisation_name,
                      k.employer, k.seq,
                      round(coalesce(s.total, 0))::integer as total,
                      round(coalesce(s.practical, 0))::integer as practical,
                      round(coalesce(s.theory, 0))::integer as theory
               from contestants k
               join members m on m.id = k.member_id
               join organisations o on o.id = k.organisation_id
               left join event_teams t on t.id = k.team_id
               left join scores s on s.contestant_id = k.id
               where k.event_id = $1 and k.status = 'registered' and (k.team_id is null or k.leader))
           select id as "contestant_id!", number as "number!", name as "name!",
                  team_name as "team_name?", organisation_name as "organisation_name!",
                  employer as "employer!", total as "total!: Mark", practical as "practical!: Mark",
                  theory as "theory!: Mark",
                  rank() over (order by total desc, practical desc, theory desc) as "rank!",
                  null::text as "award?", false as "passed!"
           from lines
           order by 10, seq"#,
        event_id
    )
    .fetch_all(db)
    .await
}

/// The event's results as published.
pub async fn published(db: impl PgExecutor<'_>, event_id: i64) -> sqlx::Result<Vec<Standing>> {
    sqlx::query_as!(
        Standing,
        r#"select k.id as contestant_id, k.number, m.name, t.name as "team_name?",
                  o.name as organisation_name, k.employer, r.total as "total: Mark",
                  r.practical as "practical: Mark", r.theory as "theory: Mark",
                  r.rank::bigint as "rank!", r.award, r.passed
           from results r
           join contestants k on k.id = r.contestant_id
           join members m on m.id = k.member_id
           join organisations o on o.id = k.organisation_id
           left join event_teams t on t.id = k.team_id
           where r.event_id = $1
           order by r.rank, k.seq"#,
        event_id
    )
    .fetch_all(db)
    .await
}

pub async fn award_rule(db: impl PgExecutor<'_>, event_id: i64) -> sqlx::Result<AwardRule> {
    let row = sqlx::query!(
        r#"select mode, first, second, third, excellence, pass_mark as "pass_mark: Mark"
           from event_awards where event_id = $1"#,
        event_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map_or_else(AwardRule::default, |row| AwardRule {
        mode: row.mode,
        values: [row.first, row.second, row.third, row.excellence],
        pass_mark: row.pass_mark,
    }))
}

pub async fn save_award_rule(
    db: impl PgExecutor<'_>,
    event_id: i64,
    rule: &AwardRule,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into event_awards (event_id, mode, first, second, third, excellence, pass_mark)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (event_id) do update
            set mode = excluded.mode, first = excluded.first, second = excluded.second,
                third = excluded.third, excellence = excluded.excellence,
                pass_mark = excluded.pass_mark",
        event_id,
        rule.mode,
        rule.values[0],
        rule.values[1],
        rule.values[2],
        rule.values[3],
        rule.pass_mark.map(Mark::hundredths),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Freezes the event's results: one statement for all its lines.
pub async fn insert_results(
    db: impl PgExecutor<'_>,
    event_id: i64,
    lines: &[Standing],
) -> sqlx::Result<()> {
    let contestants: Vec<i64> = lines.iter().map(|l| l.contestant_id).collect();
    let ranks: Vec<i32> = lines.iter().map(|l| l.rank as i32).collect();
    let totals: Vec<i32> = lines.iter().map(|l| l.total.hundredths()).collect();
    let practical: Vec<i32> = lines.iter().map(|l| l.practical.hundredths()).collect();
    let theory: Vec<i32> = lines.iter().map(|l| l.theory.hundredths()).collect();
    let awards: Vec<Option<String>> = lines.iter().map(|l| l.award.clone()).collect();
    let passed: Vec<bool> = lines.iter().map(|l| l.passed).collect();
    sqlx::query!(
        "insert into results (event_id, contestant_id, rank, total, practical, theory, award, passed)
         select $1, * from unnest($2::bigint[], $3::integer[], $4::integer[], $5::integer[],
                                  $6::integer[], $7::text[], $8::boolean[])",
        event_id,
        &contestants,
        &ranks,
        &totals,
        &practical,
        &theory,
        &awards as &[Option<String>],
        &passed,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The events of a competition.
pub async fn events_of(db: impl PgExecutor<'_>, competition_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select id from competition_events where competition_id = $1 order by position, id",
        competition_id
    )
    .fetch_all(db)
    .await
}

/// Gives each line its award and pass by the rule (ranks and totals as computed).
pub fn award_all(rule: &AwardRule, lines: &mut [Standing]) {
    let entrants = lines.len();
    for line in lines.iter_mut() {
        line.award = rule
            .award(line.rank, line.total, entrants)
            .map(str::to_string);
        line.passed = rule.passed(line.total);
    }
}

/// Freezes the results of every event of the competition and issues their certificates, inside
/// the publishing step's transaction.
pub async fn freeze(db: &mut sqlx::PgConnection, competition_id: i64) -> sqlx::Result<()> {
    for event in events_of(&mut *db, competition_id).await? {
        let rule = award_rule(&mut *db, event).await?;
        let mut lines = standings(&mut *db, event).await?;
        award_all(&rule, &mut lines);
        insert_results(&mut *db, event, &lines).await?;
    }
    crate::certificates::queries::issue(db, competition_id).await?;
    Ok(())
}
