//! Handlers of a sub-item's mark sheet: show it (to the event's judges, and to staff who may see
//! the competition) and save a judge's values, all of them or none, in one transaction with one
//! audit record listing what changed.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{LockProblem, check_sheet, read_sheet};
use super::queries::{self as q, SheetItem, SheetRow};
use super::views::{SheetLine, SheetTemplate};
use crate::access::CurrentUser;
use crate::competitions::model::Status;
use crate::competitions::queries::{Competition, Viewer};
use crate::competitions::routes::find;
use crate::contestants::judge_queries::{self, Judge};
use crate::contestants::model::conflicts;
use crate::error::{AppError, AppResult};
use crate::points::Mark;
use crate::state::AppState;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::Refused;

pub fn back(id: i64, item: i64) -> String {
    format!("/competitions/{id}/items/{item}/marks")
}

/// A sheet as the user may see it: the competition, the sub-item, the event's panel and lines.
pub struct Sheet {
    pub competition: Competition,
    pub item: SheetItem,
    pub panel: Vec<Judge>,
    pub rows: Vec<SheetRow>,
}

impl Sheet {
    /// The user's place on the panel, if they judge the event.
    pub fn judge(&self, user: &CurrentUser) -> Option<&Judge> {
        self.panel.iter().find(|j| j.user_id == user.id)
    }

    /// Whether `judge` may mark `row` (not their own union's or employer's contestant).
    pub fn may_mark(&self, judge: &Judge, row: &SheetRow) -> bool {
        !conflicts(
            (&judge.organisation_path, &judge.employer),
            &self.competition.organisation_path,
            (&row.organisation_path, &row.employer),
        )
    }

    /// The slot a judge's values go in: 0 for a measurement, their account for a judgement.
    pub fn slot(&self, judge: &Judge) -> i64 {
        if self.item.marking.is_judgement() {
            judge.user_id
        } else {
            0
        }
    }

    /// Each line's values by contestant, for the lock.
    pub fn scores(&self) -> Vec<(i64, Vec<Mark>)> {
        self.rows
            .iter()
            .map(|row| {
                let values = row.entries.iter().map(|e| e.value).collect();
                (row.contestant_id, values)
            })
            .collect()
    }
}

/// The sheet of a sub-item of a competition the user may see; a judge only of their events.
pub async fn load(state: &AppState, user: &CurrentUser, id: i64, item: i64) -> AppResult<Sheet> {
    let competition = find(state, user, id).await?;
    let item = q::find_item(&state.db, id, item)
        .await?
        .ok_or(AppError::NotFound)?;
    // The sub-item's panel: the event's judges assigned to it.
    let mut panel = judge_queries::judges(&state.db, item.event_id).await?;
    panel.retain(|judge| judge.marks(item.id));
    let whole = Viewer::of(user).sees_whole(&competition.organisation_path);
    if !whole && !panel.iter().any(|j| j.user_id == user.id) {
        return Err(AppError::NotFound);
    }
    let rows = q::sheet_rows(&state.db, item.event_id, item.id).await?;
    Ok(Sheet {
        competition,
        item,
        panel,
        rows,
    })
}

/// What came back with the sheet: values typed and their problems, or why it could not lock.
#[derive(Default)]
pub struct Returned {
    pub typed: HashMap<i64, String>,
    pub problems: HashMap<i64, &'static str>,
    pub lock_problems: Vec<LockProblem>,
    pub reason: String,
    pub reason_error: Option<&'static str>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, item)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let sheet = load(&state, &user, id, item).await?;
    Ok(page(ctx, &user, sheet, Returned::default(), StatusCode::OK))
}

/// The sheet's page; `status` is 422 when it comes back with problems.
pub fn page(
    ctx: Ctx,
    user: &CurrentUser,
    sheet: Sheet,
    returned: Returned,
    status: StatusCode,
) -> Response {
    let me = sheet.judge(user).cloned();
    let whole = Viewer::of(user).sees_whole(&sheet.competition.organisation_path);
    let open = sheet.competition.status == Status::InProgress && sheet.item.locked_at.is_none();
    let lines = sheet
        .rows
        .iter()
        .map(|row| SheetLine::new(&sheet, me.as_ref(), row, &returned))
        .collect();
    let page = SheetTemplate {
        can_enter: open && me.is_some(),
        is_chief: me.as_ref().is_some_and(|j| j.chief)
            && sheet.competition.status == Status::InProgress,
        show_names: !sheet.competition.anonymous_marking || whole,
        show_scores: whole || me.as_ref().is_some_and(|j| j.chief),
        judges: sheet.panel.len(),
        ctx,
        competition: sheet.competition,
        item: sheet.item,
        lines,
        returned,
    };
    (status, page).into_response()
}

/// Saves the signed-in judge's values. A value that is no mark, or above the limit, sends the
/// whole sheet back with everything typed and the problem beside it; nothing is saved then.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, item)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let sheet = load(&state, &user, id, item).await?;
    let judge = sheet.judge(&user).cloned().ok_or(AppError::Forbidden)?;
    let here = back(id, item);
    if sheet.competition.status != Status::InProgress {
        return Err(Refused("marks.refused.not_in_progress").conflict(here));
    }
    let markable: Vec<&SheetRow> = sheet
        .rows
        .iter()
        .filter(|row| sheet.may_mark(&judge, row))
        .collect();
    let typed: Vec<(i64, String)> = read_sheet(&pairs)
        .into_iter()
        .filter(|(c, _)| markable.iter().any(|row| row.contestant_id == *c))
        .collect();
    let marks = match check_sheet(&typed, sheet.item.limit()) {
        Ok(marks) => marks,
        Err(problems) => {
            let returned = Returned {
                typed: typed.into_iter().collect(),
                problems,
                ..Returned::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(page(ctx, &user, sheet, returned, status));
        }
    };
    let slot = sheet.slot(&judge);
    let changes: serde_json::Map<String, serde_json::Value> = marks
        .iter()
        .filter_map(|(contestant, mark)| {
            let row = markable.iter().find(|r| r.contestant_id == *contestant)?;
            let before = row.entries.iter().find(|e| e.slot == slot).map(|e| e.value);
            (before != *mark).then(|| {
                let value = mark.map(|m| m.to_string());
                (row.number.clone(), serde_json::json!(value))
            })
        })
        .collect();
    let mut tx = state.db.begin().await?;
    match q::lock_item(&mut *tx, id, item).await? {
        None => return Err(AppError::NotFound),
        Some(true) => return Err(Refused("marks.refused.locked").conflict(here)),
        Some(false) => {}
    }
    q::save(&mut tx, (item, slot, user.id), &marks).await?;
    if !changes.is_empty() {
        let change = crate::audit::Change {
            entity: "mark_sheet",
            entity_id: item.to_string(),
            action: "save",
            organisation_id: Some(sheet.competition.organisation_id),
            before: None,
            after: Some(serde_json::json!({ "slot": slot, "marks": changes })),
        };
        crate::audit::record(&mut *tx, &ctx.actor(&user), change).await?;
    }
    tx.commit().await?;
    let flash = Flash::success("marks.flash.saved").with_count("count", changes.len() as u64);
    Ok(redirect_with(flash, &here))
}
