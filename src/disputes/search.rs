//! The case list in SQL, written for the filters it is given so that each form of the list has a
//! plan of its own: a page is read by an index in the list's order (newest first, or the most
//! overdue first) and stops after one page, and its count comes from the counts kept by migration
//! 0031's trigger where they answer, or is counted up to a cap where they do not.

use sqlx::{PgExecutor, Postgres, QueryBuilder};
use time::Date;

use super::model::{Kind, Status};
use crate::access::Scope;
use crate::money::Money;
use crate::web::paging::RowCount;

/// Past this many cases, a list narrowed by a mediator, an employer, dates or the overdue flag
/// says "more than" instead of counting them all.
const COUNT_CAP: i64 = 1_000;
/// The same for a search: past two hundred matches the search wants another character, not a
/// count (a surname matches thousands, and counting them costs what reading them would; a
/// one-character search says "more than" past its first page).
const SEARCH_COUNT_CAP: i64 = 200;

/// A case in a list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub worker_name: String,
    pub employer_name: String,
    pub organisation_name: String,
    pub mediator_name: Option<String>,
    pub claimed: Money,
    pub received_on: Date,
    pub due_on: Option<Date>,
    /// Days left to the last day of mediation (negative past it), while mediating.
    pub days_left: Option<i32>,
}

impl CaseRow {
    pub fn is_overdue(&self) -> bool {
        self.days_left.is_some_and(|days| days < 0)
    }
}

/// The filters of the list.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    /// Mediating past the last day; listed most overdue first.
    pub overdue: bool,
    /// Only the cases of this mediator ("mine", or picked from the list).
    pub mediator: Option<i64>,
    /// A case number, or part of a worker's or an employer's name.
    pub search: Option<CaseSearch>,
    pub employer_id: Option<i64>,
    /// Only the cases of this organisation's subtree (inside the asker's scope).
    pub organisation_id: Option<i64>,
    /// Taken in on these days (either end open).
    pub received: (Option<Date>, Option<Date>),
}

impl Filters {
    /// Whether the counts kept per organisation, kind and status answer for this list.
    fn is_kept_count(&self) -> bool {
        !self.overdue
            && self.mediator.is_none()
            && self.search.is_none()
            && self.employer_id.is_none()
            && self.received == (None, None)
    }
}

/// What the search box asks, read for the indexes that answer it.
#[derive(Debug, Clone)]
pub struct CaseSearch {
    /// `%text%`, escaped.
    pattern: String,
    grams: Vec<String>,
    /// The employers whose names hold the text, looked up first: as a list of ids the planner
    /// sees how many cases they have, where a subquery would leave it guessing.
    employers: Vec<i64>,
    /// Whether the text is long enough for the case numbers' trigram index.
    number: bool,
    /// One character, which the grams hold as it is.
    one_character: bool,
}

impl CaseSearch {
    pub async fn read(db: impl PgExecutor<'_>, text: &str) -> sqlx::Result<Self> {
        let pattern = format!("%{}%", crate::db::escape_like(text));
        let employers = sqlx::query_scalar!(
            "select id from employers where name like $1 order by id limit 500",
            pattern
        )
        .fetch_all(db)
        .await?;
        Ok(Self {
            grams: grams(text),
            employers,
            number: text.chars().count() >= 3,
            one_character: text.chars().count() == 1,
            pattern,
        })
    }
}

/// The pieces of a name the `worker_grams` index holds that a search for `text` must find: the
/// character itself for one, else every pair of neighbours.
fn grams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() == 1 {
        return vec![text.to_string()];
    }
    let mut pairs: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    pairs.sort();
    pairs.dedup();
    pairs
}

