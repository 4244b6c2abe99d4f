//! A case's evidence (证据材料): the contract, pay slips and transfers, attendance, chat screenshots,
//! medical papers … as PDF, JPEG or PNG, checked by content and kept in PostgreSQL. Added and
//! removed while the case is open by those who handle it; read by those who read the case, and
//! only through it, so another union's evidence answers 404.

use axum::extract::{Path, Request, State};
use axum::response::Response;

use super::page::page;
use super::routes::find;
use super::views::StepForms;
use super::{CaseHandler, CaseReader};
use crate::attachments;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::workflow::Refused;

/// What a piece of evidence is.
pub const PURPOSES: [&str; 6] = ["contract", "pay", "attendance", "chat", "medical", "other"];

const OWNER: &str = "dispute_case";

fn back(id: i64) -> String {
    format!("/disputes/{id}#evidence")
}

pub async fn create_evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    request: Request,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    if !case.status.is_open() {
        return Err(Refused("dispute.refused.closed").conflict(back(id)));
    }
    let (upload, kind) = match attachments::receive(request, &state, &PURPOSES).await {
        Ok(checked) => checked,
        Err(key) => {
            let mut errors = FieldErrors::new(ctx.locale);
            errors.add("file", key);
            let forms = StepForms {
                failed: "evidence",
                ..StepForms::default()
            };
            return page(&state, ctx, &user, case, (forms, errors)).await;
        }
    };
    let owner = ((OWNER, id), case.organisation_id);
    attachments::keep(
        &state.db,
        &ctx.actor(&user),
        owner,
        (&upload, kind),
        &back(id),
    )
    .await
}

pub async fn show_evidence(
    State(state): State<AppState>,
    CaseReader(user): CaseReader,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    attachments::serve(&state.db, (OWNER, case.id), file).await
}

pub async fn create_evidence_deletion(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    if !case.status.is_open() {
        return Err(Refused("dispute.refused.closed").conflict(back(id)));
    }
    let owner = ((OWNER, id), case.organisation_id);
    attachments::discard(&state.db, &ctx.actor(&user), owner, file, &back(id)).await
}
