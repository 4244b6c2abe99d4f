//! Funds and their accounts. A fund is visible to those whose scope holds its organisation (the
//! city federation's staff) and to the unions under that organisation, who file against it.

use sqlx::PgExecutor;

use super::model::{Rules, ValidFund};
use crate::access::Scope;
use crate::money::Money;

/// A fund with its rules and its figures (the sum of its accounts).
#[derive(Debug, Clone)]
pub struct Fund {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    /// Whether the asking user's scope holds the fund's organisation (they may read its ledger).
    pub owned: bool,
    pub year: i32,
    pub name: String,
    pub purpose: String,
    pub rules: Rules,
    pub total: Money,
    pub committed: Money,
    pub disbursed: Money,
}

impl Fund {
    /// How a list of funds names it: its name, with its year when the name does not say it.
    pub fn title(&self) -> String {
        if self.name.contains(&self.year.to_string()) {
            self.name.clone()
        } else {
            format!("{} {}", self.year, self.name)
        }
    }

    pub fn available(&self) -> Money {
        self.total - self.committed - self.disbursed
    }
}

struct FundRow {
    id: i64,
    organisation_id: i64,
    organisation_name: String,
    owned: bool,
    year: i32,
    name: String,
    purpose: String,
    tiers: Vec<i16>,
    max_grant_tier2: Option<Money>,
    max_grant_tier3: Option<Money>,
    max_share_percent: i16,
    opens_on: time::Date,
    closes_on: time::Date,
    report_due_days: i32,
    second_signoff_above: Option<Money>,
    total: Money,
    committed: Money,
    disbursed: Money,
}

impl From<FundRow> for Fund {
    fn from(row: FundRow) -> Self {
        Self {
            id: row.id,
            organisation_id: row.organisation_id,
            organisation_name: row.organisation_name,
            owned: row.owned,
            year: row.year,
            name: row.name,
            purpose: row.purpose,
            rules: Rules {
                tiers: row.tiers,
                max_grant_tier2: row.max_grant_tier2,
                max_grant_tier3: row.max_grant_tier3,
                max_share_percent: row.max_share_percent,
                opens_on: row.opens_on,
                closes_on: row.closes_on,
                report_due_days: row.report_due_days,
                second_signoff_above: row.second_signoff_above,
            },
            total: row.total,
            committed: row.committed,
            disbursed: row.disbursed,
        }
    }
}

/// The funds `scope` may see, newest year first: those of organisations in it and of those above it.
pub async fn list_visible(db: impl PgExecutor<'_>, scope: &Scope) -> sqlx::Result<Vec<Fund>> {
    visible(db, scope, None).await
}

/// The fund `id`, if `scope` may see it.
pub async fn find_visible(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Fund>> {
    Ok(visible(db, scope, Some(id)).await?.into_iter().next())
}

/// The visible funds, or only fund `id`.
async fn visible(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    id: Option<i64>,
) -> sqlx::Result<Vec<Fund>> {
    let rows = sqlx::query_as!(
        FundRow,
        r#"select f.id, f.organisation_id, o.name as organisation_name,
                  (o.path <@ $1::text::ltree) as "owned!", f.year, f.name, f.purpose, f.tiers,
                  f.max_grant_tier2 as "max_grant_tier2: Money", f.max_grant_tier3 as "max_grant_tier3: Money",
                  f.max_share_percent, f.opens_on, f.closes_on, f.report_due_days,
                  f.second_signoff_above as "second_signoff_above: Money",
                  a.appropriated as "total!: Money", a.committed as "committed!: Money",
                  a.disbursed as "disbursed!: Money"
           from funds f
           join organisations o on o.id = f.organisation_id
           cross join lateral (
               select coalesce(sum(appropriated), 0)::bigint as appropriated,
                      coalesce(sum(committed), 0)::bigint as committed,
                      coalesce(sum(disbursed), 0)::bigint as disbursed
               from fund_accounts where fund_id = f.id) a
           where (o.path <@ $1::text::ltree or o.path @> $1::text::ltree)
             and ($2::bigint is null or f.id = $2)
           order by f.year desc, f.id"#,
        scope.path(),
        id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Fund::from).collect())
}

