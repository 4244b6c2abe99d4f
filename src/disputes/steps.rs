//! The steps of a case, each a resource of its own: acceptance (a mediator and the 15 days),
//! reassignment (with the reason), a mediation round, an extension agreed by both parties, and
//! the outcome. Each is one transaction with its timeline line and audit record.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;

use super::CaseHandler;
use super::model::{
    AcceptanceForm, ClosureForm, ExtensionForm, RoundForm, Status, Step, transition,
};
use super::page::{mediators_for, page};
use super::queries::{self, Case};
use super::routes::find;
use super::views::StepForms;
use crate::access::CurrentUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::dates::parse_date;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line};

fn back(id: i64) -> String {
    format!("/disputes/{id}")
}

/// Writes the step's line and commits; back to the case with `flash`.
pub(super) async fn finish(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    ctx: &Ctx,
    user: &CurrentUser,
    line: Line<'_>,
    flash: &'static str,
) -> AppResult<Response> {
    workflow::record(&mut tx, &ctx.actor(user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success(flash), &back(line.entity_id)))
}

/// The mediator picked, if they are among those the case may be given to.
async fn pick_mediator(
    state: &AppState,
    user: &CurrentUser,
    case: &Case,
    picked: &str,
    errors: &mut FieldErrors,
) -> AppResult<Option<(i64, String)>> {
    let offered = mediators_for(state, user, case).await?;
    let found = offered
        .into_iter()
        .find(|(id, _)| id.to_string() == picked.trim());
    if found.is_none() {
        errors.add("mediator_id", "dispute.error.mediator");
    }
    Ok(found)
}

