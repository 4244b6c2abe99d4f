//! SQL of the organisation tree. Every read takes the caller's scope (an ltree path) and sees only
//! that subtree.

use sqlx::PgExecutor;

/// The fields a new organisation is made of.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewOrganisation {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub code: String,
    pub region: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
}

pub async fn insert_organisation(
    db: impl PgExecutor<'_>,
    org: &NewOrganisation,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"insert into organisations
             (parent_id, kind, name, code, region, contact_person, contact_phone, address)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           returning id"#,
        org.parent_id,
        org.kind,
        org.name,
        org.code,
        org.region,
        org.contact_person,
        org.contact_phone,
        org.address
    )
    .fetch_one(db)
    .await
}

pub async fn find_root_id(db: impl PgExecutor<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select id from organisations where parent_id is null order by id limit 1")
        .fetch_optional(db)
        .await
}

pub async fn find_id_by_code(db: impl PgExecutor<'_>, code: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select id from organisations where code = $1", code)
        .fetch_optional(db)
        .await
}

pub async fn count_all(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"select count(*) as "count!" from organisations"#)
        .fetch_one(db)
        .await
}
