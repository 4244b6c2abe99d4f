//! The steps that close an application: rejection (a reason, no money), cancellation (the
//! contest will not take place: the grant is released) and settlement after the final report.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;

use super::model::{Step, transition};
use super::routes::find;
use super::step_queries as q;
use super::steps::{Problem, back, record, refused_page};
use super::views::DecisionForm;
use crate::access::{CurrentUser, Reviewer};
use crate::error::{AppError, AppResult};
use crate::funds::ledger::{self, Movement, Purpose};
use crate::funds::queries as fund_queries;
use crate::state::AppState;
use crate::web::input::clean_text;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::ALREADY_DONE;

/// A step of a reviewer that needs a reason and moves no money (rejection), or releases the
/// whole grant (cancellation: the contest will not take place).
async fn close(
    state: AppState,
    ctx: Ctx,
    user: CurrentUser,
    id: i64,
    step: Step,
    form: DecisionForm,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    user.may_decide_for(application.organisation_id)?;
    let note = clean_text(&form.note);
    let to = transition(application.status, step).map_err(|r| r.conflict(back(id)))?;
    if note.is_empty() {
        let problem = Problem::Field("note", "application.error.reason");
        return refused_page(&state, ctx, &user, id, form.closing(), problem).await;
    }
    let actor = ctx.actor(&user);
    let mut tx = state.db.begin().await?;
    if !q::decide(&mut tx, id, application.status, to).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    if let (Step::Cancel, Some(granted), Some(account)) =
        (step, application.granted, application.account_id)
    {
        let release = Movement::release(
            application.fund_id,
            account,
            Purpose::Application(id),
            granted,
        )
        .with_memo(&note);
        ledger::post(&mut tx, &actor, &release)
            .await?
            .map_err(|refused| refused.conflict(back(id)))?;
    }
    record(&mut tx, &actor, &application, step, to, &note, None).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("flash.saved"), &back(id)))
}

pub async fn create_rejection(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    close(state, ctx, user, id, Step::Reject, form).await
}

pub async fn create_cancellation(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    close(state, ctx, user, id, Step::Cancel, form).await
}

/// Settles a reported contest: pays the grant or less, by the fund's share of what was actually
/// spent and the tier's limit, and releases the rest of the commitment.
pub async fn create_settlement(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    user.may_decide_for(application.organisation_id)?;
    let to = transition(application.status, Step::Settle).map_err(|r| r.conflict(back(id)))?;
    let fund = fund_queries::find_visible(&state.db, application.fund_id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let (Some(granted), Some(account)) = (application.granted, application.account_id) else {
        return Err(ALREADY_DONE.conflict(back(id)));
    };
    let spent = application.spent_total.unwrap_or_default();
    let paid = fund.rules.payable(application.tier, granted, spent);
    let actor = ctx.actor(&user);
    let label = application.label();
    let mut tx = state.db.begin().await?;
    if !q::settle(&mut tx, id, paid).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let mut movements = Vec::new();
    if !paid.is_zero() {
        movements.push(
            Movement::disbursement(fund.id, account, Purpose::Application(id), paid)
                .with_memo(&label),
        );
    }
    if granted > paid {
        movements.push(
            Movement::release(fund.id, account, Purpose::Application(id), granted - paid)
                .with_memo(&label),
        );
    }
    for movement in &movements {
        ledger::post(&mut tx, &actor, movement)
            .await?
            .map_err(|refused| refused.conflict(back(id)))?;
    }
    let detail = serde_json::json!({ "disbursed": paid.to_string(), "released": (granted - paid).to_string() });
    record(
        &mut tx,
        &actor,
        &application,
        Step::Settle,
        to,
        "",
        Some(detail),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("application.flash.settled"),
        &back(id),
    ))
}
