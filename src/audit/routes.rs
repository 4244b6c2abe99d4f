//! The audit trail pages: browse with filters, export as CSV.

use axum::extract::{Query, State};
use axum::response::Response;

use super::queries::{self, AuditFilter};
use super::views::IndexTemplate;
use crate::access::Auditor;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::dates::format_datetime_seconds;
use crate::web::export::{self, Table};
use crate::web::forms::FieldErrors;

const PAGE_SIZE: i64 = 50;
/// An export is a file for one inquiry, not a dump: a bound keeps one request from running away.
const EXPORT_LIMIT: i64 = 100_000;

/// Parses the date filters; a bad date is named beside its field rather than silently ignored.
fn dates(
    filter: &AuditFilter,
    errors: &mut FieldErrors,
) -> (Option<time::Date>, Option<time::Date>) {
    let mut parse = |field: &'static str, text: &str| {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = crate::web::dates::parse_date(text);
        if parsed.is_none() {
            errors.add(field, "audit.error.date");
        }
        parsed
    };
    (parse("from", &filter.from), parse("to", &filter.to))
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Auditor(user): Auditor,
    Query(filter): Query<AuditFilter>,
) -> AppResult<IndexTemplate> {
    let mut errors = FieldErrors::new(ctx.locale);
    let (from, to) = dates(&filter, &mut errors);
    let entries = queries::search(&state.db, &user.scope, &filter, from, to, PAGE_SIZE + 1).await?;
    let mut entries = entries;
    let next_before = (entries.len() as i64 > PAGE_SIZE).then(|| {
        entries.truncate(PAGE_SIZE as usize);
        entries.last().map(|entry| entry.id)
    });
    let next_page = next_before.flatten().map(|before| {
        let query = serde_urlencoded::to_string([
            ("actor", filter.actor.as_str()),
            ("entity", filter.entity.as_str()),
            ("organisation", filter.organisation.as_str()),
            ("from", filter.from.as_str()),
            ("to", filter.to.as_str()),
            ("before", &before.to_string()),
        ])
        .unwrap_or_default();
        format!("/audit?{query}")
    });
    let export_query = serde_urlencoded::to_string([
        ("actor", filter.actor.as_str()),
        ("entity", filter.entity.as_str()),
        ("organisation", filter.organisation.as_str()),
        ("from", filter.from.as_str()),
        ("to", filter.to.as_str()),
    ])
    .unwrap_or_default();
    Ok(IndexTemplate {
        ctx,
        filter,
        errors,
        entries,
        next_page,
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
