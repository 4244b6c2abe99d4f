//! Handlers of competition statistics (for everyone who reads a subtree's competitions: staff,
//! reviewers, managers, auditors), the .xlsx export, and the participation an organiser declares.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::queries as q;
use super::views::{self, ParticipationTemplate, StatisticsTemplate};
use crate::access::{CurrentUser, Role, Staff};
use crate::audit::{self, Change};
use crate::competitions::routes::find_to_change;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::export;
use crate::web::forms::FieldErrors;
use crate::web::input::parse_count;
use crate::web::{Ctx, saved};

#[derive(Debug, Default, Deserialize)]
pub struct StatisticsQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    year: Option<i32>,
}

/// Whether the user reads a subtree's competitions (a judge alone reads only theirs).
pub fn reads_statistics(user: &CurrentUser) -> bool {
    [Role::Staff, Role::Reviewer, Role::Manager, Role::Auditor]
        .into_iter()
        .any(|role| user.can(role))
}

/// The subtree whose competitions the user reads; a judge alone reads no statistics.
fn scope_of(user: &CurrentUser) -> AppResult<String> {
    if reads_statistics(user) {
        Ok(user.scope.path().to_string())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn load(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    year: Option<i32>,
) -> AppResult<StatisticsTemplate> {
    let scope = scope_of(user)?;
    let years = q::years(&state.db, &scope).await?;
    // The year asked for, else this year in Beijing if it held any, else the latest that did.
    let this_year = crate::joining::queries::today(&state.db).await?.year();
    let year = year.unwrap_or_else(|| {
        years
            .iter()
            .map(|y| y.year)
            .filter(|y| *y == this_year)
            .chain(years.last().map(|y| y.year))
            .next()
            .unwrap_or(this_year)
    });
    let tiers = q::by_tier(&state.db, &scope, year).await?;
    let tracks = q::by_track(&state.db, &scope, year).await?;
    let charts = views::charts(&ctx, year, &tiers, &tracks, &years);
    let mut grouped: Vec<(String, Vec<q::Edition>)> = Vec::new();
    for (name, edition) in q::series(&state.db, &scope).await? {
        match grouped.last_mut() {
            Some((last, editions)) if *last == name => editions.push(edition),
            _ => grouped.push((name, vec![edition])),
        }
    }
    let series = grouped
        .into_iter()
        .enumerate()
        .map(|(n, (name, editions))| views::series(&ctx, name, editions, format!("series-{n}")))
        .collect();
    Ok(StatisticsTemplate {
        ctx,
        year,
        years,
        tiers,
        tracks,
        charts,
        series,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<StatisticsTemplate> {
    load(&state, ctx, &user, query.year).await
}

pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<Response> {
    let page = load(&state, ctx.clone(), &user, query.year).await?;
    let tables = views::tables(&ctx, &page);
    let name = format!("{}-{}.xlsx", ctx.t("stats.title"), page.year);
    export::xlsx_workbook(name, tables).await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ParticipationForm {
    #[serde(default)]
    pub companies: String,
    #[serde(default)]
    pub workers: String,
}

pub async fn edit_participation(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<ParticipationTemplate> {
    let competition = find_to_change(&state, &user, id).await?;
    let form = match q::participation(&state.db, id).await? {
        Some((companies, workers)) => ParticipationForm {
            companies: companies.map(|c| c.to_string()).unwrap_or_default(),
            workers: workers.to_string(),
        },
        None => ParticipationForm::default(),
    };
    Ok(ParticipationTemplate {
        errors: FieldErrors::new(ctx.locale),
        ctx,
        competition,
        form,
    })
}

/// Declares how many companies and workers the competition reached over all its rounds.
pub async fn update_participation(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<ParticipationForm>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    // Blank: not known.
    let companies = if form.companies.trim().is_empty() {
        Some(None)
    } else {
        parse_count(&form.companies, 1_000_000).map(Some)
    };
    if companies.is_none() {
        errors.add("companies", "stats.error.companies");
    }
    let workers = parse_count(&form.workers, 10_000_000);
    if workers.is_none() {
        errors.add("workers", "stats.error.workers");
    }
    let (Some(companies), Some(workers)) = (companies, workers) else {
        let page = ParticipationTemplate {
            ctx,
            competition,
            form,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let figures = (companies.map(|c| c as i32), workers as i32);
    let mut tx = state.db.begin().await?;
    let before = q::participation(&mut *tx, id).await?;
    q::save_participation(&mut *tx, id, figures).await?;
    let change = Change {
        entity: "competition",
        entity_id: id.to_string(),
        action: "update_participation",
        organisation_id: Some(competition.organisation_id),
        before: before.map(|(c, w)| serde_json::json!({ "companies": c, "workers": w })),
        after: Some(serde_json::json!({ "companies": companies, "workers": workers })),
    };
    audit::record(&mut *tx, &ctx.actor(&user), change).await?;
    tx.commit().await?;
    Ok(saved(&format!("/competitions/{id}")))
}
