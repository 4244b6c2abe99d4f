//! The steps of an application, each a resource of its own (`POST /applications/{id}/submission`,
//! `…/review`, `…/return`, `…/approval`, `…/withdrawal`; rejection, cancellation and settlement
//! are in `closing.rs`): one transaction each, with its comment, audit record, timeline line and
//! notices; a step that does not apply to the application as it stands is refused.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::model::{Status, Step, transition};
use super::queries::Application;
use super::routes::{find, show_page};
use super::step_queries as q;
use super::views::DecisionForm;
use crate::access::{Actor, CurrentUser, Reviewer, Staff};
use crate::error::{AppError, AppResult};
use crate::funds::ledger::{self, Movement, Purpose};
use crate::funds::queries as fund_queries;
use crate::money::Money;
use crate::notices::{self, Notice, Recipients};
use crate::state::AppState;
use crate::web::input::clean_text;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line, Refused};

/// Why a step was not taken: a problem beside one of the step's fields, or a refusal of the step.
#[derive(Debug)]
pub enum Problem {
    Field(&'static str, &'static str),
    Refused(Refused),
}

pub(super) fn back(id: i64) -> String {
    format!("/applications/{id}")
}

/// What is left on the account a grant to `application` would be drawn from.
pub async fn account_available(state: &AppState, application: &Application) -> AppResult<Money> {
    let account = fund_queries::account_for(
        &state.db,
        application.fund_id,
        Some(application.tier),
        &application.organisation_path,
    )
    .await?;
    let accounts = fund_queries::list_accounts(&state.db, application.fund_id).await?;
    Ok(accounts
        .iter()
        .find(|a| a.id == account)
        .map(|a| a.available())
        .unwrap_or_default())
}

/// The timeline line and audit record of a step, and the notices it sends.
pub(super) async fn record(
    conn: &mut sqlx::PgConnection,
    actor: &Actor,
    application: &Application,
    step: Step,
    to: Status,
    comment: &str,
    detail: Option<serde_json::Value>,
) -> sqlx::Result<()> {
    let from = application.status;
    let mut line = Line::change(
        "application",
        application.id,
        application.organisation_id,
        step.event(from),
        from.code(),
        to.code(),
    )
    .with_comment(comment);
    if let Some(detail) = detail {
        line = line.with_detail(detail);
    }
    workflow::record(&mut *conn, actor, &line).await?;
    let recipients = if matches!(step, Step::Submit | Step::Report) {
        Recipients::ReviewersOver(&application.organisation_path)
    } else {
        Recipients::StaffOf(application.organisation_id)
    };
    let message = format!("notice.application.{}", step.event(from));
    let notice = Notice {
        entity: "application",
        entity_id: application.id,
        link: back(application.id),
        message: &message,
        subject: application.number_and_title(),
    };
    notices::send(conn, actor, recipients, &notice).await
}

