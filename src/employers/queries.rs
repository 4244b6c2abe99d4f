//! The register in SQL. An employer is read by every union whose subtree holds, or lies under, the
//! organisation that keeps it; it is changed only inside that organisation's subtree.

use sqlx::PgExecutor;

use super::model::{Kind, ValidEmployer};
use crate::access::Scope;

#[derive(Debug, Clone)]
pub struct Employer {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub organisation_path: String,
    pub name: String,
    pub credit_code: Option<String>,
    pub kind: Kind,
    pub industry: String,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub workers: Option<i32>,
}

/// A page of the employers `scope` reads, by name; `pattern` (a LIKE pattern) matches the name or
/// the credit code. The total is counted in the same statement.
pub async fn list(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    pattern: Option<&str>,
    kind: Option<Kind>,
    (limit, offset): (i64, i64),
) -> sqlx::Result<(Vec<Employer>, i64)> {
    let rows = sqlx::query!(
        r#"select e.id, e.organisation_id, o.name as organisation_name, o.path::text as "organisation_path!",
                  e.name, e.credit_code, e.kind as "kind: Kind", e.industry, e.address,
                  e.contact_person, e.contact_phone, e.workers, count(*) over () as "total!"
           from employers e join organisations o on o.id = e.organisation_id
           where (o.path <@ $1::text::ltree or o.path @> $1::text::ltree)
             and ($2::text is null or e.name like $2 or e.credit_code like upper($2))
             and ($3::text is null or e.kind = $3)
           order by e.name, e.id
           limit $4 offset $5"#,
        scope.path(),
        pattern,
        kind.map(|k| k.code()),
        limit,
        offset
    )
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |row| row.total);
    let employers = rows
        .into_iter()
        .map(|row| Employer {
            id: row.id,
            organisation_id: row.organisation_id,
            organisation_name: row.organisation_name,
            organisation_path: row.organisation_path,
            name: row.name,
            credit_code: row.credit_code,
            kind: row.kind,
            industry: row.industry,
            address: row.address,
            contact_person: row.contact_person,
            contact_phone: row.contact_phone,
            workers: row.workers,
        })
        .collect();
    Ok((employers, total))
}

/// The employer `id`, if `scope` reads it.
pub async fn find_visible(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Employer>> {
    sqlx::query_as!(
        Employer,
        r#"select e.id, e.organisation_id, o.name as organisation_name, o.path::text as "organisation_path!",
                  e.name, e.credit_code, e.kind as "kind: Kind", e.industry, e.address,
                  e.contact_person, e.contact_phone, e.workers
           from employers e join organisations o on o.id = e.organisation_id
           where e.id = $1 and (o.path <@ $2::text::ltree or o.path @> $2::text::ltree)"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    organisation_id: i64,
    employer: &ValidEmployer,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into employers (organisation_id, name, credit_code, kind, industry, address,
                                contact_person, contact_phone, workers)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        organisation_id,
        employer.name,
        employer.credit_code,
        employer.kind.code(),
        employer.industry,
        employer.address,
        employer.contact_person,
        employer.contact_phone,
        employer.workers
    )
    .fetch_one(db)
    .await
}

/// Writes the checked fields over employer `id`; `false` when it is gone.
pub async fn update(
    db: impl PgExecutor<'_>,
    id: i64,
    employer: &ValidEmployer,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update employers set name = $2, credit_code = $3, kind = $4, industry = $5, address = $6,
                contact_person = $7, contact_phone = $8, workers = $9
         where id = $1",
        id,
        employer.name,
        employer.credit_code,
        employer.kind.code(),
        employer.industry,
        employer.address,
        employer.contact_person,
        employer.contact_phone,
        employer.workers
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The employer a form names, among those `scope` reads: by its credit code (as typed, in any
/// case), else by its exact name; its id and name.
pub async fn find_named(
    db: impl PgExecutor<'_>,
    text: &str,
    scope: &Scope,
) -> sqlx::Result<Option<(i64, String)>> {
    let code: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let row = sqlx::query!(
        r#"select e.id, e.name from employers e join organisations o on o.id = e.organisation_id
           where (e.credit_code = $1 or e.name = $2)
             and (o.path <@ $3::text::ltree or o.path @> $3::text::ltree)
           order by (e.credit_code = $1) desc nulls last, e.id limit 1"#,
        code,
        text.trim(),
        scope.path()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (row.id, row.name)))
}
