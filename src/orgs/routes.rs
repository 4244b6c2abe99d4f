//! Handlers of the organisation tree: index, show, new, create, edit, update, move, close, reopen.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{self, KINDS, OrgForm, OrgStatus, OrgStep, transition};
use super::queries::{self, NewOrganisation, Organisation};
use super::tree;
use super::views::{EditTemplate, IndexTemplate, MoveTemplate, NewTemplate, ShowTemplate};
use crate::access::{Admin, CurrentUser, Reader};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::input::clean_text;
use crate::web::{Ctx, Flash, redirect_with, saved};
use crate::workflow::{self, ALREADY_DONE, Line};

/// Levels of the tree drawn on one page; deeper parts are reached through a node's own page.
const TREE_LEVELS: i32 = 4;

async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Organisation> {
    queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Deserialize)]
pub struct IndexQuery {
    #[serde(default)]
    q: String,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<IndexQuery>,
) -> AppResult<IndexTemplate> {
    let text = clean_text(&query.q);
    let results = if text.is_empty() {
        None
    } else {
        Some(queries::search(&state.db, &user.scope, &text).await?)
    };
    let nodes = if results.is_some() {
        Vec::new()
    } else {
        tree::build(
            queries::list_tree(&state.db, user.scope.path(), TREE_LEVELS - 1).await?,
            2,
        )
    };
    Ok(IndexTemplate {
        can_create: user.is_admin(),
        ctx,
        nodes,
        query: text,
        results,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<ShowTemplate> {
    let org = find(&state, &user, id).await?;
    let crumbs = queries::list_ancestors_in_scope(&state.db, &org.path, &user.scope).await?;
    let parent_name = match org.parent_id {
        Some(parent) => queries::find_name(&state.db, parent).await?,
        None => None,
    };
    let counts = queries::subtree_counts(&state.db, org.id).await?;
    let rows = queries::list_tree(&state.db, &org.path, 2).await?;
    let children = tree::build(rows.into_iter().filter(|row| row.id != org.id).collect(), 1);
    let history = if user.reads_audit() {
        audit::queries::list_for_entity(&state.db, "organisation", &org.id.to_string()).await?
    } else {
        Vec::new()
    };
    Ok(ShowTemplate {
        can_manage: user.is_admin(),
        is_scope_root: user.scope.is_root(&org.path),
        ctx,
        org,
        parent_name,
        crumbs,
        counts,
        children,
        history,
    })
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<i64>,
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Query(query): Query<NewQuery>,
) -> AppResult<NewTemplate> {
    let mut form = OrgForm {
        kind: "grassroots_union".into(),
        ..OrgForm::default()
    };
    if let Some(parent) = query.parent {
        form.parent_code = find(&state, &user, parent).await?.code;
    }
    let errors = FieldErrors::new(ctx.locale);
    Ok(NewTemplate::new(ctx, form, errors))
}

fn to_record(form: &OrgForm, parent_id: Option<i64>) -> NewOrganisation {
    NewOrganisation {
        parent_id,
        kind: form.kind.clone(),
        name: form.name.clone(),
        code: form.code.clone(),
        region: form.region.clone(),
        contact_person: form.contact_person.clone(),
        contact_phone: form.contact_phone.clone(),
        address: form.address.clone(),
    }
}

/// The unique constraint on codes, and what the form says when it refuses one.
const CODE_TAKEN: Unique = Unique {
    constraint: "organisations_code_key",
    field: "code",
    key: "org.error.code_taken",
};

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Form(form): Form<OrgForm>,
) -> AppResult<Response> {
    let form = form.normalised();
    let mut errors = form.validate(ctx.locale, false);
    let parent = queries::find_by_code_in_scope(&state.db, &form.parent_code, &user.scope).await?;
    match &parent {
        None => errors.add("parent_code", "org.error.parent_unknown"),
        Some(parent) if parent.status == OrgStatus::Closed => {
            errors.add("parent_code", "org.error.parent_closed")
        }
        Some(_) => {}
    }
    let Some(parent) = parent.filter(|_| errors.is_empty()) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            NewTemplate::new(ctx, form, errors),
        )
            .into_response());
    };

    let record = to_record(&form, Some(parent.id));
    let mut tx = state.db.begin().await?;
    let inserted = queries::insert_organisation(&mut *tx, &record).await;
    let Some(id) = errors.on_constraint(inserted, &CODE_TAKEN)? else {
        let page = NewTemplate::new(ctx, form, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "organisation",
            entity_id: id.to_string(),
            action: "create",
            organisation_id: Some(id),
            before: None,
            after: serde_json::to_value(&record).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("/orgs/{id}")))
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
) -> AppResult<EditTemplate> {
    let org = find(&state, &user, id).await?;
    let form = OrgForm {
        parent_code: String::new(),
        kind: org.kind.clone(),
        name: org.name.clone(),
        code: org.code.clone(),
        region: org.region.clone(),
        contact_person: org.contact_person.clone(),
        contact_phone: org.contact_phone.clone(),
        address: org.address.clone(),
    };
    let errors = FieldErrors::new(ctx.locale);
    Ok(EditTemplate {
        ctx,
        org,
        form,
        errors,
        kinds: &KINDS,
    })
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
    Form(form): Form<OrgForm>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let org = queries::lock_in_scope(&mut *tx, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = form.normalised();
    let mut errors = form.validate(ctx.locale, org.parent_id.is_none());
    let record = to_record(&form, org.parent_id);
    if errors.is_empty() {
        let updated = queries::update_details(&mut *tx, id, &record).await;
        errors.on_constraint(updated, &CODE_TAKEN)?;
    }
    if !errors.is_empty() {
        let page = EditTemplate {
            ctx,
            org,
            form,
            errors,
            kinds: &KINDS,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "organisation",
            entity_id: id.to_string(),
            action: "update",
            organisation_id: Some(id),
            before: serde_json::to_value(&org).ok(),
            after: serde_json::to_value(&record).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("/orgs/{id}")))
}

pub async fn edit_move(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
) -> AppResult<MoveTemplate> {
    let org = find(&state, &user, id).await?;
    if user.scope.is_root(&org.path) {
        return Err(AppError::Forbidden);
    }
    let errors = FieldErrors::new(ctx.locale);
    Ok(MoveTemplate {
        ctx,
        org,
        parent_code: String::new(),
        errors,
    })
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    parent_code: String,
}

pub async fn update_move(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let parent_code = form.parent_code.trim().to_uppercase();
    let mut tx = state.db.begin().await?;
    queries::lock_tree_for_move(&mut *tx).await?;
    let org = queries::lock_in_scope(&mut *tx, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.scope.is_root(&org.path) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let parent = queries::find_by_code_in_scope(&mut *tx, &parent_code, &user.scope).await?;
    match &parent {
        None => errors.add("parent_code", "org.error.parent_unknown"),
        Some(parent) if !model::may_move_under(&org.path, &parent.path) => {
            errors.add("parent_code", "org.error.move_into_itself")
        }
        Some(parent) if parent.status == OrgStatus::Closed => {
            errors.add("parent_code", "org.error.parent_closed")
        }
        Some(parent) if Some(parent.id) == org.parent_id => {
            errors.add("parent_code", "org.error.same_parent")
        }
        Some(_) => {}
    }
    let Some(parent) = parent.filter(|_| errors.is_empty()) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            MoveTemplate {
                ctx,
                org,
                parent_code,
                errors,
            },
        )
            .into_response());
    };
    let moved = queries::move_subtree(&mut *tx, org.id, &org.path, parent.id, &parent.path).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "organisation",
            entity_id: id.to_string(),
            action: "move",
            organisation_id: Some(id),
            before: Some(serde_json::json!({ "parent_id": org.parent_id })),
            after: Some(serde_json::json!({ "parent_id": parent.id, "parent_code": parent.code, "organisations_moved": moved })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("flash.moved"),
        &format!("/orgs/{id}"),
    ))
}