/// One account of a fund: its pool or an allocation, with its balances.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub is_pool: bool,
    pub tier: Option<i16>,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub appropriated: Money,
    pub committed: Money,
    pub disbursed: Money,
}

impl Account {
    pub fn available(&self) -> Money {
        self.appropriated - self.committed - self.disbursed
    }
}

/// A fund's accounts, the pool first, then allocations by tier and organisation.
pub async fn list_accounts(db: impl PgExecutor<'_>, fund_id: i64) -> sqlx::Result<Vec<Account>> {
    sqlx::query_as!(
        Account,
        r#"select a.id, a.is_pool, a.tier, a.organisation_id, o.name as "organisation_name?",
                  a.appropriated as "appropriated: Money", a.committed as "committed: Money",
                  a.disbursed as "disbursed: Money"
           from fund_accounts a left join organisations o on o.id = a.organisation_id
           where a.fund_id = $1
           order by a.is_pool desc, a.tier nulls first, o.path nulls first"#,
        fund_id
    )
    .fetch_all(db)
    .await
}

/// The account a grant to an application of `tier` from the organisation at `path` is drawn
/// from: the most specific allocation that covers it (organisation and tier, then organisation,
/// then tier; a deeper organisation before its parent), else the fund's pool. Without a tier (a
/// care campaign), only allocations made for no tier in particular are considered.
pub async fn account_for(
    db: impl PgExecutor<'_>,
    fund_id: i64,
    tier: Option<i16>,
    organisation_path: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select a.id from fund_accounts a left join organisations o on o.id = a.organisation_id
           where a.fund_id = $1
             and (a.tier is null or a.tier = $2)
             and (a.organisation_id is null or o.path @> $3::text::ltree)
           order by nlevel(o.path) desc nulls last, (a.tier is not null) desc, a.is_pool
           limit 1"#,
        fund_id,
        tier,
        organisation_path
    )
    .fetch_one(db)
    .await
}

pub async fn insert_fund(
    db: impl PgExecutor<'_>,
    organisation_id: i64,
    fund: &ValidFund,
) -> sqlx::Result<i64> {
    let rules = &fund.rules;
    sqlx::query_scalar!(
        r#"insert into funds (organisation_id, year, name, purpose, tiers, max_grant_tier2,
                              max_grant_tier3, max_share_percent, opens_on, closes_on,
                              report_due_days, second_signoff_above)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id"#,
        organisation_id,
        fund.year,
        fund.name,
        fund.purpose,
        &rules.tiers,
        rules.max_grant_tier2.map(Money::fen),
        rules.max_grant_tier3.map(Money::fen),
        rules.max_share_percent,
        rules.opens_on,
        rules.closes_on,
        rules.report_due_days,
        rules.second_signoff_above.map(Money::fen),
    )
    .fetch_one(db)
    .await
}

/// Opens an account (the pool when both are none); its balances start at zero and move only
/// through the ledger.
pub async fn insert_account(
    db: impl PgExecutor<'_>,
    fund_id: i64,
    tier: Option<i16>,
    organisation_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"insert into fund_accounts (fund_id, is_pool, tier, organisation_id)
           values ($1, $2, $3, $4) returning id"#,
        fund_id,
        tier.is_none() && organisation_id.is_none(),
        tier,
        organisation_id
    )
    .fetch_one(db)
    .await
}

pub async fn find_pool(db: impl PgExecutor<'_>, fund_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "select id from fund_accounts where fund_id = $1 and is_pool",
        fund_id
    )
    .fetch_one(db)
    .await
}

/// The fund's id if its organisation lies in `scope` (it may be managed by the caller), locked
/// for the change (allocations and appropriations of one fund queue up).
pub async fn lock_owned(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        r#"select f.id from funds f join organisations o on o.id = f.organisation_id
           where f.id = $1 and o.path <@ $2::text::ltree for update of f"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

/// The allocation of `fund_id` for exactly this tier and organisation, if it is open.
pub async fn find_allocation(
    db: impl PgExecutor<'_>,
    fund_id: i64,
    tier: Option<i16>,
    organisation_id: Option<i64>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        r#"select id from fund_accounts
           where fund_id = $1 and tier is not distinct from $2
             and organisation_id is not distinct from $3 and not is_pool"#,
        fund_id,
        tier,
        organisation_id
    )
    .fetch_optional(db)
    .await
}
