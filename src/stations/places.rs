//! The named places of each district that staff keep (where outdoor workers gather, hubs, parks,
//! building sites), from which the finder starts and which the coverage report checks; and that
//! report. Everyone who reads the union's records reads every place (the finder shows them to
//! anyone); staff add places, and remove those their union or one below it added.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::coverage::{self, Map};
use super::views::{CoverageTemplate, PlacesTemplate};
use crate::access::{Reader, Role, Staff};
use crate::error::{AppError, AppResult};
use crate::geo::Point;
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::input::clean_text;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line};

crate::states! {
    pub enum PlaceKind {
        TransportHub = "transport_hub",
        ShoppingScenic = "shopping_scenic",
        LogisticsHub = "logistics_hub",
        BuildingSite = "building_site",
        GatheringPlace = "gathering_place",
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PlaceForm {
    #[serde(default)]
    pub district_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub coordinates: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DistrictQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub district: Option<i64>,
}

/// A place as the list shows it; `removable` when the user's union (or one below it) added it.
#[derive(Debug, Clone)]
pub struct PlaceRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub point: Point,
    pub organisation_name: String,
    pub removable: bool,
}

async fn list(
    db: &sqlx::PgPool,
    district_id: i64,
    scope: &crate::access::Scope,
) -> sqlx::Result<Vec<PlaceRow>> {
    let rows = sqlx::query!(
        r#"select p.id, p.name, p.kind, p.lat_e6, p.lon_e6, o.name as organisation_name,
                  o.path <@ $2::text::ltree as "removable!"
           from places p join organisations o on o.id = p.organisation_id
           where p.district_id = $1
           order by p.kind, p.name limit 2000"#,
        district_id,
        scope.path()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(PlaceRow {
                id: r.id,
                name: r.name,
                kind: r.kind,
                point: Point::new(r.lat_e6, r.lon_e6)?,
                organisation_name: r.organisation_name,
                removable: r.removable,
            })
        })
        .collect())
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &crate::access::CurrentUser,
    district: Option<i64>,
    form: PlaceForm,
    errors: FieldErrors,
) -> AppResult<PlacesTemplate> {
    let districts = super::queries::districts(state).await?;
    let district = district.or(districts.first().map(|(id, _)| *id));
    let places = match district {
        Some(id) => list(&state.db, id, &user.scope).await?,
        None => Vec::new(),
    };
    Ok(PlacesTemplate {
        ctx,
        districts,
        district,
        places,
        form,
        errors,
        can_keep: user.can(Role::Staff),
    })
}

/// `GET /places?district=ID`: a district's places, and the form to add one.
pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<DistrictQuery>,
) -> AppResult<PlacesTemplate> {
    let form = PlaceForm {
        district_id: query.district.map(|d| d.to_string()).unwrap_or_default(),
        kind: PlaceKind::GatheringPlace.code().into(),
        ..PlaceForm::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    page(&state, ctx, &user, query.district, form, errors).await
}

const NAME_TAKEN: Unique = Unique {
    constraint: "places_district_id_name_key",
    field: "name",
    key: "place.error.name_taken",
};

/// `POST /places`: a new place of a district.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Form(form): Form<PlaceForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    let districts = super::queries::districts(&state).await?;
    let district = form
        .district_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| districts.iter().any(|(d, _)| d == id));
    if district.is_none() {
        errors.add("district_id", "station.error.district");
    }
    let name = clean_text(&form.name).trim().to_string();
    if !(1..=60).contains(&name.chars().count()) {
        errors.add("name", "station.error.name");
    }
    let kind = PlaceKind::parse(form.kind.trim());
    if kind.is_none() {
        errors.add("kind", "station.error.kind");
    }
    let point = Point::parse(&clean_text(&form.coordinates));
    if point.is_none() {
        errors.add("coordinates", "station.error.coordinates");
    }
    let stored = match (district, kind, point) {
        (Some(district), Some(kind), Some(point)) if errors.is_empty() => {
            let result = insert(&state, &ctx, &user, district, (&name, kind, point)).await;
            errors.on_constraint(result, &NAME_TAKEN)?
        }
        _ => None,
    };
    if stored.is_none() {
        let page = page(&state, ctx, &user, district, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(redirect_with(
        Flash::success("place.flash.added"),
        &format!("/places?district={}", district.unwrap_or_default()),
    ))
}

async fn insert(
    state: &AppState,
    ctx: &Ctx,
    user: &crate::access::CurrentUser,
    district: i64,
    (name, kind, point): (&str, PlaceKind, Point),
) -> sqlx::Result<i64> {
    let mut tx = state.db.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into places (organisation_id, district_id, name, kind, lat_e6, lon_e6)
         values ($1, $2, $3, $4, $5, $6) returning id",
        user.organisation_id,
        district,
        name,
        kind.code(),
        point.lat_e6,
        point.lon_e6
    )
    .fetch_one(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "name": name, "kind": kind.code(), "point": point.text() });
    let line = Line::event("place", id, user.organisation_id, "added").with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(user), &line).await?;
    tx.commit().await?;
    Ok(id)
}

/// `POST /places/{id}/deletion`: a place that is no more (a building site finished).
pub async fn create_deletion(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let Some((district, name)) = sqlx::query!(
        "delete from places p using organisations o
         where p.id = $1 and o.id = p.organisation_id and o.path <@ $2::text::ltree
         returning p.district_id, p.name",
        id,
        user.scope.path()
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| (r.district_id, r.name)) else {
        return Err(AppError::NotFound);
    };
    let line = Line::event("place", id, user.organisation_id, "removed").with_comment(&name);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("place.flash.removed"),
        &format!("/places?district={district}"),
    ))
}

/// `GET /stations/coverage?district=ID`: the districts, or one district's coverage and map.
pub async fn coverage(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(_): Reader,
    Query(query): Query<DistrictQuery>,
) -> AppResult<CoverageTemplate> {
    let districts = coverage::districts(&state.db).await?;
    let Some(district_id) = query.district else {
        return Ok(CoverageTemplate {
            ctx,
            districts,
            district: None,
            places: Vec::new(),
            map: Map::default(),
        });
    };
    let centre = sqlx::query!(
        "select name, lat_e6, lon_e6 from districts where id = $1",
        district_id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)?;
    let places = coverage::places(&state.db, district_id).await?;
    let stations = coverage::stations_of(&state.db, district_id).await?;
    let point = Point::new(centre.lat_e6, centre.lon_e6).ok_or(AppError::NotFound)?;
    Ok(CoverageTemplate {
        ctx,
        districts,
        district: Some((district_id, centre.name)),
        map: Map::draw(point, &stations, &places),
        places,
    })
}
