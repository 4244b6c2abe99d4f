//! Handlers of recommendations: the competition's list with the form that puts a winner forward,
//! and the steps (submitted to a granting body, granted, declined), each one transaction with
//! its timeline line and audit record. A granted promotion raises the member's skill level.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{RecommendForm, Status, Step, check_body, transition};
use super::queries as q;
use super::views::{MemberRecord, RecommendationsTemplate, Returned};
use crate::access::{CurrentUser, Role, Staff};
use crate::audit::{self, Change};
use crate::competitions::model::Status as CompetitionStatus;
use crate::competitions::queries::Competition;
use crate::competitions::routes::{find, find_to_change};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::input::check_reason;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line, Refused};

const ALREADY_RECOMMENDED: Unique = Unique {
    constraint: "recommendations_contestant_id_kind_key",
    field: "kind",
    key: "honour.error.duplicate",
};

fn back(id: i64) -> String {
    format!("/competitions/{id}/recommendations")
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let competition = find(&state, &user, id).await?;
    let errors = FieldErrors::new(ctx.locale);
    page(
        &state,
        ctx,
        &user,
        competition,
        (Returned::default(), errors),
    )
    .await
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    competition: Competition,
    (returned, errors): (Returned, FieldErrors),
) -> AppResult<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let can_change = user.can(Role::Staff)
        && user.scope.holds(&competition.organisation_path)
        && competition.status == CompetitionStatus::ResultsPublished;
    let page = RecommendationsTemplate {
        winners: q::winners(&state.db, competition.id).await?,
        recommendations: q::of_competition(&state.db, competition.id).await?,
        ctx,
        competition,
        can_change,
        links_members: user.reads_union_records(),
        returned,
        errors,
    };
    Ok((status, page).into_response())
}

/// Puts a winner forward for an honour or a promotion, once the results are published.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<RecommendForm>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    if competition.status != CompetitionStatus::ResultsPublished {
        return Err(Refused("honour.refused.not_published").conflict(back(id)));
    }
    let winners = q::winners(&state.db, id).await?;
    let chosen = winners
        .iter()
        .find(|w| w.contestant_id.to_string() == form.contestant_id.trim());
    let mut errors = FieldErrors::new(ctx.locale);
    let current = chosen.and_then(|w| w.skill_level.as_deref());
    let checked = form.check(&mut errors, current);
    if chosen.is_none() && errors.get("contestant_id").is_none() {
        errors.add("contestant_id", "honour.error.winner");
    }
    let (Some(recommend), Some(_)) = (checked, chosen) else {
        let returned = Returned {
            form,
            ..Returned::default()
        };
        return page(&state, ctx, &user, competition, (returned, errors)).await;
    };
    let mut tx = state.db.begin().await?;
    let inserted = q::insert(&mut *tx, id, &recommend).await;
    let Some(new_id) = errors
        .on_constraint(inserted, &ALREADY_RECOMMENDED)?
        .flatten()
    else {
        drop(tx);
        let returned = Returned {
            form,
            ..Returned::default()
        };
        if errors.is_empty() {
            return Err(AppError::NotFound);
        }
        return page(&state, ctx, &user, competition, (returned, errors)).await;
    };
    let line = Line::event(
        "recommendation",
        new_id,
        competition.organisation_id,
        "proposed",
    )
    .with_comment(recommend.kind)
    .with_detail(
        serde_json::json!({ "contestant_id": recommend.contestant_id,
            "skill_level": recommend.skill_level }),
    );
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("honour.flash.proposed"),
        &back(id),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    granting_body: String,
    #[serde(default)]
    reason: String,
}

pub async fn create_submission(
    state: State<AppState>,
    ctx: Ctx,
    staff: Staff,
    path: Path<(i64, i64)>,
    form: Form<StepForm>,
) -> AppResult<Response> {
    take(state, ctx, staff, path, form, Step::Submit).await
}

pub async fn create_grant(
    state: State<AppState>,
    ctx: Ctx,
    staff: Staff,
    path: Path<(i64, i64)>,
    form: Form<StepForm>,
) -> AppResult<Response> {
    take(state, ctx, staff, path, form, Step::Grant).await
}

pub async fn create_decline(
    state: State<AppState>,
    ctx: Ctx,
    staff: Staff,
    path: Path<(i64, i64)>,
    form: Form<StepForm>,
) -> AppResult<Response> {
    take(state, ctx, staff, path, form, Step::Decline).await
}

/// One step of a recommendation in one transaction: the state moves only from the state it was
/// read in; the granting body is named on submission, a reason given on declining.
async fn take(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, recommendation)): Path<(i64, i64)>,
    Form(form): Form<StepForm>,
    step: Step,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let mut tx = state.db.begin().await?;
    let (from, member_id, level, kind) = q::lock(&mut *tx, id, recommendation)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new(ctx.locale);
    let (body, reason) = match step {
        Step::Submit => (
            errors.check("granting_body", check_body(&form.granting_body)),
            None,
        ),
        Step::Decline => {
            let keys = ["honour.error.reason_missing", "honour.error.reason_long"];
            (
                None,
                errors.check("reason", check_reason(&form.reason, keys)),
            )
        }
        Step::Grant => (None, None),
    };
    if !errors.is_empty() {
        drop(tx);
        let text = if step == Step::Submit {
            form.granting_body
        } else {
            form.reason
        };
        let returned = Returned {
            row: Some(recommendation),
            text,
            ..Returned::default()
        };
        return page(&state, ctx, &user, competition, (returned, errors)).await;
    }
    let to = transition(from, step).map_err(|r| r.conflict(back(id)))?;
    let stepped = (from, to);
    if !q::step(
        &mut *tx,
        recommendation,
        stepped,
        body.as_deref(),
        reason.as_deref(),
    )
    .await?
    {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    if let (Status::Granted, Some(level)) = (to, level.as_deref()) {
        let before = q::promote(&mut *tx, member_id, level).await?;
        let change = Change {
            entity: "member",
            entity_id: member_id.to_string(),
            action: "update",
            organisation_id: None,
            before: Some(serde_json::json!({ "skill_level": before })),
            after: Some(serde_json::json!({ "skill_level": level,
                "recommendation_id": recommendation })),
        };
        audit::record(&mut *tx, &ctx.actor(&user), change).await?;
    }
    let comment = body.or(reason).unwrap_or(kind);
    let line = Line::change(
        "recommendation",
        recommendation,
        competition.organisation_id,
        step.event(),
        from.code(),
        to.code(),
    )
    .with_comment(&comment);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("flash.saved"), &back(id)))
}

/// The member page's record of competitions, certificates and honours.
pub async fn member_record(state: &AppState, member_id: i64) -> AppResult<MemberRecord> {
    Ok(MemberRecord {
        entered: q::entered(&state.db, member_id).await?,
        certificates: crate::certificates::queries::of_member(&state.db, member_id).await?,
        honours: q::honours(&state.db, member_id).await?,
    })
}
