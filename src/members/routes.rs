//! Handlers of member records: list and search, show (masked; unmasked only on request, audited),
//! create, edit, transfer, lapse and reinstate.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{CHANNELS, IdNumber, MemberForm, OCCUPATIONS, Phone, STATUSES, ValidMember};
use super::queries::{self, ListFilter, MemberRow, NewMember, Search, Sort};
use super::views::{FormTemplate, IndexTemplate, OccupationCount, ShowTemplate};
use crate::access::Staff;
use crate::access::{CurrentUser, Role};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::orgs::model::{Candidate, choose_named};
use crate::orgs::queries as org_queries;
use crate::pii::Pii;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with};

pub const PAGE_SIZE: i64 = 50;

async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<MemberRow> {
    queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

/// The list's query string, as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub occupation: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<i64>,
}

impl ListQuery {
    /// Reads the query into a filter; what cannot be understood is named in `errors`.
    pub async fn to_filter(
        &self,
        state: &AppState,
        user: &CurrentUser,
        errors: &mut FieldErrors,
    ) -> AppResult<ListFilter> {
        let known = |value: &str, allowed: &[&str]| {
            let value = value.trim();
            allowed.contains(&value).then(|| value.to_string())
        };
        let organisation_path = match self.org.trim() {
            "" => None,
            code => match org_queries::find_by_code_in_scope(
                &state.db,
                &code.to_uppercase(),
                &user.scope,
            )
            .await?
            {
                Some(org) => Some(org.path),
                None => {
                    errors.add("org", "user.error.organisation");
                    // An unknown organisation matches nothing, rather than everything.
                    Some("0".to_string())
                }
            },
        };
        let mut date = |field: &'static str, text: &str| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let parsed = crate::web::dates::parse_date(text);
            if parsed.is_none() {
                errors.add(field, "audit.error.date");
            }
            parsed
        };
        let joined_from = date("from", &self.from);
        let joined_to = date("to", &self.to);
        Ok(ListFilter {
            scope: user.scope.clone(),
            organisation_path,
            search: read_search(&state.pii, &self.q),
            occupation: known(&self.occupation, &OCCUPATIONS),
            status: known(&self.status, &STATUSES),
            channel: known(&self.channel, &CHANNELS),
            joined_from,
            joined_to,
        })
    }

    /// The chosen order; without a choice, a name search lists by name (the index's own order),
    /// anything else the latest joined first.
    pub fn sort(&self, search: &Search) -> Sort {
        match self.sort.as_str() {
            "name" => Sort::Name,
            "member_no" => Sort::MemberNo,
            "join_date" => Sort::JoinDate,
            _ if matches!(
                search,
                Search::NamePrefix(_) | Search::NamePair(_) | Search::NameContains(_)
            ) =>
            {
                Sort::Name
            }
            _ => Sort::JoinDate,
        }
    }

    /// This query with another page (or sort), for links.
    pub fn with(&self, page: Option<i64>, sort: Option<&str>) -> String {
        let mut next = self.clone();
        next.page = page;
        if let Some(sort) = sort {
            next.sort = sort.to_string();
        }
        serde_urlencoded::to_string(&next).unwrap_or_default()
    }
}

