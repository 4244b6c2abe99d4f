//! Handlers of certificates: an event's list and each certificate for the competition's readers,
//! the revocation for its staff, and the verification page for anyone, signed in or not.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::normalise;
use super::queries as q;
use super::views::{CertificateTemplate, ListTemplate, PrintTemplate, VerifyTemplate};
use crate::access::{CurrentUser, Role, Staff};
use crate::competitions::queries::Competition;
use crate::competitions::routes::{find, find_to_change};
use crate::contestants::routes::find_event;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::input::check_reason;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, event)): Path<(i64, i64)>,
) -> AppResult<ListTemplate> {
    let competition = find(&state, &user, id).await?;
    let event = find_event(&state, &user, &competition, event).await?;
    let certificates = q::of_event(&state.db, event.id).await?;
    Ok(ListTemplate {
        ctx,
        competition,
        event,
        certificates,
    })
}

/// How many certificates one print run holds: a print job a browser and an office printer finish.
pub const BATCH: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct PrintQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    batch: Option<usize>,
}

/// The event's valid certificates (a revoked one is left out), to print fifty at a time.
pub async fn print(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, event)): Path<(i64, i64)>,
    Query(query): Query<PrintQuery>,
) -> AppResult<PrintTemplate> {
    let competition = find(&state, &user, id).await?;
    let event = find_event(&state, &user, &competition, event).await?;
    let valid: Vec<q::Certificate> = q::of_event(&state.db, event.id)
        .await?
        .into_iter()
        .filter(|c| c.revoked_at.is_none())
        .collect();
    let batches = valid.len().div_ceil(BATCH).max(1);
    let batch = query.batch.unwrap_or(1).clamp(1, batches);
    let mut printed = Vec::new();
    for certificate in valid.into_iter().skip((batch - 1) * BATCH).take(BATCH) {
        let url = verification_url(&state, &certificate);
        let qr = crate::web::qr::inline_svg(&url, 160)?;
        printed.push((certificate, url, qr));
    }
    Ok(PrintTemplate {
        ctx,
        competition,
        event,
        printed,
        batch,
        batches,
    })
}

fn verification_url(state: &AppState, certificate: &q::Certificate) -> String {
    format!(
        "{}/verify/{}",
        state.settings.public_url(),
        certificate.serial
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, certificate)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let competition = find(&state, &user, id).await?;
    let certificate = find_certificate(&state, &user, &competition, certificate).await?;
    let errors = FieldErrors::new(ctx.locale);
    page(
        &state,
        ctx,
        &user,
        (competition, certificate),
        (String::new(), errors),
    )
}

/// A certificate of the competition in an event the user sees (a judge: the events they judge).
async fn find_certificate(
    state: &AppState,
    user: &CurrentUser,
    competition: &Competition,
    id: i64,
) -> AppResult<q::Certificate> {
    let certificate = q::find(&state.db, competition.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    find_event(state, user, competition, certificate.event_id).await?;
    Ok(certificate)
}

fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    (competition, certificate): (Competition, q::Certificate),
    (reason, errors): (String, FieldErrors),
) -> AppResult<Response> {
    let url = format!(
        "{}/verify/{}",
        state.settings.public_url(),
        certificate.serial
    );
    let qr = crate::web::qr::inline_svg(&url, 160)?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let can_revoke = user.can(Role::Staff)
        && user.scope.holds(&competition.organisation_path)
        && certificate.revoked_at.is_none();
    let page = CertificateTemplate {
        ctx,
        competition,
        certificate,
        url,
        qr,
        can_revoke,
        reason,
        errors,
    };
    Ok((status, page).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct RevocationForm {
    #[serde(default)]
    reason: String,
}

/// Revokes a certificate with a reason: a line of the competition's history and the audit trail.
pub async fn create_revocation(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, certificate)): Path<(i64, i64)>,
    Form(form): Form<RevocationForm>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let certificate = find_certificate(&state, &user, &competition, certificate).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let keys = [
        "certificate.error.reason_missing",
        "certificate.error.reason_long",
    ];
    let Some(reason) = errors.check("reason", check_reason(&form.reason, keys)) else {
        let at = (competition, certificate);
        return page(&state, ctx, &user, at, (form.reason, errors));
    };
    let here = format!("/competitions/{id}/certificates/{}", certificate.id);
    let mut tx = state.db.begin().await?;
    if !q::revoke(&mut *tx, certificate.id, user.id, &reason).await? {
        return Err(ALREADY_DONE.conflict(here));
    }
    let comment = format!(
        "{} {}：{reason}",
        certificate.grouped_serial(),
        certificate.holder_name
    );
    let detail = serde_json::json!({ "certificate_id": certificate.id });
    let line = Line::event(
        "competition",
        id,
        competition.organisation_id,
        "certificate_revoked",
    )
    .with_comment(&comment)
    .with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("certificate.flash.revoked"),
        &here,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct VerifyQuery {
    #[serde(default)]
    serial: String,
}

/// The public check: a serial typed in (no sign-in).
pub async fn show_verification(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<VerifyQuery>,
) -> AppResult<VerifyTemplate> {
    verification(&state, ctx, query.serial).await
}

/// The public check of the serial a certificate's QR code holds.
pub async fn show_verification_of(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(serial): Path<String>,
) -> AppResult<VerifyTemplate> {
    verification(&state, ctx, serial).await
}

async fn verification(state: &AppState, ctx: Ctx, typed: String) -> AppResult<VerifyTemplate> {
    let searched = !typed.trim().is_empty();
    let found = match normalise(&typed) {
        Some(serial) => q::find_by_serial(&state.db, &serial).await?,
        None => None,
    };
    let serial = found
        .as_ref()
        .map_or_else(|| typed.trim().to_string(), |c| c.grouped_serial());
    Ok(VerifyTemplate {
        ctx,
        serial,
        searched,
        found,
    })
}
