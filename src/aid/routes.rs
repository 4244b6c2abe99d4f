//! The plans of a subtree, a new plan, a plan's page, and enrolling members in it.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::PlanForm;
use super::queries::{self, Plan};
use super::views::{EnrolForm, IndexTemplate, PlanFormTemplate, PlanTemplate};
use crate::access::{CurrentUser, Reader, Role, Staff};
use crate::error::{AppError, AppResult};
use crate::members::identity::IdNumber;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line};

/// The most member numbers one enrolment form takes.
const MOST_AT_ONCE: usize = 5_000;

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
) -> AppResult<IndexTemplate> {
    Ok(IndexTemplate {
        plans: queries::plans(&state.db, &user.scope, None).await?,
        times: queries::times_to_pay(&state.db, &user.scope).await?,
        can_run: user.can(Role::Staff),
        ctx,
    })
}

async fn form_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    form: PlanForm,
    errors: FieldErrors,
) -> AppResult<PlanFormTemplate> {
    Ok(PlanFormTemplate {
        organisations: crate::orgs::queries::list_choices_in_scope(&state.db, &user.scope).await?,
        ctx,
        form,
        errors,
    })
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
) -> AppResult<PlanFormTemplate> {
    let own =
        crate::orgs::queries::find_in_scope(&state.db, user.organisation_id, &user.scope).await?;
    let today = crate::joining::queries::today(&state.db).await?;
    let form = PlanForm {
        organisation: own.map(|o| o.code).unwrap_or_default(),
        starts_on: today.replace_ordinal(1).unwrap_or(today).to_string(),
        ends_on: today
            .replace_month(time::Month::December)
            .and_then(|d| d.replace_day(31))
            .unwrap_or(today)
            .to_string(),
        fast_working_days: "3".into(),
        ..PlanForm::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    form_page(&state, ctx, &user, form, errors).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Form(form): Form<PlanForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    let organisation = crate::orgs::queries::find_by_code_in_scope(
        &state.db,
        form.organisation.trim(),
        &user.scope,
    )
    .await?;
    let Some(valid) = form.check(&mut errors, organisation.map(|o| o.id)) else {
        let page = form_page(&state, ctx, &user, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    let id = queries::insert_plan(&mut tx, &valid, user.id).await?;
    let detail = serde_json::json!({
        "title": valid.title,
        "premium_fen": valid.premium.fen(),
        "benefits_fen": valid.benefits.map(|b| b.fen()),
        "fast_limit_fen": valid.fast_limit.fen(),
        "fast_working_days": valid.fast_working_days,
    });
    let line = Line::event("aid_plan", id, valid.organisation_id, "created").with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("aid.flash.plan_saved"),
        &format!("/aid/{id}"),
    ))
}

pub async fn find_plan(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Plan> {
    queries::find_plan(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<PlanTemplate> {
    let plan = find_plan(&state, &user, id).await?;
    let errors = FieldErrors::new(ctx.locale);
    plan_page(
        &state,
        ctx,
        &user,
        plan,
        (EnrolForm::default(), errors, Vec::new()),
    )
    .await
}

async fn plan_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    plan: Plan,
    (form, errors, unknown): (EnrolForm, FieldErrors, Vec<String>),
) -> AppResult<PlanTemplate> {
    let claims = super::claims::of_plan(state, user, plan.id).await?;
    Ok(PlanTemplate {
        can_run: user.can(Role::Staff),
        ctx,
        plan,
        claims,
        form,
        errors,
        unknown,
    })
}

/// `POST /aid/{id}/enrolments`: members enrolled by their numbers (one a line: typed, pasted
/// from a list, or scanned), or every active member of an occupation in the plan's subtree. A
/// member enrolled already is not enrolled twice; a number that names no member of the subtree
/// is listed and nobody is enrolled, so the list can be corrected and sent again.
pub async fn create_enrolments(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<EnrolForm>,
) -> AppResult<Response> {
    let plan = find_plan(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let path = plan.organisation_path.clone();
    let keys: Vec<String> = form
        .numbers
        .split(['\n', ',', '，', ';', '；', ' ', '\t'])
        .map(|k| k.trim().to_uppercase())
        .filter(|k| !k.is_empty())
        .collect();
    let occupation = form.occupation.trim();
    if keys.is_empty() && occupation.is_empty() {
        errors.add("numbers", "aid.error.nobody");
    }
    if keys.len() > MOST_AT_ONCE {
        errors.add("numbers", "aid.error.too_many");
    }
    let mut members = Vec::new();
    let mut unknown = Vec::new();
    if errors.is_empty() && !keys.is_empty() {
        let indexes: Vec<Vec<u8>> = keys
            .iter()
            .filter_map(|k| IdNumber::parse(k).ok())
            .map(|id| state.pii.index(id.as_str()))
            .collect();
        let found =
            crate::members::queries::members_by_keys(&state.db, &path, &indexes, &keys).await?;
        for key in &keys {
            let index = IdNumber::parse(key)
                .ok()
                .map(|id| state.pii.index(id.as_str()));
            let member = found
                .iter()
                .find(|m| m.member_no == *key || Some(&m.id_number_index) == index.as_ref());
            match member {
                Some(member) => members.push(member.id),
                None => unknown.push(key.clone()),
            }
        }
        if !unknown.is_empty() {
            errors.add("numbers", "aid.error.unknown_numbers");
        }
    }
    if errors.is_empty() && !occupation.is_empty() {
        members.extend(active_members(&state, &path, occupation).await?);
    }
    if !errors.is_empty() {
        let page = plan_page(&state, ctx, &user, plan, (form, errors, unknown)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    members.sort_unstable();
    members.dedup();
    let today = crate::joining::queries::today(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let enrolled = queries::enrol(&mut tx, id, &members, (today, user.id)).await?;
    let detail = serde_json::json!({ "named": members.len(), "enrolled": enrolled });
    let line = Line::event("aid_plan", id, plan.organisation_id, "enrolled").with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    let flash = Flash::success("aid.flash.enrolled")
        .with_count("enrolled", enrolled)
        .with_count("already", members.len() as u64 - enrolled);
    Ok(redirect_with(flash, &format!("/aid/{id}")))
}

/// The active members of an occupation under `path`.
async fn active_members(state: &AppState, path: &str, occupation: &str) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        "select m.id from members m join organisations o on o.id = m.organisation_id
         where o.path <@ $1::text::ltree and m.status = 'active' and m.occupation = $2",
        path,
        occupation
    )
    .fetch_all(&state.db)
    .await?)
}
