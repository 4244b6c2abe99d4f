//! The lists of applications: the applicant's (their subtree's applications and what they must do
//! next), the reviewer's queue (what waits, oldest first, with the balance it would draw on), and
//! the dashboard's drill-downs, all one query with optional filters.

use serde::Deserialize;
use sqlx::PgExecutor;

use super::model::Status;
use crate::access::Scope;
use crate::money::Money;

/// The filters of a list, as the query string carries them (so every link can name a list).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub fund: Option<i64>,
    #[serde(default)]
    pub status: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub tier: Option<i16>,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub track: Option<i64>,
    /// An organisation whose subtree's applications are listed (a district, an industry union).
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub org: Option<i64>,
    /// `frontier` or `traditional` tracks.
    #[serde(default)]
    pub kind: String,
    /// Only approved applications whose final report is past due.
    #[serde(default)]
    pub overdue: Option<String>,
    /// `YYYY-MM`: first submitted in that month.
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub q: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
}

impl ListQuery {
    /// The query string of these filters (without the page), for pager and export links.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(fund) = self.fund {
            pairs.push(("fund", fund.to_string()));
        }
        for (name, value) in [
            ("status", &self.status),
            ("kind", &self.kind),
            ("month", &self.month),
            ("q", &self.q),
        ] {
            if !value.is_empty() {
                pairs.push((name, value.clone()));
            }
        }
        if let Some(tier) = self.tier {
            pairs.push(("tier", tier.to_string()));
        }
        if let Some(track) = self.track {
            pairs.push(("track", track.to_string()));
        }
        if let Some(org) = self.org {
            pairs.push(("org", org.to_string()));
        }
        if self.overdue.is_some() {
            pairs.push(("overdue", "1".into()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    pub fn is_filtered(&self) -> bool {
        !self.to_query().is_empty()
    }

    /// The statuses the filter names: one, `waiting` for all that wait for a decision, or
    /// `committed` for those whose grant is committed.
    fn statuses(&self) -> Option<Vec<String>> {
        match self.status.as_str() {
            "" => None,
            "waiting" => Some(
                Status::ALL
                    .iter()
                    .filter(|s| s.is_waiting())
                    .map(|s| s.code().to_string())
                    .collect(),
            ),
            // Holding a commitment on the fund: approved, and reported but not yet settled.
            "committed" => Some(vec!["approved".into(), "reported".into()]),
            code => Some(vec![code.to_string()]),
        }
    }
}

/// One application in a list.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub tier: i16,
    pub track_name: String,
    pub status: Status,
    pub requested: Money,
    pub granted: Option<Money>,
    pub planned_start: time::Date,
    pub submitted_at: Option<time::OffsetDateTime>,
    pub report_due_on: Option<time::Date>,
    /// Days since it was (re)submitted, for what waits.
    pub waiting_days: Option<i32>,
    pub overdue: bool,
    /// What is left on the account a grant would be drawn from (queue only).
    pub account_available: Option<Money>,
}

impl ListRow {
    /// What the applicant must do next (a catalogue key).
    pub fn next_step(&self) -> &'static str {
        super::views::next_step_key(self.status, self.overdue)
    }

    /// The account it would draw on has less left than it asks for.
    pub fn short_of_money(&self) -> bool {
        self.account_available
            .is_some_and(|left| left < self.requested)
    }

    pub fn awaits_report(&self) -> bool {
        self.status == Status::Approved
    }
}

impl ListQuery {
    pub fn fund_is(&self, id: &i64) -> bool {
        self.fund == Some(*id)
    }

    pub fn track_is(&self, id: &i64) -> bool {
        self.track == Some(*id)
    }

    pub fn tier_is(&self, tier: &str) -> bool {
        self.tier.map(|t| t.to_string()).as_deref() == Some(tier)
    }
}

/// The filters of `query` as SQL parameters.
struct Filters {
    statuses: Option<Vec<String>>,
    frontier: Option<bool>,
    pattern: Option<String>,
    month: Option<time::Date>,
}

impl Filters {
    fn of(query: &ListQuery) -> Self {
        let search = crate::web::input::clean_text(&query.q);
        Self {
            statuses: query.statuses(),
            frontier: match query.kind.as_str() {
                "frontier" => Some(true),
                "traditional" => Some(false),
                _ => None,
            },
            pattern: (!search.is_empty()).then(|| format!("%{}%", crate::db::escape_like(&search))),
            month: (!query.month.is_empty())
                .then(|| crate::web::dates::parse_date(&format!("{}-01", query.month)))
                .flatten(),
        }
    }
}

