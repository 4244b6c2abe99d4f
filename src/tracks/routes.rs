//! The catalogue page and adding a track to it (a minute's work for staff).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::queries::{self, Track};
use crate::access::{Reader, Staff};
use crate::audit::{self, Change};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::input::clean_text;
use crate::web::{Ctx, saved};

#[derive(Debug, Default, Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    frontier: Option<String>,
    #[serde(default)]
    first_year: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "tracks/index.html")]
pub struct IndexTemplate {
    ctx: Ctx,
    tracks: Vec<Track>,
    form: TrackForm,
    errors: FieldErrors,
    can_add: bool,
    /// The year counted, and each track's competitions in it.
    year: i32,
    competitions: Vec<(i64, i64)>,
    applications: Vec<(i64, i64)>,
}

impl IndexTemplate {
    fn competitions_of(&self, track: &i64) -> i64 {
        count_of(&self.competitions, *track)
    }

    fn applications_of(&self, track: &i64) -> i64 {
        count_of(&self.applications, *track)
    }

    fn first_opened(&self, track: &Track) -> bool {
        track.first_year == self.year
    }

    /// The year's share of competitions on tracks first opened that year (Dalian: 42%), and
    /// on frontier tracks.
    fn year_summary(&self) -> String {
        let count = |pick: &dyn Fn(&Track) -> bool| -> i64 {
            self.tracks
                .iter()
                .filter(|t| pick(t))
                .map(|t| self.competitions_of(&t.id))
                .sum()
        };
        let total = count(&|_| true);
        let first = count(&|t| t.first_year == self.year);
        let share = if total == 0 { 0 } else { first * 100 / total };
        self.ctx.tf(
            "track.share_first",
            [
                ("year", self.year.to_string()),
                ("total", total.to_string()),
                ("first", first.to_string()),
                ("share", format!("{share}%")),
                ("frontier", count(&|t| t.frontier).to_string()),
            ],
        )
    }
}

fn count_of(counts: &[(i64, i64)], track: i64) -> i64 {
    counts
        .iter()
        .find(|(id, _)| *id == track)
        .map_or(0, |(_, n)| *n)
}

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    year: Option<i32>,
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    year: Option<i32>,
    (form, errors, can_add): (TrackForm, FieldErrors, bool),
) -> AppResult<IndexTemplate> {
    let year = match year {
        Some(year) if (2000..=2100).contains(&year) => year,
        _ => crate::joining::queries::today(&state.db).await?.year(),
    };
    Ok(IndexTemplate {
        tracks: queries::list_all(&state.db).await?,
        competitions: queries::competitions_in(&state.db, year).await?,
        applications: queries::applications_per_track(&state.db).await?,
        year,
        can_add,
        ctx,
        form,
        errors,
    })
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<YearQuery>,
) -> AppResult<IndexTemplate> {
    let errors = FieldErrors::new(ctx.locale);
    let can_add = user.can(crate::access::Role::Staff);
    page(
        &state,
        ctx,
        query.year,
        (TrackForm::default(), errors, can_add),
    )
    .await
}

const UNIQUE_NAME: Unique = Unique {
    constraint: "tracks_name_key",
    field: "name",
    key: "track.error.name_taken",
};

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Form(form): Form<TrackForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    let name = clean_text(&form.name);
    if name.is_empty() || name.chars().count() > 60 {
        errors.add("name", "track.error.name");
    }
    let sector = clean_text(&form.sector);
    if sector.chars().count() > 60 {
        errors.add("sector", "application.error.long");
    }
    let year = form
        .first_year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1950..=2100).contains(y));
    if year.is_none() {
        errors.add("first_year", "fund.error.year");
    }
    let mut id = None;
    if let (Some(year), true) = (year, errors.is_empty()) {
        let mut tx = state.db.begin().await?;
        let frontier = form.frontier.is_some();
        let inserted = queries::insert(&mut *tx, &name, &sector, frontier, year).await;
        id = errors.on_constraint(inserted, &UNIQUE_NAME)?;
        if let Some(id) = id {
            audit::record(
                &mut *tx,
                &ctx.actor(&user),
                Change {
                    entity: "track",
                    entity_id: id.to_string(),
                    action: "create",
                    organisation_id: Some(user.organisation_id),
                    before: None,
                    after: Some(serde_json::json!({ "name": name, "sector": sector, "frontier": frontier, "first_year": year })),
                },
            )
            .await?;
            tx.commit().await?;
        }
    }
    if id.is_some() {
        return Ok(saved("/tracks"));
    }
    let page = page(&state, ctx, None, (form, errors, true)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
