//! SQL of the home page's counts.

use sqlx::PgExecutor;

use crate::access::Scope;

/// What lies in the scope: organisations, accounts, active members, members who joined in the last
/// 30 days, and joining requests waiting for a decision.
pub struct Counts {
    pub organisations: i64,
    pub accounts: i64,
    pub members: i64,
    pub joined_recently: i64,
    pub pending_requests: i64,
    /// Contest applications returned for revision, final reports past due, and applications
    /// waiting for a reviewer.
    pub applications_returned: i64,
    pub reports_overdue: i64,
    pub applications_waiting: i64,
    /// The first day of "the last 30 days", for the link to the members who joined since.
    pub joined_since: String,
}

pub async fn counts_in_scope(db: impl PgExecutor<'_>, scope: &Scope) -> sqlx::Result<Counts> {
    sqlx::query_as!(
        Counts,
        r#"select
             (select count(*) from organisations where path <@ $1::text::ltree) as "organisations!",
             (select count(*) from users u join organisations o on o.id = u.organisation_id
               where o.path <@ $1::text::ltree) as "accounts!",
             (select coalesce(sum(c.n), 0)::bigint from member_counts c
               join organisations o on o.id = c.organisation_id
               where o.path <@ $1::text::ltree and c.status = 'active') as "members!",
             (select count(*) from members m join organisations o on o.id = m.organisation_id
               where o.path <@ $1::text::ltree and m.join_date > current_date - 30) as "joined_recently!",
             (select count(*) from join_requests r join organisations o on o.id = r.organisation_id
               where o.path <@ $1::text::ltree and r.status = 'pending') as "pending_requests!",
             (select count(*) from applications a join organisations o on o.id = a.organisation_id
               where o.path <@ $1::text::ltree and a.status = 'returned') as "applications_returned!",
             (select count(*) from applications a join organisations o on o.id = a.organisation_id
               where o.path <@ $1::text::ltree and a.status = 'approved'
                 and a.report_due_on < (now() at time zone 'Asia/Shanghai')::date) as "reports_overdue!",
             (select count(*) from applications a join organisations o on o.id = a.organisation_id
               where o.path <@ $1::text::ltree
                 and a.status in ('submitted', 'resubmitted', 'under_review', 'recommended')) as "applications_waiting!",
             (current_date - 29)::text as "joined_since!""#,
        scope.path()
    )
    .fetch_one(db)
    .await
}
