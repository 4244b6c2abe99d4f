//! The steps of a competition's life, each a resource of its own: registration opening (once
//! every event's weights make 100%), registration closing, the start, the end of marking, and
//! cancellation (with a reason). One transaction each: the conditional update, the timeline
//! line and the audit record.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::event_queries;
use super::model::{Step, transition};
use super::queries;
use super::routes::{back, find_to_change, show_page};
use super::structure::is_ready;
use super::views::StructureForms;
use crate::access::Staff;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::input::clean_text;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line, Refused};

async fn take(
    state: &AppState,
    ctx: &Ctx,
    user: &crate::access::CurrentUser,
    id: i64,
    step: Step,
    comment: &str,
) -> AppResult<Response> {
    let competition = find_to_change(state, user, id).await?;
    let to = transition(competition.status, step).map_err(|r| r.conflict(back(id)))?;
    if step == Step::OpenRegistration && !is_ready(&event_queries::tree(&state.db, id).await?) {
        return Err(Refused("competition.refused.not_ready").conflict(back(id)));
    }
    if step == Step::FinishMarking
        && crate::marks::queries::unlocked_items(&state.db, id).await? > 0
    {
        return Err(Refused("competition.refused.items_unlocked").conflict(back(id)));
    }
    let mut tx = state.db.begin().await?;
    if !queries::step(&mut *tx, id, competition.status, to).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    if step == Step::PublishResults {
        crate::results::queries::freeze(&mut tx, id).await?;
    }
    let line = Line::change(
        "competition",
        id,
        competition.organisation_id,
        step.event(),
        competition.status.code(),
        to.code(),
    )
    .with_comment(comment);
    workflow::record(&mut tx, &ctx.actor(user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("flash.saved"), &back(id)))
}

pub async fn create_registration_opening(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    take(&state, &ctx, &user, id, Step::OpenRegistration, "").await
}

pub async fn create_registration_closing(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    take(&state, &ctx, &user, id, Step::CloseRegistration, "").await
}

pub async fn create_start(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    take(&state, &ctx, &user, id, Step::Start, "").await
}

pub async fn create_marking_end(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    take(&state, &ctx, &user, id, Step::FinishMarking, "").await
}

pub async fn create_publication(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    take(&state, &ctx, &user, id, Step::PublishResults, "").await
}

#[derive(Debug, Default, Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    pub reason: String,
}

/// Cancelling needs a reason, said beside the field when it is missing.
pub async fn create_cancellation(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    let reason = clean_text(&form.reason);
    if reason.is_empty() || reason.chars().count() > 500 {
        let competition = find_to_change(&state, &user, id).await?;
        let mut forms = StructureForms::new(ctx.locale);
        forms.failed = "cancel";
        forms.errors.add("reason", "competition.error.reason");
        forms.reason = form.reason;
        return show_page(
            &state,
            ctx,
            &user,
            competition,
            forms,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    take(&state, &ctx, &user, id, Step::Cancel, &reason).await
}
