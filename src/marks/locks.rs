//! The chief judge's lock of a sub-item, once every contestant has a mark (for a judgement, from
//! three or more judges no further apart than the gap), and the unlock, which needs a reason.
//! Both are lines of the competition's timeline and records of the audit trail.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::model::lock_marks;
use super::queries as q;
use super::routes::{Returned, Sheet, back, load, page};
use crate::access::CurrentUser;
use crate::competitions::model::Status;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line, Refused};

/// The sheet, for its event's chief judge while the competition is under way (403 otherwise).
async fn for_chief(
    state: &AppState,
    user: &CurrentUser,
    (id, item): (i64, i64),
) -> AppResult<Sheet> {
    let sheet = load(state, user, id, item).await?;
    if !sheet.judge(user).is_some_and(|j| j.chief) {
        return Err(AppError::Forbidden);
    }
    if sheet.competition.status != Status::InProgress {
        return Err(Refused("marks.refused.not_in_progress").conflict(back(id, item)));
    }
    Ok(sheet)
}

pub async fn create_lock(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, item)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let sheet = for_chief(&state, &user, (id, item)).await?;
    let here = back(id, item);
    let mut tx = state.db.begin().await?;
    match q::lock_item(&mut *tx, id, item).await? {
        None => return Err(AppError::NotFound),
        Some(true) => return Err(workflow::ALREADY_DONE.conflict(here)),
        Some(false) => {}
    }
    // Read again under the lock: no value can change between the check and the lock.
    let rows = q::sheet_rows(&mut *tx, sheet.item.event_id, item).await?;
    let sheet = Sheet { rows, ..sheet };
    let marks = match lock_marks(sheet.item.marking, sheet.item.max_mark, &sheet.scores()) {
        Ok(marks) => marks,
        Err(lock_problems) => {
            drop(tx);
            let returned = Returned {
                lock_problems,
                ..Returned::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(page(ctx, &user, sheet, returned, status));
        }
    };
    if !q::lock(&mut tx, item, user.id, &marks).await? {
        return Err(workflow::ALREADY_DONE.conflict(here));
    }
    let organisation = sheet.competition.organisation_id;
    let line = Line::event("competition", id, organisation, "item_locked")
        .with_comment(&sheet.item.name)
        .with_detail(serde_json::json!({ "item_id": item, "marks": marks.len() }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("marks.flash.locked"), &here))
}

#[derive(Debug, Default, Deserialize)]
pub struct UnlockForm {
    #[serde(default)]
    reason: String,
}

pub async fn create_unlock(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, item)): Path<(i64, i64)>,
    Form(form): Form<UnlockForm>,
) -> AppResult<Response> {
    let sheet = for_chief(&state, &user, (id, item)).await?;
    let keys = ["marks.error.reason_missing", "marks.error.reason_long"];
    let reason = match crate::web::input::check_reason(&form.reason, keys) {
        Ok(reason) => reason,
        Err(key) => {
            let returned = Returned {
                reason: form.reason,
                reason_error: Some(key),
                ..Returned::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(page(ctx, &user, sheet, returned, status));
        }
    };
    let here = back(id, item);
    let mut tx = state.db.begin().await?;
    if q::lock_item(&mut *tx, id, item).await?.is_none() {
        return Err(AppError::NotFound);
    }
    if !q::unlock(&mut tx, item).await? {
        return Err(Refused("marks.refused.not_locked").conflict(here));
    }
    let comment = format!("{}：{reason}", sheet.item.name);
    let organisation = sheet.competition.organisation_id;
    let line = Line::event("competition", id, organisation, "item_unlocked")
        .with_comment(&comment)
        .with_detail(serde_json::json!({ "item_id": item }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("marks.flash.unlocked"), &here))
}
