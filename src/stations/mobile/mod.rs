//! Mobile stations (流动驿站): a vehicle's routes with their stops in order and the weekdays they
//! run, and a day's visit recorded stop by stop. A route is typed as an office writes a
//! timetable, one stop a line: "08:00-10:00 大连火车站".

pub mod demo;
pub mod model;
pub mod queries;

use self::model::{Route, RouteForm, check};
use self::queries::{record_visit, routes_of, visits};
use super::model::{Hours, Kind, Service};
use super::queries::Station;
use super::views::{RouteFormTemplate, RouteTemplate};
use crate::access::{CurrentUser, Reader, Role, Staff};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The services a visit counts at each stop.
pub const VISIT_SERVICES: [Service; 6] = [
    Service::Rest,
    Service::Water,
    Service::Charging,
    Service::HealthCheck,
    Service::LegalAdvice,
    Service::Joining,
];

/// A mobile station of the user's subtree; anything else is no route's station.
async fn mobile_station(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Station> {
    let station = super::routes::find(state, user, id).await?;
    if station.kind == Kind::Mobile {
        Ok(station)
    } else {
        Err(AppError::NotFound)
    }
}

/// `GET /stations/{id}/routes/new`.
pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<RouteFormTemplate> {
    let station = mobile_station(&state, &user, id).await?;
    Ok(RouteFormTemplate {
        errors: FieldErrors::new(ctx.locale),
        ctx,
        station,
        form: RouteForm::default(),
        unknown: Vec::new(),
    })
}

const NAME_TAKEN: Unique = Unique {
    constraint: "station_routes_station_id_name_key",
    field: "name",
    key: "route.error.name_taken",
};

/// `POST /stations/{id}/routes`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    body: Bytes,
) -> AppResult<Response> {
    let station = mobile_station(&state, &user, id).await?;
    let form = RouteForm::read(&body);
    let mut errors = FieldErrors::new(ctx.locale);
    let mut unknown = Vec::new();
    let stored = match check(&state.db, &form, &mut errors, &mut unknown).await? {
        Some(route) => {
            let result = insert(&state, &ctx, &user, &station, &route).await;
            errors.on_constraint(result, &NAME_TAKEN)?
        }
        None => None,
    };
    let Some(route_id) = stored else {
        let page = RouteFormTemplate {
            ctx,
            station,
            form,
            errors,
            unknown,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    Ok(redirect_with(
        Flash::success("route.flash.saved"),
        &format!("/stations/{id}/routes/{route_id}"),
    ))
}

async fn insert(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    station: &Station,
    (name, weekdays, stops): &(String, Vec<i16>, Vec<(i64, Hours)>),
) -> sqlx::Result<i64> {
    let mut tx = state.db.begin().await?;
    let route_id = sqlx::query_scalar!(
        "insert into station_routes (station_id, name, weekdays) values ($1, $2, $3) returning id",
        station.id,
        name,
        weekdays
    )
    .fetch_one(&mut *tx)
    .await?;
    let places: Vec<i64> = stops.iter().map(|(place, _)| *place).collect();
    let arrives: Vec<i16> = stops.iter().map(|(_, h)| h.opens).collect();
    let leaves: Vec<i16> = stops.iter().map(|(_, h)| h.closes).collect();
    sqlx::query!(
        "insert into station_route_stops (route_id, position, place_id, arrives, leaves)
         select $1, n, place, arrives, leaves
         from unnest($2::bigint[], $3::smallint[], $4::smallint[])
              with ordinality as s (place, arrives, leaves, n)",
        route_id,
        &places,
        &arrives,
        &leaves
    )
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "route": name, "weekdays": weekdays, "places": places });
    let line = Line::event(
        "station",
        station.id,
        station.organisation_id,
        "route_added",
    )
    .with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(user), &line).await?;
    tx.commit().await?;
    Ok(route_id)
}

/// A route of a station of the user's subtree.
async fn find_route(
    state: &AppState,
    user: &CurrentUser,
    (id, route_id): (i64, i64),
) -> AppResult<(Station, Route)> {
    let station = mobile_station(state, user, id).await?;
    let route = routes_of(&state.db, id)
        .await?
        .into_iter()
        .find(|r| r.id == route_id)
        .ok_or(AppError::NotFound)?;
    Ok((station, route))
}

async fn route_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    (station, route): (Station, Route),
    errors: FieldErrors,
    typed: Vec<(String, String)>,
) -> AppResult<RouteTemplate> {
    let today = crate::joining::queries::today(&state.db).await?;
    Ok(RouteTemplate {
        visits: visits(&state.db, station.id, &route).await?,
        ctx,
        station,
        route,
        today: today.to_string(),
        can_record: user.can(Role::Staff),
        errors,
        typed,
        services: &VISIT_SERVICES,
    })
}

/// `GET /stations/{id}/routes/{route}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<RouteTemplate> {
    let found = find_route(&state, &user, ids).await?;
    let errors = FieldErrors::new(ctx.locale);
    route_page(&state, ctx, &user, found, errors, Vec::new()).await
}

/// `POST /stations/{id}/routes/{route}/visits`: a day's visit, the counts of each stop (fields
/// `{position}-{service}`), in one transaction.
pub async fn create_visit(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(ids): Path<(i64, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let (station, route) = find_route(&state, &user, ids).await?;
    let typed: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        typed
            .iter()
            .find(|(f, _)| f == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let day = crate::stations::model::service_day(&mut errors, field("day"), today);
    let mut counts = Vec::new();
    for stop in &route.stops {
        for service in VISIT_SERVICES {
            let text = field(&format!("{}-{}", stop.position, service.code()));
            match crate::stations::model::service_count(text) {
                Ok(Some(n)) => counts.push((stop.place_id, service, n)),
                Ok(None) => {}
                Err(key) => errors.add("counts", key),
            }
        }
    }
    if counts.is_empty() && errors.is_empty() {
        errors.add("counts", "station.error.no_services");
    }
    let (Some(day), true) = (day, errors.is_empty()) else {
        let page = route_page(&state, ctx, &user, (station, route), errors, typed).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    record_visit(&mut tx, (station.id, route.id), day, &counts, Some(user.id)).await?;
    let detail = serde_json::json!({ "route": route.name, "day": day.to_string() });
    let line =
        Line::event("station", station.id, station.organisation_id, "visit").with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("station.flash.services"),
        &format!("/stations/{}/routes/{}", station.id, route.id),
    ))
}
