//! The dashboard's figures in SQL: the fund's balances, and the applications behind them grouped
//! by tier, by district or industry union, by kind of track, by status and by month, all in one
//! pass (`grouping sets`) over their running totals. The fund's balances come from its accounts,
//! which move with the ledger.

use sqlx::PgExecutor;

use crate::access::Scope;
use crate::money::Money;

/// The fund's figures as the asking manager may see them: the whole fund when their scope holds
/// its organisation, else the allocations made to organisations in their scope.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub total: Money,
    pub committed: Money,
    pub disbursed: Money,
    /// Of which care campaigns (关爱行动) of the scope hold: how many, committed and paid.
    pub care_campaigns: i64,
    pub care_committed: Money,
    pub care_disbursed: Money,
}

impl Figures {
    pub fn available(&self) -> Money {
        self.total - self.committed - self.disbursed
    }
}

pub async fn figures(
    db: impl PgExecutor<'_>,
    fund_id: i64,
    scope: &Scope,
    whole_fund: bool,
) -> sqlx::Result<Figures> {
    sqlx::query_as!(
        Figures,
        r#"with care as (
               select count(distinct e.care_campaign_id) as campaigns,
                      coalesce(sum(e.committed), 0)::bigint as committed,
                      coalesce(sum(e.disbursed), 0)::bigint as disbursed
               from ledger_entries e
               join care_campaigns c on c.id = e.care_campaign_id
               join organisations co on co.id = c.organisation_id
               where e.fund_id = $1 and e.care_campaign_id is not null
                 and ($3 or co.path <@ $2::text::ltree))
           select coalesce(sum(a.appropriated), 0)::bigint as "total!: Money",
                  coalesce(sum(a.committed), 0)::bigint as "committed!: Money",
                  coalesce(sum(a.disbursed), 0)::bigint as "disbursed!: Money",
                  (select campaigns from care) as "care_campaigns!",
                  (select committed from care) as "care_committed!: Money",
                  (select disbursed from care) as "care_disbursed!: Money"
           from fund_accounts a left join organisations o on o.id = a.organisation_id
           where a.fund_id = $1 and ($3 or o.path <@ $2::text::ltree)"#,
        fund_id,
        scope.path(),
        whole_fund
    )
    .fetch_one(db)
    .await
}

/// One group of applications: which dimension (`tier`, `district`, `kind`, `status`, `month`),
/// its key, and its sums.
#[derive(Debug, Clone)]
pub struct Group {
    pub dimension: String,
    pub key: String,
    /// The district's or industry union's name, for `district`.
    pub name: Option<String>,
    pub applications: i64,
    pub requested: Money,
    pub committed: Money,
    pub disbursed: Money,
    /// Of the reported and settled ones: contestants expected and actual, granted and spent.
    pub expected_contestants: i64,
    pub actual_contestants: i64,
    pub reported_granted: Money,
    pub reported_spent: Money,
}

impl Group {
    /// What the fund has put into these applications: still committed, and paid.
    pub fn granted(&self) -> Money {
        self.committed + self.disbursed
    }
}

/// The applications of `fund_id` in `scope`, grouped every way the dashboard shows them, read
/// from their running totals (`application_totals`, and `application_months` for the month,
/// kept by a trigger in each change's transaction). A district is the organisation one level below the scope's root that the
/// application lies under (a district federation or an industry union, for the city).
pub async fn groups(
    db: impl PgExecutor<'_>,
    fund_id: i64,
    scope: &Scope,
) -> sqlx::Result<Vec<Group>> {
    sqlx::query_as!(
        Group,
        r#"with totals as (
               select t.organisation_id, t.tier, t.status, tr.frontier, null::date as month,
                      t.applications, t.requested, t.committed, t.disbursed,
                      t.expected_contestants, t.actual_contestants, t.reported_granted,
                      t.reported_spent
               from application_totals t join tracks tr on tr.id = t.track_id
               where t.fund_id = $1 and t.applications <> 0
               union all
               select m.organisation_id, null, null, null, m.month,
                      m.applications, m.requested, m.committed, m.disbursed,
                      m.expected_contestants, m.actual_contestants, m.reported_granted,
                      m.reported_spent
               from application_months m
               where m.fund_id = $1 and m.applications <> 0
           ), apps as (
               select x.*, (x.month is not null) as by_month,
                      case when x.month > date '0001-01-01' then to_char(x.month, 'YYYY-MM') end as month_key,
                      (case when nlevel(o.path) > nlevel($2::text::ltree)
                            then subpath(o.path, nlevel($2::text::ltree), 1)
                            else subpath(o.path, nlevel(o.path) - 1, 1) end)::text as district
               from totals x join organisations o on o.id = x.organisation_id
               where o.path <@ $2::text::ltree
           )
           select case when grouping(tier) = 0 then 'tier'
                       when grouping(district) = 0 then 'district'
                       when grouping(frontier) = 0 then 'kind'
                       when grouping(status) = 0 then 'status'
                       else 'month' end as "dimension!",
                  coalesce(tier::text, district, case frontier when true then 'frontier' when false then 'traditional' end,
                           status, month_key, '') as "key!",
                  (select name from organisations where id::text = district) as name,
                  coalesce(sum(applications), 0)::bigint as "applications!",
                  coalesce(sum(requested), 0)::bigint as "requested!: Money",
                  coalesce(sum(committed), 0)::bigint as "committed!: Money",
                  coalesce(sum(disbursed), 0)::bigint as "disbursed!: Money",
                  coalesce(sum(expected_contestants), 0)::bigint as "expected_contestants!",
                  coalesce(sum(actual_contestants), 0)::bigint as "actual_contestants!",
                  coalesce(sum(reported_granted), 0)::bigint as "reported_granted!: Money",
                  coalesce(sum(reported_spent), 0)::bigint as "reported_spent!: Money"
           from apps
           -- every application is in both halves: each dimension reads the half that holds it
           group by grouping sets ((by_month, tier), (by_month, district), (by_month, frontier),
                                   (by_month, status), (by_month, month_key))
           having (grouping(month_key) = 0) = by_month
           order by 1, 2"#,
        fund_id,
        scope.path()
    )
    .fetch_all(db)
    .await
}

/// A pending review as the dashboard lists it.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
    pub organisation_name: String,
    pub status: crate::applications::model::Status,
    pub waiting_days: Option<i32>,
}

/// The reviews of `fund_id` in `scope` waiting longest: read in the order of the queue's partial
/// index, so the page never sorts every waiting application.
pub async fn slowest(
    db: impl PgExecutor<'_>,
    fund_id: i64,
    scope: &Scope,
    limit: i64,
) -> sqlx::Result<Vec<Pending>> {
    sqlx::query_as!(
        Pending,
        r#"select a.id, a.number, a.title, o.name as organisation_name,
                  a.status as "status: crate::applications::model::Status",
                  ((now() at time zone 'Asia/Shanghai')::date
                   - (a.submitted_at at time zone 'Asia/Shanghai')::date)::integer as waiting_days
           from applications a join organisations o on o.id = a.organisation_id
           where a.status in ('submitted', 'resubmitted', 'under_review', 'recommended')
             and a.fund_id = $1 and o.path <@ $2::text::ltree
           order by a.submitted_at
           limit $3"#,
        fund_id,
        scope.path(),
        limit
    )
    .fetch_all(db)
    .await
}
