//! Collective contracts in SQL. Every read takes the asker's scope; filing is an
//! `update … where status = 'signed'`, and a contract is renewed once (a unique key), so two
//! clicks cannot both win.

use sqlx::PgExecutor;
use sqlx::types::Json;
use time::Date;

use super::model::{Coverage, Standing, Status, ValidContract};
use crate::access::Scope;
use crate::workflow::{Timeline, TimelineEntry};

/// A contract in a list.
#[derive(Debug, Clone)]
pub struct ContractRow {
    pub id: i64,
    pub title: String,
    pub coverage: Coverage,
    pub standing: Standing,
    pub organisation_name: String,
    pub employer_party: String,
    pub employers: i64,
    pub workers: i32,
    pub signed_on: Date,
    pub ends_on: Date,
    /// Days to the last day of the term (negative once it is past).
    pub days_left: i32,
}

#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub standing: Option<Standing>,
    pub coverage: Option<Coverage>,
    /// Only those covering this employer.
    pub employer_id: Option<i64>,
    pub pattern: Option<String>,
}

/// A page of the contracts in `scope`; those ending first come first among the living ones.
pub async fn list(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    filters: &Filters,
    (limit, offset): (i64, i64),
) -> sqlx::Result<(Vec<ContractRow>, i64)> {
    let rows = sqlx::query!(
        r#"with today as (select (now() at time zone 'Asia/Shanghai')::date as day)
           select c.id, c.title, c.coverage as "coverage: Coverage",
                  collective_contract_standing(c.status, c.starts_on, c.ends_on,
                      n.id is not null, today.day) as "standing!: Standing",
                  o.name as organisation_name, c.employer_party,
                  (select count(*) from collective_contract_employers ce
                   where ce.contract_id = c.id) as "employers!",
                  c.workers, c.signed_on, c.ends_on, (c.ends_on - today.day) as "days_left!",
                  count(*) over () as "total!"
           from collective_contracts c
           cross join today
           join organisations o on o.id = c.organisation_id
           left join collective_contracts n on n.renews_id = c.id
           where o.path <@ $1::text::ltree
             and ($2::text is null or collective_contract_standing(c.status, c.starts_on,
                      c.ends_on, n.id is not null, today.day) = $2)
             and ($3::text is null or c.coverage = $3)
             and ($4::bigint is null or exists (select 1 from collective_contract_employers ce
                      where ce.contract_id = c.id and ce.employer_id = $4))
             and ($5::text is null or c.title like $5 or c.employer_party like $5
                  or c.union_party like $5
                  or exists (select 1 from collective_contract_employers ce
                             join employers e on e.id = ce.employer_id
                             where ce.contract_id = c.id and e.name like $5))
           order by (c.ends_on < today.day or n.id is not null), c.ends_on, c.id
           limit $6 offset $7"#,
        scope.path(),
        filters.standing.map(|s| s.code()),
        filters.coverage.map(|c| c.code()),
        filters.employer_id,
        filters.pattern,
        limit,
        offset
    )
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |row| row.total);
    let contracts = rows
        .into_iter()
        .map(|row| ContractRow {
            id: row.id,
            title: row.title,
            coverage: row.coverage,
            standing: row.standing,
            organisation_name: row.organisation_name,
            employer_party: row.employer_party,
            employers: row.employers,
            workers: row.workers,
            signed_on: row.signed_on,
            ends_on: row.ends_on,
            days_left: row.days_left,
        })
        .collect();
    Ok((contracts, total))
}