fn push_scope(query: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filters: &Filters) {
    query.push(" where true");
    if !scope.is_whole_tree() {
        query
            .push(" and o.path <@ ")
            .push_bind(scope.path().to_string())
            .push("::text::ltree");
    }
    if let Some(id) = filters.organisation_id {
        query
            .push(" and o.path <@ (select path from organisations where id = ")
            .push_bind(id)
            .push(")");
    }
    // A kind and a status are written into the statement (codes of a closed list, never typed):
    // bound, PostgreSQL planned the statement anew at every request (about 1 ms, more than
    // running it), its generic plan estimated from an unknown code.
    if let Some(kind) = filters.kind {
        query.push(format_args!(" and c.kind = '{}'", kind.code()));
    }
    if let Some(status) = filters.status {
        query.push(format_args!(" and c.status = '{}'", status.code()));
    }
}

fn push_filters(query: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filters: &Filters) {
    push_scope(query, scope, filters);
    if filters.overdue {
        query.push(
            " and c.status = 'mediating' and c.due_on < (now() at time zone 'Asia/Shanghai')::date",
        );
    }
    if let Some(mediator) = filters.mediator {
        query.push(" and c.mediator_id = ").push_bind(mediator);
    }
    if let Some(employer) = filters.employer_id {
        query.push(" and c.employer_id = ").push_bind(employer);
    }
    if let Some(from) = filters.received.0 {
        query.push(" and c.received_on >= ").push_bind(from);
    }
    if let Some(to) = filters.received.1 {
        query.push(" and c.received_on <= ").push_bind(to);
    }
    if let Some(search) = &filters.search {
        // Each branch has an index of its own, so the matches are read as one bitmap. One
        // character is its own gram and needs no `like`: with both, the planner multiplies their
        // shares, takes a surname for a rare name and sorts its thousands of cases (21 ms) where
        // reading them newest first would stop after a page (7 ms).
        query
            .push(" and ((c.worker_grams @> ")
            .push_bind(search.grams.clone());
        if !search.one_character {
            query
                .push(" and c.worker_name like ")
                .push_bind(search.pattern.clone());
        }
        query.push(")");
        if !search.employers.is_empty() {
            query
                .push(" or c.employer_id = any(")
                .push_bind(search.employers.clone())
                .push(")");
        }
        if search.number {
            query
                .push(" or c.number like ")
                .push_bind(search.pattern.clone());
        }
        query.push(")");
    }
}

/// A case of a page, and how many cases the statement matched (up to its reach).
#[derive(Debug, sqlx::FromRow)]
struct Matched {
    matched: i64,
    #[sqlx(flatten)]
    case: CaseRow,
}

/// `limit` cases of the list in `scope` from `offset` (newest first, or for the overdue list the
/// most overdue first), and how many of the `reach` cases from `offset` there are. The matches are
/// read bare (ids and the order's keys) and only the page's rows are joined to their names.
async fn list(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    filters: &Filters,
    (limit, offset, reach): (i64, i64, i64),
) -> sqlx::Result<(Vec<CaseRow>, i64)> {
    let order = |of: &str| {
        if filters.overdue {
            format!(" order by {of}.due_on, {of}.id")
        } else {
            format!(" order by {of}.received_on desc, {of}.id desc")
        }
    };
    let mut query = QueryBuilder::new(
        "with matched as (select c.id, c.received_on, c.due_on from dispute_cases c",
    );
    if !scope.is_whole_tree() || filters.organisation_id.is_some() {
        query.push(" join organisations o on o.id = c.organisation_id");
    }
    push_filters(&mut query, scope, filters);
    query.push(order("c"));
    // The page's bounds are numbers of our own, written into the statement: bound, they kept
    // PostgreSQL from using the statement's cached plan (a generic plan cannot tell how many rows
    // a `limit $1` wants), so it planned every request again.
    query
        .push(format_args!(" limit {reach} offset {offset}"))
        .push("), shown as (select * from matched")
        .push(order("matched"))
        .push(format_args!(" limit {limit}"))
        .push(
            ")
         select (select count(*) from matched) as matched, c.id, c.number, c.kind, c.status,
                c.worker_name, e.name as employer_name, o.name as organisation_name,
                u.display_name as mediator_name, c.claimed, c.received_on, c.due_on,
                case when c.status = 'mediating'
                     then (c.due_on - (now() at time zone 'Asia/Shanghai')::date) end as days_left
         from shown
         join dispute_cases c on c.id = shown.id
         join organisations o on o.id = c.organisation_id
         join employers e on e.id = c.employer_id
         left join users u on u.id = c.mediator_id",
        )
        .push(order("c"));
    // A search's plan depends on how common its characters are: planned for each value.
    let rows: Vec<Matched> = query
        .build_query_as()
        .persistent(filters.search.is_none())
        .fetch_all(db)
        .await?;
    let matched = rows.first().map_or(0, |row| row.matched);
    Ok((rows.into_iter().map(|row| row.case).collect(), matched))
}

