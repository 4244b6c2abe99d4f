//! A claim's documents (理赔材料): the diagnosis, invoices, the accident's record, the member's ID
//! and bank card, as PDF, JPEG or PNG checked by content and kept in PostgreSQL. Staff add and
//! remove them while the claim is open; whoever reads the claim reads them, only through it.

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::claims::{claim_page, find};
use super::views::StepForms;
use crate::access::{Reader, Staff};
use crate::attachments;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::workflow::Refused;

/// What a claim's document is.
pub const PURPOSES: [&str; 6] = [
    "medical", "receipt", "accident", "identity", "bank", "other",
];

pub const OWNER: &str = "aid_claim";

fn back(id: i64) -> String {
    format!("/aid/claims/{id}#documents")
}

pub async fn create_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    request: Request,
) -> AppResult<Response> {
    let claim = find(&state, &user, id).await?;
    if !claim.status.is_open() {
        return Err(Refused("aid.refused.closed").conflict(back(id)));
    }
    let (upload, kind) = match attachments::receive(request, &state, &PURPOSES).await {
        Ok(checked) => checked,
        Err(key) => {
            let mut errors = FieldErrors::new(ctx.locale);
            errors.add("file", key);
            let forms = StepForms {
                failed: Some("documents"),
                errors: Some(errors),
                ..StepForms::default()
            };
            let page = claim_page(&state, ctx, &user, claim, forms).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let owner = ((OWNER, id), claim.organisation_id);
    attachments::keep(
        &state.db,
        &ctx.actor(&user),
        owner,
        (&upload, kind),
        &back(id),
    )
    .await
}

pub async fn show_document(
    State(state): State<AppState>,
    Reader(user): Reader,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let claim = find(&state, &user, id).await?;
    attachments::serve(&state.db, (OWNER, claim.id), file).await
}

pub async fn create_document_deletion(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let claim = find(&state, &user, id).await?;
    if !claim.status.is_open() {
        return Err(Refused("aid.refused.closed").conflict(back(id)));
    }
    let owner = ((OWNER, id), claim.organisation_id);
    attachments::discard(&state.db, &ctx.actor(&user), owner, file, &back(id)).await
}
