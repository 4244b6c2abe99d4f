//! Handlers that shape what a competition is marked on: adding and removing its events, their
//! parts and the parts' sub-items, while the competition is planned or open for registration.
//! A form with a problem comes back on the competition's page, beside its fields.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::event_queries as q;
use super::routes::{back, find_to_change, show_page};
use super::structure::{EventForm, ItemForm, PartForm, check_event, check_item, check_part};
use super::views::StructureForms;
use crate::access::{CurrentUser, Staff};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::Unique;
use crate::web::{Ctx, saved};
use crate::workflow::Refused;

const FIXED: Refused = Refused("competition.refused.structure_fixed");

/// Opens the change's transaction with the competition locked, refusing once marking may begin.
async fn begin(state: &AppState, id: i64) -> AppResult<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = state.db.begin().await?;
    match q::lock_editable(&mut *tx, id).await? {
        None => Err(AppError::NotFound),
        Some(false) => Err(FIXED.conflict(back(id))),
        Some(true) => Ok(tx),
    }
}

async fn audit(
    tx: &mut sqlx::PgConnection,
    ctx: &Ctx,
    user: &CurrentUser,
    organisation_id: i64,
    (entity, entity_id, action): (&'static str, i64, &'static str),
    after: Option<serde_json::Value>,
) -> sqlx::Result<()> {
    audit::record(
        tx,
        &ctx.actor(user),
        Change {
            entity,
            entity_id: entity_id.to_string(),
            action,
            organisation_id: Some(organisation_id),
            before: None,
            after,
        },
    )
    .await
}

/// The competition's page with one of its forms come back.
async fn refused(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    forms: StructureForms,
) -> AppResult<Response> {
    let competition = find_to_change(state, user, id).await?;
    show_page(
        state,
        ctx,
        user,
        competition,
        forms,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

const NAME_TAKEN: [Unique; 3] = [
    Unique {
        constraint: "competition_events_competition_id_name_key",
        field: "name",
        key: "competition.error.name_taken",
    },
    Unique {
        constraint: "event_parts_event_id_name_key",
        field: "name",
        key: "competition.error.name_taken",
    },
    Unique {
        constraint: "event_items_part_id_name_key",
        field: "name",
        key: "competition.error.name_taken",
    },
];

pub async fn create_event(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<EventForm>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let mut forms = StructureForms::new(ctx.locale);
    forms.failed = "event";
    let Some((name, team_size)) = check_event(&form, &mut forms.errors) else {
        forms.event = form;
        return refused(&state, ctx, &user, id, forms).await;
    };
    let mut tx = begin(&state, id).await?;
    let inserted = q::insert_event(&mut *tx, id, &name, team_size).await;
    let Some(event) = forms.errors.on_constraint(inserted, &NAME_TAKEN[0])? else {
        forms.event = form;
        return refused(&state, ctx, &user, id, forms).await;
    };
    let after = serde_json::json!({ "competition_id": id, "name": name, "team_size": team_size });
    let what = ("competition_event", event, "create");
    audit(
        &mut tx,
        &ctx,
        &user,
        competition.organisation_id,
        what,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("{}#event-{event}", back(id))))
}

pub async fn create_part(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
    Form(form): Form<PartForm>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    if !q::is_event_of(&state.db, id, event).await? {
        return Err(AppError::NotFound);
    }
    let mut forms = StructureForms::new(ctx.locale);
    forms.failed = "part";
    forms.target = event;
    let Some(part) = check_part(&form, &mut forms.errors) else {
        forms.part = form;
        return refused(&state, ctx, &user, id, forms).await;
    };
    let mut tx = begin(&state, id).await?;
    let inserted = q::insert_part(&mut *tx, event, (&part.0, part.1, part.2, part.3)).await;
    let Some(part_id) = forms.errors.on_constraint(inserted, &NAME_TAKEN[1])? else {
        forms.part = form;
        return refused(&state, ctx, &user, id, forms).await;
    };
    let after = serde_json::json!({ "event_id": event, "name": part.0, "kind": part.1,
        "max_mark": part.2.to_string(), "weight": part.3.to_string() });
    let what = ("event_part", part_id, "create");
    audit(
        &mut tx,
        &ctx,
        &user,
        competition.organisation_id,
        what,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("{}#event-{event}", back(id))))
}

pub async fn create_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
    Form(form): Form<ItemForm>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let part = form.part_id.trim().parse::<i64>().ok();
    let owner = match part {
        Some(part) => q::event_of_part(&state.db, id, part).await?,
        None => None,
    };
    if owner != Some(event) {
        return Err(AppError::NotFound);
    }
    let part = part.unwrap_or_default();
    let mut forms = StructureForms::new(ctx.locale);
    forms.failed = "item";
    forms.target = part;
    let Some(item) = check_item(&form, &mut forms.errors) else {
        forms.item = form;
        return refused(&state, ctx, &user, id, forms).await;
    };
    let mut tx = begin(&state, id).await?;
    let inserted = q::insert_item(&mut *tx, part, &item).await;
    let Some(item_id) = forms.errors.on_constraint(inserted, &NAME_TAKEN[2])? else {
        forms.item = form;
        return refused(&state, ctx, &user, id, forms).await;
    };
    let after = serde_json::json!({ "part_id": part, "name": item.name, "marking": item.marking,
        "max_mark": item.max_mark.to_string(), "weight": item.weight.to_string() });
    let what = ("event_item", item_id, "create");
    audit(
        &mut tx,
        &ctx,
        &user,
        competition.organisation_id,
        what,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("{}#event-{event}", back(id))))
}

/// Removes an event, a part or a sub-item of the competition (404 when it is not its own).
async fn delete(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    id: i64,
    (entity, target): (&'static str, i64),
) -> AppResult<Response> {
    let competition = find_to_change(state, user, id).await?;
    let mut tx = begin(state, id).await?;
    let deleted = match entity {
        "competition_event" => q::delete_event(&mut *tx, id, target).await?,
        "event_part" => q::delete_part(&mut *tx, id, target).await?,
        _ => q::delete_item(&mut *tx, id, target).await?,
    };
    if !deleted {
        return Err(AppError::NotFound);
    }
    let what = (entity, target, "delete");
    audit(&mut tx, ctx, user, competition.organisation_id, what, None).await?;
    tx.commit().await?;
    Ok(saved(&back(id)))
}

pub async fn create_event_deletion(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
) -> AppResult<Response> {
    delete(&state, &ctx, &user, id, ("competition_event", event)).await
}

pub async fn create_part_deletion(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, part)): Path<(i64, i64)>,
) -> AppResult<Response> {
    delete(&state, &ctx, &user, id, ("event_part", part)).await
}

pub async fn create_item_deletion(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, item)): Path<(i64, i64)>,
) -> AppResult<Response> {
    delete(&state, &ctx, &user, id, ("event_item", item)).await
}
