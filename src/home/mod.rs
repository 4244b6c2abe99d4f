//! The signed-in home page: what the user looks after, at a glance.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::access::{CurrentUser, Role};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::Ctx;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(index))
}

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
pub struct HomeTemplate {
    ctx: Ctx,
    user: CurrentUser,
    organisation_count: i64,
    account_count: i64,
    member_count: i64,
    joined_recently: i64,
    pending_requests: i64,
    can_decide_requests: bool,
}

async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> AppResult<HomeTemplate> {
    let counts = sqlx::query!(
        r#"select
             (select count(*) from organisations where path <@ $1::text::ltree) as "organisations!",
             (select count(*) from users u join organisations o on o.id = u.organisation_id
               where o.path <@ $1::text::ltree) as "accounts!",
             (select coalesce(sum(c.n), 0)::bigint from member_counts c
               join organisations o on o.id = c.organisation_id
               where o.path <@ $1::text::ltree and c.status = 'active') as "members!",
             (select count(*) from members m join organisations o on o.id = m.organisation_id
               where o.path <@ $1::text::ltree and m.join_date > current_date - 30) as "joined_recently!",
             (select count(*) from join_requests r join organisations o on o.id = r.organisation_id
               where o.path <@ $1::text::ltree and r.status = 'pending') as "pending_requests!""#,
        user.scope.path()
    )
    .fetch_one(&state.db)
    .await?;
    Ok(HomeTemplate {
        ctx,
        can_decide_requests: user.can(Role::Staff),
        user,
        organisation_count: counts.organisations,
        account_count: counts.accounts,
        member_count: counts.members,
        joined_recently: counts.joined_recently,
        pending_requests: counts.pending_requests,
    })
}
