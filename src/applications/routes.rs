//! Handlers of applications: index, show, new, create, edit, update. The steps are in `steps.rs`.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::list::{self, ListQuery};
use super::model::{ApplicationForm, Fields, changes, tier_fits_kind};
use super::queries::{self, Application};
use super::views::{DecisionForm, FormTemplate, IndexTemplate, ShowTemplate};
use crate::access::{CurrentUser, Reader, Role, Staff};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::funds::queries as fund_queries;
use crate::orgs::picker;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::paging::{PageRequest, Pager};
use crate::web::{Ctx, saved};
use crate::workflow::{self, Line};

/// The application `id` if the user's scope holds its organisation; otherwise it does not exist.
pub async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Application> {
    queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let request = PageRequest::new(query.page);
    let mut rows = list::list(
        &state.db,
        &user.scope,
        &query,
        false,
        request.limit(),
        request.offset(),
    )
    .await?;
    let total = list::count(&state.db, &user.scope, &query).await?;
    let filters = query.to_query();
    let pager = Pager::counted(request, &mut rows, total, |page| {
        format!("/applications?{filters}&page={page}")
    });
    Ok(IndexTemplate {
        funds: fund_queries::list_visible(&state.db, &user.scope).await?,
        tracks: crate::tracks::queries::list_all(&state.db).await?,
        can_file: user.can(Role::Staff),
        ctx,
        query,
        rows,
        total,
        pager,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    let decision = DecisionForm::for_application(&application);
    show_page(&state, ctx, &user, application, decision, StatusCode::OK).await
}

/// The application's page with what the user may do next; `status` is 422 when a step's form
/// comes back with its problems beside its fields.
pub async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    application: Application,
    decision: DecisionForm,
    status: StatusCode,
) -> AppResult<Response> {
    let fund = fund_queries::find_visible(&state.db, application.fund_id, &user.scope).await?;
    let account_available = match application.account_id {
        Some(_) => None,
        None => Some(crate::applications::steps::account_available(state, &application).await?),
    };
    let tracks = crate::tracks::queries::list_all(&state.db).await?;
    let changed = match (
        &application.returned_snapshot,
        application.status.is_waiting(),
    ) {
        (Some(snapshot), true) => changes(&snapshot.0, &application.fields(), |id| {
            tracks
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.name.clone())
                .unwrap_or_default()
        }),
        _ => Vec::new(),
    };
    let attachments = crate::attachments::list(&state.db, "application", application.id).await?;
    let competition =
        crate::competitions::queries::for_application(&state.db, application.id).await?;
    let page = ShowTemplate {
        competition,
        can_edit: user.can(Role::Staff),
        can_decide: user.can(Role::Reviewer)
            && user.may_decide_for(application.organisation_id).is_ok(),
        timeline: workflow::timeline_lines(application.timeline.clone()),
        ctx,
        application,
        fund,
        account_available,
        changed,
        attachments,
        decision,
    };
    Ok((status, page).into_response())
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
) -> AppResult<FormTemplate> {
    let funds = fund_queries::list_visible(&state.db, &user.scope).await?;
    let form = ApplicationForm {
        fund_id: funds.first().map(|f| f.id.to_string()).unwrap_or_default(),
        organisation: user.organisation_name.clone(),
        ..ApplicationForm::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    form_page(&state, ctx, &user, None, form, errors).await
}

async fn form_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    application: Option<Application>,
    form: ApplicationForm,
    errors: FieldErrors,
) -> AppResult<FormTemplate> {
    Ok(FormTemplate {
        funds: fund_queries::list_visible(&state.db, &user.scope).await?,
        tracks: crate::tracks::queries::list_all(&state.db)
            .await?
            .into_iter()
            .filter(|t| t.active)
            .collect(),
        ctx,
        application,
        form,
        errors,
    })
}

/// Checks the form, the organisation (in scope, of a kind that files the tier, under the fund's
/// organisation) and the fund's rules on the amount; the fields and organisation when all hold.
async fn check(
    state: &AppState,
    user: &CurrentUser,
    form: &ApplicationForm,
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
        errors.add("tier", "application.error.tier_kind");
    }
    match fund_queries::find_visible(&state.db, fields.fund_id, &user.scope).await? {
        None => errors.add("fund_id", "application.error.fund"),
        Some(fund) => {
            if !fund.rules.pays_for(fields.tier) {
                errors.add("tier", "application.error.tier_not_paid");
            } else if let Some(key) =
                fund.rules
                    .refuse_amount(fields.tier, fields.requested, fields.budget_total())
            {
                errors.add("requested", key);
            }
        }
    }
    Ok(errors.is_empty().then_some((fields, organisation)))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Form(form): Form<ApplicationForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    let Some((fields, organisation)) = check(&state, &user, &form, &mut errors).await? else {
        let page = form_page(&state, ctx, &user, None, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let actor = ctx.actor(&user);
    let mut tx = state.db.begin().await?;
    let id = queries::insert(&mut *tx, organisation, &fields, Some(user.id)).await?;
    workflow::write_timeline(
        &mut tx,
        &actor,
        &Line::event("application", id, organisation, "created"),
    )
    .await?;
    audit::record(
        &mut *tx,
        &actor,
        Change {
            entity: "application",
            entity_id: id.to_string(),
            action: "create",
            organisation_id: Some(organisation),
            before: None,
            after: serde_json::to_value(&fields).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("/applications/{id}")))
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    if !application.status.is_editable() {
        return Err(AppError::Conflict {
            key: "application.refused.not_editable",
            back: format!("/applications/{id}"),
        });
    }
    let form =
        ApplicationForm::from_fields(&application.fields(), application.organisation_code.clone());
    let errors = FieldErrors::new(ctx.locale);
    Ok(
        form_page(&state, ctx, &user, Some(application), form, errors)
            .await?
            .into_response(),
    )
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<ApplicationForm>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    let back = format!("/applications/{id}");
    if !application.status.is_editable() {
        return Err(AppError::Conflict {
            key: "application.refused.not_editable",
            back,
        });
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let Some((fields, organisation)) = check(&state, &user, &form, &mut errors).await? else {
        let page = form_page(&state, ctx, &user, Some(application), form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let actor = ctx.actor(&user);
    let mut tx = state.db.begin().await?;
    if !queries::update_fields(&mut *tx, id, organisation, &fields).await? {
        return Err(crate::workflow::ALREADY_DONE.conflict(back));
    }
    workflow::write_timeline(
        &mut tx,
        &actor,
        &Line::event("application", id, organisation, "edited"),
    )
    .await?;
    audit::record(
        &mut *tx,
        &actor,
        Change {
            entity: "application",
            entity_id: id.to_string(),
            action: "update",
            organisation_id: Some(organisation),
            before: serde_json::to_value(application.fields()).ok(),
            after: serde_json::to_value(&fields).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&back))
}

/// The edit form with one problem beside its field: a submission the fund's rules refuse.
pub async fn edit_with_problem(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    application: Application,
    field: &'static str,
    key: &'static str,
) -> AppResult<Response> {
    let form =
        ApplicationForm::from_fields(&application.fields(), application.organisation_code.clone());
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add(field, key);
    let page = form_page(state, ctx, user, Some(application), form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
