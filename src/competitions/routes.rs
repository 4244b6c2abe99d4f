//! Handlers of competitions: index, show, new (also from an approved contest application),
//! create, edit, update.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::event_queries;
use super::model::{CompetitionForm, Fields, tier_fits_kind};
use super::queries::{self, Competition, ListQuery, Viewer};
use super::views::{FormTemplate, IndexTemplate, ShowTemplate, StructureForms};
use crate::access::{CurrentUser, Role, Staff};
use crate::applications::model::Status as ApplicationStatus;
use crate::error::{AppError, AppResult};
use crate::orgs::picker;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::paging::{PageRequest, Pager};
use crate::web::{Ctx, saved};
use crate::workflow::{self, Line};

pub fn back(id: i64) -> String {
    format!("/competitions/{id}")
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let request = PageRequest::new(query.page);
    let (mut rows, total) = queries::list(
        &state.db,
        &Viewer::of(&user),
        &query,
        request.limit(),
        request.offset(),
    )
    .await?;
    let filters = query.to_query();
    let pager = Pager::counted(request, &mut rows, total, |page| {
        format!("/competitions?{filters}&page={page}")
    });
    Ok(IndexTemplate {
        can_create: user.can(Role::Staff),
        can_read_statistics: crate::statistics::routes::reads_statistics(&user),
        tracks: crate::tracks::queries::list_all(&state.db).await?,
        ctx,
        query,
        rows,
        total,
        pager,
    })
}

/// The competition, for anyone who may see it (404 otherwise).
pub async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Competition> {
    queries::find_visible(&state.db, id, &Viewer::of(user))
        .await?
        .ok_or(AppError::NotFound)
}

/// The competition, for staff of its subtree who may change it (404 otherwise).
pub async fn find_to_change(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> AppResult<Competition> {
    queries::find_visible(&state.db, id, &Viewer::subtree(&user.scope))
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let competition = find(&state, &user, id).await?;
    let forms = StructureForms::new(ctx.locale);
    show_page(&state, ctx, &user, competition, forms, StatusCode::OK).await
}

/// The competition's page: its fields, events and timeline, and what the user may do next;
/// `status` is 422 when one of its forms comes back with its problems beside its fields.
pub async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    competition: Competition,
    forms: StructureForms,
    status: StatusCode,
) -> AppResult<Response> {
    let events = event_queries::tree(&state.db, competition.id).await?;
    let page = ShowTemplate {
        can_change: user.can(Role::Staff) && user.scope.holds(&competition.organisation_path),
        timeline: workflow::timeline_lines(competition.timeline.clone()),
        ready: super::structure::is_ready(&events),
        participation: crate::statistics::queries::participation(&state.db, competition.id).await?,
        ctx,
        competition,
        events,
        forms,
    };
    Ok((status, page).into_response())
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    application: Option<i64>,
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Query(query): Query<NewQuery>,
) -> AppResult<FormTemplate> {
    let mut form = CompetitionForm {
        organisation: user.organisation_name.clone(),
        tier: "1".into(),
        has_final: Some("on".into()),
        ..CompetitionForm::default()
    };
    if let Some(id) = query.application {
        let application = approved_application(&state, &user, id).await?;
        form = CompetitionForm {
            organisation: application.organisation_name.clone(),
            tier: application.tier.to_string(),
            track_id: application.track_id.to_string(),
            title: application.title.clone(),
            starts_on: application.planned_start.to_string(),
            ends_on: application.planned_end.to_string(),
            venue: application.venue.clone(),
            application_id: id.to_string(),
            ..form
        };
    }
    let errors = FieldErrors::new(ctx.locale);
    form_page(&state, ctx, None, form, errors).await
}

