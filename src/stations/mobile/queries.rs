//! Routes, their stops and the runs' services in SQL.

use sqlx::PgConnection;

use super::model::{Route, Stop};
use crate::stations::model::{Hours, Service};

pub async fn routes_of(db: &sqlx::PgPool, station_id: i64) -> sqlx::Result<Vec<Route>> {
    let rows = sqlx::query!(
        r#"select r.id, r.name, r.weekdays, s.position, s.place_id, p.name as place_name,
                  s.arrives, s.leaves
           from station_routes r
           join station_route_stops s on s.route_id = r.id
           join places p on p.id = s.place_id
           where r.station_id = $1
           order by r.name, r.id, s.position"#,
        station_id
    )
    .fetch_all(db)
    .await?;
    let mut routes: Vec<Route> = Vec::new();
    for row in rows {
        if routes.last().is_none_or(|r| r.id != row.id) {
            routes.push(Route {
                id: row.id,
                name: row.name,
                weekdays: row.weekdays,
                stops: Vec::new(),
            });
        }
        if let Some(route) = routes.last_mut() {
            route.stops.push(Stop {
                position: row.position,
                place_id: row.place_id,
                place_name: row.place_name,
                hours: Hours {
                    opens: row.arrives,
                    closes: row.leaves,
                },
            });
        }
    }
    Ok(routes)
}

/// What the last visits gave, by day and stop: (day, place, count).
pub async fn visits(
    db: &sqlx::PgPool,
    station_id: i64,
    route: &Route,
) -> sqlx::Result<Vec<(time::Date, i64, i64)>> {
    let rows = sqlx::query!(
        r#"select day, place_id as "place_id!", sum(count)::bigint as "count!"
           from station_services
           where station_id = $1 and route_id = $2
             and day in (select distinct day from station_services
                         where route_id = $2 order by day desc limit 10)
           group by day, place_id order by day desc"#,
        station_id,
        route.id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.day, r.place_id, r.count))
        .collect())
}

pub async fn record_visit(
    tx: &mut PgConnection,
    (station_id, route_id): (i64, i64),
    day: time::Date,
    counts: &[(i64, Service, i32)],
    user_id: Option<i64>,
) -> sqlx::Result<()> {
    let places: Vec<i64> = counts.iter().map(|(p, _, _)| *p).collect();
    let kinds: Vec<&str> = counts.iter().map(|(_, k, _)| k.code()).collect();
    let numbers: Vec<i32> = counts.iter().map(|(_, _, n)| *n).collect();
    sqlx::query!(
        "insert into station_services (station_id, day, kind, count, recorded_by, route_id, place_id)
         select $1, $2, kind, n, $6, $7, place
         from unnest($3::bigint[], $4::text[], $5::integer[]) as t (place, kind, n)",
        station_id,
        day,
        &places,
        &kinds as &[&str],
        &numbers,
        user_id,
        route_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