/// How many applications in `scope` match `query`: from the running totals when the filters are
/// theirs (fund, status, tier, track, organisation, kind; or fund, organisation and month), else
/// by counting the rows.
pub async fn count(db: &sqlx::PgPool, scope: &Scope, query: &ListQuery) -> sqlx::Result<i64> {
    let f = Filters::of(query);
    let unsearched = f.pattern.is_none() && query.overdue.is_none();
    // A filter left empty folds away in the statement's plan, the track's `exists` with it.
    if unsearched && f.month.is_none() {
        return sqlx::query_scalar!(
            r#"select coalesce(sum(t.applications), 0)::bigint as "n!"
               from application_totals t
               join organisations o on o.id = t.organisation_id
               where o.path <@ $1::text::ltree
                 and ($2::bigint is null or t.fund_id = $2)
                 and ($3::text[] is null or t.status = any($3))
                 and ($4::smallint is null or t.tier = $4)
                 and ($5::bigint is null or t.track_id = $5)
                 and ($6::bigint is null or o.path <@ (select path from organisations where id = $6))
                 and ($7::boolean is null
                      or exists (select 1 from tracks tr where tr.id = t.track_id and tr.frontier = $7))"#,
            scope.path(),
            query.fund,
            f.statuses.as_deref(),
            query.tier,
            query.track,
            query.org,
            f.frontier,
        )
        .fetch_one(db)
        .await;
    }
    let by_month_only = f.statuses.is_none()
        && query.tier.is_none()
        && query.track.is_none()
        && f.frontier.is_none();
    if unsearched && by_month_only {
        return sqlx::query_scalar!(
            r#"select coalesce(sum(m.applications), 0)::bigint as "n!"
               from application_months m
               join organisations o on o.id = m.organisation_id
               where o.path <@ $1::text::ltree
                 and ($2::bigint is null or m.fund_id = $2)
                 and ($3::bigint is null or o.path <@ (select path from organisations where id = $3))
                 and m.month = $4"#,
            scope.path(),
            query.fund,
            query.org,
            f.month,
        )
        .fetch_one(db)
        .await;
    }
    sqlx::query_scalar!(
        r#"select count(*) as "n!"
           from applications a
           join organisations o on o.id = a.organisation_id
           join tracks t on t.id = a.track_id
           where o.path <@ $1::text::ltree
             and ($2::bigint is null or a.fund_id = $2)
             and ($3::text[] is null or a.status = any($3))
             and ($4::smallint is null or a.tier = $4)
             and ($5::bigint is null or a.track_id = $5)
             and ($6::bigint is null or o.path <@ (select path from organisations where id = $6))
             and ($7::boolean is null or t.frontier = $7)
             and (not $8 or (a.status = 'approved' and a.report_due_on < (now() at time zone 'Asia/Shanghai')::date))
             and ($9::text is null or a.title like $9 or a.number like $9 or o.name like $9)
             and ($10::date is null or (a.first_submitted_at at time zone 'Asia/Shanghai')::date
                                        between $10 and ($10 + interval '1 month' - interval '1 day')::date)"#,
        scope.path(),
        query.fund,
        f.statuses.as_deref(),
        query.tier,
        query.track,
        query.org,
        f.frontier,
        query.overdue.is_some(),
        f.pattern,
        f.month,
    )
    .fetch_one(db)
    .await
}

/// A page of the applications in `scope` that match `query`; `queue` orders what waits oldest
/// first and reads the balance each would draw on (for the page's rows only).
pub async fn list(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    query: &ListQuery,
    queue: bool,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ListRow>> {
    let f = Filters::of(query);
    sqlx::query_as!(
        ListRow,
        r#"select r.id as "id!", r.number, r.title as "title!", r.organisation_id as "organisation_id!",
                  r.organisation_name as "organisation_name!", r.tier as "tier!",
                  r.track_name as "track_name!", r.status as "status!: Status",
                  r.requested as "requested!: Money", r.granted as "granted: Money",
                  r.planned_start as "planned_start!", r.submitted_at, r.report_due_on,
                  r.waiting_days, r.overdue as "overdue!",
                  (case when $13 then (
                      select c.appropriated - c.committed - c.disbursed
                      from fund_accounts c left join organisations co on co.id = c.organisation_id
                      where c.fund_id = r.fund_id and (c.tier is null or c.tier = r.tier)
                        and (c.organisation_id is null or co.path @> r.path)
                      order by nlevel(co.path) desc nulls last, (c.tier is not null) desc, c.is_pool
                      limit 1) end) as "account_available: Money"
           from (
               select a.id, a.number, a.title, a.organisation_id, o.name as organisation_name,
                      o.path, a.fund_id, a.tier, t.name as track_name, a.status, a.requested,
                      a.granted, a.planned_start, a.submitted_at, a.report_due_on,
                      ((now() at time zone 'Asia/Shanghai')::date - (a.submitted_at at time zone 'Asia/Shanghai')::date)::integer as waiting_days,
                      (a.status = 'approved' and a.report_due_on < (now() at time zone 'Asia/Shanghai')::date) as overdue
               from applications a
               join organisations o on o.id = a.organisation_id
               join tracks t on t.id = a.track_id
               where o.path <@ $1::text::ltree
                 and ($2::bigint is null or a.fund_id = $2)
                 and ($3::text[] is null or a.status = any($3))
                 and ($4::smallint is null or a.tier = $4)
                 and ($5::bigint is null or a.track_id = $5)
                 and ($6::bigint is null or o.path <@ (select path from organisations where id = $6))
                 and ($7::boolean is null or t.frontier = $7)
                 and (not $8 or (a.status = 'approved' and a.report_due_on < (now() at time zone 'Asia/Shanghai')::date))
                 and ($9::text is null or a.title like $9 or a.number like $9 or o.name like $9)
                 and ($10::date is null or (a.first_submitted_at at time zone 'Asia/Shanghai')::date
                                            between $10 and ($10 + interval '1 month' - interval '1 day')::date)
               order by case when $13 then a.submitted_at end asc, case when $13 then a.id end asc,
                        a.id desc
               limit $11 offset $12) r
           order by case when $13 then r.submitted_at end asc, case when $13 then r.id end asc,
                    r.id desc"#,
        scope.path(),
        query.fund,
        f.statuses.as_deref(),
        query.tier,
        query.track,
        query.org,
        f.frontier,
        query.overdue.is_some(),
        f.pattern,
        f.month,
        limit,
        offset,
        queue,
    )
    .fetch_all(db)
    .await
}
