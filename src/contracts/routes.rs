//! The list of contracts, a new contract (or the renewal of one), a contract's page and its one
//! step, filing with the human resources bureau.

use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{ContractForm, Coverage, FilingForm, Standing, Status, ValidContract};
use super::queries::{self, Contract, Filters};
use super::views::{ContractTemplate, FormTemplate, IndexTemplate, ListQuery};
use crate::access::{CurrentUser, Reader, Role, Staff};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::paging::{PageRequest, Pager};
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line, Refused};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let request = PageRequest::new(query.page);
    let search = crate::web::input::clean_text(query.q.trim());
    let filters = Filters {
        standing: Standing::parse(&query.standing),
        coverage: Coverage::parse(&query.coverage),
        employer_id: query.employer,
        pattern: (!search.is_empty())
            .then(|| format!("%{}%", crate::db::escape_like(search.trim()))),
    };
    let page = (request.limit(), request.offset());
    let (mut contracts, total) = queries::list(&state.db, &user.scope, &filters, page).await?;
    let link = query.to_query();
    let pager = Pager::counted(request, &mut contracts, total, |page| {
        format!("/contracts?{link}&page={page}")
    });
    Ok(IndexTemplate {
        ctx,
        query,
        contracts,
        total,
        pager,
        can_record: user.can(Role::Staff),
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub renews: Option<i64>,
}

/// The form of a new contract; with `renews`, the renewal of that one: its parties, employers and
/// subjects carried over, the new term starting the day after the old one ends.
pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Query(query): Query<NewQuery>,
) -> AppResult<FormTemplate> {
    let today = crate::joining::queries::today(&state.db).await?;
    let mut form = ContractForm {
        coverage: Coverage::Enterprise.code().into(),
        union_party: user.organisation_name.clone(),
        signed_on: today.to_string(),
        ..ContractForm::default()
    };
    let mut renews = None;
    if let Some(id) = query.renews {
        let old = find(&state, &user, id).await?;
        if old.renewed_by.is_some() {
            return Err(Refused("contract.refused.renewed").conflict(format!("/contracts/{id}")));
        }
        let starts = old.ends_on.next_day().unwrap_or(old.ends_on);
        // The old term in whole years (a three-year term ends the day before its third anniversary).
        let years = ((old.ends_on - old.starts_on).whole_days() + 180) / 365;
        let years = i32::try_from(years.clamp(1, 3)).unwrap_or(1);
        form = ContractForm {
            coverage: old.coverage.code().into(),
            title: old.title.clone(),
            union_party: old.union_party.clone(),
            employer_party: old.employer_party.clone(),
            employers: employer_lines(&old),
            workers: old.workers.to_string(),
            subjects: old.subjects.clone(),
            signed_on: today.to_string(),
            starts_on: starts.to_string(),
            ends_on: starts
                .replace_year(starts.year() + years)
                .ok()
                .and_then(|d| d.previous_day())
                .map(|d| d.to_string())
                .unwrap_or_default(),
            renews: id.to_string(),
        };
        renews = Some((old.id, old.title));
    }
    Ok(FormTemplate {
        errors: FieldErrors::new(ctx.locale),
        ctx,
        form,
        renews,
        unknown: Vec::new(),
    })
}

