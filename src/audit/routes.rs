//! The audit trail pages: browse with filters, export as CSV.

use axum::extract::{Query, State};
use axum::response::Response;

use super::queries::{self, AuditFilter};
use super::views::IndexTemplate;
use crate::access::Auditor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::dates::format_datetime_seconds;
use crate::web::export::{self, Table};
use crate::web::forms::FieldErrors;
use crate::web::paging::{self, PAGE_SIZE, Pager};

/// An export is a file for one inquiry, not a dump: a bound keeps one request from running away.
const EXPORT_LIMIT: i64 = 100_000;

/// The date filters; a bad date is named beside its field.
fn dates(
    filter: &AuditFilter,
    errors: &mut FieldErrors,
) -> (Option<time::Date>, Option<time::Date>) {
    (
        errors.optional_date("from", &filter.from),
        errors.optional_date("to", &filter.to),
    )
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Auditor(user): Auditor,
    Query(filter): Query<AuditFilter>,
) -> AppResult<IndexTemplate> {
    let mut errors = FieldErrors::new(ctx.locale);
    let (from, to) = dates(&filter, &mut errors);
    let mut entries =
        queries::search(&state.db, &user.scope, &filter, from, to, PAGE_SIZE + 1).await?;
    let criteria = [
        ("actor", filter.actor.as_str()),
        ("entity", filter.entity.as_str()),
        ("organisation", filter.organisation.as_str()),
        ("from", filter.from.as_str()),
        ("to", filter.to.as_str()),
        ("sign_ins", filter.sign_ins.as_str()),
    ];
    let pager = Pager::keyset(
        &mut entries,
        |entry| entry.id,
        |before| {
            let before = before.to_string();
            let mut pairs = criteria.to_vec();
            pairs.push(("before", &before));
            paging::link("/audit", &pairs)
        },
    );
    super::plain::name_organisations(&state.db, &mut entries).await?;
    let export_query = serde_urlencoded::to_string(criteria).unwrap_or_default();
    Ok(IndexTemplate {
        ctx,
        filter,
        errors,
        entries,
        pager,
        export_query,
    })
}

/// The filtered trail as CSV.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Auditor(user): Auditor,
    Query(filter): Query<AuditFilter>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    let (from, to) = dates(&filter, &mut errors);
    if !errors.is_empty() {
        let query = serde_urlencoded::to_string(&filter).unwrap_or_default();
        return Err(AppError::Conflict {
            key: "export.refused.filter",
            back: format!("/audit?{query}"),
        });
    }
    let entries = queries::search(&state.db, &user.scope, &filter, from, to, EXPORT_LIMIT).await?;
    let headings = [
        "audit.col.time",
        "audit.col.actor",
        "audit.col.ip",
        "audit.col.organisation",
        "audit.col.entity",
        "audit.col.entity_id",
        "audit.col.action",
        "audit.col.change",
    ];
    let headings = headings.iter().map(|key| ctx.t(key).to_string()).collect();
    let mut table = Table::new(ctx.t("audit.file_name"), headings);
    table.rows = entries
        .iter()
        .map(|entry| {
            vec![
                format_datetime_seconds(entry.occurred_at).into(),
                entry.actor_name.clone().into(),
                entry.ip.clone().unwrap_or_default().into(),
                entry.organisation_name.clone().unwrap_or_default().into(),
                entry.entity.clone().into(),
                entry.entity_id.clone().into(),
                entry.action.clone().into(),
                entry.change_text().into(),
            ]
        })
        .collect();
    export::csv(table).await
}
