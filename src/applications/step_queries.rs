//! The conditional updates of an application's steps: each applies only while the application
//! still stands where the page showed it (`where status = $from`), so two clicks or two reviewers
//! cannot both win.

use sqlx::PgConnection;

use super::model::{Fields, Status};
use crate::money::Money;

/// The next number of `year` and `tier` (`2025-二类-0096`), taken under a lock of that pair so two
/// submissions at once cannot take the same one.
pub async fn next_number(conn: &mut PgConnection, year: i32, tier: i16) -> sqlx::Result<String> {
    sqlx::query!(
        "select pg_advisory_xact_lock($1, $2)",
        year,
        i32::from(tier)
    )
    .execute(&mut *conn)
    .await?;
    let prefix = format!("{year}-{}-", if tier == 2 { "二类" } else { "三类" });
    let last = sqlx::query_scalar!(
        r#"select coalesce(max(substring(number from length($1) + 1)::integer), 0) as "n!"
           from applications where number like $1 || '%'"#,
        prefix
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(format!("{prefix}{:04}", last + 1))
}

/// Submits (or resubmits) the application, numbering it on its first submission.
pub async fn submit(
    conn: &mut PgConnection,
    id: i64,
    from: Status,
    to: Status,
    number: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update applications
              set status = $3, number = coalesce(number, $4), submitted_at = now(),
                  first_submitted_at = coalesce(first_submitted_at, now()), reviewer_id = null,
                  recommended = null, recommended_by = null
            where id = $1 and status = $2"#,
        id,
        from as Status,
        to as Status,
        number
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn take_up(
    conn: &mut PgConnection,
    id: i64,
    from: Status,
    reviewer_id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update applications set status = 'under_review', reviewer_id = $3 where id = $1 and status = $2",
        id,
        from as Status,
        reviewer_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Returns the application for revision, keeping it as it stood, to show what changed later.
pub async fn send_back(
    conn: &mut PgConnection,
    id: i64,
    from: Status,
    snapshot: &Fields,
    note: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update applications
              set status = 'returned', returned_snapshot = $3, return_note = $4,
                  recommended = null, recommended_by = null
            where id = $1 and status = $2"#,
        id,
        from as Status,
        sqlx::types::Json(snapshot) as _,
        note
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn recommend(
    conn: &mut PgConnection,
    id: i64,
    from: Status,
    amount: Money,
    reviewer_id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update applications
              set status = 'recommended', recommended = $3, recommended_by = $4,
                  reviewer_id = coalesce(reviewer_id, $4)
            where id = $1 and status = $2"#,
        id,
        from as Status,
        amount.fen(),
        reviewer_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Grants `amount` from `account_id`; the final report falls due `due_days` after the contest.
pub async fn approve(
    conn: &mut PgConnection,
    id: i64,
    from: Status,
    amount: Money,
    account_id: i64,
    due_days: i32,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update applications
              set status = 'approved', granted = $3, account_id = $4, decided_at = now(),
                  report_due_on = planned_end + $5::integer
            where id = $1 and status = $2"#,
        id,
        from as Status,
        amount.fen(),
        account_id,
        due_days
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn decide(
    conn: &mut PgConnection,
    id: i64,
    from: Status,
    to: Status,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update applications set status = $3, decided_at = now() where id = $1 and status = $2",
        id,
        from as Status,
        to as Status
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The final report as filed.
#[derive(Debug, Clone)]
pub struct Report {
    pub actual_start: time::Date,
    pub actual_end: time::Date,
    pub contestants: i32,
    pub companies: i32,
    pub winners: String,
    pub spent: [Money; 6],
}

impl Report {
    pub fn spent_total(&self) -> Money {
        self.spent.iter().copied().sum()
    }
}

pub async fn file_report(conn: &mut PgConnection, id: i64, report: &Report) -> sqlx::Result<bool> {
    let s = report.spent.map(Money::fen);
    let done = sqlx::query!(
        r#"update applications
              set status = 'reported', actual_start = $2, actual_end = $3, actual_contestants = $4,
                  actual_companies = $5, winners = $6, spent_venue = $7, spent_materials = $8,
                  spent_prizes = $9, spent_judges = $10, spent_training = $11, spent_other = $12,
                  reported_at = now()
            where id = $1 and status = 'approved'"#,
        id,
        report.actual_start,
        report.actual_end,
        report.contestants,
        report.companies,
        report.winners,
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
        s[5],
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn settle(conn: &mut PgConnection, id: i64, disbursed: Money) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update applications set status = 'settled', disbursed = $2 where id = $1 and status = 'reported'",
        id,
        disbursed.fen()
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
