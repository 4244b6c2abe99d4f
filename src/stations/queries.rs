//! Stations in SQL. Every read takes the asker's scope; closing and reopening are
//! `update … where status = … returning`, so two clicks cannot both win.

use sqlx::{PgConnection, PgExecutor, Postgres, QueryBuilder};
use time::Date;

use super::model::{Facility, Hours, Kind, Service, Status, ValidStation};
use crate::access::Scope;
use crate::geo::Point;

/// A station in a list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StationRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: Kind,
    pub status: Status,
    pub district_name: String,
    pub organisation_name: String,
    pub facilities: Vec<String>,
    pub honours: i64,
    pub served: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kind: Option<Kind>,
    pub facility: Option<Facility>,
    pub district_id: Option<i64>,
    /// Only stations holding an honour of this title.
    pub honour: Option<String>,
    pub status: Option<Status>,
    /// Part of the name, code or address.
    pub pattern: Option<String>,
}

fn push_filters(query: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filters: &Filters) {
    query.push(" where true");
    if !scope.is_whole_tree() {
        // The subtree's unions as an array, not a join: a district union's list then walks the
        // stations by code and stops at the page (0.3 ms), where the join read all its 1,868
        // stations and sorted them (2.6 ms, `EXPLAIN ANALYZE` on the benchmark's stations).
        query
            .push(" and s.organisation_id = any(array(select id from organisations where path <@ ")
            .push_bind(scope.path().to_string())
            .push("::text::ltree))");
    }
    if let Some(kind) = filters.kind {
        query.push(" and s.kind = ").push_bind(kind.code());
    }
    if let Some(facility) = filters.facility {
        // Not `facilities @> array[…]`: the list's statement is prepared, and the plan cached for
        // it intersected the district's index with the facilities' GIN index, which matches most
        // stations for the common facilities (3,750 of 5,000 for charging: 1.3 ms against 0.3).
        query
            .push(" and ")
            .push_bind(facility.code())
            .push(" = any(s.facilities)");
    }
    if let Some(district) = filters.district_id {
        query.push(" and s.district_id = ").push_bind(district);
    }
    if let Some(title) = &filters.honour {
        query
            .push(" and exists (select 1 from station_honours h where h.station_id = s.id and h.title = ")
            .push_bind(title.clone())
            .push(")");
    }
    if let Some(status) = filters.status {
        query.push(" and s.status = ").push_bind(status.code());
    }
    if let Some(pattern) = &filters.pattern {
        query
            .push(" and (s.name like ")
            .push_bind(pattern.clone())
            .push(" or s.code like ")
            .push_bind(pattern.to_uppercase())
            .push(" or s.address like ")
            .push_bind(pattern.clone())
            .push(")");
    }
}

/// A page of the stations in `scope`, by code.
pub async fn list(
    db: &sqlx::PgPool,
    scope: &Scope,
    filters: &Filters,
    (limit, offset): (i64, i64),
) -> sqlx::Result<(Vec<StationRow>, i64)> {
    let mut query = QueryBuilder::new(
        "select s.id, s.code, s.name, s.kind, s.status, d.name as district_name,
                o.name as organisation_name, s.facilities,
                (select count(*) from station_honours h where h.station_id = s.id) as honours,
                s.served
         from stations s
         join districts d on d.id = s.district_id
         join organisations o on o.id = s.organisation_id",
    );
    push_filters(&mut query, scope, filters);
    // The page's bounds are the code's own numbers, written into the statement: bound, they
    // kept PostgreSQL from caching the statement's plan, and it planned every request again.
    query.push(format_args!(
        " order by s.code limit {limit} offset {offset}"
    ));
    let rows = query.build_query_as().fetch_all(db).await?;
    let mut count = QueryBuilder::new("select count(*) from stations s");
    push_filters(&mut count, scope, filters);
    let total: i64 = count.build_query_scalar().fetch_one(db).await?;
    Ok((rows, total))
}

