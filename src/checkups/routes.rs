//! The health worker's pages: open alerts and recent check-ups, recording a check-up, closing an
//! alert with its follow-up, a member's series, and the normal ranges.

use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use super::HealthWorker;
use super::model::{CheckupForm, Indicator, hundredths};
use super::queries;
use super::views::{CheckupFormTemplate, HealthTemplate, MemberTemplate, RangesTemplate};
use crate::access::CurrentUser;
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::dates::BEIJING;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{ALREADY_DONE, Refused};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    HealthWorker(user): HealthWorker,
) -> AppResult<HealthTemplate> {
    Ok(HealthTemplate {
        alerts: queries::open_alerts(&state.db, &user.scope).await?,
        recent: queries::recent(&state.db, &user.scope).await?,
        today: crate::joining::queries::today(&state.db).await?.to_string(),
        ctx,
    })
}

async fn form_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    form: CheckupForm,
    errors: FieldErrors,
) -> AppResult<CheckupFormTemplate> {
    Ok(CheckupFormTemplate {
        places: queries::places_in(&state.db, &user.scope).await?,
        ctx,
        form,
        errors,
    })
}

pub async fn new_checkup(
    State(state): State<AppState>,
    ctx: Ctx,
    HealthWorker(user): HealthWorker,
) -> AppResult<CheckupFormTemplate> {
    let errors = FieldErrors::new(ctx.locale);
    form_page(&state, ctx, &user, CheckupForm::default(), errors).await
}

/// "2026-12-06 09:30" (or a date alone, or blank for now), Beijing time.
fn taken_at(text: &str, now: OffsetDateTime) -> Option<OffsetDateTime> {
    let text = crate::web::input::clean_text(text).trim().to_string();
    if text.is_empty() {
        return Some(now);
    }
    let (day, clock) = text.split_once([' ', 'T']).unwrap_or((&text, "00:00"));
    let day = crate::web::dates::parse_date(day)?;
    let (hour, minute) = clock.trim().split_once([':', '：'])?;
    let time = time::Time::from_hms(hour.parse().ok()?, minute.parse().ok()?, 0).ok()?;
    let moment = day.with_time(time).assume_offset(BEIJING);
    (moment <= now).then_some(moment)
}