/// Closes or reopens an organisation, once: a closed one takes no new members or applications.
async fn take_step(
    state: AppState,
    ctx: Ctx,
    user: CurrentUser,
    id: i64,
    step: OrgStep,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let org = queries::lock_in_scope(&mut *tx, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.scope.is_root(&org.path) {
        return Err(AppError::Forbidden);
    }
    let back = format!("/orgs/{id}");
    let to = transition(org.status, step).map_err(|refused| refused.conflict(&back))?;
    let refusal = match step {
        OrgStep::Close if queries::subtree_counts(&mut *tx, id).await?.active_children > 0 => {
            Some("org.error.close_children")
        }
        OrgStep::Reopen if queries::parent_is_closed(&mut *tx, id).await? => {
            Some("org.error.reopen_parent_closed")
        }
        _ => None,
    };
    if let Some(key) = refusal {
        return Ok(redirect_with(Flash::error(key), &back));
    }
    if !queries::update_status(&mut *tx, id, org.status, to).await? {
        return Err(ALREADY_DONE.conflict(back));
    }
    let line = Line::change(
        "organisation",
        id,
        id,
        step.event(),
        org.status.code(),
        to.code(),
    );
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    let done = match step {
        OrgStep::Close => "flash.closed",
        OrgStep::Reopen => "flash.saved",
    };
    Ok(redirect_with(Flash::success(done), &back))
}

pub async fn create_closure(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    take_step(state, ctx, user, id, OrgStep::Close).await
}

pub async fn create_reopening(
    State(state): State<AppState>,
    ctx: Ctx,
    Admin(user): Admin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    take_step(state, ctx, user, id, OrgStep::Reopen).await
}