/// A station as its page shows it.
#[derive(Debug, Clone)]
pub struct Station {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub code: String,
    pub name: String,
    pub kind: Kind,
    pub district_id: i64,
    pub district_name: String,
    pub address: String,
    pub point: Point,
    pub facilities: Vec<String>,
    pub keeper_name: String,
    pub keeper_phone: String,
    pub status: Status,
    pub closed_reason: String,
    pub served: i64,
    /// Monday first.
    pub hours: [Option<Hours>; 7],
    pub honours: Vec<(i32, String)>,
}

pub async fn find_in_scope(
    db: &sqlx::PgPool,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Station>> {
    let Some(row) = sqlx::query!(
        r#"select s.id, s.organisation_id, o.name as organisation_name, s.code, s.name,
                  s.kind as "kind: Kind", s.district_id, d.name as district_name, s.address,
                  s.lat_e6, s.lon_e6, s.facilities, s.keeper_name, s.keeper_phone,
                  s.status as "status: Status", s.closed_reason, s.served
           from stations s
           join organisations o on o.id = s.organisation_id
           join districts d on d.id = s.district_id
           where s.id = $1 and o.path <@ $2::text::ltree"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let mut hours = [None; 7];
    for day in sqlx::query!(
        "select weekday, opens, closes from station_hours where station_id = $1",
        id
    )
    .fetch_all(db)
    .await?
    {
        if let Some(slot) = hours.get_mut(usize::try_from(day.weekday - 1).unwrap_or(7)) {
            *slot = Some(Hours {
                opens: day.opens,
                closes: day.closes,
            });
        }
    }
    let honours = sqlx::query!(
        "select year, title from station_honours where station_id = $1 order by year desc, title",
        id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|h| (h.year, h.title))
    .collect();
    Ok(Some(Station {
        id: row.id,
        organisation_id: row.organisation_id,
        organisation_name: row.organisation_name,
        code: row.code,
        name: row.name,
        kind: row.kind,
        district_id: row.district_id,
        district_name: row.district_name,
        address: row.address,
        point: Point::new(row.lat_e6, row.lon_e6).unwrap_or(Point {
            lat_e6: 0,
            lon_e6: 0,
        }),
        facilities: row.facilities,
        keeper_name: row.keeper_name,
        keeper_phone: row.keeper_phone,
        status: row.status,
        closed_reason: row.closed_reason,
        served: row.served,
        hours,
        honours,
    }))
}

/// The unique key on a station's code, for the form's message.
pub const CODE_TAKEN: &str = "stations_code_key";

/// Inserts a station with its hours and honours; its id.
pub async fn insert(tx: &mut PgConnection, station: &ValidStation) -> sqlx::Result<i64> {
    let facilities: Vec<&str> = station.facilities.iter().map(|f| f.code()).collect();
    let id = sqlx::query_scalar!(
        "insert into stations (organisation_id, code, name, kind, district_id, address, lat_e6,
             lon_e6, facilities, keeper_name, keeper_phone)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id",
        station.organisation_id,
        station.code,
        station.name,
        station.kind.code(),
        station.district_id,
        station.address,
        station.point.lat_e6,
        station.point.lon_e6,
        &facilities as &[&str],
        station.keeper_name,
        station.keeper_phone,
    )
    .fetch_one(&mut *tx)
    .await?;
    write_hours_and_honours(tx, id, station).await?;
    Ok(id)
}

/// Rewrites a station's fields, hours and honours; `false` when it is gone.
pub async fn update(tx: &mut PgConnection, id: i64, station: &ValidStation) -> sqlx::Result<bool> {
    let facilities: Vec<&str> = station.facilities.iter().map(|f| f.code()).collect();
    let updated = sqlx::query!(
        "update stations set organisation_id = $2, code = $3, name = $4, kind = $5,
             district_id = $6, address = $7, lat_e6 = $8, lon_e6 = $9, facilities = $10,
             keeper_name = $11, keeper_phone = $12, updated_at = now()
         where id = $1",
        id,
        station.organisation_id,
        station.code,
        station.name,
        station.kind.code(),
        station.district_id,
        station.address,
        station.point.lat_e6,
        station.point.lon_e6,
        &facilities as &[&str],
        station.keeper_name,
        station.keeper_phone,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    sqlx::query!("delete from station_hours where station_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from station_honours where station_id = $1", id)
        .execute(&mut *tx)
        .await?;
    write_hours_and_honours(tx, id, station).await?;
    Ok(true)
}

async fn write_hours_and_honours(
    tx: &mut PgConnection,
    id: i64,
    station: &ValidStation,
) -> sqlx::Result<()> {
    let (mut days, mut opens, mut closes) = (Vec::new(), Vec::new(), Vec::new());
    for (weekday, hours) in (1i16..).zip(station.hours.iter()) {
        if let Some(hours) = hours {
            days.push(weekday);
            opens.push(hours.opens);
            closes.push(hours.closes);
        }
    }
    sqlx::query!(
        "insert into station_hours (station_id, weekday, opens, closes)
         select $1, * from unnest($2::smallint[], $3::smallint[], $4::smallint[])",
        id,
        &days,
        &opens,
        &closes
    )
    .execute(&mut *tx)
    .await?;
    let (years, titles): (Vec<i32>, Vec<String>) = station.honours.iter().cloned().unzip();
    sqlx::query!(
        "insert into station_honours (station_id, year, title)
         select $1, * from unnest($2::integer[], $3::text[])",
        id,
        &years,
        &titles
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Closes an open station (or reopens a closed one) with the reason; `None` when it was not in
/// the state the step leaves.
pub async fn set_status(
    tx: &mut PgConnection,
    id: i64,
    (from, to): (Status, Status),
    reason: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "update stations set status = $3, closed_reason = $4, updated_at = now()
         where id = $1 and status = $2 returning organisation_id",
        id,
        from.code(),
        to.code(),
        reason
    )
    .fetch_optional(&mut *tx)
    .await
}

/// Records a day's services, one row per kind counted.
pub async fn record_services(
    tx: &mut PgConnection,
    station_id: i64,
    day: Date,
    counts: &[(Service, i32)],
    user_id: i64,
) -> sqlx::Result<()> {
    let kinds: Vec<&str> = counts.iter().map(|(kind, _)| kind.code()).collect();
    let numbers: Vec<i32> = counts.iter().map(|(_, n)| *n).collect();
    sqlx::query!(
        "insert into station_services (station_id, day, kind, count, recorded_by)
         select $1, $2, kind, n, $5 from unnest($3::text[], $4::integer[]) as t (kind, n)",
        station_id,
        day,
        &kinds as &[&str],
        &numbers,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A station's services by kind: this year's and all time (from the monthly tallies: the year
/// starts on a month's first day).
pub async fn service_totals(
    db: impl PgExecutor<'_>,
    station_id: i64,
    year_start: Date,
) -> sqlx::Result<Vec<(Service, i64, i64)>> {
    let rows = sqlx::query!(
        r#"select kind as "kind: Service",
                  coalesce(sum(count) filter (where month >= $2), 0)::bigint as "this_year!",
                  sum(count)::bigint as "all_time!"
           from station_service_tallies where station_id = $1 group by kind order by kind"#,
        station_id,
        year_start
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.kind, r.this_year, r.all_time))
        .collect())
}

/// The districts in their order, read from the database once (they change once a decade, and
/// only the seed writes them): one round trip less for every finder and station list.
pub async fn districts(state: &crate::state::AppState) -> sqlx::Result<Vec<(i64, String)>> {
    let kept = state
        .districts
        .get_or_try_init(|| async {
            let rows = sqlx::query!("select id, name from districts order by id")
                .fetch_all(&state.db)
                .await?;
            Ok::<_, sqlx::Error>(rows.into_iter().map(|r| (r.id, r.name)).collect())
        })
        .await?;
    Ok(kept.clone())
}

/// The honour titles held by any station, for the list's filter.
pub async fn honour_titles(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!("select distinct title from station_honours order by title")
        .fetch_all(db)
        .await
}
