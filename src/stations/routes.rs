//! The list of stations, a new station, a station's page and edit, closing and reopening, and
//! the services given there.

use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{Facility, Kind, Service, StationForm, Status, ValidStation};
use super::queries::{self, Filters, Station};
use super::views::{FormTemplate, IndexTemplate, ListQuery, StationTemplate};
use crate::access::{CurrentUser, Reader, Role, Staff};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::paging::{PageRequest, Pager};
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let request = PageRequest::new(query.page);
    let search = crate::web::input::clean_text(query.q.trim());
    let filters = Filters {
        kind: Kind::parse(&query.kind),
        facility: Facility::parse(&query.facility),
        district_id: query.district,
        honour: (!query.honour.trim().is_empty()).then(|| query.honour.trim().to_string()),
        status: Status::parse(&query.status),
        pattern: (!search.is_empty()).then(|| format!("%{}%", crate::db::escape_like(&search))),
    };
    let page = (request.limit(), request.offset());
    let (mut stations, total) = queries::list(&state.db, &user.scope, &filters, page).await?;
    let link = query.to_query();
    let pager = Pager::counted(request, &mut stations, total, |page| {
        format!("/stations?{link}&page={page}")
    });
    Ok(IndexTemplate {
        ctx,
        query,
        stations,
        total,
        pager,
        districts: queries::districts(&state).await?,
        honours: queries::honour_titles(&state.db).await?,
        can_record: user.can(Role::Staff),
    })
}

