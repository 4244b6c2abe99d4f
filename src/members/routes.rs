//! Handlers of member records: list and search, show (masked; unmasked only on request, audited),
//! create and edit. The steps of a membership are in `steps.rs`.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{MemberForm, OCCUPATIONS};
use super::queries::{self, MemberRow, NewMember};
use super::search::{self, ListQuery};
use super::views::{FormTemplate, IndexTemplate, OccupationCount, ShowTemplate};
use crate::access::{CurrentUser, Reader, Role, Staff};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::orgs::picker;
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::paging::{PageRequest, Pager};
use crate::web::{Ctx, saved};
use crate::workflow::{self, Line};

const ID_NUMBER_TAKEN: Unique = Unique {
    constraint: "members_id_number_index_key",
    field: "id_number",
    key: "member.error.duplicate",
};

pub(super) async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<MemberRow> {
    queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(mut query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let mut errors = FieldErrors::new(ctx.locale);
    let filter = query.to_filter(&state, &user, &mut errors).await?;
    // A union picked among several matches stays picked: the field shows its code from now on.
    if !query.org_choice.is_empty() && !errors.has("org") {
        query.org = std::mem::take(&mut query.org_choice);
    }
    let request = PageRequest::new(query.page);
    let mut members = search::list(
        &state.db,
        &filter,
        query.sort(&filter.search),
        request.limit(),
        request.offset(),
    )
    .await?;
    let counts = search::count_by_occupation(&state.db, &filter).await?;
    let total = counts.iter().map(|(_, n)| n).sum();
    let pager = Pager::counted(request, &mut members, total, |page| {
        format!("/members?{}", query.with(Some(page), None))
    });
    let counts = OCCUPATIONS
        .iter()
        .map(|code| OccupationCount {
            code,
            count: counts
                .iter()
                .find(|(c, _)| c == code)
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    Ok(IndexTemplate {
        can_edit: user.can(Role::Staff),
        ctx,
        members,
        counts,
        total,
        pager,
        errors,
        query,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<ShowTemplate> {
    let member = find(&state, &user, id).await?;
    show_page(&state, ctx, &user, member, None).await
}

pub(super) async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    mut member: MemberRow,
    revealed: Option<(String, String)>,
) -> AppResult<ShowTemplate> {
    let events = workflow::timeline_lines(member.timeline.take());
    // Whoever may edit the member reads what was changed, and by whom.
    let history = if user.reads_audit() || user.can(Role::Staff) {
        audit::queries::list_for_entity(&state.db, "member", &member.id.to_string()).await?
    } else {
        Vec::new()
    };
    let record = crate::honours::routes::member_record(state, member.id).await?;
    Ok(ShowTemplate {
        can_edit: user.can(Role::Staff),
        record,
        ctx,
        member,
        events,
        history,
        revealed,
    })
}

/// The page with the full ID number and phone; only staff may, and each view is audited.
pub async fn show_identity(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<ShowTemplate> {
    let member = find(&state, &user, id).await?;
    let sealed = queries::find_sealed(&state.db, id).await?;
    let id_number = state
        .pii
        .decrypt(&sealed.id_number_cipher)
        .map_err(AppError::internal)?;
    let phone = state
        .pii
        .decrypt(&sealed.phone_cipher)
        .map_err(AppError::internal)?;
    audit::record(
        &state.db,
        &ctx.actor(&user),
        Change {
            entity: "member",
            entity_id: id.to_string(),
            action: "reveal",
            organisation_id: Some(member.organisation_id),
            before: None,
            after: Some(serde_json::json!({ "fields": ["id_number", "phone"] })),
        },
    )
    .await?;
    show_page(&state, ctx, &user, member, Some((id_number, phone))).await
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
) -> AppResult<FormTemplate> {
    let form = MemberForm {
        organisation_code: String::new(),
        join_channel: "staff".into(),
        occupation: "delivery_rider".into(),
        ..MemberForm::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    Ok(FormTemplate::new(ctx, None, form, errors, None)
        .with_choices(&state.db, &user.scope)
        .await?)
}

fn snapshot(valid: &NewMember<'_>, organisation_code: &str) -> serde_json::Value {
    serde_json::json!({
        "name": valid.name, "organisation": organisation_code, "id_number": valid.id_number_masked,
        "phone": valid.phone_masked, "employer": valid.employer, "occupation": valid.occupation,
        "skill_level": valid.skill_level, "join_date": valid.join_date.to_string(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Form(form): Form<MemberForm>,
) -> AppResult<Response> {
    let (mut errors, valid) = form.validate(ctx.locale, true);
    let typed = picker::typed_or_picked(&form.organisation_code, &form.organisation_code_choice);
    let field = (&mut errors, "organisation_code");
    let organisation_id =
        picker::pick(&state.db, typed, &user.scope, user.organisation_id, field).await?;
    let mut duplicate = None;
    if let Some(valid) = &valid {
        let index = state.pii.index(valid.id_number.as_str());
        if let Some(holder) =
            queries::find_holder_of_id_number(&state.db, &index, &user.scope).await?
        {
            errors.add("id_number", "member.error.duplicate");
            duplicate = holder.visible.then_some((holder.id, holder.member_no));
        }
    }
    let (Some(valid), Some(organisation_id)) =
        (valid.filter(|_| errors.is_empty()), organisation_id)
    else {
        let page = FormTemplate::new(ctx, None, form, errors, duplicate)
            .with_choices(&state.db, &user.scope)
            .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let record = NewMember::sealed(&state.pii, organisation_id, &valid);
    let mut tx = state.db.begin().await?;
    // Two clerks entering the same person at once: the unique index decides.
    let inserted = queries::insert_member(&mut *tx, &record).await;
    let Some((id, _)) = errors.on_constraint(inserted, &ID_NUMBER_TAKEN)? else {
        let page = FormTemplate::new(ctx, None, form, errors, None)
            .with_choices(&state.db, &user.scope)
            .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let joined =
        Line::event("member", id, organisation_id, "joined").between(None, Some(organisation_id));
    workflow::write_timeline(&mut tx, &ctx.actor(&user), &joined).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "member",
            entity_id: id.to_string(),
            action: "create",
            organisation_id: Some(organisation_id),
            before: None,
            after: Some(snapshot(&record, &form.organisation_code)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("/members/{id}")))
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<FormTemplate> {
    let member = find(&state, &user, id).await?;
    let form = MemberForm {
        organisation_code: member.organisation_code.clone(),
        name: member.name.clone(),
        id_number: String::new(),
        phone: String::new(),
        employer: member.employer.clone(),
        occupation: member.occupation.clone(),
        skill_level: member.skill_level.clone().unwrap_or_default(),
        join_date: member.join_date.to_string(),
        join_channel: member.join_channel.clone(),
        ..MemberForm::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    Ok(FormTemplate::new(ctx, Some(member), form, errors, None)
        .with_choices(&state.db, &user.scope)
        .await?)
}

/// Saves edits; a blank ID number or phone keeps the stored one (they are never sent to the form).
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(mut form): Form<MemberForm>,
) -> AppResult<Response> {
    let member = find(&state, &user, id).await?;
    let sealed = queries::find_sealed(&state.db, id).await?;
    let keep_id = form.id_number.trim().is_empty();
    if keep_id {
        form.id_number = state
            .pii
            .decrypt(&sealed.id_number_cipher)
            .map_err(AppError::internal)?;
    }
    if form.phone.trim().is_empty() {
        form.phone = state
            .pii
            .decrypt(&sealed.phone_cipher)
            .map_err(AppError::internal)?;
    }
    form.join_channel = member.join_channel.clone();
    let (mut errors, valid) = form.validate(ctx.locale, true);
    if let Some(valid) = valid.as_ref().filter(|_| !keep_id) {
        let index = state.pii.index(valid.id_number.as_str());
        if let Some(holder) =
            queries::find_holder_of_id_number(&state.db, &index, &user.scope).await?
            && holder.id != id
        {
            errors.add("id_number", "member.error.duplicate");
        }
    }
    let Some(valid) = valid.filter(|_| errors.is_empty()) else {
        if keep_id {
            form.id_number.clear();
        }
        form.phone.clear();
        let page = FormTemplate::new(ctx, Some(member), form, errors, None)
            .with_choices(&state.db, &user.scope)
            .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let record = NewMember::sealed(&state.pii, member.organisation_id, &valid);
    let mut tx = state.db.begin().await?;
    queries::update_member(&mut *tx, id, &record).await?;
    let updated = Line::event("member", id, member.organisation_id, "updated");
    workflow::write_timeline(&mut tx, &ctx.actor(&user), &updated).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "member",
            entity_id: id.to_string(),
            action: "update",
            organisation_id: Some(member.organisation_id),
            // The same fields as the snapshot after, so the trail shows only what changed.
            before: Some(serde_json::json!({
                "organisation": member.organisation_code, "name": member.name, "id_number": member.id_number_masked, "phone": member.phone_masked,
                "employer": member.employer, "occupation": member.occupation, "skill_level": member.skill_level,
                "join_date": member.join_date.to_string(),
            })),
            after: Some(snapshot(&record, &member.organisation_code)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("/members/{id}")))
}
