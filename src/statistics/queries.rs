//! SQL of competition statistics for the competitions in a subtree: one year by tier and by
//! track, the people it brought, the years side by side, and the series of a recurring
//! competition (its title without the year: "2024年全国建材…" and "2025年全国建材…" are one).

use sqlx::PgExecutor;

/// Competitions of one tier in the year, with how many were frontier and first-opened.
pub struct TierLine {
    pub tier: i16,
    pub competitions: i64,
    pub frontier: i64,
    pub first_opened: i64,
}

pub async fn by_tier(
    db: impl PgExecutor<'_>,
    scope: &str,
    year: i32,
) -> sqlx::Result<Vec<TierLine>> {
    sqlx::query_as!(
        TierLine,
        r#"select c.tier, count(*) as "competitions!",
                  count(*) filter (where t.frontier) as "frontier!",
                  count(*) filter (where t.first_year = c.year) as "first_opened!"
           from competitions c
           join organisations o on o.id = c.organisation_id
           join tracks t on t.id = c.track_id
           where o.path <@ $1::text::ltree and c.year = $2 and c.status <> 'cancelled'
           group by c.tier order by c.tier"#,
        scope,
        year
    )
    .fetch_all(db)
    .await
}

pub struct TrackLine {
    pub track_id: i64,
    pub name: String,
    pub sector: String,
    pub frontier: bool,
    pub first_opened: bool,
    pub competitions: i64,
}

pub async fn by_track(
    db: impl PgExecutor<'_>,
    scope: &str,
    year: i32,
) -> sqlx::Result<Vec<TrackLine>> {
    sqlx::query_as!(
        TrackLine,
        r#"select t.id as track_id, t.name, t.sector, t.frontier,
                  (t.first_year = $2) as "first_opened!", count(*) as "competitions!"
           from competitions c
           join organisations o on o.id = c.organisation_id
           join tracks t on t.id = c.track_id
           where o.path <@ $1::text::ltree and c.year = $2 and c.status <> 'cancelled'
           group by t.id order by count(*) desc, t.name"#,
        scope,
        year
    )
    .fetch_all(db)
    .await
}

/// One year's competitions and the people they brought: contestants and teams registered here,
/// the companies they came from, and what organisers declared over all rounds.
pub struct YearLine {
    pub year: i32,
    pub competitions: i64,
    pub contestants: i64,
    pub teams: i64,
    pub companies: i64,
    pub declared_workers: i64,
}

pub async fn years(db: impl PgExecutor<'_>, scope: &str) -> sqlx::Result<Vec<YearLine>> {
    sqlx::query_as!(
        YearLine,
        r#"with held as (
               select c.id, c.year from competitions c
               join organisations o on o.id = c.organisation_id
               where o.path <@ $1::text::ltree and c.status <> 'cancelled')
           select h.year as "year!", count(distinct h.id) as "competitions!",
                  count(k.id) filter (where k.status = 'registered') as "contestants!",
                  count(distinct k.team_id) filter (where k.status = 'registered') as "teams!",
                  count(distinct nullif(k.employer, '')) filter (where k.status = 'registered')
                      as "companies!",
                  coalesce((select sum(p.workers) from competition_participation p
                            join held h2 on h2.id = p.competition_id where h2.year = h.year), 0)::bigint
                      as "declared_workers!"
           from held h
           left join contestants k on k.competition_id = h.id
           group by h.year order by h.year"#,
        scope
    )
    .fetch_all(db)
    .await
}

/// A year of a recurring competition: the companies and workers it reached, as declared, or
/// counted from its registrations when nothing was declared.
pub struct Edition {
    pub competition_id: i64,
    pub year: i32,
    pub title: String,
    pub companies: Option<i64>,
    pub workers: i64,
    pub declared: bool,
}

/// Every recurring series (two years or more) in the subtree, by its name, and its editions.
pub async fn series(db: impl PgExecutor<'_>, scope: &str) -> sqlx::Result<Vec<(String, Edition)>> {
    let rows = sqlx::query!(
        r#"with held as (
               select c.id, c.year, c.title,
                      regexp_replace(c.title, '^\s*(19|20)\d\d\s*年(度)?\s*', '') as series
               from competitions c
               join organisations o on o.id = c.organisation_id
               where o.path <@ $1::text::ltree and c.status <> 'cancelled'),
           recurring as (
               select series from held group by series having count(distinct year) > 1)
           select h.series as "series!", h.id, h.year, h.title,
                  case when p.competition_id is null
                       then (select count(distinct nullif(k.employer, '')) from contestants k
                             where k.competition_id = h.id and k.status = 'registered')
                       else p.companies::bigint end as "companies?",
                  coalesce(p.workers::bigint,
                           (select count(*) from contestants k
                            where k.competition_id = h.id and k.status = 'registered')) as "workers!",
                  (p.competition_id is not null) as "declared!"
           from held h
           join recurring r on r.series = h.series
           left join competition_participation p on p.competition_id = h.id
           order by h.series, h.year, h.id"#,
        scope
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let edition = Edition {
                competition_id: r.id,
                year: r.year,
                title: r.title,
                companies: r.companies,
                workers: r.workers,
                declared: r.declared,
            };
            (r.series, edition)
        })
        .collect())
}

pub async fn participation(
    db: impl PgExecutor<'_>,
    competition_id: i64,
) -> sqlx::Result<Option<(Option<i32>, i32)>> {
    let row = sqlx::query!(
        "select companies, workers from competition_participation where competition_id = $1",
        competition_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.companies, r.workers)))
}

pub async fn save_participation(
    db: impl PgExecutor<'_>,
    competition_id: i64,
    (companies, workers): (Option<i32>, i32),
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into competition_participation (competition_id, companies, workers)
         values ($1, $2, $3)
         on conflict (competition_id) do update
            set companies = excluded.companies, workers = excluded.workers, updated_at = now()",
        competition_id,
        companies,
        workers
    )
    .execute(db)
    .await?;
    Ok(())
}
