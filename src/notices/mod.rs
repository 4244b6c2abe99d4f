//! In-app notices, the same for every module: a record that changes state tells the people who
//! must act or who asked (a count in the header, a list). One row per recipient, so the count is
//! one indexed lookup on every page.

pub mod routes;

use axum::Router;
use axum::routing::{get, post};
use sqlx::PgConnection;

use crate::access::Actor;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notices", get(routes::index))
        .route("/notices/read", post(routes::create_read))
}

/// Who is told.
#[derive(Debug, Clone, Copy)]
pub enum Recipients<'a> {
    /// Reviewers whose scope holds the organisation at this ltree path.
    ReviewersOver(&'a str),
    /// Staff and administrators of this organisation itself (the applicant's office).
    StaffOf(i64),
}

/// What a notice says and where it leads.
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    pub entity: &'static str,
    pub entity_id: i64,
    pub link: String,
    /// A catalogue key (`notice.application.approved` …).
    pub message: &'a str,
    /// The record's number or name, shown with the message.
    pub subject: String,
}

/// Sends `notice` to `recipients`, never to the actor who caused it; call it in the step's
/// transaction, so a step rolled back tells nobody.
pub async fn send(
    conn: &mut PgConnection,
    actor: &Actor,
    recipients: Recipients<'_>,
    notice: &Notice<'_>,
) -> sqlx::Result<()> {
    let (path, organisation, reviewers) = match recipients {
        Recipients::ReviewersOver(path) => (Some(path), None, true),
        Recipients::StaffOf(id) => (None, Some(id), false),
    };
    sqlx::query!(
        r#"insert into notices (user_id, entity, entity_id, link, message, subject)
           select u.id, $1, $2, $3, $4, $5
           from users u join organisations o on o.id = u.organisation_id
           where u.disabled_at is null
             and u.id is distinct from $6
             and (($7 and 'reviewer' = any(u.roles) and o.path @> $8::text::ltree)
                  or (not $7 and u.organisation_id = $9
                      and u.roles && array['staff', 'admin']))"#,
        notice.entity,
        notice.entity_id,
        notice.link,
        notice.message,
        notice.subject,
        actor.user_id,
        reviewers,
        path,
        organisation,
    )
    .execute(conn)
    .await?;
    Ok(())
}