/// `POST /health/checkups`: one transaction for the check-up, its readings and its alerts; the
/// audit record says what was recorded, never the values.
pub async fn create_checkup(
    State(state): State<AppState>,
    ctx: Ctx,
    HealthWorker(user): HealthWorker,
    body: Bytes,
) -> AppResult<Response> {
    let form = CheckupForm::read(&body);
    let mut errors = FieldErrors::new(ctx.locale);
    let places = queries::places_in(&state.db, &user.scope).await?;
    let station = form
        .station_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| places.iter().any(|(p, _)| p == id));
    if station.is_none() {
        errors.add("station_id", "checkup.error.place");
    }
    let typed = crate::web::input::clean_text(form.member.trim()).to_uppercase();
    let member = match crate::members::identity::IdNumber::parse(&typed) {
        Ok(id) => queries::find_member(&state.db, "", &state.pii.index(id.as_str())).await?,
        Err(_) => queries::find_member(&state.db, &typed, &[]).await?,
    };
    if member.is_none() {
        errors.add("member", "checkup.error.member");
    }
    let now: OffsetDateTime = sqlx::query_scalar!(r#"select now() as "now!""#)
        .fetch_one(&state.db)
        .await?;
    let taken = taken_at(&form.taken_at, now);
    if taken.is_none() {
        errors.add("taken_at", "checkup.error.taken_at");
    }
    let readings = form.readings(&mut errors);
    let (Some(station), Some((member_id, _)), Some(taken), true) =
        (station, member, taken, errors.is_empty())
    else {
        let page = form_page(&state, ctx, &user, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    let (id, alerts) = queries::record(
        &mut tx,
        (member_id, station),
        taken,
        &readings,
        Some(user.id),
    )
    .await?;
    let change = Change {
        entity: "health_checkup",
        entity_id: id.to_string(),
        action: "recorded",
        organisation_id: Some(user.organisation_id),
        before: None,
        after: Some(serde_json::json!({
            "member_id": member_id, "station_id": station,
            "indicators": readings.len(), "alerts": alerts,
        })),
    };
    audit::record(&mut *tx, &ctx.actor(&user), change).await?;
    tx.commit().await?;
    let flash = if alerts > 0 {
        Flash::error("checkup.flash.alerts")
    } else {
        Flash::success("checkup.flash.recorded")
    };
    Ok(redirect_with(
        flash,
        &format!("/health/members/{member_id}"),
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ClosureForm {
    #[serde(default)]
    pub advice: String,
    #[serde(default)]
    pub referred: Option<String>,
    #[serde(default)]
    pub next_check: String,
}

/// `POST /health/alerts/{id}/closure`: the follow-up (advice, a referral, the next check) and
/// the alert closed, once.
pub async fn create_closure(
    State(state): State<AppState>,
    ctx: Ctx,
    HealthWorker(user): HealthWorker,
    Path(id): Path<i64>,
    Form(form): Form<ClosureForm>,
) -> AppResult<Response> {
    let advice: String = crate::web::input::clean_text(form.advice.trim())
        .chars()
        .take(500)
        .collect();
    if advice.is_empty() {
        return Err(Refused("checkup.refused.advice").conflict("/health"));
    }
    let next = form.next_check.trim();
    let next_check = match next {
        "" => None,
        text => Some(
            crate::web::dates::parse_date(text)
                .ok_or_else(|| Refused("checkup.refused.next_check").conflict("/health"))?,
        ),
    };
    let mut tx = state.db.begin().await?;
    let closed = queries::close_alert(
        &mut tx,
        (id, &user.scope),
        (&advice, form.referred.is_some(), next_check),
        user.id,
    )
    .await?;
    let Some(organisation_id) = closed else {
        return Err(ALREADY_DONE.conflict("/health"));
    };
    let change = Change {
        entity: "health_alert",
        entity_id: id.to_string(),
        action: "closed",
        organisation_id: Some(organisation_id),
        before: Some(serde_json::json!({ "status": "open" })),
        after: Some(serde_json::json!({ "status": "closed", "referred": form.referred.is_some() })),
    };
    audit::record(&mut *tx, &ctx.actor(&user), change).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("checkup.flash.closed"),
        "/health",
    ))
}

/// `GET /health/members/{id}`: a member's series at the huts of the subtree; the read is
/// audited (who read whose record, not what it holds). No check-up in the subtree: 404.
pub async fn show_member(
    State(state): State<AppState>,
    ctx: Ctx,
    HealthWorker(user): HealthWorker,
    Path(id): Path<i64>,
) -> AppResult<MemberTemplate> {
    let checkups = queries::series(&state.db, id, &user.scope).await?;
    if checkups.is_empty() {
        return Err(AppError::NotFound);
    }
    let name = queries::member_name(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let change = Change {
        entity: "health_record",
        entity_id: id.to_string(),
        action: "viewed",
        organisation_id: Some(user.organisation_id),
        before: None,
        after: None,
    };
    audit::record(&state.db, &ctx.actor(&user), change).await?;
    Ok(MemberTemplate {
        ranges: queries::ranges(&state.db).await?,
        ctx,
        name,
        checkups,
    })
}

pub async fn show_ranges(
    State(state): State<AppState>,
    ctx: Ctx,
    HealthWorker(_): HealthWorker,
) -> AppResult<RangesTemplate> {
    let ranges = queries::ranges(&state.db).await?;
    let typed = ranges
        .iter()
        .map(|(indicator, low, high)| {
            let show = |v: &Option<i64>| v.map(|v| indicator.show(v)).unwrap_or_default();
            (*indicator, show(low), show(high))
        })
        .collect();
    Ok(RangesTemplate {
        errors: FieldErrors::new(ctx.locale),
        ctx,
        typed,
    })
}

/// `POST /health/ranges`: every range at once (fields `{indicator}_low` and `_high`, blank for
/// open); all or nothing.
pub async fn update_ranges(
    State(state): State<AppState>,
    ctx: Ctx,
    HealthWorker(user): HealthWorker,
    body: Bytes,
) -> AppResult<Response> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: String| {
        pairs
            .iter()
            .find(|(f, _)| *f == name)
            .map_or(String::new(), |(_, v)| v.trim().to_string())
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let mut typed = Vec::new();
    let mut ranges = Vec::new();
    for indicator in Indicator::ALL {
        let (low, high) = (
            field(format!("{indicator}_low")),
            field(format!("{indicator}_high")),
        );
        let read = |text: &str| (!text.is_empty()).then(|| hundredths(text));
        match (read(&low), read(&high)) {
            (Some(None), _) | (_, Some(None)) => {
                errors.add(indicator.code(), "checkup.error.number")
            }
            (Some(Some(l)), Some(Some(h))) if l >= h => {
                errors.add(indicator.code(), "checkup.error.range")
            }
            (l, h) => ranges.push((*indicator, (l.flatten(), h.flatten()))),
        }
        typed.push((*indicator, low, high));
    }
    if !errors.is_empty() {
        let page = RangesTemplate { ctx, typed, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    for (indicator, range) in &ranges {
        queries::set_range(&mut tx, *indicator, *range).await?;
    }
    let change = Change {
        entity: "health_ranges",
        entity_id: "all".into(),
        action: "updated",
        organisation_id: Some(user.organisation_id),
        before: None,
        after: Some(serde_json::json!(
            ranges
                .iter()
                .map(|(i, (l, h))| (i.code(), [*l, *h]))
                .collect::<std::collections::BTreeMap<_, _>>()
        )),
    };
    audit::record(&mut *tx, &ctx.actor(&user), change).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("checkup.flash.ranges"),
        "/health/ranges",
    ))
}
