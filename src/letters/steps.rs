//! A letter's steps, each a resource: its delivery (the reply falls due a number of working days
//! later by the official calendar) and the employer's reply (and whether it put the matter right).
//! Each is one transaction with its timeline line and audit record.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;

use super::model::{DeliveryForm, ReplyForm, Status};
use super::queries;
use super::routes::{StepForms, find, page};
use crate::disputes::CaseHandler;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line, Refused};

fn back(id: i64) -> String {
    format!("/letters/{id}")
}

pub async fn create_delivery(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    Form(form): Form<DeliveryForm>,
) -> AppResult<Response> {
    let letter = find(&state, &user, id).await?;
    if letter.status != Status::Issued {
        return Err(Refused("letter.refused.delivered").conflict(back(id)));
    }
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some((delivered_on, how)) = form.check(&mut errors, letter.issued_on, today) else {
        let forms = StepForms {
            delivery: form,
            errors: Some(errors),
            ..StepForms::default()
        };
        return page(&state, ctx, &user, letter, forms).await;
    };
    let days = u32::try_from(letter.reply_days).unwrap_or(1);
    let mut tx = state.db.begin().await?;
    let due = crate::calendar::working_days_after(&mut *tx, delivered_on, days).await?;
    if !queries::deliver(&mut *tx, id, (delivered_on, &how), due).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let line = Line::change(
        "supervision_letter",
        id,
        letter.organisation_id,
        "delivered",
        "issued",
        "delivered",
    )
    .with_comment(&how)
    .with_detail(serde_json::json!({
        "delivered_on": delivered_on.to_string(), "reply_due_on": due.to_string(),
    }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("letter.flash.delivered"),
        &back(id),
    ))
}

pub async fn create_reply(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> AppResult<Response> {
    let letter = find(&state, &user, id).await?;
    let (Status::Delivered, Some(delivered_on)) = (letter.status, letter.delivered_on) else {
        return Err(Refused("letter.refused.reply").conflict(back(id)));
    };
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(reply) = form.check(&mut errors, delivered_on, today) else {
        let forms = StepForms {
            reply: form,
            errors: Some(errors),
            ..StepForms::default()
        };
        return page(&state, ctx, &user, letter, forms).await;
    };
    let mut tx = state.db.begin().await?;
    if !queries::record_reply(&mut *tx, id, &reply).await? {
        return Err(ALREADY_DONE.conflict(back(id)));
    }
    let late = letter
        .reply_due_on
        .is_some_and(|due| reply.replied_on > due);
    let line = Line::change(
        "supervision_letter",
        id,
        letter.organisation_id,
        if reply.rectified {
            "rectified"
        } else {
            "not_rectified"
        },
        "delivered",
        "replied",
    )
    .with_comment(&reply.reply)
    .with_detail(serde_json::json!({
        "replied_on": reply.replied_on.to_string(), "rectified": reply.rectified, "late": late,
    }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("letter.flash.replied"),
        &back(id),
    ))
}
