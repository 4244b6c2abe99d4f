//! Handlers of an event's panel of judges: putting an account holding the judge's role on it
//! (with the employer they declare, for conflicts of interest), taking one off, naming the chief.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::judge_queries as jq;
use super::model::RulesForm;
use super::queries as q;
use super::routes::{audit, back, page, panel_may_change};
use super::views::EventForms;
use crate::access::{CurrentUser, Staff};
use crate::competitions::model::Status;
use crate::competitions::queries::Competition;
use crate::competitions::routes::find_to_change;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Ctx, saved};
use crate::workflow::Refused;

#[derive(Debug, Default, Deserialize)]
pub struct JudgeForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    employer: String,
}

/// Opens the change's transaction with the competition locked, refusing once marking is over.
async fn begin(
    state: &AppState,
    (id, event): (i64, i64),
) -> AppResult<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = state.db.begin().await?;
    let status = q::lock_for_registration(&mut *tx, id)
        .await?
        .and_then(|(status, _)| Status::parse(&status))
        .ok_or(AppError::NotFound)?;
    if !panel_may_change(status) {
        return Err(Refused("contestant.refused.panel_fixed").conflict(back(id, event)));
    }
    Ok(tx)
}

/// Records a change of the panel with its audit record, commits it and goes back to the panel.
async fn finish(
    mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
    (ctx, user): (&Ctx, &CurrentUser),
    (competition, (id, event)): (&Competition, (i64, i64)),
    (action, change): (
        &'static str,
        (Option<serde_json::Value>, Option<serde_json::Value>),
    ),
) -> AppResult<Response> {
    let what = ("event_judge", event, action);
    audit(
        &mut tx,
        (ctx, user),
        competition.organisation_id,
        what,
        change,
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("{}#judges", back(id, event))))
}

async fn competition_and_event(
    state: &AppState,
    user: &CurrentUser,
    (id, event): (i64, i64),
) -> AppResult<(Competition, q::EventHead)> {
    let competition = find_to_change(state, user, id).await?;
    let head = q::find_event(&state.db, id, event)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((competition, head))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
    Form(form): Form<JudgeForm>,
) -> AppResult<Response> {
    let (competition, head) = competition_and_event(&state, &user, (id, event)).await?;
    let mut forms = EventForms::new(ctx.locale, RulesForm::from_rules(&head.rules));
    forms.failed = "judge";
    let employer = crate::web::input::clean_text(&form.employer);
    if employer.chars().count() > 100 {
        forms
            .errors
            .add("employer", "contestant.error.employer_long");
    }
    let judge = form.user_id.trim().parse::<i64>().ok();
    let eligible = match judge {
        Some(judge) => jq::may_judge(&state.db, judge, &competition.organisation_path).await?,
        None => false,
    };
    if !eligible {
        forms.errors.add("user_id", "contestant.error.judge");
    }
    let (Some(judge), true) = (judge, forms.errors.is_empty()) else {
        forms.judge_employer = form.employer;
        let status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return page(&state, ctx, &user, (competition, head), forms, status).await;
    };
    let mut tx = begin(&state, (id, event)).await?;
    if !jq::insert(&mut *tx, event, judge, &employer).await? {
        return Err(Refused("contestant.refused.judge_on_panel").conflict(back(id, event)));
    }
    let after = serde_json::json!({ "event_id": event, "user_id": judge, "employer": employer });
    let at = (&competition, (id, event));
    finish(tx, (&ctx, &user), at, ("create", (None, Some(after)))).await
}

pub async fn create_deletion(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event, judge)): Path<(i64, i64, i64)>,
) -> AppResult<Response> {
    let (competition, _) = competition_and_event(&state, &user, (id, event)).await?;
    let mut tx = begin(&state, (id, event)).await?;
    if !jq::delete(&mut *tx, event, judge).await? {
        return Err(AppError::NotFound);
    }
    let before = serde_json::json!({ "event_id": event, "user_id": judge });
    let at = (&competition, (id, event));
    finish(tx, (&ctx, &user), at, ("delete", (Some(before), None))).await
}

pub async fn create_chief(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event, judge)): Path<(i64, i64, i64)>,
) -> AppResult<Response> {
    let (competition, _) = competition_and_event(&state, &user, (id, event)).await?;
    let mut tx = begin(&state, (id, event)).await?;
    if !jq::make_chief(&mut tx, event, judge).await? {
        return Err(AppError::NotFound);
    }
    let after = serde_json::json!({ "event_id": event, "chief": judge });
    let at = (&competition, (id, event));
    finish(tx, (&ctx, &user), at, ("make_chief", (None, Some(after)))).await
}

/// Assigns a judge to the ticked sub-items of the event (all ticked, or none: every sub-item).
pub async fn create_items(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event, judge)): Path<(i64, i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (competition, _) = competition_and_event(&state, &user, (id, event)).await?;
    let of_event = crate::marks::queries::items_of_event(&state.db, event).await?;
    let mut items: Vec<i64> = pairs
        .iter()
        .filter(|(name, _)| name == "item")
        .filter_map(|(_, value)| value.parse::<i64>().ok())
        .filter(|item| of_event.iter().any(|(id, ..)| id == item))
        .collect();
    items.sort_unstable();
    items.dedup();
    if items.len() == of_event.len() {
        items.clear();
    }
    let mut tx = begin(&state, (id, event)).await?;
    if !jq::set_items(&mut *tx, event, judge, &items).await? {
        return Err(AppError::NotFound);
    }
    let after = serde_json::json!({ "event_id": event, "user_id": judge, "items": items });
    let at = (&competition, (id, event));
    finish(tx, (&ctx, &user), at, ("assign_items", (None, Some(after)))).await
}
