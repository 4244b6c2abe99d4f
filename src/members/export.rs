//! The filtered member list as .xlsx or CSV (会员名单.xlsx), masked unless staff ask for the full
//! numbers; every export is audited.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::queries;
use super::search::{self, ListQuery, Sort};
use crate::access::{CurrentUser, Reader, Role};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::export::{self, Cell, Table};
use crate::web::forms::FieldErrors;

/// The most rows one export holds.
const EXPORT_LIMIT: i64 = 200_000;

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(flatten)]
    list: ListQuery,
    /// Staff may ask for the full ID numbers and phones; such an export is audited.
    #[serde(default)]
    full: Option<String>,
}

const EXPORT_COLUMNS: [&str; 13] = [
    "member.field.member_no",
    "member.field.name",
    "member.field.gender",
    "member.field.birth_date",
    "member.field.id_number",
    "member.field.phone",
    "member.field.employer",
    "member.field.occupation",
    "member.field.skill_level",
    "member.field.join_date",
    "member.field.join_channel",
    "account.organisation",
    "org.field.status",
];

/// The filtered list as a table, full or masked as the user may see it; each export is audited.
async fn table(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    query: &ExportQuery,
) -> AppResult<Table> {
    let mut errors = FieldErrors::new(ctx.locale);
    let filter = query.list.to_filter(state, user, &mut errors).await?;
    if !errors.is_empty() {
        // A filter that cannot be read would export everything: back to the list, which says why.
        return Err(AppError::Conflict {
            key: "export.refused.filter",
            back: format!("/members?{}", query.list.with(None, None)),
        });
    }
    let members = search::list(&state.db, &filter, Sort::MemberNo, EXPORT_LIMIT, 0).await?;
    let full = query.full.is_some() && user.can(Role::Staff);
    let mut clear: HashMap<i64, (String, String)> = HashMap::new();
    if full {
        let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
        for (id, id_cipher, phone_cipher) in queries::find_sealed_many(&state.db, &ids).await? {
            let id_number = state.pii.decrypt(&id_cipher).map_err(AppError::internal)?;
            let phone = state
                .pii
                .decrypt(&phone_cipher)
                .map_err(AppError::internal)?;
            clear.insert(id, (id_number, phone));
        }
    }
    audit::record(
        &state.db,
        &ctx.actor(user),
        Change {
            entity: "member",
            entity_id: "export".into(),
            action: if full { "export_full" } else { "export" },
            organisation_id: Some(user.organisation_id),
            before: None,
            after: Some(
                serde_json::json!({ "rows": members.len(), "query": query.list.with(None, None) }),
            ),
        },
    )
    .await?;
    let headings = EXPORT_COLUMNS
        .iter()
        .map(|key| ctx.t(key).to_string())
        .collect();
    let mut table = Table::new(ctx.t("member.file_name.export"), headings);
    table.rows = members
        .into_iter()
        .map(|m| {
            let (id_number, phone) = clear
                .remove(&m.id)
                .unwrap_or((m.id_number_masked.clone(), m.phone_masked.clone()));
            vec![
                m.member_no.into(),
                m.name.into(),
                ctx.tr("member.gender.", &m.gender).into(),
                Cell::Date(m.birth_date),
                id_number.into(),
                phone.into(),
                m.employer.into(),
                ctx.tr("member.occupation.", &m.occupation).into(),
                m.skill_level
                    .map(|level| ctx.tr("member.skill.", &level))
                    .unwrap_or_default()
                    .into(),
                Cell::Date(m.join_date),
                ctx.tr("member.channel.", &m.join_channel).into(),
                m.organisation_name.into(),
                ctx.tr("member.status.", m.status.code()).into(),
            ]
        })
        .collect();
    Ok(table)
}

pub async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<ExportQuery>,
) -> AppResult<Response> {
    export::csv(table(&state, &ctx, &user, &query).await?).await
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<ExportQuery>,
) -> AppResult<Response> {
    export::xlsx(table(&state, &ctx, &user, &query).await?).await
}