/// A contract as its page shows it.
#[derive(Debug, Clone)]
pub struct Contract {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub coverage: Coverage,
    pub title: String,
    pub union_party: String,
    pub employer_party: String,
    pub workers: i32,
    pub subjects: Vec<String>,
    pub signed_on: Date,
    pub starts_on: Date,
    pub ends_on: Date,
    pub status: Status,
    pub standing: Standing,
    pub filed_on: Option<Date>,
    pub filing_note: String,
    pub days_left: i32,
    /// The contract it renews, and the one that renews it: id and title.
    pub renews: Option<(i64, String)>,
    pub renewed_by: Option<(i64, String)>,
    /// The employers covered: id, name and credit code.
    pub employers: Vec<CoveredEmployer>,
    pub timeline: Timeline,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct CoveredEmployer {
    pub id: i64,
    pub name: String,
    pub credit_code: Option<String>,
}

pub async fn find_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Contract>> {
    let row = sqlx::query!(
        r#"with today as (select (now() at time zone 'Asia/Shanghai')::date as day)
           select c.id, c.organisation_id, o.name as organisation_name,
                  c.coverage as "coverage: Coverage", c.title, c.union_party, c.employer_party,
                  c.workers, c.subjects, c.signed_on, c.starts_on, c.ends_on,
                  c.status as "status: Status",
                  collective_contract_standing(c.status, c.starts_on, c.ends_on,
                      n.id is not null, today.day) as "standing!: Standing",
                  c.filed_on, c.filing_note, (c.ends_on - today.day) as "days_left!",
                  p.id as "renews_id?", p.title as "renews_title?",
                  n.id as "renewed_by_id?", n.title as "renewed_by_title?",
                  (select json_agg(json_build_object('id', e.id, 'name', e.name,
                                                     'credit_code', e.credit_code) order by e.name)
                   from collective_contract_employers ce join employers e on e.id = ce.employer_id
                   where ce.contract_id = c.id) as "employers: Json<Vec<CoveredEmployer>>",
                  (select json_agg(line order by id) from timeline_lines
                   where entity = 'collective_contract' and entity_id = c.id) as "timeline?: Json<Vec<TimelineEntry>>"
           from collective_contracts c
           cross join today
           join organisations o on o.id = c.organisation_id
           left join collective_contracts n on n.renews_id = c.id
           left join collective_contracts p on p.id = c.renews_id
           where c.id = $1 and o.path <@ $2::text::ltree"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Contract {
        id: row.id,
        organisation_id: row.organisation_id,
        organisation_name: row.organisation_name,
        coverage: row.coverage,
        title: row.title,
        union_party: row.union_party,
        employer_party: row.employer_party,
        workers: row.workers,
        subjects: row.subjects,
        signed_on: row.signed_on,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        status: row.status,
        standing: row.standing,
        filed_on: row.filed_on,
        filing_note: row.filing_note,
        days_left: row.days_left,
        renews: row.renews_id.zip(row.renews_title),
        renewed_by: row.renewed_by_id.zip(row.renewed_by_title),
        employers: row.employers.map(|e| e.0).unwrap_or_default(),
        timeline: row.timeline,
    }))
}

/// The unique key that lets a contract be renewed once.
pub const RENEWED_ONCE: &str = "collective_contracts_renews_id_key";

/// Inserts a contract at `organisation_id` with the employers it covers; its id.
pub async fn insert(
    tx: &mut sqlx::PgConnection,
    organisation_id: i64,
    contract: &ValidContract,
    (employer_ids, renews): (&[i64], Option<i64>),
    created_by: Option<i64>,
) -> sqlx::Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into collective_contracts (organisation_id, coverage, title, union_party,
                employer_party, workers, subjects, signed_on, starts_on, ends_on, renews_id,
                created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         returning id",
        organisation_id,
        contract.coverage.code(),
        contract.title,
        contract.union_party,
        contract.employer_party,
        contract.workers,
        &contract.subject_codes(),
        contract.signed_on,
        contract.starts_on,
        contract.ends_on,
        renews,
        created_by
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into collective_contract_employers (contract_id, employer_id)
         select $1, employer from unnest($2::bigint[]) as employer on conflict do nothing",
        id,
        employer_ids
    )
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// Records the filing of a contract still only signed; `false` when it moved meanwhile.
pub async fn file(
    db: impl PgExecutor<'_>,
    id: i64,
    (filed_on, note): (Date, &str),
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update collective_contracts set status = 'filed', filed_on = $2, filing_note = $3
         where id = $1 and status = 'signed'",
        id,
        filed_on,
        note
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The employers the register lines name, among those `scope` reads: for each line, the ids it
/// matches (by credit code, else by exact name).
pub async fn match_employers(
    db: impl PgExecutor<'_>,
    lines: &[String],
    scope: &Scope,
) -> sqlx::Result<Vec<(String, Option<i64>)>> {
    let codes: Vec<String> = lines
        .iter()
        .map(|line| {
            line.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| c.to_ascii_uppercase())
                .collect()
        })
        .collect();
    let rows = sqlx::query!(
        r#"select l.line as "line!", (
               select e.id from employers e join organisations o on o.id = e.organisation_id
               where (e.credit_code = l.code or e.name = l.line)
                 and (o.path <@ $3::text::ltree or o.path @> $3::text::ltree)
               order by (e.credit_code = l.code) desc nulls last, e.id limit 1) as employer_id
           from unnest($1::text[], $2::text[]) with ordinality as l (line, code, n)
           order by l.n"#,
        lines,
        &codes,
        scope.path()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.line, r.employer_id)).collect())
}