/// What the search box holds: an ID number, a phone, a member number, or (part of) a name.
pub fn read_search(pii: &Pii, text: &str) -> Search {
    let text = text.trim();
    if text.is_empty() {
        return Search::None;
    }
    if let Ok(id) = IdNumber::parse(text) {
        return Search::IdNumber(pii.index(id.as_str()));
    }
    if let Some(phone) = Phone::parse(text) {
        return Search::Phone(pii.index(phone.as_str()));
    }
    let upper = text.to_uppercase();
    if upper.starts_with("GH") && upper.len() > 2 && upper[2..].bytes().all(|b| b.is_ascii_digit())
    {
        return Search::MemberNo(upper);
    }
    let name = super::model::clean_name(text);
    match name.chars().count() {
        1 => Search::NamePrefix(name),
        2 => Search::NamePair(name),
        _ => Search::NameContains(name),
    }
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let mut errors = FieldErrors::new(ctx.locale);
    let filter = query.to_filter(&state, &user, &mut errors).await?;
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let mut members = queries::list(
        &state.db,
        &filter,
        query.sort(&filter.search),
        PAGE_SIZE + 1,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    let has_next = members.len() as i64 > PAGE_SIZE;
    members.truncate(PAGE_SIZE as usize);
    let counts = queries::count_by_occupation(&state.db, &filter).await?;
    let total = counts.iter().map(|(_, n)| n).sum();
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
        page,
        has_next,
        errors,
        query,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<ShowTemplate> {
    let member = find(&state, &user, id).await?;
    show_page(&state, ctx, &user, member, None, FieldErrors::default()).await
}

async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    member: MemberRow,
    revealed: Option<(String, String)>,
    errors: FieldErrors,
) -> AppResult<ShowTemplate> {
    let events = queries::list_events(&state.db, member.id).await?;
    let history = if user.reads_audit() {
        audit::queries::list_for_entity(&state.db, "member", &member.id.to_string()).await?
    } else {
        Vec::new()
    };
    Ok(ShowTemplate {
        can_edit: user.can(Role::Staff),
        ctx,
        member,
        events,
        history,
        revealed,
        errors,
        transfer_code: String::new(),
        departure_destination: String::new(),
        organisation_choices: if user.can(Role::Staff) {
            org_queries::list_choices_in_scope(&state.db, &user.scope).await?
        } else {
            Vec::new()
        },
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
    show_page(
        &state,
        ctx,
        &user,
        member,
        Some((id_number, phone)),
        FieldErrors::default(),
    )
    .await
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

/// Seals a valid member's personal data for storing.
pub fn sealed_values<'a>(pii: &Pii, organisation_id: i64, valid: &'a ValidMember) -> NewMember<'a> {
    let id = &valid.id_number;
    NewMember {
        organisation_id,
        name: &valid.name,
        gender: id.gender(),
        birth_date: id.birth_date().unwrap_or(valid.join_date),
        id_number_cipher: pii.encrypt(id.as_str()),
        id_number_index: pii.index(id.as_str()),
        id_number_masked: id.masked(),
        phone_cipher: pii.encrypt(valid.phone.as_str()),
        phone_index: pii.index(valid.phone.as_str()),
        phone_masked: valid.phone.masked(),
        employer: &valid.employer,
        occupation: valid.occupation,
        skill_level: valid.skill_level,
        join_date: valid.join_date,
        join_channel: valid.join_channel,
    }
}

fn snapshot(valid: &NewMember<'_>, organisation_code: &str) -> serde_json::Value {
    serde_json::json!({
        "name": valid.name, "organisation": organisation_code, "id_number": valid.id_number_masked,
        "phone": valid.phone_masked, "employer": valid.employer, "occupation": valid.occupation,
        "skill_level": valid.skill_level, "join_date": valid.join_date.to_string(),
    })
}

/// The organisation a form names by code or full name, if in scope and open; an empty field means
/// the user's own. A problem is added to the errors under `organisation_code`.
pub(super) async fn organisation_for(
    state: &AppState,
    user: &CurrentUser,
    text: &str,
    errors: &mut FieldErrors,
) -> AppResult<Option<i64>> {
    let text = text.trim();
    let found = if text.is_empty() {
        org_queries::find_in_scope(&state.db, user.organisation_id, &user.scope)
            .await?
            .into_iter()
            .collect()
    } else {
        org_queries::find_by_code_or_name_in_scope(&state.db, text, &user.scope).await?
    };
    let candidates: Vec<Candidate<'_>> = found
        .iter()
        .map(|org| Candidate {
            id: org.id,
            code: &org.code,
            status: &org.status,
        })
        .collect();
    match choose_named(text, &candidates) {
        Ok(id) => Ok(Some(id)),
        Err(message) => {
            errors.add("organisation_code", message);
            Ok(None)
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Form(form): Form<MemberForm>,
) -> AppResult<Response> {
    let (mut errors, valid) = form.validate(ctx.locale, true);
    let organisation_id =
        organisation_for(&state, &user, &form.organisation_code, &mut errors).await?;
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
    let record = sealed_values(&state.pii, organisation_id, &valid);
    let mut tx = state.db.begin().await?;
    let (id, _) = match queries::insert_member(&mut *tx, &record).await {
        Ok(done) => done,
        // Two clerks entering the same person at once: the unique index decides.
        Err(error)
            if error
                .as_database_error()
                .is_some_and(|e| e.constraint() == Some("members_id_number_index_key")) =>
        {
            errors.add("id_number", "member.error.duplicate");
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                FormTemplate::new(ctx, None, form, errors, None)
                    .with_choices(&state.db, &user.scope)
                    .await?,
            )
                .into_response());
        }
        Err(error) => return Err(error.into()),
    };
    queries::insert_event(
        &mut *tx,
        id,
        "joined",
        None,
        Some(organisation_id),
        "",
        &user.username,
    )
    .await?;
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
    Ok(redirect_with(
        Flash::success("flash.saved"),
        &format!("/members/{id}"),
    ))
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
    let record = sealed_values(&state.pii, member.organisation_id, &valid);
    let mut tx = state.db.begin().await?;
    queries::update_member(&mut *tx, id, &record).await?;
    queries::insert_event(&mut *tx, id, "updated", None, None, "", &user.username).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "member",
            entity_id: id.to_string(),
            action: "update",
            organisation_id: Some(member.organisation_id),
            before: Some(serde_json::json!({
                "name": member.name, "id_number": member.id_number_masked, "phone": member.phone_masked,
                "employer": member.employer, "occupation": member.occupation, "skill_level": member.skill_level,
                "join_date": member.join_date.to_string(),
            })),
            after: Some(snapshot(&record, &member.organisation_code)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("flash.saved"),
        &format!("/members/{id}"),
    ))
}

#[derive(Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    organisation_code: String,
    #[serde(default)]
    note: String,
}

