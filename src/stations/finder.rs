//! The 15-minute service circle (15分钟服务圈): from a point (a place picked from a district's
//! list, a phone's position, or coordinates typed by staff), the open stations within the
//! circle, nearest first, with whether they are open now and their facilities. Public and
//! phone-sized: a worker needs no account to find water and a charger.

use axum::extract::{RawQuery, State};
use sqlx::PgExecutor;

use super::model::{Facility, Hours, Kind};
use super::views::FinderTemplate;
use crate::error::AppResult;
use crate::geo::{self, Point};
use crate::state::AppState;
use crate::web::Ctx;

/// The most stations a search lists.
const MOST: i64 = 30;

/// A station in the circle.
#[derive(Debug, Clone)]
pub struct Nearby {
    pub id: i64,
    pub name: String,
    pub kind: Kind,
    pub address: String,
    pub facilities: Vec<String>,
    pub keeper_phone: String,
    pub metres: i64,
    pub minutes: i64,
    /// Today's hours, `None` when closed all day.
    pub today: Option<Hours>,
    pub open_now: bool,
}

/// The open stations (not vehicles) within the circle around `point` that have every facility
/// of `needs`, nearest first. The GiST index on each station's point answers the box around the
/// circle; only the stations inside it are measured. Today and now are Beijing's, read from the
/// database's clock.
///
/// Written for the statement's cached generic plan, where nothing of the parameters is folded:
/// - the point on the sphere and the circle's chord come from Rust ([`Point::earth`],
///   [`geo::chord_of`]), and stations are measured and ordered by the chord (`cube_distance`, in
///   C): earthdistance's `ll_to_earth` and `earth_distance` run SQL functions that PostgreSQL
///   cannot inline, again for every station measured;
/// - today's hours are read from the week kept on the station's row (migration 0043), not
///   looked up for each station;
/// - with no facility asked for, the facilities test cannot read the facilities' index, which
///   holds every station for an empty list (reading it took the statement from 0.2 to 1 ms).
pub async fn within_circle(
    db: impl PgExecutor<'_>,
    point: Point,
    needs: &[Facility],
) -> sqlx::Result<Vec<Nearby>> {
    let needs: Vec<&str> = needs.iter().map(|f| f.code()).collect();
    let rows = sqlx::query!(
        r#"with here as (
               select extract(isodow from t)::smallint as weekday,
                      (extract(hour from t) * 60 + extract(minute from t))::smallint as minute
               from (select now() at time zone 'Asia/Shanghai' as t) as now
           )
           select s.id, s.name, s.kind as "kind: Kind", s.address, s.facilities, s.keeper_phone,
                  cube_distance(cube($1::float8[]), s.earth) as "chord!",
                  s.week_opens[here.weekday] as "opens?", s.week_closes[here.weekday] as "closes?",
                  coalesce(s.week_opens[here.weekday] <= here.minute
                           and here.minute < s.week_closes[here.weekday], false) as "open_now!"
           from stations s
           cross join here
           where s.status = 'open' and s.kind <> 'mobile'
             and cube_enlarge(cube($1::float8[]), $2, 3) @> s.earth
             and cube_distance(cube($1::float8[]), s.earth) <= $2
             and (cardinality($3::text[]) = 0 or s.facilities @> $3::text[])
           order by 7, s.id
           limit $4"#,
        &point.earth()[..],
        geo::chord_of(geo::CIRCLE_METRES as f64),
        &needs as &[&str],
        MOST
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let today = row
                .opens
                .zip(row.closes)
                .map(|(opens, closes)| Hours { opens, closes });
            let metres = geo::metres_of_chord(row.chord);
            Nearby {
                id: row.id,
                name: row.name,
                kind: row.kind,
                address: row.address,
                facilities: row.facilities,
                keeper_phone: row.keeper_phone,
                metres: metres.round() as i64,
                minutes: geo::walking_minutes(metres),
                open_now: row.open_now,
                today,
            }
        })
        .collect())
}

/// A named place a worker can start from.
#[derive(Debug, Clone)]
pub struct Place {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub district_id: i64,
    pub point: Point,
}

/// The most places a district's list offers; past it, the worker narrows it by name.
pub const PLACES_LISTED: usize = 300;

