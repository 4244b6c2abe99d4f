//! The steps of a claim, each one transaction: `update … where status = …`, its timeline line
//! and audit record. A reviewer asks for documents, approves (up to the plan's benefit for the
//! event) or declines; staff record the documents received and the payment.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::claims::{claim_page, due_on, find};
use super::model::channel;
use super::queries::{self, Claim};
use super::routes::find_plan;
use super::views::{StepForm, StepForms};
use crate::access::{CurrentUser, Reviewer, Staff};
use crate::error::AppResult;
use crate::money::Money;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line};

fn back(id: i64) -> String {
    format!("/aid/claims/{id}")
}

/// Records the step's line after `done` (the update) succeeded; refuses a stale click.
async fn finish(
    ctx: &Ctx,
    user: &CurrentUser,
    claim: &Claim,
    (step, detail): (&'static str, serde_json::Value),
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
) -> AppResult<Response> {
    let mut tx = tx;
    let line = Line::event("aid_claim", claim.id, claim.organisation_id, step).with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("aid.flash.step_done"),
        &back(claim.id),
    ))
}

async fn refused_form(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    claim: Claim,
    (failed, form, errors): (&'static str, StepForm, FieldErrors),
) -> AppResult<Response> {
    let forms = StepForms {
        failed: Some(failed),
        form,
        errors: Some(errors),
    };
    let page = claim_page(state, ctx, user, claim, forms).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `POST /aid/claims/{claim}/document-request`: what is missing, asked of the member.
pub async fn create_document_request(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Path(id): Path<i64>,
    Form(form): Form<StepForm>,
) -> AppResult<Response> {
    let claim = find(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let what = errors.text("requested", &form.requested, 500);
    if what.is_empty() {
        errors.add("requested", "aid.error.requested");
    }
    if !errors.is_empty() {
        return refused_form(&state, ctx, &user, claim, ("request", form, errors)).await;
    }
    let mut tx = state.db.begin().await?;
    if !queries::request_documents(&mut tx, id, &what).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let detail = serde_json::json!({ "requested": what });
    finish(&ctx, &user, &claim, ("documents_requested", detail), tx).await
}

/// `POST /aid/claims/{claim}/document-receipt`: the documents came. The claim is complete now:
/// it takes the fast channel if small enough, with a deadline counted from today.
pub async fn create_document_receipt(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let claim = find(&state, &user, id).await?;
    let plan = find_plan(&state, &user, claim.plan_id).await?;
    let today = crate::joining::queries::today(&state.db).await?;
    let channel = channel(claim.claimed, true, plan.fast_limit);
    let due = due_on(&state, channel, today, &plan).await?;
    let mut tx = state.db.begin().await?;
    if !queries::documents_received(&mut tx, id, (channel, due)).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let detail = serde_json::json!({ "channel": channel.code(), "due_on": due.to_string() });
    finish(&ctx, &user, &claim, ("documents_received", detail), tx).await
}

/// `POST /aid/claims/{claim}/approval`: an amount no more than claimed nor the plan's benefit.
pub async fn create_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Path(id): Path<i64>,
    Form(form): Form<StepForm>,
) -> AppResult<Response> {
    let claim = find(&state, &user, id).await?;
    let plan = find_plan(&state, &user, claim.plan_id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let amount = errors.check("approved", Money::parse(&form.approved));
    let benefit = plan.benefit(claim.event_kind);
    match amount {
        Some(amount) if amount.is_zero() => errors.add("approved", "aid.error.claimed_zero"),
        Some(amount) if amount > benefit => errors.add_filled(
            "approved",
            "aid.error.above_benefit",
            [("benefit", benefit.to_string())],
        ),
        Some(amount) if amount > claim.claimed => errors.add("approved", "aid.error.above_claimed"),
        _ => {}
    }
    let (Some(amount), true) = (amount, errors.is_empty()) else {
        return refused_form(&state, ctx, &user, claim, ("approval", form, errors)).await;
    };
    let today = crate::joining::queries::today(&state.db).await?;
    let mut tx = state.db.begin().await?;
    if !queries::approve(&mut tx, id, (amount, today)).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let detail = serde_json::json!({ "approved_fen": amount.fen() });
    finish(&ctx, &user, &claim, ("approved", detail), tx).await
}

/// `POST /aid/claims/{claim}/declining`: with the reason the member is told.
pub async fn create_declining(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Path(id): Path<i64>,
    Form(form): Form<StepForm>,
) -> AppResult<Response> {
    let claim = find(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let reason = errors.text("reason", &form.reason, 500);
    if reason.is_empty() {
        errors.add("reason", "aid.error.reason");
    }
    if !errors.is_empty() {
        return refused_form(&state, ctx, &user, claim, ("declining", form, errors)).await;
    }
    let today = crate::joining::queries::today(&state.db).await?;
    let mut tx = state.db.begin().await?;
    if !queries::decline(&mut tx, id, (&reason, today)).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let detail = serde_json::json!({ "reason": reason });
    finish(&ctx, &user, &claim, ("declined", detail), tx).await
}

/// `POST /aid/claims/{claim}/payment`: the approved amount paid today.
pub async fn create_payment(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let claim = find(&state, &user, id).await?;
    let today = crate::joining::queries::today(&state.db).await?;
    let mut tx = state.db.begin().await?;
    if !queries::pay(&mut tx, id, today).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let detail = serde_json::json!({ "paid_on": today.to_string(),
                                     "late": today > claim.due_on });
    finish(&ctx, &user, &claim, ("paid", detail), tx).await
}
