//! Tracks in SQL.

use sqlx::PgExecutor;

#[derive(Debug, Clone)]
pub struct Track {
    pub id: i64,
    pub name: String,
    pub sector: String,
    pub frontier: bool,
    pub first_year: i32,
    pub active: bool,
    /// Applications that name it (from their running totals).
    pub applications: i64,
}

pub async fn list_all(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Track>> {
    sqlx::query_as!(
        Track,
        r#"select t.id, t.name, t.sector, t.frontier, t.first_year, t.active,
                  (select coalesce(sum(x.applications), 0)::bigint from application_totals x
                    where x.track_id = t.id) as "applications!"
           from tracks t order by t.frontier desc, t.name"#
    )
    .fetch_all(db)
    .await
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    name: &str,
    sector: &str,
    frontier: bool,
    first_year: i32,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into tracks (name, sector, frontier, first_year) values ($1, $2, $3, $4) returning id",
        name,
        sector,
        frontier,
        first_year
    )
    .fetch_one(db)
    .await
}

/// How many competitions each track had in `year` (tracks without any are left out).
pub async fn competitions_in(db: impl PgExecutor<'_>, year: i32) -> sqlx::Result<Vec<(i64, i64)>> {
    let rows = sqlx::query!(
        r#"select track_id, count(*) as "n!" from competitions
           where year = $1 and status <> 'cancelled' group by track_id"#,
        year
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|row| (row.track_id, row.n)).collect())
}
