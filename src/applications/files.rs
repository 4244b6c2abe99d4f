//! An application's attachments: the plan, the budget sheet and photos while it is drafted or
//! revised, receipts with the final report. Served only to those who may see the application.

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::routes::{find, show_page};
use super::views::DecisionForm;
use crate::access::{CurrentUser, Reader, Staff};
use crate::attachments;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;

/// What a file of an application may be for.
pub const PURPOSES: [&str; 4] = ["plan", "budget", "photo", "receipt"];

pub async fn create_attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    request: Request,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    if !(application.status.is_editable() || application.status == super::model::Status::Approved) {
        return Err(AppError::Conflict {
            key: "application.refused.not_editable",
            back: format!("/applications/{id}"),
        });
    }
    let (upload, kind) = match attachments::receive(request, &state, &PURPOSES).await {
        Ok(checked) => checked,
        Err(key) => {
            let mut form = DecisionForm::for_application(&application);
            form.errors = FieldErrors::new(ctx.locale);
            form.errors.add("file", key);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return show_page(&state, ctx, &user, application, form, status).await;
        }
    };
    let owner = (("application", id), application.organisation_id);
    let back = format!("/applications/{id}#files");
    attachments::keep(&state.db, &ctx.actor(&user), owner, (&upload, kind), &back).await
}

async fn owner(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<i64> {
    Ok(find(state, user, id).await?.id)
}

pub async fn show_attachment(
    State(state): State<AppState>,
    Reader(user): Reader,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let id = owner(&state, &user, id).await?;
    attachments::serve(&state.db, ("application", id), file).await
}

pub async fn create_attachment_deletion(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    let back = format!("/applications/{id}#files");
    if !application.status.is_editable() {
        return Err(AppError::Conflict {
            key: "application.refused.not_editable",
            back,
        });
    }
    let owner = (("application", id), application.organisation_id);
    attachments::discard(&state.db, &ctx.actor(&user), owner, file, &back).await
}
