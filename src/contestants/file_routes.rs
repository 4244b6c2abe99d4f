//! Handlers of registration from a file: the template, the preview of an upload (every line with
//! its problems) and its confirmation, which registers every line or none.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::from_file::{self, Line, MAX_LINES, REGISTRATION_COLUMNS};
use super::model::RulesForm;
use super::queries::{self as q, EventHead};
use super::registration::{self, Fact};
use super::routes::{back, find_event, page};
use super::views::{EventForms, FilePreviewTemplate};
use crate::access::{CurrentUser, Staff};
use crate::competitions::model::Status;
use crate::competitions::queries::Competition;
use crate::competitions::routes::find_to_change;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::Refused;

/// The file to fill in: the event's columns under their template headings, UTF-8 with a BOM.
pub async fn template(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let head = find_event(&state, &user, &competition, event).await?;
    let fields: &[&str] = if head.is_team() {
        &["name", "id_number", "member_no", "team", "leader"]
    } else {
        &["name", "id_number", "member_no"]
    };
    let header: Vec<&str> = fields
        .iter()
        .filter_map(|f| REGISTRATION_COLUMNS.heading(f))
        .collect();
    let body = format!("\u{feff}{}\r\n", header.join(",")).into_bytes();
    let name = format!(
        "{}-{}.csv",
        ctx.t("contestant.file.template_name"),
        head.name
    );
    Ok(crate::web::export::download(
        "text/csv; charset=utf-8",
        &name,
        body,
    ))
}

/// Reads an upload and shows every line with its problems; nothing is registered yet.
pub async fn create_preview(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
    request: Request,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let head = find_event(&state, &user, &competition, event).await?;
    if competition.status != Status::RegistrationOpen {
        return Err(Refused("contestant.refused.not_open").conflict(back(id, event)));
    }
    let bytes = match Multipart::from_request(request, &state).await {
        Ok(mut multipart) => read_file(&mut multipart)
            .await
            .map_err(|_| "import.error.broken_upload"),
        Err(_) => Err("import.error.no_file"),
    };
    let bytes = bytes.and_then(|b| (!b.is_empty()).then_some(b).ok_or("import.error.no_file"));
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(key) => {
            return file_refused(&state, ctx, &user, (competition, head), (key, None)).await;
        }
    };
    let path = user.scope.path().to_string();
    let mut lines = match from_file::read(&state, &ctx, &path, bytes).await? {
        Ok(lines) => lines,
        Err(problem) => {
            let column = match problem {
                crate::web::roster::FileProblem::MissingColumn(field) => {
                    REGISTRATION_COLUMNS.heading(field)
                }
                _ => None,
            };
            let refusal = (problem.key(), column);
            return file_refused(&state, ctx, &user, (competition, head), refusal).await;
        }
    };
    let mut db = state.db.acquire().await?;
    let checked = (&competition, &head, path.as_str());
    let (groups, _) = from_file::check(&mut db, &ctx, checked, &mut lines).await?;
    Ok(preview(ctx, (competition, head), lines, groups.len()))
}

/// Registers the previewed lines, checked again under the competition's lock: all, or (when
/// something changed since the preview) none, with the preview shown again.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let head = find_event(&state, &user, &competition, event).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let lines: Option<Vec<Line>> = pairs
        .iter()
        .filter(|(name, _)| name == "entry")
        .map(|(_, value)| Line::from_carried(value))
        .collect();
    let Some(mut lines) = lines.filter(|lines| !lines.is_empty() && lines.len() <= MAX_LINES)
    else {
        let key = "contestant.file.error.nothing";
        return Err(Refused(key).conflict(format!("{}#from-file", back(id, event))));
    };
    let mut tx = state.db.begin().await?;
    registration::lock_open(&mut tx, id, event).await?;
    let path = user.scope.path().to_string();
    let checked = (&competition, &head, path.as_str());
    let (groups, facts) = from_file::check(&mut tx, &ctx, checked, &mut lines).await?;
    for line in &mut lines {
        let fact = facts.iter().find(|f| Some(f.0) == line.member_id);
        line.name = fact.map(|f| f.1.clone()).unwrap_or_default();
    }
    if lines.iter().any(|l| !l.problems.is_empty()) {
        drop(tx);
        return Ok(preview(ctx, (competition, head), lines, groups.len()));
    }
    let mut registered = 0;
    for group in &groups {
        let members: Vec<&Fact> = facts
            .iter()
            .filter(|f| group.members.contains(&f.0))
            .collect();
        let team = match &group.team {
            Some((name, leader)) => Some((q::insert_team(&mut *tx, event, name).await?, *leader)),
            None => None,
        };
        let pair = (&competition, &head);
        registration::register(&mut tx, (&ctx, &user), pair, &members, team).await?;
        registered += members.len();
    }
    tx.commit().await?;
    let flash =
        Flash::success("contestant.flash.registered").with_count("count", registered as u64);
    Ok(redirect_with(
        flash,
        &format!("{}#contestants", back(id, event)),
    ))
}

fn preview(
    ctx: Ctx,
    (competition, event): (Competition, EventHead),
    lines: Vec<Line>,
    groups: usize,
) -> Response {
    let problems = lines.iter().map(|l| l.problems.len()).sum();
    let status = if problems == 0 {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FilePreviewTemplate {
        ctx,
        competition,
        event,
        lines,
        problems,
        groups,
    };
    (status, page).into_response()
}

/// The event's page again, the problem of the file beside its field (and the missing column).
async fn file_refused(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    (competition, event): (Competition, EventHead),
    (key, column): (&'static str, Option<&'static str>),
) -> AppResult<Response> {
    let mut forms = EventForms::new(ctx.locale, RulesForm::from_rules(&event.rules));
    forms.failed = "file";
    forms.errors.add("file", key);
    forms.missing_column = column;
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    page(state, ctx, user, (competition, event), forms, status).await
}

async fn read_file(
    multipart: &mut Multipart,
) -> Result<Vec<u8>, axum::extract::multipart::MultipartError> {
    let mut bytes = Vec::new();
    while let Some(field) = multipart.next_field().await? {
        if field.name() == Some("file") {
            bytes = field.bytes().await?.to_vec();
        }
    }
    Ok(bytes)
}