/// The employers of a contract as the form's lines: the credit code where the register has one.
fn employer_lines(contract: &Contract) -> String {
    contract
        .employers
        .iter()
        .map(|e| e.credit_code.clone().unwrap_or_else(|| e.name.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Records a contract at the user's own organisation; with `renews`, it renews that one.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    body: Bytes,
) -> AppResult<Response> {
    let form = ContractForm::read(&body);
    let renews = match form.renews.trim() {
        "" => None,
        text => {
            let id = text.parse::<i64>().map_err(|_| AppError::NotFound)?;
            Some(find(&state, &user, id).await?)
        }
    };
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let valid = form.check(&mut errors, today);
    let lines = form.employer_lines();
    let matched = queries::match_employers(&state.db, &lines, &user.scope).await?;
    let unknown: Vec<&str> = matched
        .iter()
        .filter(|(_, id)| id.is_none())
        .map(|(line, _)| line.as_str())
        .collect();
    if !unknown.is_empty() {
        errors.add("employers", "contract.error.employers_unknown");
    }
    let mut employer_ids: Vec<i64> = matched.iter().filter_map(|(_, id)| *id).collect();
    employer_ids.sort_unstable();
    employer_ids.dedup();
    let stored = match valid.filter(|_| errors.is_empty()) {
        Some(valid) => {
            let result = record(
                &state,
                &ctx,
                &user,
                &valid,
                (&employer_ids, renews.as_ref()),
            )
            .await;
            errors.on_constraint(result, &RENEWED_ONCE)?
        }
        None => None,
    };
    let Some(id) = stored else {
        let page = FormTemplate {
            ctx,
            form,
            renews: renews.map(|c| (c.id, c.title)),
            errors,
            unknown: unknown.into_iter().map(str::to_string).collect(),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    Ok(redirect_with(
        Flash::success("contract.flash.recorded"),
        &format!("/contracts/{id}"),
    ))
}

const RENEWED_ONCE: Unique = Unique {
    constraint: queries::RENEWED_ONCE,
    field: "renews",
    key: "contract.refused.renewed",
};

/// One transaction: the contract, its employers, its timeline line, and a line on the contract
/// it renews.
async fn record(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    valid: &ValidContract,
    (employer_ids, renews): (&[i64], Option<&Contract>),
) -> sqlx::Result<i64> {
    let mut tx = state.db.begin().await?;
    let id = queries::insert(
        &mut tx,
        user.organisation_id,
        valid,
        (employer_ids, renews.map(|c| c.id)),
        Some(user.id),
    )
    .await?;
    let actor = ctx.actor(user);
    let mut detail = serde_json::to_value(valid).unwrap_or_default();
    if let serde_json::Value::Object(fields) = &mut detail {
        fields.insert("employer_ids".into(), employer_ids.into());
        fields.insert("renews_id".into(), renews.map(|c| c.id).into());
    }
    let step = if renews.is_some() {
        "renewal"
    } else {
        "signed"
    };
    let mut line =
        Line::event("collective_contract", id, user.organisation_id, step).with_detail(detail);
    line.to = Some(Status::Signed.code());
    workflow::record(&mut tx, &actor, &line).await?;
    if let Some(old) = renews {
        let line = Line::event(
            "collective_contract",
            old.id,
            old.organisation_id,
            "renewed",
        )
        .with_comment(&valid.title)
        .with_detail(serde_json::json!({ "renewed_by": id }));
        workflow::record(&mut tx, &actor, &line).await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Contract> {
    queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let contract = find(&state, &user, id).await?;
    page(&state, ctx, &user, contract, None).await
}

/// The contract's page; with the refused filing form and its problems (422) when given.
async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    mut contract: Contract,
    refused: Option<(FilingForm, FieldErrors)>,
) -> AppResult<Response> {
    let today = crate::joining::queries::today(&state.db).await?;
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (filing, errors) =
        refused.unwrap_or_else(|| (FilingForm::default(), FieldErrors::new(ctx.locale)));
    let page = ContractTemplate {
        timeline: workflow::timeline_lines(contract.timeline.take()),
        can_record: user.can(Role::Staff),
        filing,
        errors,
        today,
        ctx,
        contract,
    };
    Ok((status, page).into_response())
}

/// Files a signed contract with the human resources bureau.
pub async fn create_filing(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<FilingForm>,
) -> AppResult<Response> {
    let contract = find(&state, &user, id).await?;
    let back = format!("/contracts/{id}");
    if contract.status != Status::Signed {
        return Err(Refused("contract.refused.filed").conflict(back));
    }
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some((filed_on, note)) = form.check(&mut errors, contract.signed_on, today) else {
        return page(&state, ctx, &user, contract, Some((form, errors))).await;
    };
    let mut tx = state.db.begin().await?;
    if !queries::file(&mut *tx, id, (filed_on, &note)).await? {
        return Err(ALREADY_DONE.conflict(back));
    }
    let late = (filed_on - contract.signed_on).whole_days() > super::model::FILING_DAYS;
    let line = Line::change(
        "collective_contract",
        id,
        contract.organisation_id,
        "filed",
        Status::Signed.code(),
        Status::Filed.code(),
    )
    .with_comment(&note)
    .with_detail(serde_json::json!({ "filed_on": filed_on.to_string(), "late": late }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("contract.flash.filed"), &back))
}
