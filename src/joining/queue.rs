//! The staff queue of join requests, and its two decisions: approve (the worker becomes a member)
//! and decline (with a reason the worker can look up).

use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::model::{JoinStatus, JoinStep, transition};
use super::queries::{self, LockedRequest};
use super::views::QueueTemplate;
use crate::access::{Actor, CurrentUser, Scope, Staff};
use crate::error::{AppError, AppResult};
use crate::members::model::{IdNumber, Phone, ValidMember, parse_occupation};
use crate::members::queries as member_queries;
use crate::state::AppState;
use crate::web::forms::Ticked;
use crate::web::paging::{self, PageRequest, Pager};
use crate::web::{Ctx, Flash, batch_result, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line};

/// The staff queue, where decisions send the user back to.
const QUEUE: &str = "/members/requests";

/// The queue's filters: a state (pending unless asked) and a name, reference or organisation.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub q: String,
    pub page: Option<i64>,
}

impl QueueQuery {
    /// The state shown: `pending` by default, `all` for every state.
    pub fn status(&self) -> &str {
        match self.status.as_str() {
            "approved" | "declined" | "all" => &self.status,
            _ => "pending",
        }
    }
}

pub async fn index_queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Query(query): Query<QueueQuery>,
) -> AppResult<QueueTemplate> {
    let request = PageRequest::new(query.page);
    let status = query.status();
    let search = query.q.trim();
    let mut requests = queries::list_queue(
        &state.db,
        &user.scope,
        (status != "all").then_some(status),
        search,
        (request.limit(), request.offset()),
    )
    .await?;
    let total = requests.first().map_or(0, |row| row.total);
    let pager = Pager::counted(request, &mut requests, total, |page| {
        paging::link(
            QUEUE,
            &[
                ("status", status),
                ("q", search),
                ("page", &page.to_string()),
            ],
        )
    });
    let pending_total = queries::count_pending(&state.db, &user.scope).await?;
    Ok(QueueTemplate {
        ctx,
        requests,
        pager,
        pending_total,
        status: status.to_string(),
        search: search.to_string(),
    })
}

