//! The steps of a membership, each a resource of its own: a transfer within the federation, a
//! lapse, a reinstatement, and a transfer out of it (转出). Each is one transaction with its
//! timeline line and audit record (`crate::workflow`); a step that no longer applies is refused.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{MemberStatus, MemberStep, transition};
use super::queries;
use super::routes::find;
use super::views::{StepPage, StepTemplate};
use crate::access::{CurrentUser, Staff};
use crate::error::AppResult;
use crate::orgs::picker;
use crate::orgs::queries as org_queries;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with, saved};
use crate::workflow::{self, ALREADY_DONE, Line};

/// The transfer page: says what will happen and asks where to.
pub async fn new_transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let member = find(&state, &user, id).await?;
    step_page(
        &state,
        &user,
        StepTemplate::new(ctx, member, StepPage::Transfer),
    )
    .await
}

/// The transfer-out page: says what will happen and asks where the member goes.
pub async fn new_departure(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let member = find(&state, &user, id).await?;
    step_page(
        &state,
        &user,
        StepTemplate::new(ctx, member, StepPage::Departure),
    )
    .await
}

/// A step's page, answered 422 when it comes back with errors. A member already transferred out
/// has neither step left, so the member page answers instead.
async fn step_page(
    state: &AppState,
    user: &CurrentUser,
    mut page: StepTemplate,
) -> AppResult<Response> {
    if page.member.status == MemberStatus::TransferredOut {
        let back = format!("/members/{}", page.member.id);
        return Ok(redirect_with(
            Flash::error("member.step.transferred_out"),
            &back,
        ));
    }
    if page.step == StepPage::Transfer {
        page.organisation_choices =
            org_queries::list_choices_in_scope(&state.db, &user.scope).await?;
    }
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page).into_response())
}

#[derive(Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    organisation_code: String,
    #[serde(default)]
    organisation_code_choice: String,
    #[serde(default)]
    note: String,
}

/// Moves a member to another organisation in scope; the timeline keeps both.
pub async fn create_transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<TransferForm>,
) -> AppResult<Response> {
    let member = find(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let target = if form.organisation_code.trim().is_empty() {
        errors.add("organisation_code", "user.error.organisation");
        None
    } else {
        let typed =
            picker::typed_or_picked(&form.organisation_code, &form.organisation_code_choice);
        let field = (&mut errors, "organisation_code");
        picker::pick(&state.db, typed, &user.scope, user.organisation_id, field).await?
    };
    if target == Some(member.organisation_id) {
        errors.add("organisation_code", "org.error.same_parent");
    }
    let Some(target) = target.filter(|_| errors.is_empty()) else {
        let mut page = StepTemplate::new(ctx, member, StepPage::Transfer);
        (page.errors, page.value, page.note) = (errors, form.organisation_code, form.note);
        return step_page(&state, &user, page).await;
    };
    let back = format!("/members/{id}");
    let mut tx = state.db.begin().await?;
    if !queries::move_to(&mut *tx, id, member.organisation_id, target).await? {
        return Err(ALREADY_DONE.conflict(back));
    }
    let line = Line::event("member", id, target, "transferred")
        .between(Some(member.organisation_id), Some(target))
        .with_comment(form.note.trim())
        .with_detail(serde_json::json!({
            "from_organisation": member.organisation_code,
            "organisation": form.organisation_code.trim(),
        }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("flash.member_transferred"),
        &back,
    ))
}

/// Takes `step` if the member's status allows it, and only once: the update applies only while
/// the member still stands where the page showed them.
async fn take_step(
    state: AppState,
    ctx: Ctx,
    user: CurrentUser,
    id: i64,
    step: MemberStep,
    comment: &str,
) -> AppResult<Response> {
    let member = find(&state, &user, id).await?;
    let back = format!("/members/{id}");
    let to = transition(member.status, step).map_err(|refused| refused.conflict(&back))?;
    let mut tx = state.db.begin().await?;
    if !queries::update_status(&mut *tx, id, member.status, to).await? {
        return Err(ALREADY_DONE.conflict(back));
    }
    let line = Line::change(
        "member",
        id,
        member.organisation_id,
        step.event(),
        member.status.code(),
        to.code(),
    )
    .with_comment(comment);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(saved(&back))
}

pub async fn create_lapse(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    take_step(state, ctx, user, id, MemberStep::Lapse, "").await
}

pub async fn create_reinstatement(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    take_step(state, ctx, user, id, MemberStep::Reinstate, "").await
}

#[derive(Debug, Deserialize)]
pub struct DepartureForm {
    #[serde(default)]
    destination: String,
}

/// The member leaves for a union outside this federation (转出): where to is required, for the
/// letter of transfer and for whoever asks later.
pub async fn create_departure(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<DepartureForm>,
) -> AppResult<Response> {
    let destination = form.destination.trim();
    if destination.is_empty() || destination.chars().count() > 200 {
        let member = find(&state, &user, id).await?;
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add("destination", "member.departure.error");
        let mut page = StepTemplate::new(ctx, member, StepPage::Departure);
        (page.errors, page.value) = (errors, form.destination);
        return step_page(&state, &user, page).await;
    }
    take_step(state, ctx, user, id, MemberStep::Depart, destination).await
}