/// Moves a member to another organisation in scope; the history keeps both.
pub async fn create_transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<TransferForm>,
) -> AppResult<Response> {
    let member = find(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let target = if form.organisation_code.trim().is_empty() {
        errors.add("organisation_code", "user.error.organisation");
        None
    } else {
        organisation_for(&state, &user, &form.organisation_code, &mut errors).await?
    };
    if target == Some(member.organisation_id) {
        errors.add("organisation_code", "org.error.same_parent");
    }
    let Some(target) = target.filter(|_| errors.is_empty()) else {
        let code = form.organisation_code.clone();
        let mut page = show_page(&state, ctx, &user, member, None, errors).await?;
        page.transfer_code = code;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    queries::move_to(&mut *tx, id, target).await?;
    queries::insert_event(
        &mut *tx,
        id,
        "transferred",
        Some(member.organisation_id),
        Some(target),
        form.note.trim(),
        &user.username,
    )
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "member",
            entity_id: id.to_string(),
            action: "transfer",
            organisation_id: Some(target),
            before: Some(serde_json::json!({ "organisation": member.organisation_code })),
            after: Some(
                serde_json::json!({ "organisation": form.organisation_code.trim().to_uppercase() }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("flash.member_transferred"),
        &format!("/members/{id}"),
    ))
}

/// A step in a membership's life: from which statuses, to which, the event it writes and its note.
struct StatusChange<'a> {
    from: &'a [&'a str],
    to: &'a str,
    kind: &'a str,
    note: &'a str,
}

/// A change of status, its event and its audit record, in one transaction.
async fn change_status(
    state: AppState,
    ctx: Ctx,
    user: CurrentUser,
    member: MemberRow,
    change: StatusChange<'_>,
) -> AppResult<Response> {
    let StatusChange {
        from,
        to,
        kind,
        note,
    } = change;
    let id = member.id;
    let mut tx = state.db.begin().await?;
    if queries::set_status(&mut *tx, id, from, to).await? {
        queries::insert_event(&mut *tx, id, kind, None, None, note, &user.username).await?;
        audit::record(
            &mut *tx,
            &ctx.actor(&user),
            Change {
                entity: "member",
                entity_id: id.to_string(),
                action: kind,
                organisation_id: Some(member.organisation_id),
                before: Some(serde_json::json!({ "status": member.status })),
                after: Some(serde_json::json!({ "status": to, "note": note })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("flash.saved"),
        &format!("/members/{id}"),
    ))
}

pub async fn create_lapse(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let member = find(&state, &user, id).await?;
    let lapse = StatusChange {
        from: &["active"],
        to: "lapsed",
        kind: "lapsed",
        note: "",
    };
    change_status(state, ctx, user, member, lapse).await
}

pub async fn create_reinstatement(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let member = find(&state, &user, id).await?;
    let reinstatement = StatusChange {
        from: &["lapsed", "transferred_out"],
        to: "active",
        kind: "reinstated",
        note: "",
    };
    change_status(state, ctx, user, member, reinstatement).await
}

#[derive(Debug, Deserialize)]
pub struct DepartureForm {
    #[serde(default)]
    destination: String,
}

/// The member leaves for a union outside this federation (转出): where to is required, for the
/// letter of transfer and for whoever asks later.
pub async fn create_departure(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<DepartureForm>,
) -> AppResult<Response> {
    let member = find(&state, &user, id).await?;
    let destination = form.destination.trim();
    if destination.is_empty() || destination.chars().count() > 200 {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add("destination", "member.departure.error");
        let mut page = show_page(&state, ctx, &user, member, None, errors).await?;
        page.departure_destination = form.destination;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let departure = StatusChange {
        from: &["active", "lapsed"],
        to: "transferred_out",
        kind: "transferred_out",
        note: destination,
    };
    change_status(state, ctx, user, member, departure).await
}