/// A step whose form came back: the application's page with the problem beside the field.
pub(super) async fn refused_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    mut form: DecisionForm,
    problem: Problem,
) -> AppResult<Response> {
    match problem {
        Problem::Refused(refused) => Err(refused.conflict(back(id))),
        Problem::Field(field, key) => {
            let application = find(state, user, id).await?;
            form.errors = crate::web::forms::FieldErrors::new(ctx.locale);
            form.errors.add(field, key);
            show_page(
                state,
                ctx,
                user,
                application,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Submits a draft, or resubmits a returned application, after checking it against the fund's
/// rules once more (the window, the tier, the amount); the first submission gives its number.
pub async fn create_submission(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    let to = transition(application.status, Step::Submit).map_err(|r| r.conflict(back(id)))?;
    let fund = fund_queries::find_visible(&state.db, application.fund_id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = crate::joining::queries::today(&state.db).await?;
    let fields = application.fields();
    let refusal = if !fund.rules.is_open_on(today) {
        Some(("fund_id", "application.error.window_closed"))
    } else if !fund.rules.pays_for(application.tier) {
        Some(("tier", "application.error.tier_not_paid"))
    } else {
        fund.rules
            .refuse_amount(
                application.tier,
                application.requested,
                fields.budget_total(),
            )
            .map(|key| ("requested", key))
    };
    if let Some((field, key)) = refusal {
        return super::routes::edit_with_problem(&state, ctx, &user, application, field, key).await;
    }
    let actor = ctx.actor(&user);
    let mut tx = state.db.begin().await?;
    let number = match &application.number {
        Some(_) => None,
        None => Some(q::next_number(&mut tx, fund.year, application.tier).await?),
    };
    if !q::submit(&mut tx, id, application.status, to, number.as_deref()).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let detail = number.as_ref().map(|n| serde_json::json!({ "number": n }));
    record(&mut tx, &actor, &application, Step::Submit, to, "", detail).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("application.flash.submitted"),
        &back(id),
    ))
}

/// A reviewer takes the application up: the queue shows who is on it.
pub async fn create_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    user.may_decide_for(application.organisation_id)?;
    let to = transition(application.status, Step::TakeUp).map_err(|r| r.conflict(back(id)))?;
    let mut tx = state.db.begin().await?;
    if !q::take_up(&mut tx, id, application.status, user.id).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    record(
        &mut tx,
        &ctx.actor(&user),
        &application,
        Step::TakeUp,
        to,
        "",
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("flash.saved"), &back(id)))
}

/// Returns one application for revision with what must change; the batch and the page share it.
pub async fn send_back(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    note: &str,
) -> AppResult<Result<(), Problem>> {
    let application = find(state, user, id).await?;
    user.may_decide_for(application.organisation_id)?;
    if note.is_empty() {
        return Ok(Err(Problem::Field("note", "application.error.return_note")));
    }
    let to = match transition(application.status, Step::Return) {
        Ok(to) => to,
        Err(refused) => return Ok(Err(Problem::Refused(refused))),
    };
    let mut tx = state.db.begin().await?;
    if !q::send_back(&mut tx, id, application.status, &application.fields(), note).await? {
        return Ok(Err(Problem::Refused(ALREADY_DONE)));
    }
    record(&mut tx, actor, &application, Step::Return, to, note, None).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

pub async fn create_return(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let note = clean_text(&form.note);
    match send_back(&state, &ctx.actor(&user), &user, id, &note).await? {
        Ok(()) => Ok(redirect_with(
            Flash::success("application.flash.returned"),
            &back(id),
        )),
        Err(problem) => refused_page(&state, ctx, &user, id, form.returning(), problem).await,
    }
}

/// Grants `amount` to one application, or recommends it when the fund asks for a second
/// sign-off above an amount and no other reviewer has recommended it yet. The grant is committed
/// on the most specific account that covers the application; the database refuses it when the
/// account has not enough left, however many approvals run at once.
pub async fn grant(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    amount: Option<Money>,
    note: &str,
) -> AppResult<Result<Status, Problem>> {
    let application = find(state, user, id).await?;
    user.may_decide_for(application.organisation_id)?;
    let fund = fund_queries::find_visible(&state.db, application.fund_id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let amount = amount
        .or(application.recommended)
        .unwrap_or(application.requested);
    let field = |key| Ok(Err(Problem::Field("amount", key)));
    if amount > application.requested {
        return field("application.error.over_requested");
    }
    if let Some(key) = fund
        .rules
        .refuse_amount(application.tier, amount, application.budget_total)
    {
        return field(key);
    }
    let second = fund.rules.needs_second_signoff(amount);
    let step = if second && application.status != Status::Recommended {
        Step::Recommend
    } else {
        Step::Approve
    };
    if step == Step::Approve && second && application.recommended_by == Some(user.id) {
        return field("application.error.second_reviewer");
    }
    let to = match transition(application.status, step) {
        Ok(to) => to,
        Err(refused) => return Ok(Err(Problem::Refused(refused))),
    };
    let mut tx = state.db.begin().await?;
    let detail = serde_json::json!({ "amount": amount.to_string() });
    if step == Step::Recommend {
        if !q::recommend(&mut tx, id, application.status, amount, user.id).await? {
            return Ok(Err(Problem::Refused(ALREADY_DONE)));
        }
    } else {
        let account = fund_queries::account_for(
            &mut *tx,
            fund.id,
            Some(application.tier),
            &application.organisation_path,
        )
        .await?;
        let due = fund.rules.report_due_days;
        if !q::approve(&mut tx, id, application.status, amount, account, due).await? {
            return Ok(Err(Problem::Refused(ALREADY_DONE)));
        }
        let label = application.label();
        let commitment = Movement::commitment(fund.id, account, Purpose::Application(id), amount)
            .with_memo(&label);
        if let Err(refused) = ledger::post(&mut tx, actor, &commitment).await? {
            return Ok(Err(Problem::Field("amount", refused.0)));
        }
    }
    record(&mut tx, actor, &application, step, to, note, Some(detail)).await?;
    tx.commit().await?;
    Ok(Ok(to))
}

pub async fn create_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let amount = match Money::parse(&form.amount) {
        Ok(amount) => Some(amount),
        Err(key) => {
            let problem = Problem::Field("amount", key);
            return refused_page(&state, ctx, &user, id, form, problem).await;
        }
    };
    let note = clean_text(&form.note);
    match grant(&state, &ctx.actor(&user), &user, id, amount, &note).await? {
        Ok(Status::Recommended) => Ok(redirect_with(
            Flash::success("application.flash.recommended"),
            &back(id),
        )),
        Ok(_) => Ok(redirect_with(
            Flash::success("application.flash.approved"),
            &back(id),
        )),
        Err(problem) => refused_page(&state, ctx, &user, id, form, problem).await,
    }
}

/// The applicant withdraws before a decision.
pub async fn create_withdrawal(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    let to = transition(application.status, Step::Withdraw).map_err(|r| r.conflict(back(id)))?;
    let mut tx = state.db.begin().await?;
    if !q::decide(&mut tx, id, application.status, to).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    record(
        &mut tx,
        &ctx.actor(&user),
        &application,
        Step::Withdraw,
        to,
        "",
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("flash.saved"), &back(id)))
}
