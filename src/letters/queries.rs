//! Supervision letters in SQL. Every read takes the asker's scope; delivery and the reply are
//! `update … where status = …`, so two clicks cannot both win.

use sqlx::PgExecutor;
use sqlx::types::Json;
use time::Date;

use super::model::{Kind, Status, ValidLetter, ValidReply};
use crate::access::Scope;
use crate::workflow::{Timeline, TimelineEntry};

/// A letter in a list.
#[derive(Debug, Clone)]
pub struct LetterRow {
    pub id: i64,
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub subject: String,
    pub employer_name: String,
    pub organisation_name: String,
    pub issued_on: Date,
    pub reply_due_on: Option<Date>,
    pub rectified: Option<bool>,
    /// Working days are counted into `reply_due_on`; this is calendar days left (negative past it).
    pub days_left: Option<i32>,
}

impl LetterRow {
    pub fn is_overdue(&self) -> bool {
        self.days_left.is_some_and(|days| days < 0)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub overdue: bool,
    pub case_id: Option<i64>,
    pub pattern: Option<String>,
}

/// A page of the letters in `scope`, newest first (overdue replies: the longest overdue first).
pub async fn list(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    filters: &Filters,
    (limit, offset): (i64, i64),
) -> sqlx::Result<(Vec<LetterRow>, i64)> {
    let rows = sqlx::query!(
        r#"select l.id, l.number, l.kind as "kind: Kind", l.status as "status: Status", l.subject,
                  e.name as employer_name, o.name as organisation_name, l.issued_on,
                  l.reply_due_on, l.rectified,
                  case when l.status = 'delivered'
                       then (l.reply_due_on - (now() at time zone 'Asia/Shanghai')::date) end as days_left,
                  count(*) over () as "total!"
           from supervision_letters l
           join organisations o on o.id = l.organisation_id
           join employers e on e.id = l.employer_id
           where o.path <@ $1::text::ltree
             and ($2::text is null or l.status = $2)
             and ($3::text is null or l.kind = $3)
             and (not $4 or (l.status = 'delivered'
                             and l.reply_due_on < (now() at time zone 'Asia/Shanghai')::date))
             and ($5::bigint is null or l.case_id = $5)
             and ($6::text is null or l.number like $6 or l.subject like $6 or e.name like $6)
           order by case when $4 then l.reply_due_on end, l.issued_on desc, l.id desc
           limit $7 offset $8"#,
        scope.path(),
        filters.status.map(|s| s.code()),
        filters.kind.map(|k| k.code()),
        filters.overdue,
        filters.case_id,
        filters.pattern,
        limit,
        offset
    )
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |row| row.total);
    let letters = rows
        .into_iter()
        .map(|row| LetterRow {
            id: row.id,
            number: row.number,
            kind: row.kind,
            status: row.status,
            subject: row.subject,
            employer_name: row.employer_name,
            organisation_name: row.organisation_name,
            issued_on: row.issued_on,
            reply_due_on: row.reply_due_on,
            rectified: row.rectified,
            days_left: row.days_left,
        })
        .collect();
    Ok((letters, total))
}

/// A letter as its page shows it, with its timeline.
#[derive(Debug, Clone)]
pub struct Letter {
    pub id: i64,
    pub number: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub kind: Kind,
    pub status: Status,
    pub employer_id: i64,
    pub employer_name: String,
    pub employer_address: String,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub subject: String,
    pub body: String,
    pub issued_on: Date,
    pub reply_days: i32,
    pub delivered_on: Option<Date>,
    pub delivery: String,
    pub reply_due_on: Option<Date>,
    pub replied_on: Option<Date>,
    pub reply: String,
    pub rectified: Option<bool>,
    pub days_left: Option<i32>,
    pub timeline: Timeline,
}

pub async fn find_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Letter>> {
    sqlx::query_as!(
        Letter,
        r#"select l.id, l.number, l.organisation_id, o.name as organisation_name,
                  l.kind as "kind: Kind", l.status as "status: Status", l.employer_id,
                  e.name as employer_name, e.address as employer_address, l.case_id,
                  c.number as "case_number?", l.subject, l.body, l.issued_on, l.reply_days,
                  l.delivered_on, l.delivery, l.reply_due_on, l.replied_on, l.reply, l.rectified,
                  case when l.status = 'delivered'
                       then (l.reply_due_on - (now() at time zone 'Asia/Shanghai')::date) end as days_left,
                  (select json_agg(line order by id) from timeline_lines
                   where entity = 'supervision_letter' and entity_id = l.id) as "timeline?: Json<Vec<TimelineEntry>>"
           from supervision_letters l
           join organisations o on o.id = l.organisation_id
           join employers e on e.id = l.employer_id
           left join dispute_cases c on c.id = l.case_id
           where l.id = $1 and o.path <@ $2::text::ltree"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

/// Inserts a letter numbered after the last of its organisation's year (the organisation's row
/// is locked, so two letters at once never take one number); its id and number.
pub async fn insert(
    tx: &mut sqlx::PgConnection,
    (organisation_id, mark): (i64, &str),
    (employer_id, case_id): (i64, Option<i64>),
    letter: &ValidLetter,
    issued_by: Option<i64>,
) -> sqlx::Result<(i64, String)> {
    sqlx::query!(
        "select id from organisations where id = $1 for update",
        organisation_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let year = letter.issued_on.year();
    let sequence: i32 = sqlx::query_scalar!(
        r#"select coalesce(max(sequence), 0) + 1 as "n!" from supervision_letters
           where organisation_id = $1 and year = $2"#,
        organisation_id,
        year
    )
    .fetch_one(&mut *tx)
    .await?;
    let number = format!("{mark}工监{}〔{year}〕{sequence}号", letter.kind.mark());
    let id = sqlx::query_scalar!(
        "insert into supervision_letters (organisation_id, number, year, sequence, kind,
                employer_id, case_id, subject, body, issued_on, reply_days, issued_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         returning id",
        organisation_id,
        number,
        year,
        sequence,
        letter.kind.code(),
        employer_id,
        case_id,
        letter.subject,
        letter.body,
        letter.issued_on,
        letter.reply_days as i32,
        issued_by
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok((id, number))
}

/// Records delivery of a letter still issued, with the reply's due day; `false` when it moved.
pub async fn deliver(
    db: impl PgExecutor<'_>,
    id: i64,
    (delivered_on, delivery): (Date, &str),
    reply_due_on: Date,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update supervision_letters set status = 'delivered', delivered_on = $2, delivery = $3,
                reply_due_on = $4
         where id = $1 and status = 'issued'",
        id,
        delivered_on,
        delivery,
        reply_due_on
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the reply to a delivered letter; `false` when it moved meanwhile.
pub async fn record_reply(
    db: impl PgExecutor<'_>,
    id: i64,
    reply: &ValidReply,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update supervision_letters set status = 'replied', replied_on = $2, reply = $3,
                rectified = $4
         where id = $1 and status = 'delivered'",
        id,
        reply.replied_on,
        reply.reply,
        reply.rectified
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
