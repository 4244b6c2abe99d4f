//! Dispute statistics in SQL: one pass over the cases of a subtree and period, grouped at once by
//! kind, status, month of intake and the branch of the subtree they belong to; and the figures of
//! today (cases and letters overdue, contracts in force).

use sqlx::PgExecutor;
use time::Date;

use crate::money::Money;

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
    let rows = sqlx::query!(
        r#"with cases as (
               select c.kind, c.status, c.claimed, c.agreed, c.recovered, c.rounds, c.received_on,
                      c.closed_on, to_char(c.received_on, 'YYYY-MM') as month,
                      case when nlevel(o.path) > nlevel($1::text::ltree)
                           then subpath(o.path, 0, nlevel($1::text::ltree) + 1) else o.path end as branch
               from dispute_cases c join organisations o on o.id = c.organisation_id
               where o.path <@ $1::text::ltree
                 and ($2::date is null or c.received_on >= $2)
                 and ($3::date is null or c.received_on <= $3)
           ), grouped as (
               select case when grouping(kind) = 0 then 'kind'
                           when grouping(status) = 0 then 'status'
                           when grouping(month) = 0 then 'month'
                           when grouping(branch) = 0 then 'branch'
                           else 'total' end as dimension,
                      coalesce(kind, status, month, '') as key,
                      case when grouping(branch) = 0 then branch end as branch,
                      count(*) as cases,
                      count(closed_on) as closed,
                      count(*) filter (where status = 'mediated') as mediated,
                      sum(claimed) as claimed,
                      coalesce(sum(agreed) filter (where status = 'mediated'), 0) as agreed,
                      sum(recovered) as recovered,
                      coalesce(sum(rounds) filter (where closed_on is not null), 0) as rounds_closed,
                      coalesce(sum(closed_on - received_on), 0) as days_closed
               from cases
               group by grouping sets ((kind), (status), (month), (branch), ())
           )
           select g.dimension as "dimension!", g.key as "key!", coalesce(o.name, '') as "name!",
                  o.id as "organisation_id?", g.cases as "cases!", g.closed as "closed!",
                  g.mediated as "mediated!", g.claimed::bigint as "claimed!: Money",
                  g.agreed::bigint as "agreed!: Money", g.recovered::bigint as "recovered!: Money",
                  g.rounds_closed::bigint as "rounds_closed!", g.days_closed::bigint as "days_closed!"
           from grouped g
           left join organisations o on o.path = g.branch
           order by g.dimension, g.key, o.path"#,
        path,
        from,
        to
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
