//! The public joining page and its status lookup, the staff queue, and the printable QR code.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{JoinForm, JoinStatus, JoinStep, transition};
use super::queries::{self, LockedRequest, NewRequest};
use super::views::{FormTemplate, QrTemplate, QueueTemplate, StatusTemplate, SubmittedTemplate};
use crate::access::{Actor, CurrentUser, Scope, Staff};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::members::model::{IdNumber, OCCUPATIONS, Phone, ValidMember, parse_occupation};
use crate::members::queries as member_queries;
use crate::orgs::model::OrgStatus;
use crate::orgs::queries::{self as org_queries, Organisation};
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line};

/// The staff queue, where decisions send the user back to.
const QUEUE: &str = "/members/requests";

/// A signed form start time is refused after this long (a page left open overnight).
const MAX_FORM_AGE_SECONDS: i64 = 2 * 3600;

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
    Form(form): Form<JoinForm>,
) -> AppResult<Response> {
    let org = open_organisation(&state, &code).await?;
    let now = queries::epoch_seconds(&state.db).await?;
    let refuse = |ctx: Ctx, org, mut form: JoinForm, errors, status, notice| {
        form.started = started_token(&state, now);
        (status, FormTemplate::new(ctx, org, form, errors, notice)).into_response()
    };
    let mut errors = FieldErrors::new(ctx.locale);

    // Bots: a filled honeypot, a form sent back at once, a forged or stale start time.
    let age = started_at(&state, &form.started).map(|started| now - started);
    let plausible = form.website.is_empty()
        && age.is_some_and(|age| {
            (state.settings.join_min_seconds..=MAX_FORM_AGE_SECONDS).contains(&age)
        });
    if !plausible {
        tracing::warn!(ip = ?ctx.ip, "refused a join request that looks automated");
        return Ok(refuse(
            ctx,
            org,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("join.error.retry"),
        ));
    }
    if queries::count_recent_from(&state.db, ctx.ip.clone()).await?
        >= state.settings.join_max_per_hour
    {
        return Ok(refuse(
            ctx,
            org,
            form,
            errors,
            StatusCode::TOO_MANY_REQUESTS,
            Some("join.error.too_many"),
        ));
    }

    let valid = form.validate(&mut errors);
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
        return Ok(refuse(
            ctx,
            org,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ));
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
    let masked_name = found.as_ref().map(|found| {
        let mut chars = found.name.chars();
        let first: String = chars.next().map(String::from).unwrap_or_default();
        format!("{first}{}", "*".repeat(chars.count().max(1)))
    });
    Ok(StatusTemplate {
        ctx,
        searched: !reference.is_empty(),
        reference,
        found,
        masked_name,
    })
}

pub async fn index_queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
) -> AppResult<QueueTemplate> {
    let requests = queries::list_queue(&state.db, &user.scope).await?;
    Ok(QueueTemplate {
        ctx,
        requests,
        occupations: &OCCUPATIONS,
    })
}

/// Locks a request in the user's scope and checks that `step` applies to it; one already decided
/// sends the user back to the queue with a word, one outside the scope does not exist for them.
async fn lock_for(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    id: i64,
    step: JoinStep,
) -> AppResult<(LockedRequest, JoinStatus)> {
    let request = queries::lock_in_scope(&mut *tx, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = transition(request.status, step).map_err(|refused| refused.conflict(QUEUE))?;
    Ok((request, to))
}

/// Writes the decision, its timeline line and audit record (in the caller's transaction).
async fn decide(
    tx: &mut sqlx::PgConnection,
    actor: &Actor,
    request: &LockedRequest,
    step: JoinStep,
    to: JoinStatus,
    outcome: (Option<i64>, &str),
    detail: serde_json::Value,
) -> AppResult<()> {
    let (member_id, reason) = outcome;
    if !queries::decide(&mut *tx, request.id, request.status, to, member_id, reason).await? {
        return Err(ALREADY_DONE.conflict(QUEUE));
    }
    let line = Line::change(
        "join_request",
        request.id,
        request.organisation_id,
        step.event(),
        request.status.code(),
        to.code(),
    )
    .with_comment(reason)
    .with_detail(detail);
    workflow::record(tx, actor, &line).await?;
    Ok(())
}

/// Approves a request: the worker becomes a member (joined online) in the same transaction.
pub async fn create_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let (request, to) = lock_for(&mut tx, &user, id, JoinStep::Approve).await?;
    let id_number = IdNumber::parse(
        &state
            .pii
            .decrypt(&request.id_number_cipher)
            .map_err(AppError::internal)?,
    )
    .map_err(|_| AppError::internal("a stored ID number no longer parses"))?;
    if member_queries::find_holder_of_id_number(
        &mut *tx,
        &state.pii.index(id_number.as_str()),
        &Scope::everywhere(),
    )
    .await?
    .is_some()
    {
        return Ok(redirect_with(
            Flash::error("join.error.already_member_queue"),
            QUEUE,
        ));
    }
    let phone = Phone::parse(
        &state
            .pii
            .decrypt(&request.phone_cipher)
            .map_err(AppError::internal)?,
    )
    .ok_or_else(|| AppError::internal("a stored phone no longer parses"))?;
    let valid = ValidMember {
        name: request.name.clone(),
        id_number,
        phone,
        employer: request.employer.clone(),
        occupation: parse_occupation(&request.occupation).unwrap_or("other"),
        skill_level: None,
        join_date: queries::today(&mut *tx).await?,
        join_channel: "online",
    };
    let record = member_queries::NewMember::sealed(&state.pii, request.organisation_id, &valid);
    let (member_id, member_no) = member_queries::insert_member(&mut *tx, &record).await?;
    let actor = ctx.actor(&user);
    let organisation = Some(request.organisation_id);
    let joined = Line::event("member", member_id, request.organisation_id, "joined")
        .between(None, organisation);
    workflow::write_timeline(&mut tx, &actor, &joined).await?;
    let detail = serde_json::json!({ "member_no": member_no });
    let outcome = (Some(member_id), "");
    decide(
        &mut tx,
        &actor,
        &request,
        JoinStep::Approve,
        to,
        outcome,
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("join.flash.approved"),
        &format!("/members/{member_id}"),
    ))
}

#[derive(Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
}

pub async fn create_decline(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<DeclineForm>,
) -> AppResult<Response> {
    let reason = form.reason.trim();
    let mut tx = state.db.begin().await?;
    let (request, to) = lock_for(&mut tx, &user, id, JoinStep::Decline).await?;
    if reason.is_empty() || reason.chars().count() > 200 {
        return Ok(redirect_with(Flash::error("join.error.reason"), QUEUE));
    }
    let detail = serde_json::json!({ "reason": reason });
    let outcome = (None, reason);
    decide(
        &mut tx,
        &ctx.actor(&user),
        &request,
        JoinStep::Decline,
        to,
        outcome,
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("join.flash.declined"), QUEUE))
}

/// A printable page with the organisation's joining link as a QR code (for a station's wall or a
/// joining ceremony).
pub async fn show_qr(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<QrTemplate> {
    let org = org_queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let url = format!("{}/join/{}", state.settings.public_url(), org.code);
    let svg = qr_svg(&url)?;
    Ok(QrTemplate {
        ctx,
        organisation_name: org.name,
        url,
        svg,
    })
}

fn qr_svg(text: &str) -> AppResult<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(AppError::internal)?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .build();
    // Inlined into the page: the XML declaration does not belong there.
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_string(),
        None => svg,
    })
}