/// Locks a request in the user's scope and checks that `step` applies to it; one already decided
/// sends the user back to the queue with a word, one outside the scope does not exist for them.
async fn lock_for(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    id: i64,
    step: JoinStep,
) -> AppResult<(LockedRequest, JoinStatus)> {
    let request = queries::lock_in_scope(&mut *tx, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = transition(request.status, step).map_err(|refused| refused.conflict(QUEUE))?;
    Ok((request, to))
}

/// Writes the decision, its timeline line and audit record (in the caller's transaction).
async fn decide(
    tx: &mut sqlx::PgConnection,
    actor: &Actor,
    request: &LockedRequest,
    step: JoinStep,
    to: JoinStatus,
    outcome: (Option<i64>, &str),
    detail: serde_json::Value,
) -> AppResult<()> {
    let (member_id, reason) = outcome;
    if !queries::decide(&mut *tx, request.id, request.status, to, member_id, reason).await? {
        return Err(ALREADY_DONE.conflict(QUEUE));
    }
    let line = Line::change(
        "join_request",
        request.id,
        request.organisation_id,
        step.event(),
        request.status.code(),
        to.code(),
    )
    .with_comment(reason)
    .with_detail(detail);
    workflow::record(tx, actor, &line).await?;
    Ok(())
}

/// What came of approving one request.
enum Approval {
    /// The worker is now this member.
    Member(i64),
    /// The ID number became a member some other way meanwhile; nothing was changed.
    AlreadyMember,
}

/// Approves a request in a transaction of its own: the worker becomes a member (joined online).
async fn approve(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> AppResult<Approval> {
    let mut tx = state.db.begin().await?;
    let (request, to) = lock_for(&mut tx, user, id, JoinStep::Approve).await?;
    let id_number = IdNumber::parse(
        &state
            .pii
            .decrypt(&request.id_number_cipher)
            .map_err(AppError::internal)?,
    )
    .map_err(|_| AppError::internal("a stored ID number no longer parses"))?;
    let index = state.pii.index(id_number.as_str());
    if member_queries::find_holder_of_id_number(&mut *tx, &index, &Scope::everywhere())
        .await?
        .is_some()
    {
        return Ok(Approval::AlreadyMember);
    }
    let phone = Phone::parse(
        &state
            .pii
            .decrypt(&request.phone_cipher)
            .map_err(AppError::internal)?,
    )
    .ok_or_else(|| AppError::internal("a stored phone no longer parses"))?;
    let valid = ValidMember {
        name: request.name.clone(),
        id_number,
        phone,
        employer: request.employer.clone(),
        occupation: parse_occupation(&request.occupation).unwrap_or("other"),
        skill_level: None,
        join_date: queries::today(&mut *tx).await?,
        join_channel: "online",
    };
    let record = member_queries::NewMember::sealed(&state.pii, request.organisation_id, &valid);
    let (member_id, member_no) = member_queries::insert_member(&mut *tx, &record).await?;
    let joined = Line::event("member", member_id, request.organisation_id, "joined")
        .between(None, Some(request.organisation_id));
    workflow::write_timeline(&mut tx, actor, &joined).await?;
    let detail = serde_json::json!({ "member_no": member_no });
    let outcome = (Some(member_id), "");
    decide(
        &mut tx,
        actor,
        &request,
        JoinStep::Approve,
        to,
        outcome,
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(Approval::Member(member_id))
}

pub async fn create_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    Ok(match approve(&state, &ctx.actor(&user), &user, id).await? {
        Approval::Member(member_id) => redirect_with(
            Flash::success("join.flash.approved"),
            &format!("/members/{member_id}"),
        ),
        Approval::AlreadyMember => {
            redirect_with(Flash::error("join.error.already_member_queue"), QUEUE)
        }
    })
}

#[derive(Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
}

/// A reason the worker will read: required, at most 200 characters.
fn decline_reason(reason: &str) -> Option<&str> {
    let reason = reason.trim();
    (!reason.is_empty() && reason.chars().count() <= 200).then_some(reason)
}

/// Declines a request in a transaction of its own.
async fn decline(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    reason: Option<&str>,
) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    let (request, to) = lock_for(&mut tx, user, id, JoinStep::Decline).await?;
    let reason = reason.ok_or(AppError::Conflict {
        key: "join.error.reason",
        back: QUEUE.into(),
    })?;
    let detail = serde_json::json!({ "reason": reason });
    decide(
        &mut tx,
        actor,
        &request,
        JoinStep::Decline,
        to,
        (None, reason),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn create_decline(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<DeclineForm>,
) -> AppResult<Response> {
    let reason = decline_reason(&form.reason);
    decline(&state, &ctx.actor(&user), &user, id, reason).await?;
    Ok(redirect_with(Flash::success("join.flash.declined"), QUEUE))
}

/// Approves the ticked requests, each in its own transaction: one that cannot be approved (decided
/// meanwhile, already a member, outside the scope) is counted and left, and the rest go through.
pub async fn create_approvals(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    body: Bytes,
) -> AppResult<Response> {
    let Some(ticked) = Ticked::read(&body) else {
        return Ok(redirect_with(Flash::error("join.batch.none"), QUEUE));
    };
    let actor = ctx.actor(&user);
    let (mut done, mut left) = (0_u64, 0_u64);
    for id in ticked.ids {
        match approve(&state, &actor, &user, id).await {
            Ok(Approval::Member(_)) => done += 1,
            Ok(Approval::AlreadyMember) | Err(AppError::NotFound | AppError::Conflict { .. }) => {
                left += 1
            }
            Err(other) => return Err(other),
        }
    }
    let keys = ("join.batch.approved", "join.batch.approved_some");
    Ok(batch_result(QUEUE, keys, done, left))
}

/// Declines the ticked requests with one reason, each in its own transaction.
pub async fn create_declines(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    body: Bytes,
) -> AppResult<Response> {
    let Some(ticked) = Ticked::read(&body) else {
        return Ok(redirect_with(Flash::error("join.batch.none"), QUEUE));
    };
    let Some(reason) = decline_reason(ticked.text("reason")) else {
        return Ok(redirect_with(Flash::error("join.error.reason"), QUEUE));
    };
    let actor = ctx.actor(&user);
    let (mut done, mut left) = (0_u64, 0_u64);
    for id in ticked.ids.clone() {
        match decline(&state, &actor, &user, id, Some(reason)).await {
            Ok(()) => done += 1,
            Err(AppError::NotFound | AppError::Conflict { .. }) => left += 1,
            Err(other) => return Err(other),
        }
    }
    let keys = ("join.batch.declined", "join.batch.declined_some");
    Ok(batch_result(QUEUE, keys, done, left))
}
