//! Handlers of an event's results: the standings (provisional until the competition publishes
//! them, then as frozen), how the event gives its awards, and the history of locks and unlocks.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::AwardForm;
use super::queries as q;
use super::views::{ResultsTable, ResultsTemplate};
use crate::access::{CurrentUser, Role, Staff};
use crate::competitions::model::Status;
use crate::competitions::queries::Competition;
use crate::competitions::routes::{find, find_to_change};
use crate::contestants::queries::EventHead;
use crate::contestants::routes::find_event;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, saved};
use crate::workflow::Refused;

/// The lines of the competition's history the results page shows.
const HISTORY: [&str; 3] = ["item_locked", "item_unlocked", "results_published"];

pub fn back(id: i64, event: i64) -> String {
    format!("/competitions/{id}/events/{event}/results")
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, event)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let competition = find(&state, &user, id).await?;
    let head = find_event(&state, &user, &competition, event).await?;
    let rule = q::award_rule(&state.db, event).await?;
    let form = AwardForm::from_rule(&rule);
    let errors = FieldErrors::new(ctx.locale);
    page(
        &state,
        ctx,
        &user,
        (competition, head),
        (form, errors),
        StatusCode::OK,
    )
    .await
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    (competition, event): (Competition, EventHead),
    (form, errors): (AwardForm, FieldErrors),
    status: StatusCode,
) -> AppResult<Response> {
    let published = competition.status == Status::ResultsPublished;
    // Published results are frozen: their table is rendered once per language and kept.
    let key = format!("results:{}:{}", event.id, ctx.locale.code());
    let table = match published.then(|| state.fragments.get(&key)).flatten() {
        Some(table) => table,
        None => {
            let lines = if published {
                q::published(&state.db, event.id).await?
            } else {
                let rule = q::award_rule(&state.db, event.id).await?;
                let mut lines = q::standings(&state.db, event.id).await?;
                q::award_all(&rule, &mut lines);
                lines
            };
            let table = ResultsTable {
                ctx: &ctx,
                event: &event,
                lines: &lines,
            };
            let html = table.render().map_err(AppError::internal)?;
            if published {
                state.fragments.keep(key, html)
            } else {
                html.into()
            }
        }
    };
    let items = crate::marks::queries::items_of_event(&state.db, event.id).await?;
    let unlocked = items.iter().filter(|(.., locked)| !locked).count();
    let history = crate::workflow::timeline_lines(competition.timeline.clone())
        .into_iter()
        .filter(|line| HISTORY.contains(&line.step.as_str()))
        .collect();
    let can_change = user.can(Role::Staff)
        && user.scope.holds(&competition.organisation_path)
        && !published
        && competition.status != Status::Cancelled;
    let page = ResultsTemplate {
        ctx,
        competition,
        event,
        table,
        published,
        unlocked,
        history,
        form,
        errors,
        can_change,
    };
    Ok((status, page).into_response())
}

/// Sets how the event gives its awards, until the results are published.
pub async fn update_awards(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
    Form(form): Form<AwardForm>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let head = find_event(&state, &user, &competition, event).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(rule) = form.check(&mut errors) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return page(
            &state,
            ctx,
            &user,
            (competition, head),
            (form, errors),
            status,
        )
        .await;
    };
    let mut tx = state.db.begin().await?;
    let status = crate::contestants::queries::lock_for_registration(&mut *tx, id)
        .await?
        .map(|(status, _)| status)
        .ok_or(AppError::NotFound)?;
    if [Status::ResultsPublished, Status::Cancelled]
        .iter()
        .any(|s| s.code() == status)
    {
        return Err(Refused("result.refused.published").conflict(back(id, event)));
    }
    q::save_award_rule(&mut *tx, event, &rule).await?;
    let after = serde_json::json!({ "mode": rule.mode, "values": rule.values,
        "pass_mark": rule.pass_mark.map(|m| m.to_string()) });
    let what = ("event_awards", event, "update");
    crate::contestants::routes::audit(
        &mut tx,
        (&ctx, &user),
        competition.organisation_id,
        what,
        (None, Some(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("{}#awards", back(id, event))))
}