/// A page of the list (`limit` rows from `offset`, one more than a page) and how many cases the
/// list holds, in as few statements as the filters allow: a page that is not full counts itself;
/// a search reads on to its cap in the same statement and counts what it read; otherwise `count`.
pub async fn page(
    db: &sqlx::PgPool,
    scope: &Scope,
    filters: &Filters,
    (limit, offset): (i64, i64),
) -> sqlx::Result<(Vec<CaseRow>, RowCount)> {
    // One character (a surname) matches thousands: the page is read and no further, and the
    // list says "more than" what it shows. Reading on to the cap walked some 2,600 cases.
    let one_character = filters.search.as_ref().is_some_and(|s| s.one_character);
    let reach = if filters.search.is_some() && !one_character && offset < SEARCH_COUNT_CAP {
        (SEARCH_COUNT_CAP + 1 - offset).max(limit)
    } else {
        limit
    };
    let (cases, read) = list(db, scope, filters, (limit, offset, reach)).await?;
    let total = if read < reach && (read > 0 || offset == 0) {
        RowCount::Exact(offset + read)
    } else if one_character {
        RowCount::MoreThan(offset + limit - 1)
    } else if reach > limit {
        RowCount::capped(offset + read, SEARCH_COUNT_CAP)
    } else {
        count(db, scope, filters).await?
    };
    Ok((cases, total))
}

/// How many cases the list holds: from the counts kept per organisation, kind and status when
/// only those narrow it, else counted up to `COUNT_CAP`.
async fn count(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    filters: &Filters,
) -> sqlx::Result<RowCount> {
    if filters.is_kept_count() {
        let mut query = QueryBuilder::new(
            "select coalesce(sum(c.cases), 0)::bigint from dispute_case_counts c
             join organisations o on o.id = c.organisation_id",
        );
        push_scope(&mut query, scope, filters);
        let total: i64 = query.build_query_scalar().fetch_one(db).await?;
        return Ok(RowCount::Exact(total));
    }
    let mut query = QueryBuilder::new(
        "select count(*) from (select 1 from dispute_cases c
         join organisations o on o.id = c.organisation_id",
    );
    push_filters(&mut query, scope, filters);
    let cap = if filters.search.is_some() {
        SEARCH_COUNT_CAP
    } else {
        COUNT_CAP
    };
    query.push(format_args!(" limit {}) as cases", cap + 1));
    // Counting visits every match up to the cap whatever the text, so one cached plan serves.
    let counted: i64 = query.build_query_scalar().fetch_one(db).await?;
    Ok(RowCount::capped(counted, cap))
}

#[cfg(test)]
mod tests {
    use super::grams;

    #[test]
    fn a_name_is_searched_by_its_character_or_its_pairs() {
        assert_eq!(grams("王"), vec!["王"]);
        assert_eq!(grams("王伟"), vec!["王伟"]);
        assert_eq!(grams("欧阳娜娜"), vec!["娜娜", "欧阳", "阳娜"]);
    }
}
