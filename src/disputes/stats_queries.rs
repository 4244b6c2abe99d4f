//! Dispute statistics in SQL: one pass over the tallies of a subtree and period (what the cases of
//! one organisation, month, kind and status add up to; the days of a period's partial first and
//! last months from the cases themselves), grouped at once by kind, status, month of intake and
//! the branch of the subtree they belong to; and the figures of today (cases and letters overdue,
//! contracts in force).

use sqlx::PgExecutor;
use time::Date;

use crate::money::Money;
use crate::tallies::Period;

/// What a group of cases adds up to.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub cases: i64,
    pub closed: i64,
    pub mediated: i64,
    pub claimed: Money,
    /// The amounts agreed in the mediated cases.
    pub agreed: Money,
    /// What was paid under the agreements.
    pub recovered: Money,
    /// The rounds held in the closed cases, and the days they took from intake to closing.
    pub rounds_closed: i64,
    pub days_closed: i64,
}

/// One line of a breakdown: the group's key (a kind, a status, a month `2026-03`, a branch's
/// organisation id) and its figures.
#[derive(Debug, Clone)]
pub struct Line {
    pub key: String,
    /// The branch's name (organisations only).
    pub name: String,
    pub figures: Figures,
}

/// The breakdowns of one period, and its totals.
#[derive(Debug, Clone, Default)]
pub struct Breakdowns {
    pub total: Figures,
    pub kinds: Vec<Line>,
    pub statuses: Vec<Line>,
    pub months: Vec<Line>,
    pub branches: Vec<Line>,
}

/// Cases of the subtree at `path` taken in between `from` and `to` (either open), grouped by kind,
/// status, month and branch (the organisations just below the subtree's root; the root's own
/// cases are its own line).
pub async fn breakdowns(
    db: impl PgExecutor<'_>,
    path: &str,
    (from, to): (Option<Date>, Option<Date>),
) -> sqlx::Result<Breakdowns> {
    let period = Period::split(from, to);
    let rows = sqlx::query!(
        r#"with facts as (
               select t.organisation_id, t.kind, t.status, t.month, t.cases, t.closed, t.mediated,
                      t.claimed, t.agreed, t.recovered, t.rounds_closed, t.days_closed
               from dispute_case_tallies t
               where ($2::date is null or t.month >= $2) and ($3::date is null or t.month < $3)
                 and not $8 and t.cases > 0
               union all
               select c.organisation_id, c.kind, c.status,
                      date_trunc('month', c.received_on)::date, 1, (c.closed_on is not null)::int,
                      (c.status = 'mediated')::int, c.claimed,
                      case when c.status = 'mediated' then coalesce(c.agreed, 0) else 0 end,
                      c.recovered, case when c.closed_on is not null then c.rounds else 0 end,
                      coalesce(c.closed_on - c.received_on, 0)
               from dispute_cases c
               where c.received_on between $4 and $5 or c.received_on between $6 and $7
           ), branches as (
               -- each organisation of the subtree and the branch it belongs to: the root's own
               -- cases are the root's line
               select o.id, b.id as branch_id
               from organisations o
               join organisations b on b.path = case when nlevel(o.path) > nlevel($1::text::ltree)
                   then subpath(o.path, 0, nlevel($1::text::ltree) + 1) else o.path end
               where o.path <@ $1::text::ltree
           ), cases as (
               select f.kind collate "C" as kind, f.status collate "C" as status, f.month,
                      f.cases, f.closed, f.mediated, f.claimed, f.agreed, f.recovered,
                      f.rounds_closed, f.days_closed, b.branch_id as branch
               from facts f join branches b on b.id = f.organisation_id
           ), grouped as (
               select case when grouping(kind) = 0 then 'kind'
                           when grouping(status) = 0 then 'status'
                           when grouping(month) = 0 then 'month'
                           when grouping(branch) = 0 then 'branch'
                           else 'total' end as dimension,
                      coalesce(kind, status, to_char(month, 'YYYY-MM'), '') as key,
                      case when grouping(branch) = 0 then branch end as branch,
                      sum(cases) as cases, sum(closed) as closed, sum(mediated) as mediated,
                      sum(claimed) as claimed, sum(agreed) as agreed, sum(recovered) as recovered,
                      sum(rounds_closed) as rounds_closed, sum(days_closed) as days_closed
               from cases
               group by grouping sets ((kind), (status), (month), (branch), ())
           )
           select g.dimension as "dimension!", g.key as "key!", coalesce(o.name, '') as "name!",
                  o.id as "organisation_id?", coalesce(g.cases, 0)::bigint as "cases!",
                  coalesce(g.closed, 0)::bigint as "closed!",
                  coalesce(g.mediated, 0)::bigint as "mediated!", coalesce(g.claimed, 0)::bigint as "claimed!: Money",
                  coalesce(g.agreed, 0)::bigint as "agreed!: Money",
                  coalesce(g.recovered, 0)::bigint as "recovered!: Money",
                  coalesce(g.rounds_closed, 0)::bigint as "rounds_closed!",
                  coalesce(g.days_closed, 0)::bigint as "days_closed!"
           from grouped g
           left join organisations o on o.id = g.branch
           order by g.dimension, g.key, o.path"#,
        path,
        period.whole.0,
        period.whole.1,
        period.head.map(|(first, _)| first),
        period.head.map(|(_, last)| last),
        period.tail.map(|(first, _)| first),
        period.tail.map(|(_, last)| last),
        period.no_whole_month,
    )
    .fetch_all(db)
    .await?;
    let mut out = Breakdowns::default();
    for row in rows {
        let figures = Figures {
            cases: row.cases,
            closed: row.closed,
            mediated: row.mediated,
            claimed: row.claimed,
            agreed: row.agreed,
            recovered: row.recovered,
            rounds_closed: row.rounds_closed,
            days_closed: row.days_closed,
        };
        let line = |key: String| Line {
            key,
            name: row.name.clone(),
            figures: figures.clone(),
        };
        match row.dimension.as_str() {
            "kind" => out.kinds.push(line(row.key)),
            "status" => out.statuses.push(line(row.key)),
            "month" => out.months.push(line(row.key)),
            "branch" => out.branches.push(line(
                row.organisation_id
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
            )),
            _ => out.total = figures,
        }
    }
    Ok(out)
}

