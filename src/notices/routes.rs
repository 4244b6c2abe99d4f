//! The notice list and marking notices read.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;

use crate::access::CurrentUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::{Ctx, Flash, redirect_with};

pub struct NoticeRow {
    pub link: String,
    pub message: String,
    pub subject: String,
    pub unread: bool,
    pub created_at: time::OffsetDateTime,
}

#[derive(Template, WebTemplate)]
#[template(path = "notices/index.html")]
pub struct IndexTemplate {
    ctx: Ctx,
    notices: Vec<NoticeRow>,
}

/// The latest hundred notices, unread first.
pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> AppResult<IndexTemplate> {
    let notices = sqlx::query_as!(
        NoticeRow,
        r#"select link, message, subject, (read_at is null) as "unread!", created_at
           from notices where user_id = $1
           order by read_at is null desc, id desc limit 100"#,
        user.id
    )
    .fetch_all(&state.db)
    .await?;
    Ok(IndexTemplate { ctx, notices })
}

pub async fn create_read(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    sqlx::query!(
        "update notices set read_at = now() where user_id = $1 and read_at is null",
        user.id
    )
    .execute(&state.db)
    .await?;
    Ok(redirect_with(
        Flash::success("notice.flash.read"),
        "/notices",
    ))
}
