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
}

pub async fn list_all(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Track>> {
    sqlx::query_as!(
        Track,
        r#"select id, name, sector, frontier, first_year, active
           from tracks order by frontier desc, name"#
    )
    .fetch_all(db)
    .await
}

/// How many applications name each track, from their running totals (tracks without any are
/// left out); only the catalogue shows it, so the lists' filters do not pay for it.
pub async fn applications_per_track(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, i64)>> {
    let rows = sqlx::query!(
        r#"select track_id, sum(applications)::bigint as "n!" from application_totals
           group by track_id having sum(applications) <> 0"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|row| (row.track_id, row.n)).collect())
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
