//! The list of cases, intake, and a case's page.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{IntakeForm, Kind, Status, ValidIntake, Worker};
use super::queries::{self, Case, Filters, NewCase};
use super::views::{CaseTemplate, IndexTemplate, IntakeTemplate, ListQuery, StepForms};
use super::{CaseHandler, CaseReader, handles_cases};
use crate::access::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
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
    let search = crate::web::input::clean_text(query.q.trim());
    let filters = Filters {
        status: Status::parse(&query.status),
        kind: Kind::parse(&query.kind),
        overdue: query.overdue.is_some(),
        mediator: query.mine.is_some().then_some(user.id),
        pattern: (!search.is_empty())
            .then(|| format!("%{}%", crate::db::escape_like(search.trim()))),
    };
    let page = (request.limit(), request.offset());
    let (mut cases, total) = queries::list(&state.db, &user.scope, &filters, page).await?;
    let link = query.to_query();
    let pager = Pager::counted(request, &mut cases, total, |page| {
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
    let member = match valid.as_ref().map(|v| &v.worker) {
        Some(Worker::Member(key)) => {
            let found = find_member(&state, &user, key).await?;
            if found.is_none() {
                errors.add("member", "dispute.error.member_unknown");
            }
            found
        }
        _ => None,
    };
    let (Some(valid), Some((employer_id, _)), true) = (valid, employer, errors.is_empty()) else {
        let page = IntakeTemplate { ctx, form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let id = take_in(&state, &ctx, &user, &valid, member, employer_id).await?;
    Ok(redirect_with(
        Flash::success("dispute.flash.taken_in"),
        &format!("/disputes/{id}"),
    ))
}

/// The member a number names in the user's subtree: a member number, or an ID number.
async fn find_member(
    state: &AppState,
    user: &CurrentUser,
    key: &str,
) -> AppResult<Option<(i64, String)>> {
    let index = crate::members::identity::IdNumber::parse(key)
        .ok()
        .map(|id| state.pii.index(id.as_str()));
    let found = crate::contestants::queries::members_by_keys(
        &state.db,
        user.scope.path(),
        &index.into_iter().collect::<Vec<_>>(),
        &[key.to_string()],
    )
    .await?;
    Ok(found.into_iter().next().map(|m| (m.id, m.name)))
}

async fn take_in(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    valid: &ValidIntake,
    member: Option<(i64, String)>,
    employer_id: i64,
) -> AppResult<i64> {
    let organisation =
        crate::orgs::queries::find_in_scope(&state.db, user.organisation_id, &user.scope)
            .await?
            .ok_or(AppError::NotFound)?;
    let mark: String = organisation
        .region
        .chars()
        .chain(organisation.name.chars())
        .take(1)
        .collect();
    let (worker_name, worker_id, phone) = match (&valid.worker, &member) {
        (_, Some((_, name))) => (name.clone(), None, None),
        (
            Worker::Outsider {
                name,
                id_number,
                phone,
            },
            None,
        ) => (
            name.clone(),
            Some((
                state.pii.encrypt(id_number.as_str()),
                state.pii.index(id_number.as_str()),
            )),
            Some(state.pii.encrypt(phone.as_str())),
        ),
        (Worker::Member(_), None) => return Err(AppError::NotFound),
    };
    let case = NewCase {
        organisation_id: organisation.id,
        channel: valid.channel,
        kind: valid.kind,
        member_id: member.as_ref().map(|m| m.0),
        worker_name: &worker_name,
        worker_id,
        worker_phone_cipher: phone,
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

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseReader(user): CaseReader,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    let errors = FieldErrors::new(ctx.locale);
    page(&state, ctx, &user, case, (StepForms::default(), errors)).await
}

/// The case's page; with a refused form's problems (422) when `errors` holds any.
pub async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    case: Case,
    forms: (StepForms, FieldErrors),
) -> AppResult<Response> {
    page_with(state, ctx, user, case, forms, None).await
}

/// The full ID number and phone of a worker who is not a member: for those who handle cases,
/// each view audited, as members' are.
pub async fn show_identity(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    let (Some(id_cipher), Some(phone_cipher)) = (&case.worker_id_cipher, &case.worker_phone_cipher)
    else {
        return Err(AppError::NotFound);
    };
    let id_number = state.pii.decrypt(id_cipher).map_err(AppError::internal)?;
    let phone = state
        .pii
        .decrypt(phone_cipher)
        .map_err(AppError::internal)?;
    crate::audit::record(
        &state.db,
        &ctx.actor(&user),
        crate::audit::Change {
            entity: "dispute_case",
            entity_id: id.to_string(),
            action: "reveal",
            organisation_id: Some(case.organisation_id),
            before: None,
            after: Some(serde_json::json!({ "fields": ["worker_id_number", "worker_phone"] })),
        },
    )
    .await?;
    let forms = (StepForms::default(), FieldErrors::new(ctx.locale));
    page_with(&state, ctx, &user, case, forms, Some((id_number, phone))).await
}

async fn page_with(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    mut case: Case,
    (forms, errors): (StepForms, FieldErrors),
    revealed: Option<(String, String)>,
) -> AppResult<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shown_revealed = revealed.is_some();
    let worker_numbers = match (&case.worker_id_cipher, &case.worker_phone_cipher, revealed) {
        (_, _, Some(full)) => Some(full),
        (Some(id), Some(phone), None) => Some((
            masked_id_number(state, id),
            mask_sealed(state, phone, |text| {
                crate::members::identity::Phone::parse(text).map(|phone| phone.masked())
            }),
        )),
        _ => None,
    };
    let today = crate::joining::queries::today(&state.db).await?;
    let ledger = super::payments::ledger(&state.db, case.id).await?;
    let page = CaseTemplate {
        late: ledger.late(today),
        ledger,
        rounds: queries::rounds(&state.db, case.id).await?,
        timeline: workflow::timeline_lines(case.timeline.take()),
        mediators: mediators_for(state, user, &case).await?,
        worker_numbers,
        revealed: shown_revealed,
        can_handle: handles_cases(user),
        links_members: user.reads_union_records(),
        no_errors: FieldErrors::new(ctx.locale),
        today: today.to_string(),
        ctx,
        case,
        forms,
        errors,
    };
    Ok((status, page).into_response())
}

/// The mediation agreement of a case closed by agreement, to print and sign.
pub async fn show_agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseReader(user): CaseReader,
    Path(id): Path<i64>,
) -> AppResult<super::views::AgreementTemplate> {
    let case = find(&state, &user, id).await?;
    if case.status != Status::Mediated {
        return Err(AppError::NotFound);
    }
    let employer =
        crate::employers::queries::find_visible(&state.db, case.employer_id, &user.scope).await?;
    let worker_id_masked = case
        .worker_id_cipher
        .as_ref()
        .map(|sealed| masked_id_number(&state, sealed));
    Ok(super::views::AgreementTemplate {
        instalments: super::payments::ledger(&state.db, case.id)
            .await?
            .instalments,
        employer_code: employer.and_then(|e| e.credit_code),
        worker_id_masked,
        ctx,
        case,
    })
}

/// The mediators `case` may be given to (see `queries::mediators`).
pub async fn mediators_for(
    state: &AppState,
    user: &CurrentUser,
    case: &Case,
) -> AppResult<Vec<(i64, String)>> {
    let path = crate::orgs::queries::find_in_scope(&state.db, case.organisation_id, &user.scope)
        .await?
        .map(|org| org.path)
        .unwrap_or_default();
    Ok(queries::mediators(&state.db, &path, &user.scope).await?)
}

fn masked_id_number(state: &AppState, sealed: &[u8]) -> String {
    mask_sealed(state, sealed, |text| {
        crate::members::identity::IdNumber::parse(text)
            .map(|id| id.masked())
            .ok()
    })
}

/// A sealed value shown masked; a value the key cannot open shows as asterisks.
fn mask_sealed(state: &AppState, sealed: &[u8], mask: impl Fn(&str) -> Option<String>) -> String {
    state
        .pii
        .decrypt(sealed)
        .ok()
        .and_then(|plain| mask(&plain))
        .unwrap_or_else(|| "****".into())
}