/// An application in the user's scope that a competition may be held on: approved (or past its
/// approval) and not yet holding one.
async fn approved_application(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> AppResult<crate::applications::queries::Application> {
    let application = crate::applications::queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let held = matches!(
        application.status,
        ApplicationStatus::Approved | ApplicationStatus::Reported | ApplicationStatus::Settled
    );
    if !held {
        return Err(AppError::Conflict {
            key: "competition.refused.not_approved",
            back: format!("/applications/{id}"),
        });
    }
    if let Some((competition, _)) = queries::for_application(&state.db, id).await? {
        return Err(AppError::Conflict {
            key: "competition.refused.already_held",
            back: back(competition),
        });
    }
    Ok(application)
}

async fn form_page(
    state: &AppState,
    ctx: Ctx,
    competition: Option<Competition>,
    form: CompetitionForm,
    errors: FieldErrors,
) -> AppResult<FormTemplate> {
    Ok(FormTemplate {
        tracks: crate::tracks::queries::list_all(&state.db)
            .await?
            .into_iter()
            .filter(|t| t.active || form.track_id == t.id.to_string())
            .collect(),
        ctx,
        competition,
        form,
        errors,
    })
}

/// Checks the form and the organisation (in scope, of a kind that holds the tier; the
/// application's own when held on one); the fields and organisation when all hold.
async fn check(
    state: &AppState,
    user: &CurrentUser,
    form: &CompetitionForm,
    errors: &mut FieldErrors,
) -> AppResult<Option<(Fields, i64)>> {
    let fields = form.validate(errors);
    let named = (
        form.organisation.as_str(),
        form.organisation_choice.as_str(),
    );
    let org = picker::pick_for_form(&state.db, named, user, (&mut *errors, "organisation")).await?;
    let (Some(fields), Some(org)) = (fields, org) else {
        return Ok(None);
    };
    let organisation = org.id;
    if !tier_fits_kind(fields.tier, &org.kind) {
        errors.add("tier", "competition.error.tier_kind");
    }
    if let Some(id) = fields.application_id {
        let application = approved_application(state, user, id).await?;
        if application.organisation_id != organisation || application.tier != fields.tier {
            errors.add("organisation", "competition.error.not_the_applicant");
        }
    }
    Ok(errors.is_empty().then_some((fields, organisation)))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Form(form): Form<CompetitionForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    let Some((fields, organisation)) = check(&state, &user, &form, &mut errors).await? else {
        let page = form_page(&state, ctx, None, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    let inserted = queries::insert(&mut *tx, organisation, &fields).await;
    let held_on = crate::web::forms::Unique {
        constraint: "competitions_application_id_key",
        field: "organisation",
        key: "competition.refused.already_held",
    };
    let Some(id) = errors.on_constraint(inserted, &held_on)? else {
        let page = form_page(&state, ctx, None, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut line = Line::event("competition", id, organisation, "created");
    if let Some(application) = fields.application_id {
        line = line.with_detail(serde_json::json!({ "application_id": application }));
    }
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(saved(&back(id)))
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<FormTemplate> {
    let competition = find_to_change(&state, &user, id).await?;
    let form = CompetitionForm {
        organisation: competition.organisation_name.clone(),
        tier: competition.tier.to_string(),
        track_id: competition.track_id.to_string(),
        title: competition.title.clone(),
        co_organisers: competition.co_organisers.clone(),
        has_preliminary: competition.has_preliminary.then(|| "on".into()),
        has_final: competition.has_final.then(|| "on".into()),
        starts_on: competition.starts_on.to_string(),
        ends_on: competition.ends_on.to_string(),
        registration_opens_on: competition
            .registration_opens_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        registration_closes_on: competition
            .registration_closes_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        venue: competition.venue.clone(),
        anonymous_marking: competition.anonymous_marking.then(|| "on".into()),
        application_id: competition
            .application_id
            .map(|a| a.to_string())
            .unwrap_or_default(),
        organisation_choice: String::new(),
    };
    let errors = FieldErrors::new(ctx.locale);
    form_page(&state, ctx, Some(competition), form, errors).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<CompetitionForm>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    // The organisation, tier and application stay as created: only the rest is read.
    let form = CompetitionForm {
        organisation: competition.organisation_name.clone(),
        organisation_choice: String::new(),
        tier: competition.tier.to_string(),
        application_id: String::new(),
        ..form
    };
    let Some(fields) = form.validate(&mut errors) else {
        let page = form_page(&state, ctx, Some(competition), form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    if !queries::update(&mut *tx, id, &fields).await? {
        return Err(crate::workflow::Refused("competition.refused.started").conflict(back(id)));
    }
    let line = Line::event("competition", id, competition.organisation_id, "edited");
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(saved(&back(id)))
}
