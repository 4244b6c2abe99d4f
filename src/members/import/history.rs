//! The imports of the organisations in the user's scope: who imported which file, when, and with
//! what result; each uploader reopens their own.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;
use sqlx::PgExecutor;

use crate::access::{Scope, Staff};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::paging::{self, PageRequest, Pager};

/// One import as the history lists it.
pub struct PastImport {
    pub id: uuid::Uuid,
    pub created_at: time::OffsetDateTime,
    pub uploader: String,
    pub user_id: i64,
    pub organisation_name: String,
    pub file_name: String,
    pub join_channel: String,
    pub status: String,
    pub total_rows: i32,
    pub imported_rows: i32,
    pub skipped_rows: i32,
    /// How many imports there are in all (the same on every row).
    pub total: i64,
}

async fn list_in_scope(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    (limit, offset): (i64, i64),
) -> sqlx::Result<Vec<PastImport>> {
    sqlx::query_as!(
        PastImport,
        r#"select i.id, i.created_at, u.display_name as uploader, i.user_id,
                  o.name as organisation_name, i.file_name, i.join_channel, i.status,
                  i.total_rows, i.imported_rows, i.skipped_rows, count(*) over () as "total!"
           from member_imports i
           join organisations o on o.id = i.organisation_id
           join users u on u.id = i.user_id
           where o.path <@ $1::text::ltree
           order by i.created_at desc, i.id
           limit $2 offset $3"#,
        scope.path(),
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "members/imports.html")]
pub struct HistoryTemplate {
    pub ctx: Ctx,
    pub imports: Vec<PastImport>,
    pub pager: Pager,
    pub user_id: i64,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Query(query): Query<HistoryQuery>,
) -> AppResult<HistoryTemplate> {
    let request = PageRequest::new(query.page);
    let mut imports =
        list_in_scope(&state.db, &user.scope, (request.limit(), request.offset())).await?;
    let total = imports.first().map_or(0, |row| row.total);
    let pager = Pager::counted(request, &mut imports, total, |page| {
        paging::link("/members/imports", &[("page", &page.to_string())])
    });
    Ok(HistoryTemplate {
        ctx,
        imports,
        pager,
        user_id: user.id,
    })
}