async fn form_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    editing: Option<(i64, String)>,
    form: StationForm,
    errors: FieldErrors,
) -> AppResult<FormTemplate> {
    Ok(FormTemplate {
        ctx,
        editing,
        form,
        errors,
        organisations: crate::orgs::queries::list_choices_in_scope(&state.db, &user.scope).await?,
        districts: queries::districts(state).await?,
    })
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
) -> AppResult<FormTemplate> {
    let own =
        crate::orgs::queries::find_in_scope(&state.db, user.organisation_id, &user.scope).await?;
    let form = StationForm {
        organisation: own.map(|o| o.code).unwrap_or_default(),
        kind: Kind::Station.code().into(),
        hours: std::array::from_fn(|_| "08:00-20:00".to_string()),
        ..StationForm::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    form_page(&state, ctx, &user, None, form, errors).await
}

const CODE_TAKEN: Unique = Unique {
    constraint: queries::CODE_TAKEN,
    field: "code",
    key: "station.error.code_taken",
};

/// Reads and checks the form against the user's subtree and the districts.
async fn check(
    state: &AppState,
    user: &CurrentUser,
    form: &StationForm,
    errors: &mut FieldErrors,
) -> AppResult<Option<ValidStation>> {
    let organisation = crate::orgs::queries::find_by_code_in_scope(
        &state.db,
        form.organisation.trim(),
        &user.scope,
    )
    .await?;
    let districts = queries::districts(state).await?;
    let district = form
        .district_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| districts.iter().any(|(d, _)| d == id));
    Ok(form.check(errors, organisation.map(|o| o.id), district))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    body: Bytes,
) -> AppResult<Response> {
    let form = StationForm::read(&body);
    let mut errors = FieldErrors::new(ctx.locale);
    let stored = match check(&state, &user, &form, &mut errors).await? {
        Some(valid) => {
            errors.on_constraint(save(&state, &ctx, &user, None, &valid).await, &CODE_TAKEN)?
        }
        None => None,
    };
    let Some(id) = stored else {
        let page = form_page(&state, ctx, &user, None, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    Ok(redirect_with(
        Flash::success("station.flash.saved"),
        &format!("/stations/{id}"),
    ))
}

/// One transaction: the station (new, or `id` rewritten), its hours and honours, its timeline line
/// and audit record.
async fn save(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    id: Option<i64>,
    valid: &ValidStation,
) -> sqlx::Result<i64> {
    let mut tx = state.db.begin().await?;
    let (id, step) = match id {
        Some(id) => {
            queries::update(&mut tx, id, valid).await?;
            (id, "edited")
        }
        None => (queries::insert(&mut tx, valid).await?, "opened"),
    };
    let detail = serde_json::json!({
        "code": valid.code,
        "name": valid.name,
        "kind": valid.kind.code(),
        "district_id": valid.district_id,
        "point": valid.point.text(),
        "facilities": valid.facilities.iter().map(|f| f.code()).collect::<Vec<_>>(),
        "hours": valid.hours.iter().map(|h| h.map(|h| h.text())).collect::<Vec<_>>(),
        "honours": valid.honours,
    });
    let line = Line::event("station", id, valid.organisation_id, step).with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(user), &line).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Station> {
    queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<StationTemplate> {
    let station = find(&state, &user, id).await?;
    let errors = FieldErrors::new(ctx.locale);
    page(&state, ctx, &user, station, errors, Vec::new()).await
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    station: Station,
    errors: FieldErrors,
    typed: Vec<(String, String)>,
) -> AppResult<StationTemplate> {
    let today = crate::joining::queries::today(&state.db).await?;
    let year_start = today.replace_ordinal(1).unwrap_or(today);
    let routes = if station.kind == Kind::Mobile {
        super::mobile::queries::routes_of(&state.db, station.id).await?
    } else {
        Vec::new()
    };
    Ok(StationTemplate {
        services: queries::service_totals(&state.db, station.id, year_start).await?,
        routes,
        station,
        today: today.to_string(),
        can_record: user.can(Role::Staff),
        errors,
        typed,
        ctx,
    })
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<FormTemplate> {
    let station = find(&state, &user, id).await?;
    let organisation =
        crate::orgs::queries::find_in_scope(&state.db, station.organisation_id, &user.scope)
            .await?
            .ok_or(AppError::NotFound)?;
    let form = StationForm {
        organisation: organisation.code,
        code: station.code.clone(),
        name: station.name.clone(),
        kind: station.kind.code().into(),
        district_id: station.district_id.to_string(),
        address: station.address.clone(),
        coordinates: station.point.text(),
        facilities: station.facilities.clone(),
        hours: station
            .hours
            .map(|h| h.map(|h| h.text()).unwrap_or_default()),
        honours: station
            .honours
            .iter()
            .map(|(year, title)| format!("{year} {title}"))
            .collect::<Vec<_>>()
            .join("\n"),
        keeper_name: station.keeper_name.clone(),
        keeper_phone: station.keeper_phone.clone(),
    };
    let errors = FieldErrors::new(ctx.locale);
    form_page(&state, ctx, &user, Some((id, station.name)), form, errors).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    body: Bytes,
) -> AppResult<Response> {
    let station = find(&state, &user, id).await?;
    let form = StationForm::read(&body);
    let mut errors = FieldErrors::new(ctx.locale);
    let stored = match check(&state, &user, &form, &mut errors).await? {
        Some(valid) => errors.on_constraint(
            save(&state, &ctx, &user, Some(id), &valid).await,
            &CODE_TAKEN,
        )?,
        None => None,
    };
    if stored.is_none() {
        let editing = Some((id, station.name));
        let page = form_page(&state, ctx, &user, editing, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(redirect_with(
        Flash::success("station.flash.saved"),
        &format!("/stations/{id}"),
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    pub reason: String,
}

/// `POST /stations/{id}/closure`: closes an open station (it leaves the finder), with a reason.
pub async fn create_closure(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> AppResult<Response> {
    step(
        &state,
        &ctx,
        &user,
        id,
        (Status::Open, Status::Closed),
        &form.reason,
    )
    .await
}

/// `POST /stations/{id}/reopening`.
pub async fn create_reopening(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> AppResult<Response> {
    step(
        &state,
        &ctx,
        &user,
        id,
        (Status::Closed, Status::Open),
        &form.reason,
    )
    .await
}

async fn step(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    id: i64,
    (from, to): (Status, Status),
    reason: &str,
) -> AppResult<Response> {
    find(state, user, id).await?;
    let back = format!("/stations/{id}");
    let reason: String = crate::web::input::clean_text(reason)
        .trim()
        .chars()
        .take(200)
        .collect();
    let mut tx = state.db.begin().await?;
    let kept = if to == Status::Closed {
        reason.as_str()
    } else {
        ""
    };
    let Some(organisation_id) = queries::set_status(&mut tx, id, (from, to), kept).await? else {
        return Err(ALREADY_DONE.conflict(back));
    };
    let step = if to == Status::Closed {
        "closed"
    } else {
        "reopened"
    };
    let line = Line::change("station", id, organisation_id, step, from.code(), to.code())
        .with_comment(&reason);
    workflow::record(&mut tx, &ctx.actor(user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("station.flash.step"), &back))
}

/// `POST /stations/{id}/services`: a day's services, a count per kind (a "+1" button sends one
/// kind with 1). Counts are whole numbers up to 100,000 a kind; at least one is needed.
pub async fn create_services(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    body: Bytes,
) -> AppResult<Response> {
    let station = find(&state, &user, id).await?;
    let typed: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        typed
            .iter()
            .find(|(f, _)| f == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let day = super::model::service_day(&mut errors, field("day"), today);
    let mut counts = Vec::new();
    for service in Service::ALL {
        match super::model::service_count(field(service.code())) {
            Ok(Some(n)) => counts.push((*service, n)),
            Ok(None) => {}
            Err(key) => errors.add(service.code(), key),
        }
    }
    if counts.is_empty() && errors.is_empty() {
        errors.add("day", "station.error.no_services");
    }
    let (Some(day), true) = (day, errors.is_empty()) else {
        let page = page(&state, ctx, &user, station, errors, typed).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    queries::record_services(&mut tx, id, day, &counts, user.id).await?;
    let detail = serde_json::json!({
        "day": day.to_string(),
        "counts": counts.iter().map(|(s, n)| (s.code(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
    });
    let line = Line::event("station", id, station.organisation_id, "services").with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("station.flash.services"),
        &format!("/stations/{id}#services"),
    ))
}
