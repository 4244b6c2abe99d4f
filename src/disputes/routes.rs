//! The list of cases, intake, and a case's page.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{IntakeForm, Kind, Status, ValidIntake};
use super::queries::{self, Case, NewCase};
use super::search::{self, Filters};
use super::views::{IndexTemplate, IntakeTemplate, ListQuery};
use super::{CaseHandler, CaseReader, handles_cases};
use crate::access::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::members::worker::{self, SealedWorker};
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::paging::{PageRequest, Pager};
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseReader(user): CaseReader,
    Query(query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let request = PageRequest::new(query.page);
    let text = crate::web::input::clean_text(query.q.trim());
    let mut errors = FieldErrors::new(ctx.locale);
    let received = (
        errors.optional_date("from", &query.from),
        errors.optional_date("to", &query.to),
    );
    let filters = Filters {
        status: Status::parse(&query.status),
        kind: Kind::parse(&query.kind),
        overdue: query.overdue.is_some(),
        mediator: if query.mine.is_some() {
            Some(user.id)
        } else {
            query.mediator
        },
        search: match text.as_str() {
            "" => None,
            text => Some(search::CaseSearch::read(&state.db, text).await?),
        },
        employer_id: query.employer,
        organisation_id: query.org,
        received,
    };
    let employer_name = match query.employer {
        Some(id) => crate::employers::queries::find_visible(&state.db, id, &user.scope)
            .await?
            .map(|e| e.name),
        None => None,
    };
    let organisation_name = match query.org {
        Some(id) => crate::orgs::queries::find_in_scope(&state.db, id, &user.scope)
            .await?
            .map(|o| o.name),
        None => None,
    };
    let mediators = queries::mediators(&state.db, user.scope.path(), &user.scope).await?;
    let page = (request.limit(), request.offset());
    let (mut cases, total) = search::page(&state.db, &user.scope, &filters, page).await?;
    let link = query.to_query();
    let pager = Pager::for_count(request, &mut cases, total, |page| {
        format!("/disputes?{link}&page={page}")
    });
    Ok(IndexTemplate {
        ctx,
        query,
        cases,
        total,
        pager,
        can_take_in: handles_cases(&user),
        mediates: user.can(Role::Mediator),
        mediators,
        employer_name,
        organisation_name,
        errors,
    })
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(_): CaseHandler,
) -> AppResult<IntakeTemplate> {
    let today = crate::joining::queries::today(&state.db).await?;
    Ok(IntakeTemplate {
        errors: FieldErrors::new(ctx.locale),
        ctx,
        form: IntakeForm {
            received_on: today.to_string(),
            ..IntakeForm::default()
        },
    })
}

/// Takes in a case at the user's own organisation: the worker (a member of the subtree, or
/// someone whose ID number and phone are sealed), the employer from the register, the claim.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Form(form): Form<IntakeForm>,
) -> AppResult<Response> {
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let valid = form.check(&mut errors, today);
    let employer =
        crate::employers::queries::find_named(&state.db, &form.employer, &user.scope).await?;
    if employer.is_none() && !form.employer.trim().is_empty() {
        errors.add("employer", "dispute.error.employer_unknown");
    }
    let worker = match valid.as_ref() {
        Some(valid) => worker::resolve(&state, &user.scope, &valid.worker, &mut errors).await?,
        None => None,
    };
    let (Some(valid), Some(worker), Some((employer_id, _)), true) =
        (valid, worker, employer, errors.is_empty())
    else {
        let page = IntakeTemplate { ctx, form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let id = take_in(&state, &ctx, &user, &valid, worker, employer_id).await?;
    Ok(redirect_with(
        Flash::success("dispute.flash.taken_in"),
        &format!("/disputes/{id}"),
    ))
}

async fn take_in(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    valid: &ValidIntake,
    worker: SealedWorker,
    employer_id: i64,
) -> AppResult<i64> {
    let organisation =
        crate::orgs::queries::find_in_scope(&state.db, user.organisation_id, &user.scope)
            .await?
            .ok_or(AppError::NotFound)?;
    let mark = organisation.document_mark();
    let case = NewCase {
        organisation_id: organisation.id,
        channel: valid.channel,
        kind: valid.kind,
        member_id: worker.member_id,
        worker_name: &worker.name,
        worker_id: worker.id_number,
        worker_phone_cipher: worker.phone,
        employer_id,
        facts: &valid.facts,
        claimed: valid.claimed,
        received_on: valid.received_on,
    };
    let mut tx = state.db.begin().await?;
    let (id, number) = queries::insert(&mut tx, &case, &mark).await?;
    let detail = serde_json::json!({
        "number": number, "kind": valid.kind.code(), "claimed": valid.claimed.fen(),
        "employer_id": employer_id, "member_id": case.member_id,
    });
    let mut line = Line::event("dispute_case", id, organisation.id, "received").with_detail(detail);
    line.to = Some("received");
    workflow::record(&mut tx, &ctx.actor(user), &line).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Case> {
    queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}
