//! A case's page: its workers, rounds, evidence, letters, agreement and payments with the forms
//! of the next steps; the full numbers of workers who are not members (each view audited); the
//! printable case record (案卷) and the mediation agreement.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::Status;
use super::queries::{self, Case};
use super::routes::find;
use super::views::{CaseTemplate, RecordTemplate, StepForms, WorkerLine};
use super::{CaseHandler, CaseReader, handles_cases};
use crate::access::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::workflow;

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
    page_with(state, ctx, user, case, forms, false).await
}

/// The full ID numbers and phones of the case's workers who are not members: for those who
/// handle cases, each view audited, as members' are.
pub async fn show_identity(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    let workers = super::workers::list(&state.db, &case).await?;
    if workers.iter().all(|worker| worker.id_cipher.is_none()) {
        return Err(AppError::NotFound);
    }
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
    page_with(&state, ctx, &user, case, forms, true).await
}

async fn page_with(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    case: Case,
    (forms, errors): (StepForms, FieldErrors),
    revealed: bool,
) -> AppResult<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = case_page(state, ctx, user, case, (forms, errors), revealed).await?;
    Ok((status, page).into_response())
}

/// Everything the case's page (and its printable record) shows.
async fn case_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    mut case: Case,
    (forms, errors): (StepForms, FieldErrors),
    revealed: bool,
) -> AppResult<CaseTemplate> {
    let workers = worker_lines(
        state,
        super::workers::list(&state.db, &case).await?,
        revealed,
    )?;
    let today = crate::joining::queries::today(&state.db).await?;
    let ledger = super::payments::ledger(&state.db, case.id).await?;
    let filters = crate::letters::queries::Filters {
        case_id: Some(case.id),
        ..Default::default()
    };
    let (letters, _) =
        crate::letters::queries::list(&state.db, &user.scope, &filters, (100, 0)).await?;
    Ok(CaseTemplate {
        evidence: crate::attachments::list(&state.db, "dispute_case", case.id).await?,
        letters,
        late: ledger.late(today),
        ledger,
        rounds: queries::rounds(&state.db, case.id).await?,
        timeline: workflow::timeline_lines(case.timeline.take()),
        mediators: mediators_for(state, user, &case).await?,
        worker_numbers: workers.first().and_then(|first| first.numbers.clone()),
        workers,
        revealed,
        can_handle: handles_cases(user),
        links_members: user.reads_union_records(),
        no_errors: FieldErrors::new(ctx.locale),
        today: today.to_string(),
        ctx,
        case,
        forms,
        errors,
    })
}

/// The case record (案卷) to print: everything the case's page shows, without its forms, the
/// workers' numbers masked.
pub async fn show_record(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseReader(user): CaseReader,
    Path(id): Path<i64>,
) -> AppResult<RecordTemplate> {
    let case = find(&state, &user, id).await?;
    let forms = (StepForms::default(), FieldErrors::new(ctx.locale));
    let page = case_page(&state, ctx.clone(), &user, case, forms, false).await?;
    Ok(RecordTemplate { ctx, page })
}

/// The workers as a page lists them: the numbers of those who are not members masked, or in
/// full when `revealed` (a value the key cannot open is an error then, not asterisks).
fn worker_lines(
    state: &AppState,
    workers: Vec<super::workers::CaseWorker>,
    revealed: bool,
) -> AppResult<Vec<WorkerLine>> {
    let open = |sealed: &[u8]| state.pii.decrypt(sealed).map_err(AppError::internal);
    workers
        .into_iter()
        .map(|worker| {
            let numbers = match (&worker.id_cipher, &worker.phone_cipher) {
                (Some(id), Some(phone)) if revealed => Some((open(id)?, open(phone)?)),
                (Some(id), Some(phone)) => Some((
                    masked_id_number(state, id),
                    mask_sealed(state, phone, |text| {
                        crate::members::identity::Phone::parse(text).map(|phone| phone.masked())
                    }),
                )),
                _ => None,
            };
            Ok(WorkerLine {
                member_id: worker.member_id,
                name: worker.name,
                numbers,
                claimed: worker.claimed,
            })
        })
        .collect()
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
    let workers = worker_lines(&state, super::workers::list(&state.db, &case).await?, false)?;
    Ok(super::views::AgreementTemplate {
        instalments: super::payments::ledger(&state.db, case.id)
            .await?
            .instalments,
        employer_code: employer.and_then(|e| e.credit_code),
        workers,
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