/// Today's figures of the subtree at `path`.
#[derive(Debug, Clone, Default)]
pub struct Today {
    pub overdue_cases: i64,
    pub overdue_letters: i64,
    pub contracts_in_force: i64,
    pub enterprises_covered: i64,
    pub workers_covered: i64,
}

pub async fn today(db: impl PgExecutor<'_>, path: &str) -> sqlx::Result<Today> {
    let row = sqlx::query!(
        r#"with today as (select (now() at time zone 'Asia/Shanghai')::date as day),
                subtree as (select id from organisations where path <@ $1::text::ltree),
                in_force as (
                    select c.id, c.workers from collective_contracts c cross join today
                    where c.organisation_id in (select id from subtree)
                      and collective_contract_standing(c.status, c.starts_on, c.ends_on,
                              exists (select 1 from collective_contracts n where n.renews_id = c.id),
                              today.day) in ('in_force', 'expiring'))
           select
               (select count(*) from dispute_cases c, today
                where c.organisation_id in (select id from subtree)
                  and c.status = 'mediating' and c.due_on < today.day) as "overdue_cases!",
               (select count(*) from supervision_letters l, today
                where l.organisation_id in (select id from subtree)
                  and l.status = 'delivered' and l.reply_due_on < today.day) as "overdue_letters!",
               (select count(*) from in_force) as "contracts!",
               (select count(distinct ce.employer_id) from collective_contract_employers ce
                where ce.contract_id in (select id from in_force)) as "enterprises!",
               (select coalesce(sum(workers), 0) from in_force)::bigint as "workers!""#,
        path
    )
    .fetch_one(db)
    .await?;
    Ok(Today {
        overdue_cases: row.overdue_cases,
        overdue_letters: row.overdue_letters,
        contracts_in_force: row.contracts,
        enterprises_covered: row.enterprises,
        workers_covered: row.workers,
    })
}