pub async fn create_acceptance(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    Form(form): Form<AcceptanceForm>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    transition(case.status, Step::Accept).map_err(|r| r.conflict(back(id)))?;
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let accepted_on = parse_date(&form.accepted_on);
    match accepted_on {
        None => errors.add("accepted_on", "dispute.error.date"),
        Some(day) if day < case.received_on => {
            errors.add("accepted_on", "dispute.error.before_intake")
        }
        Some(day) if day > today => errors.add("accepted_on", "dispute.error.future"),
        _ => {}
    }
    let mediator = pick_mediator(&state, &user, &case, &form.mediator_id, &mut errors).await?;
    let (Some(accepted_on), Some((mediator, name)), true) =
        (accepted_on, mediator, errors.is_empty())
    else {
        let forms = StepForms {
            acceptance: form,
            failed: "acceptance",
            ..StepForms::default()
        };
        return page(&state, ctx, &user, case, (forms, errors)).await;
    };
    let mut tx = state.db.begin().await?;
    if !queries::accept(&mut *tx, id, mediator, accepted_on).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let line = Line::change(
        "dispute_case",
        id,
        case.organisation_id,
        "accepted",
        "received",
        "mediating",
    )
    .with_comment(&name)
    .with_detail(
        serde_json::json!({ "mediator_id": mediator, "accepted_on": accepted_on.to_string() }),
    );
    finish(tx, &ctx, &user, line, "dispute.flash.accepted").await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ReassignmentForm {
    #[serde(default)]
    mediator_id: String,
    #[serde(default)]
    reason: String,
}

pub async fn create_reassignment(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    Form(form): Form<ReassignmentForm>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    if case.status != Status::Mediating {
        return Err(crate::workflow::Refused("dispute.refused.step").conflict(back(id)));
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let reason = clean_text(form.reason.trim());
    if reason.is_empty() || reason.chars().count() > 500 {
        errors.add("reason", "dispute.error.reason");
    }
    let mediator = pick_mediator(&state, &user, &case, &form.mediator_id, &mut errors).await?;
    if mediator
        .as_ref()
        .is_some_and(|(m, _)| Some(*m) == case.mediator_id)
    {
        errors.add("mediator_id", "dispute.error.same_mediator");
    }
    let (Some((mediator, name)), true) = (mediator, errors.is_empty()) else {
        let forms = StepForms {
            reassignment_reason: form.reason,
            failed: "reassignment",
            ..StepForms::default()
        };
        return page(&state, ctx, &user, case, (forms, errors)).await;
    };
    let mut tx = state.db.begin().await?;
    if !queries::reassign(&mut *tx, id, mediator).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let comment = format!("{name}：{reason}");
    let line = Line::event("dispute_case", id, case.organisation_id, "reassigned")
        .with_comment(&comment)
        .with_detail(
            serde_json::json!({ "mediator_id": mediator, "from_mediator_id": case.mediator_id }),
        );
    finish(tx, &ctx, &user, line, "dispute.flash.reassigned").await
}

pub async fn create_round(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    Form(form): Form<RoundForm>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    if case.status != Status::Mediating {
        return Err(crate::workflow::Refused("dispute.refused.step").conflict(back(id)));
    }
    let today = crate::joining::queries::today(&state.db).await?;
    let last = queries::last_day(&state.db, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(round) = form.check(&mut errors, last, today) else {
        let forms = StepForms {
            round: form,
            failed: "round",
            ..StepForms::default()
        };
        return page(&state, ctx, &user, case, (forms, errors)).await;
    };
    let mut tx = state.db.begin().await?;
    // The case's row is locked, so a round recorded at the same moment is ordered after this one.
    if queries::find_for_update(&mut *tx, id).await? != Some(Status::Mediating) {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    queries::insert_round(&mut *tx, id, &round, user.id).await?;
    let held = round.held_on.to_string();
    let line = Line::event("dispute_case", id, case.organisation_id, "round")
        .with_comment(&held)
        .with_detail(serde_json::json!({
            "held_on": held, "offered": round.offered.map(|m| m.fen()),
            "agreed": round.agreed.map(|m| m.fen()), "next_on": round.next_on.map(|d| d.to_string()),
        }));
    finish(tx, &ctx, &user, line, "dispute.flash.round").await
}

pub async fn create_extension(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    Form(form): Form<ExtensionForm>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    let Some(due_on) = case.due_on.filter(|_| case.status == Status::Mediating) else {
        return Err(crate::workflow::Refused("dispute.refused.step").conflict(back(id)));
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let new_due = parse_date(&form.due_on);
    match new_due {
        None => errors.add("due_on", "dispute.error.date"),
        Some(day) if day <= due_on => errors.add("due_on", "dispute.error.not_later"),
        _ => {}
    }
    let reason = clean_text(form.reason.trim());
    if reason.is_empty() || reason.chars().count() > 500 {
        errors.add("reason", "dispute.error.reason");
    }
    let (Some(new_due), true) = (new_due, errors.is_empty()) else {
        let forms = StepForms {
            extension: form,
            failed: "extension",
            ..StepForms::default()
        };
        return page(&state, ctx, &user, case, (forms, errors)).await;
    };
    let mut tx = state.db.begin().await?;
    if !queries::extend(&mut *tx, id, new_due).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let comment = format!("{new_due}：{reason}");
    let line = Line::event("dispute_case", id, case.organisation_id, "extended")
        .with_comment(&comment)
        .with_detail(
            serde_json::json!({ "from_due_on": due_on.to_string(), "due_on": new_due.to_string() }),
        );
    finish(tx, &ctx, &user, line, "dispute.flash.extended").await
}

pub async fn create_closure(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    Form(form): Form<ClosureForm>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    if !case.status.is_open() {
        return Err(crate::workflow::Refused("dispute.refused.closed").conflict(back(id)));
    }
    let today = crate::joining::queries::today(&state.db).await?;
    let last = queries::last_day(&state.db, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let checked = form.check(&mut errors, last, today);
    let step = checked.as_ref().map(|c| match c.outcome {
        Status::NotAccepted => Step::Decline,
        other => Step::Close(other),
    });
    let to = step.map(|step| transition(case.status, step));
    if let Some(Err(_)) = to {
        errors.add("outcome", "dispute.error.outcome");
    }
    let (Some(closure), Some(Ok(to)), true) = (checked, to, errors.is_empty()) else {
        let forms = StepForms {
            closure: form,
            failed: "closure",
            ..StepForms::default()
        };
        return page(&state, ctx, &user, case, (forms, errors)).await;
    };
    let mut tx = state.db.begin().await?;
    if !queries::close(&mut *tx, id, case.status, &closure).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let line = Line::change(
        "dispute_case",
        id,
        case.organisation_id,
        to.code(),
        case.status.code(),
        to.code(),
    )
    .with_comment(&closure.note)
    .with_detail(serde_json::json!({
        "closed_on": closure.closed_on.to_string(), "agreed": closure.agreed.map(|m| m.fen()),
    }));
    finish(tx, &ctx, &user, line, "dispute.flash.closed").await
}
