//! The rows of an upload that have problems, as an .xlsx to fix and upload again: the roster's own
//! columns, the line each came from, and what is wrong with it.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;

use super::check::recheck;
use super::files::{self, COLUMNS};
use super::queries;
use crate::access::Staff;
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::export::{self, Cell, Table};
use crate::web::sheet;

pub async fn export_problems(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<uuid::Uuid>,
) -> AppResult<Response> {
    let import = queries::find_import(&state.db, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (checked, bytes) = recheck(&state, &user.scope, &import)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut by_line: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for problem in &checked.problems {
        let field = ctx.tr("import.field.", problem.field);
        by_line
            .entry(problem.line)
            .or_default()
            .push(format!("{field}：{}", ctx.t(problem.message)));
    }
    let read = sheet::read_table_blocking(bytes, files::LIMITS)
        .await
        .map_err(AppError::internal)?;
    let rows = files::rows_of(read).map_err(|_| AppError::NotFound)?;

    let mut headings: Vec<String> = COLUMNS.iter().map(|(title, _)| title.to_string()).collect();
    headings.push(ctx.t("import.col.line").to_string());
    headings.push(ctx.t("import.col.problem").to_string());
    let mut table = Table::new(ctx.t("import.file_name.problems"), headings);
    for row in rows.iter().filter(|row| by_line.contains_key(&row.line)) {
        let mut cells: Vec<Cell> = COLUMNS
            .iter()
            .map(|(_, field)| Cell::from(row.fields.get(*field).cloned().unwrap_or_default()))
            .collect();
        cells.push(Cell::Integer(row.line as i64));
        cells.push(Cell::from(by_line[&row.line].join("；")));
        table.rows.push(cells);
    }
    // The file gives the full ID numbers back to the one who uploaded them: recorded like an export.
    audit::record(
        &state.db,
        &ctx.actor(&user),
        Change {
            entity: "member_import",
            entity_id: id.to_string(),
            action: "export_problems",
            organisation_id: Some(import.organisation_id),
            before: None,
            after: Some(serde_json::json!({ "file": import.file_name, "rows": table.rows.len() })),
        },
    )
    .await?;
    export::xlsx(table).await
}
