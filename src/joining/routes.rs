//! The public joining page and its status lookup.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::JoinForm;
use super::queries::{self, NewRequest};
use super::views::{FormTemplate, StatusTemplate, SubmittedTemplate};
use crate::access::{Actor, Scope};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::members::queries as member_queries;
use crate::orgs::model::OrgStatus;
use crate::orgs::queries::{self as org_queries, Organisation};
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;

/// A signed form start time is refused after this long (a page left open overnight).
const MAX_FORM_AGE_SECONDS: i64 = 2 * 3600;

/// Requests one address may send in an hour while the organisation holds a joining ceremony: a
/// hall of workers on the venue's Wi-Fi (the per-ID checks still apply to each of them).
const CEREMONY_MAX_PER_HOUR: i64 = 1000;

/// The organisation of a public joining link; closed ones take no new members.
async fn open_organisation(state: &AppState, code: &str) -> AppResult<Organisation> {
    org_queries::find_by_code_in_scope(&state.db, &code.to_uppercase(), &Scope::everywhere())
        .await?
        .filter(|org| org.status == OrgStatus::Active)
        .ok_or(AppError::NotFound)
}

/// `<seconds>.<signature>`: when the form was handed out, signed so it cannot be forged.
fn started_token(state: &AppState, seconds: i64) -> String {
    let signature: String = state.pii.index(&format!("join-form:{seconds}"))[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{seconds}.{signature}")
}

fn started_at(state: &AppState, token: &str) -> Option<i64> {
    let (seconds, _) = token.split_once('.')?;
    let seconds: i64 = seconds.parse().ok()?;
    (started_token(state, seconds) == token).then_some(seconds)
}

/// The form shown again, with what was typed, its problems and a notice.
fn refused(
    ctx: Ctx,
    org: Organisation,
    form: JoinForm,
    errors: FieldErrors,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Response {
    (status, FormTemplate::new(ctx, org, form, errors, notice)).into_response()
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<FormTemplate> {
    let org = open_organisation(&state, &code).await?;
    let started = started_token(&state, queries::epoch_seconds(&state.db).await?);
    let form = JoinForm {
        occupation: "delivery_rider".into(),
        started,
        ..JoinForm::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    Ok(FormTemplate::new(ctx, org, form, errors, None))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(mut form): Form<JoinForm>,
) -> AppResult<Response> {
    let org = open_organisation(&state, &code).await?;
    let now = queries::epoch_seconds(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let valid = form.validate(&mut errors);

    // Bots: a filled honeypot, a form sent back at once, a forged or stale start time. Whoever is
    // turned away still sees every other problem of the form, and a fresh start time.
    let age = started_at(&state, &form.started).map(|started| now - started);
    let plausible = form.website.is_empty()
        && age.is_some_and(|age| {
            (state.settings.join_min_seconds..=MAX_FORM_AGE_SECONDS).contains(&age)
        });
    if !plausible {
        tracing::warn!(ip = ?ctx.ip, "refused a join request that looks automated");
        form.started = started_token(&state, now);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(refused(
            ctx,
            org,
            form,
            errors,
            status,
            Some("join.error.retry"),
        ));
    }
    // From here on the sender has waited once: a form shown again may be sent back at once.
    form.started = started_token(&state, now - state.settings.join_min_seconds);
    let limit = if queries::ceremony_open(&state.db, org.id).await? {
        CEREMONY_MAX_PER_HOUR
    } else {
        state.settings.join_max_per_hour
    };
    if queries::count_recent_from(&state.db, ctx.ip.clone()).await? >= limit {
        let status = StatusCode::TOO_MANY_REQUESTS;
        return Ok(refused(
            ctx,
            org,
            form,
            errors,
            status,
            Some("join.error.too_many"),
        ));
    }

    if let Some(valid) = &valid {
        let index = state.pii.index(valid.id_number.as_str());
        if member_queries::find_holder_of_id_number(&state.db, &index, &Scope::everywhere())
            .await?
            .is_some()
        {
            errors.add("id_number", "join.error.already_member");
        } else if queries::has_pending(&state.db, &index).await? {
            errors.add("id_number", "join.error.already_pending");
        }
    }
    let Some(valid) = valid.filter(|_| errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(refused(ctx, org, form, errors, status, None));
    };

    let reference = crate::random::random_reference();
    let request = NewRequest {
        reference: &reference,
        organisation_id: org.id,
        name: &valid.name,
        id_number_cipher: state.pii.encrypt(valid.id_number.as_str()),
        id_number_index: state.pii.index(valid.id_number.as_str()),
        id_number_masked: valid.id_number.masked(),
        phone_cipher: state.pii.encrypt(valid.phone.as_str()),
        phone_masked: valid.phone.masked(),
        employer: &valid.employer,
        occupation: valid.occupation,
        ip: ctx.ip.clone(),
    };
    let mut tx = state.db.begin().await?;
    let id = queries::insert(&mut *tx, &request).await?;
    audit::record(
        &mut *tx,
        &Actor { user_id: None, name: "online".into(), ip: ctx.ip.clone() },
        Change {
            entity: "join_request",
            entity_id: id.to_string(),
            action: "create",
            organisation_id: Some(org.id),
            before: None,
            after: Some(serde_json::json!({ "reference": reference, "name": valid.name, "id_number": request.id_number_masked })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(SubmittedTemplate {
        ctx,
        organisation_name: org.name,
        reference,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct StatusQuery {
    #[serde(default)]
    reference: String,
}

pub async fn show_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<StatusQuery>,
) -> AppResult<StatusTemplate> {
    let reference = query.reference.trim().to_uppercase();
    let found = if reference.is_empty() {
        None
    } else {
        queries::find_public_status(&state.db, &reference).await?
    };
    let masked_name = found
        .as_ref()
        .map(|found| crate::audit::model::mask_name(&found.name));
    Ok(StatusTemplate {
        ctx,
        searched: !reference.is_empty(),
        reference,
        found,
        masked_name,
    })
}
