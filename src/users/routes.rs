//! Handlers of account administration (administrators only, within their subtree).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use serde::Deserialize;

use super::model::UserForm;
use super::queries::{self, Account, NewUser};
use super::views::{FormTemplate, IndexTemplate, ShowTemplate};
use crate::access::Admin;
use crate::access::{CurrentUser, Role};
use crate::audit::{self, Change};
use crate::auth::model::{hash_password_blocking, password_problem};
use crate::auth::queries as auth_queries;
use crate::error::{AppError, AppResult};
use crate::orgs::picker;
use crate::orgs::queries as org_queries;
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::input::clean_text;
use crate::web::paging::{self, PageRequest, Pager};
use crate::web::{Ctx, Flash, redirect_with, saved};

async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Account> {
    queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

fn role_codes(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|role| role.code().to_string()).collect()
}

fn snapshot(account: &Account) -> serde_json::Value {
    serde_json::json!({
        "display_name": account.display_name,
        "organisation": account.organisation_code,
        "roles": account.roles,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

const USERNAME_TAKEN: Unique = Unique {
    constraint: "users_username_key",
    field: "username",
    key: "user.error.username_taken",
};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Query(query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let search = clean_text(&query.q);
    let request = PageRequest::new(query.page);
    let mut accounts = queries::list_in_scope(
        &state.db,
        &user.scope,
        &search,
        request.limit(),
        request.offset(),
    )
    .await?;
    let total = queries::count_in_scope(&state.db, &user.scope, &search).await?;
    let pager = Pager::counted(request, &mut accounts, total, |page| {
        paging::link("/users", &[("q", &search), ("page", &page.to_string())])
    });
    Ok(IndexTemplate {
        ctx,
        accounts,
        search,
        pager,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
) -> AppResult<ShowTemplate> {
    let account = find(&state, &user, id).await?;
    let history = audit::queries::list_for_entity(&state.db, "user", &id.to_string()).await?;
    let errors = FieldErrors::new(ctx.locale);
    Ok(ShowTemplate {
        is_self: account.id == user.id,
        ctx,
        account,
        history,
        errors,
    })
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
) -> AppResult<FormTemplate> {
    let mut form = UserForm::default();
    form.set_roles(&[Role::Staff]);
    let errors = FieldErrors::new(ctx.locale);
    let choices = org_queries::list_choices_in_scope(&state.db, &user.scope).await?;
    Ok(FormTemplate::new(ctx, None, form, errors, choices))
}

/// The organisation the form names by code or full name, in scope and open (required: an account
/// belongs somewhere on purpose).
async fn organisation_for(
    state: &AppState,
    user: &CurrentUser,
    form: &UserForm,
    errors: &mut FieldErrors,
) -> AppResult<Option<i64>> {
    if form.organisation_code.trim().is_empty() {
        errors.add("organisation_code", "user.error.organisation");
        return Ok(None);
    }
    let typed = picker::typed_or_picked(&form.organisation_code, &form.organisation_code_choice);
    let field = (errors, "organisation_code");
    Ok(picker::pick(&state.db, typed, &user.scope, user.organisation_id, field).await?)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let mut form = form.normalised();
    let mut errors = form.validate(ctx.locale, true);
    let organisation_id = organisation_for(&state, &user, &form, &mut errors).await?;
    let choices = org_queries::list_choices_in_scope(&state.db, &user.scope).await?;
    let refuse = |ctx: Ctx, mut form: UserForm, errors: FieldErrors| {
        form.password.clear();
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormTemplate::new(ctx, None, form, errors, choices),
        )
            .into_response()
    };
    let Some(organisation_id) = organisation_id.filter(|_| errors.is_empty()) else {
        return Ok(refuse(ctx, form, errors));
    };

    let hash =
        hash_password_blocking(SecretString::from(std::mem::take(&mut form.password))).await?;
    let roles = role_codes(&form.roles());
    let new = NewUser {
        organisation_id,
        username: &form.username,
        display_name: &form.display_name,
        password_hash: &hash,
        roles: roles.clone(),
        // The administrator chose this password: the person must set their own at first sign-in.
        must_change_password: true,
    };
    let mut tx = state.db.begin().await?;
    let inserted = queries::insert_user(&mut *tx, &new).await;
    let Some(id) = errors.on_constraint(inserted, &USERNAME_TAKEN)? else {
        return Ok(refuse(ctx, form, errors));
    };
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "user",
            entity_id: id.to_string(),
            action: "create",
            organisation_id: Some(organisation_id),
            before: None,
            after: Some(serde_json::json!({
                "username": form.username, "display_name": form.display_name,
                "organisation": form.organisation_code, "roles": roles,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("/users/{id}")))
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
) -> AppResult<FormTemplate> {
    let account = find(&state, &user, id).await?;
    let mut form = UserForm {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        organisation_code: account.organisation_code.clone(),
        ..UserForm::default()
    };
    form.set_roles(&crate::access::parse_roles(&account.roles));
    let errors = FieldErrors::new(ctx.locale);
    let choices = org_queries::list_choices_in_scope(&state.db, &user.scope).await?;
    Ok(FormTemplate::new(ctx, Some(account), form, errors, choices))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let account = find(&state, &user, id).await?;
    let mut form = form.normalised();
    form.username = account.username.clone();
    let mut errors = form.validate(ctx.locale, false);
    if account.id == user.id && !form.has_role("admin") {
        // Nobody locks themselves out: another administrator must take the role away.
        errors.add("roles", "user.error.own_admin_role");
    }
    let organisation_id = organisation_for(&state, &user, &form, &mut errors).await?;
    let Some(organisation_id) = organisation_id.filter(|_| errors.is_empty()) else {
        let choices = org_queries::list_choices_in_scope(&state.db, &user.scope).await?;
        let page = FormTemplate::new(ctx, Some(account), form, errors, choices);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let roles = role_codes(&form.roles());
    let mut tx = state.db.begin().await?;
    queries::update_account(&mut *tx, id, &form.display_name, organisation_id, &roles).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "user",
            entity_id: id.to_string(),
            action: "update",
            organisation_id: Some(organisation_id),
            before: Some(snapshot(&account)),
            after: Some(serde_json::json!({
                "display_name": form.display_name, "organisation": form.organisation_code, "roles": roles,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("/users/{id}")))
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    new_password: String,
}

/// Sets a temporary password the person must change at their next sign-in; their sessions end.
pub async fn create_password_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    let account = find(&state, &user, id).await?;
    if let Some(problem) = password_problem(&form.new_password, &account.username) {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add("new_password", problem);
        let history = audit::queries::list_for_entity(&state.db, "user", &id.to_string()).await?;
        let page = ShowTemplate {
            is_self: account.id == user.id,
            ctx,
            account,
            history,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = hash_password_blocking(SecretString::from(form.new_password)).await?;
    let mut tx = state.db.begin().await?;
    auth_queries::update_password(&mut *tx, id, &hash, true).await?;
    auth_queries::delete_sessions_of_user(&mut *tx, id).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "user",
            entity_id: id.to_string(),
            action: "reset_password",
            organisation_id: Some(account.organisation_id),
            before: None,
            after: Some(serde_json::json!({ "must_change_password": true })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("flash.password_reset"),
        &format!("/users/{id}"),
    ))
}

async fn set_disabled(
    state: AppState,
    ctx: Ctx,
    user: CurrentUser,
    id: i64,
    disabled: bool,
) -> AppResult<Response> {
    let account = find(&state, &user, id).await?;
    let back = format!("/users/{id}");
    if account.id == user.id {
        return Ok(redirect_with(
            Flash::error("user.error.disable_self"),
            &back,
        ));
    }
    let mut tx = state.db.begin().await?;
    if queries::set_disabled(&mut *tx, id, disabled).await? {
        if disabled {
            auth_queries::delete_sessions_of_user(&mut *tx, id).await?;
        }
        audit::record(
            &mut *tx,
            &ctx.actor(&user),
            Change {
                entity: "user",
                entity_id: id.to_string(),
                action: if disabled { "disable" } else { "enable" },
                organisation_id: Some(account.organisation_id),
                before: Some(serde_json::json!({ "disabled": account.disabled })),
                after: Some(serde_json::json!({ "disabled": disabled })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(saved(&back))
}

pub async fn create_disabling(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_disabled(state, ctx, user, id, true).await
}

pub async fn create_enabling(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_disabled(state, ctx, user, id, false).await
}
