//! The reviewer's queue: what waits for a decision, oldest first, with the balance each would
//! draw on; several can be approved (at the amount asked) or returned at once, each still checked
//! and committed on its own.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;

use super::list::{self, ListQuery};
use super::steps::{grant, send_back};
use super::views::QueueTemplate;
use crate::access::Reviewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::Ticked;
use crate::web::paging::{PageRequest, Pager};
use crate::web::{Ctx, Flash, batch_result, redirect_with};

const QUEUE: &str = "/applications/queue";

pub async fn index_queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    Query(mut query): Query<ListQuery>,
) -> AppResult<QueueTemplate> {
    if query.status.is_empty() {
        query.status = "waiting".into();
    }
    let request = PageRequest::new(query.page);
    let mut rows = list::list(
        &state.db,
        &user.scope,
        &query,
        true,
        request.limit(),
        request.offset(),
    )
    .await?;
    let total = list::count(&state.db, &user.scope, &query).await?;
    let filters = query.to_query();
    let pager = Pager::counted(request, &mut rows, total, |page| {
        format!("{QUEUE}?{filters}&page={page}")
    });
    Ok(QueueTemplate {
        funds: crate::funds::queries::list_visible(&state.db, &user.scope).await?,
        tracks: crate::tracks::queries::list_all(&state.db).await?,
        ctx,
        query,
        rows,
        total,
        pager,
    })
}

pub async fn create_approvals(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    body: Bytes,
) -> AppResult<Response> {
    let Some(ticked) = Ticked::read(&body) else {
        return Ok(redirect_with(Flash::error("join.batch.none"), QUEUE));
    };
    let actor = ctx.actor(&user);
    let (mut done, mut left) = (0_u64, 0_u64);
    for id in ticked.ids {
        match grant(&state, &actor, &user, id, None, "").await {
            Ok(Ok(_)) => done += 1,
            Ok(Err(_))
            | Err(AppError::NotFound | AppError::Forbidden | AppError::Conflict { .. }) => {
                left += 1
            }
            Err(other) => return Err(other),
        }
    }
    Ok(batch_result(
        QUEUE,
        ("application.batch.approved", "application.batch.some_left"),
        done,
        left,
    ))
}

pub async fn create_returns(
    State(state): State<AppState>,
    ctx: Ctx,
    Reviewer(user): Reviewer,
    body: Bytes,
) -> AppResult<Response> {
    let Some(ticked) = Ticked::read(&body) else {
        return Ok(redirect_with(Flash::error("join.batch.none"), QUEUE));
    };
    let note = crate::web::input::clean_text(ticked.text("note"));
    if note.is_empty() {
        return Ok(redirect_with(
            Flash::error("application.error.return_note"),
            QUEUE,
        ));
    }
    let actor = ctx.actor(&user);
    let (mut done, mut left) = (0_u64, 0_u64);
    for id in ticked.ids {
        match send_back(&state, &actor, &user, id, &note).await {
            Ok(Ok(())) => done += 1,
            Ok(Err(_))
            | Err(AppError::NotFound | AppError::Forbidden | AppError::Conflict { .. }) => {
                left += 1
            }
            Err(other) => return Err(other),
        }
    }
    Ok(batch_result(
        QUEUE,
        ("application.batch.returned", "application.batch.some_left"),
        done,
        left,
    ))
}
