//! Handlers of funds: index, show (accounts and ledger), new, create, and the money moved into
//! the fund (appropriation) and into its allocations.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::ledger::{self, Movement};
use super::model::FundForm;
use super::queries;
use super::views::{FormTemplate, IndexTemplate, MoveForm, ShowTemplate};
use crate::access::{Admin, CurrentUser, Reader};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::money::Money;
use crate::orgs::picker;
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::input::clean_text;
use crate::web::paging::{PAGE_SIZE, Pager};
use crate::web::{Ctx, Flash, redirect_with};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
) -> AppResult<IndexTemplate> {
    let funds = queries::list_visible(&state.db, &user.scope).await?;
    Ok(IndexTemplate {
        can_create: user.is_admin(),
        ctx,
        funds,
    })
}

#[derive(Deserialize)]
pub struct ShowQuery {
    before: Option<i64>,
}

/// The fund's rules and figures for everyone who may file against it; its accounts and ledger
/// only for those whose scope holds the fund's organisation.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> AppResult<Response> {
    let fund = queries::find_visible(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    show_page(&state, ctx, &user, fund, query.before, MoveForm::default()).await
}

async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    fund: queries::Fund,
    before: Option<i64>,
    form: MoveForm,
) -> AppResult<Response> {
    let (accounts, mut entries) = if fund.owned {
        (
            queries::list_accounts(&state.db, fund.id).await?,
            ledger::list_entries(&state.db, fund.id, before, PAGE_SIZE + 1).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let fund_id = fund.id;
    let pager = Pager::keyset(
        &mut entries,
        |entry| entry.id,
        |key| format!("/funds/{fund_id}?before={key}"),
    );
    let status = if form.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ShowTemplate {
        can_manage: user.is_admin() && fund.owned,
        ctx,
        fund,
        accounts,
        entries,
        pager,
        form,
    };
    Ok((status, page).into_response())
}

pub async fn new(ctx: Ctx, Admin(_): Admin) -> FormTemplate {
    let errors = FieldErrors::new(ctx.locale);
    let form = FundForm {
        tier2: Some("on".into()),
        tier3: Some("on".into()),
        max_share_percent: "100".into(),
        report_due_days: "30".into(),
        ..FundForm::default()
    };
    FormTemplate { ctx, form, errors }
}

const UNIQUE_NAME: Unique = Unique {
    constraint: "funds_organisation_id_year_name_key",
    field: "name",
    key: "fund.error.name_taken",
};

/// A new fund of the user's organisation, with its first appropriation into the pool.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Form(form): Form<FundForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    let valid = form.validate(&mut errors);
    let refused = |ctx: Ctx, form: FundForm, errors: FieldErrors| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormTemplate { ctx, form, errors },
        )
            .into_response()
    };
    let Some(valid) = valid else {
        return Ok(refused(ctx, form, errors));
    };
    let actor = ctx.actor(&user);
    let mut tx = state.db.begin().await?;
    let inserted = queries::insert_fund(&mut *tx, user.organisation_id, &valid).await;
    let Some(id) = errors.on_constraint(inserted, &UNIQUE_NAME)? else {
        return Ok(refused(ctx, form, errors));
    };
    let pool = queries::insert_account(&mut *tx, id, None, None).await?;
    if !valid.total.is_zero() {
        let movement = Movement::appropriation(id, pool, valid.total).with_memo(&valid.name);
        ledger::post(&mut tx, &actor, &movement)
            .await?
            .map_err(|refused| refused.conflict("/funds"))?;
    }
    audit::record(
        &mut *tx,
        &actor,
        Change {
            entity: "fund",
            entity_id: id.to_string(),
            action: "create",
            organisation_id: Some(user.organisation_id),
            before: None,
            after: Some(serde_json::json!({
                "name": valid.name, "year": valid.year, "total": valid.total.to_string(),
                "tiers": valid.rules.tiers, "max_share_percent": valid.rules.max_share_percent,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("flash.saved"),
        &format!("/funds/{id}"),
    ))
}

/// Money into the fund's pool (a budget raised during the year).
pub async fn create_appropriation(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    move_money(state, ctx, user, id, form, false).await
}

/// Money from the pool to an allocation by tier and/or organisation (opened on first use).
pub async fn create_allocation(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    move_money(state, ctx, user, id, form, true).await
}

async fn move_money(
    state: AppState,
    ctx: Ctx,
    user: CurrentUser,
    id: i64,
    mut form: MoveForm,
    allocate: bool,
) -> AppResult<Response> {
    let fund = queries::find_visible(&state.db, id, &user.scope)
        .await?
        .filter(|fund| fund.owned)
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new(ctx.locale);
    let amount = errors.check("amount", Money::parse(&form.amount));
    if amount.is_some_and(Money::is_zero) {
        errors.add("amount", "application.error.requested_zero");
    }
    let tier = match form.tier.trim() {
        "" => None,
        "2" => Some(2i16),
        "3" => Some(3i16),
        _ => {
            errors.add("tier", "fund.error.tiers");
            None
        }
    };
    let organisation = if allocate && !form.organisation.trim().is_empty() {
        let typed = picker::typed_or_picked(&form.organisation, &form.organisation_choice);
        let field = (&mut errors, "organisation");
        picker::pick(&state.db, typed, &user.scope, user.organisation_id, field).await?
    } else {
        None
    };
    if allocate && tier.is_none() && organisation.is_none() && errors.is_empty() {
        errors.add("organisation", "fund.error.allocation_target");
    }
    let Some(amount) = amount.filter(|_| errors.is_empty()) else {
        form.allocate = allocate;
        form.errors = errors;
        return show_page(&state, ctx, &user, fund, None, form).await;
    };
    let memo = clean_text(&form.memo);
    let actor = ctx.actor(&user);
    let back = format!("/funds/{id}");
    let mut tx = state.db.begin().await?;
    queries::lock_owned(&mut *tx, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let pool = queries::find_pool(&mut *tx, id).await?;
    let movements = if allocate {
        let account = match queries::find_allocation(&mut *tx, id, tier, organisation).await? {
            Some(account) => account,
            None => queries::insert_account(&mut *tx, id, tier, organisation).await?,
        };
        vec![
            Movement::allocation(id, pool, -amount).with_memo(&memo),
            Movement::allocation(id, account, amount).with_memo(&memo),
        ]
    } else {
        vec![Movement::appropriation(id, pool, amount).with_memo(&memo)]
    };
    for movement in &movements {
        if let Err(refused) = ledger::post(&mut tx, &actor, movement).await? {
            return Err(refused.conflict(back));
        }
    }
    audit::record(
        &mut *tx,
        &actor,
        Change {
            entity: "fund",
            entity_id: id.to_string(),
            action: if allocate { "allocation" } else { "appropriation" },
            organisation_id: Some(fund.organisation_id),
            before: None,
            after: Some(serde_json::json!({
                "amount": amount.to_string(), "tier": tier, "organisation_id": organisation, "memo": memo,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("flash.saved"), &back))
}

#[derive(Deserialize)]
pub struct ReversalForm {
    #[serde(default)]
    memo: String,
}

/// Reverses money put into the pool by mistake with a correcting row (the wrong row stays).
pub async fn create_reversal(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path((id, entry)): Path<(i64, i64)>,
    Form(form): Form<ReversalForm>,
) -> AppResult<Response> {
    let fund = queries::find_visible(&state.db, id, &user.scope)
        .await?
        .filter(|fund| fund.owned)
        .ok_or(AppError::NotFound)?;
    let back = format!("/funds/{id}");
    let memo = clean_text(&form.memo);
    let actor = ctx.actor(&user);
    let mut tx = state.db.begin().await?;
    queries::lock_owned(&mut *tx, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    match ledger::reverse(&mut tx, &actor, id, entry, &memo).await? {
        None => return Err(crate::workflow::ALREADY_DONE.conflict(back)),
        Some(Err(refused)) => return Err(refused.conflict(back)),
        Some(Ok(_)) => {}
    }
    audit::record(
        &mut *tx,
        &actor,
        Change {
            entity: "fund",
            entity_id: id.to_string(),
            action: "correction",
            organisation_id: Some(fund.organisation_id),
            before: None,
            after: Some(serde_json::json!({ "reverses": entry, "memo": memo })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("fund.flash.reversed"), &back))
}
