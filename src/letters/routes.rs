//! The list of letters, a new letter (from a template per kind, on its own or from a case), a
//! letter's page and its printable form.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{Kind, LetterForm, Status, ValidLetter};
use super::queries::{self, Filters, Letter};
use super::views::{IndexTemplate, LetterTemplate, ListQuery, NewTemplate, PrintTemplate};
use crate::access::CurrentUser;
use crate::disputes::{CaseHandler, CaseReader, handles_cases};
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
        case_id: None,
        pattern: (!search.is_empty())
            .then(|| format!("%{}%", crate::db::escape_like(search.trim()))),
    };
    let page = (request.limit(), request.offset());
    let (mut letters, total) = queries::list(&state.db, &user.scope, &filters, page).await?;
    let link = query.to_query();
    let pager = Pager::counted(request, &mut letters, total, |page| {
        format!("/letters?{link}&page={page}")
    });
    Ok(IndexTemplate {
        ctx,
        query,
        letters,
        total,
        pager,
        can_issue: handles_cases(&user),
    })
}

/// The case a letter comes from, in the user's subtree: its id, number, employer and facts.
async fn source_case(
    state: &AppState,
    user: &CurrentUser,
    text: &str,
) -> AppResult<Option<crate::disputes::queries::Case>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let id = text.parse::<i64>().map_err(|_| AppError::NotFound)?;
    crate::disputes::routes::find(state, user, id)
        .await
        .map(Some)
}

/// The form of a new letter. With a case, the employer and the facts come from it; with a kind
/// and an employer (or on "fill from the template"), the subject and body are drafted.
pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Query(mut form): Query<LetterForm>,
    Query(draft): Query<DraftQuery>,
) -> AppResult<NewTemplate> {
    let case = source_case(&state, &user, &form.case).await?;
    if form.issued_on.trim().is_empty() {
        form.issued_on = crate::joining::queries::today(&state.db).await?.to_string();
    }
    let kind = Kind::parse(form.kind.trim());
    if let Some(case) = &case
        && form.employer.trim().is_empty()
    {
        let employer =
            crate::employers::queries::find_visible(&state.db, case.employer_id, &user.scope)
                .await?;
        form.employer = employer
            .and_then(|e| e.credit_code)
            .unwrap_or_else(|| case.employer_name.clone());
    }
    if let Some(kind) = kind
        && form.reply_days.trim().is_empty()
    {
        form.reply_days = kind.reply_days().to_string();
    }
    let wants_draft = draft.draft.is_some() || form.body.trim().is_empty();
    if let (Some(kind), true) = (kind, wants_draft) {
        let employer =
            crate::employers::queries::find_named(&state.db, &form.employer, &user.scope)
                .await?
                .map(|(_, name)| name)
                .unwrap_or_else(|| form.employer.clone());
        let facts = case.as_ref().map(|c| c.facts.as_str()).unwrap_or_default();
        let days = form.reply_days.trim().parse().unwrap_or(kind.reply_days());
        (form.subject, form.body) = kind.draft(ctx.locale, &employer, facts, days);
    }
    Ok(NewTemplate {
        errors: FieldErrors::new(ctx.locale),
        case: case.map(|c| (c.id, c.number)),
        ctx,
        form,
    })
}

/// `draft=1`: the "fill from the template" button, which redrafts over what was typed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DraftQuery {
    #[serde(default)]
    pub draft: Option<String>,
}

/// Issues a letter at the user's own organisation, numbered in its year.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Form(form): Form<LetterForm>,
) -> AppResult<Response> {
    let case = source_case(&state, &user, &form.case).await?;
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let valid = form.check(&mut errors, today);
    let employer =
        crate::employers::queries::find_named(&state.db, &form.employer, &user.scope).await?;
    if employer.is_none() && !form.employer.trim().is_empty() {
        errors.add("employer", "dispute.error.employer_unknown");
    }
    let (Some(valid), Some((employer_id, _)), true) = (valid, employer, errors.is_empty()) else {
        let case = case.map(|c| (c.id, c.number));
        let page = NewTemplate {
            ctx,
            form,
            case,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let id = issue(&state, &ctx, &user, &valid, employer_id, case.as_ref()).await?;
    Ok(redirect_with(
        Flash::success("letter.flash.issued"),
        &format!("/letters/{id}"),
    ))
}

/// One transaction: the letter, its timeline line, and a line on the case it comes from.
async fn issue(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    valid: &ValidLetter,
    employer_id: i64,
    case: Option<&crate::disputes::queries::Case>,
) -> AppResult<i64> {
    let organisation =
        crate::orgs::queries::find_in_scope(&state.db, user.organisation_id, &user.scope)
            .await?
            .ok_or(AppError::NotFound)?;
    let mark = organisation.document_mark();
    let mut tx = state.db.begin().await?;
    let (id, number) = queries::insert(
        &mut tx,
        (organisation.id, &mark),
        (employer_id, case.map(|c| c.id)),
        valid,
        Some(user.id),
    )
    .await?;
    let actor = ctx.actor(user);
    let detail = serde_json::json!({
        "number": number, "kind": valid.kind.code(), "employer_id": employer_id,
        "case_id": case.map(|c| c.id), "reply_days": valid.reply_days,
    });
    let mut line = Line::event("supervision_letter", id, organisation.id, "issued")
        .with_detail(detail.clone());
    line.to = Some("issued");
    workflow::record(&mut tx, &actor, &line).await?;
    if let Some(case) = case {
        let line = Line::event(
            "dispute_case",
            case.id,
            case.organisation_id,
            "letter_issued",
        )
        .with_comment(&number)
        .with_detail(detail);
        workflow::record(&mut tx, &actor, &line).await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Letter> {
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
    let letter = find(&state, &user, id).await?;
    page(&state, ctx, &user, letter, Default::default()).await
}

/// A step's form as typed and its problems, when it was refused.
#[derive(Debug, Default)]
pub struct StepForms {
    pub delivery: super::model::DeliveryForm,
    pub reply: super::model::ReplyForm,
    pub errors: Option<FieldErrors>,
}

/// The letter's page; with a refused step's problems (422) when `forms` holds them.
pub async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    mut letter: Letter,
    forms: StepForms,
) -> AppResult<Response> {
    let status = if forms.errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let today = crate::joining::queries::today(&state.db).await?;
    let page = LetterTemplate {
        timeline: workflow::timeline_lines(letter.timeline.take()),
        can_handle: handles_cases(user),
        delivery: forms.delivery,
        reply: forms.reply,
        errors: forms.errors.unwrap_or_else(|| FieldErrors::new(ctx.locale)),
        today: today.to_string(),
        ctx,
        letter,
    };
    Ok((status, page).into_response())
}

pub async fn show_print(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseReader(user): CaseReader,
    Path(id): Path<i64>,
) -> AppResult<PrintTemplate> {
    let letter = find(&state, &user, id).await?;
    Ok(PrintTemplate { ctx, letter })
}