/// The places of a district whose name holds `name` (any when blank), by kind and name: up to
/// one more than [`PLACES_LISTED`], so that the page knows there are more.
pub async fn places_of(
    db: impl PgExecutor<'_>,
    district_id: i64,
    name: &str,
) -> sqlx::Result<Vec<Place>> {
    let pattern = format!("%{}%", crate::db::escape_like(name));
    let rows = sqlx::query!(
        "select id, name, kind, district_id, lat_e6, lon_e6 from places
         where district_id = $1 and ($2 = '%%' or name like $2)
         order by kind, name limit $3",
        district_id,
        pattern,
        PLACES_LISTED as i64 + 1
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Place {
                id: r.id,
                name: r.name,
                kind: r.kind,
                district_id: r.district_id,
                point: Point::new(r.lat_e6, r.lon_e6)?,
            })
        })
        .collect())
}

pub async fn place(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Place>> {
    let row = sqlx::query!(
        "select id, name, kind, district_id, lat_e6, lon_e6 from places where id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|r| {
        Some(Place {
            id: r.id,
            name: r.name,
            kind: r.kind,
            district_id: r.district_id,
            point: Point::new(r.lat_e6, r.lon_e6)?,
        })
    }))
}

/// What the finder was asked: `district`, `place`, a phone's `lat` and `lon` (GPS), or `at`
/// (coordinates as typed); `need` repeats, one per facility ticked.
#[derive(Debug, Clone, Default)]
pub struct FinderQuery {
    pub district: Option<i64>,
    pub place: Option<i64>,
    pub gps: Option<(String, String)>,
    pub at: String,
    /// Part of a place's name, narrowing a long list.
    pub place_name: String,
    pub needs: Vec<Facility>,
}

impl FinderQuery {
    pub fn read(raw: &str) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
        let mut query = Self::default();
        let (mut lat, mut lon) = (None, None);
        for (name, value) in pairs {
            match name.as_str() {
                "district" => query.district = value.trim().parse().ok(),
                "place" => query.place = value.trim().parse().ok(),
                "lat" => lat = Some(value),
                "lon" => lon = Some(value),
                "at" => query.at = value,
                "place_name" => query.place_name = crate::web::input::clean_text(value.trim()),
                "need" => query.needs.extend(Facility::parse(value.trim())),
                _ => {}
            }
        }
        query.gps = lat.zip(lon);
        query.needs.sort_by_key(|f| f.code());
        query.needs.dedup();
        query
    }

    pub fn needs(&self, facility: &Facility) -> bool {
        self.needs.contains(facility)
    }
}

/// The facilities a worker on the road asks for first.
pub const ASKED_FOR: [Facility; 6] = [
    Facility::DrinkingWater,
    Facility::Charging,
    Facility::Toilet,
    Facility::Microwave,
    Facility::RestSeats,
    Facility::Aed,
];

/// `GET /finder`: the public finder.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<FinderTemplate> {
    let query = FinderQuery::read(raw.as_deref().unwrap_or(""));
    let districts = super::queries::districts(&state).await?;
    let mut problem = None;
    let mut from_place = None;
    let point = if let Some(id) = query.place {
        from_place = place(&state.db, id).await?;
        if from_place.is_none() {
            problem = Some("finder.error.place");
        }
        from_place.as_ref().map(|p| p.point)
    } else if let Some((lat, lon)) = &query.gps {
        let point = lat
            .trim()
            .parse::<f64>()
            .ok()
            .zip(lon.trim().parse::<f64>().ok())
            .and_then(|(lat, lon)| Point::from_gps(lat, lon));
        if point.is_none() {
            problem = Some("finder.error.position");
        }
        point
    } else if !query.at.trim().is_empty() {
        let point = Point::parse(&crate::web::input::clean_text(&query.at));
        if point.is_none() {
            problem = Some("station.error.coordinates");
        }
        point
    } else {
        None
    };
    let district = query
        .district
        .or(from_place.as_ref().map(|p| p.district_id));
    // Started from a place: the page shows the way there and a link back to the district's
    // places, not the list itself (on a phone the results come first; the list is 30 KB).
    let mut places = match district {
        Some(id) if from_place.is_none() => places_of(&state.db, id, &query.place_name).await?,
        _ => Vec::new(),
    };
    let more_places = places.len() > PLACES_LISTED;
    places.truncate(PLACES_LISTED);
    let stations = match point {
        Some(point) => Some(within_circle(&state.db, point, &query.needs).await?),
        None => None,
    };
    Ok(FinderTemplate {
        ctx,
        districts,
        district,
        places,
        more_places,
        from_place,
        point,
        stations,
        problem,
        query,
        asked_for: &ASKED_FOR,
    })
}
