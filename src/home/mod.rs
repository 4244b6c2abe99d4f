//! The signed-in home page: what the user looks after, at a glance.

mod queries;

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
    joined_since: String,
    pending_requests: i64,
    /// Each role sees only the figures it can act on: the queue for those who decide requests,
    /// the accounts for administrators.
    can_decide_requests: bool,
    can_manage_accounts: bool,
    /// Applications to revise and final reports past due (for those who file), applications
    /// waiting for a decision (for reviewers).
    applications_returned: i64,
    reports_overdue: i64,
    applications_waiting: i64,
    can_review: bool,
    /// A judge or a mediator alone sees none of the union's figures, only the way to their work.
    reads_union: bool,
    judges: bool,
    mediates: bool,
}

async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> AppResult<HomeTemplate> {
    let counts = queries::counts_in_scope(&state.db, &user.scope).await?;
    Ok(HomeTemplate {
        ctx,
        can_decide_requests: user.can(Role::Staff),
        can_manage_accounts: user.is_admin(),
        can_review: user.can(Role::Reviewer),
        reads_union: user.reads_union_records(),
        judges: user.can(Role::Judge),
        mediates: user.can(Role::Mediator),
        applications_returned: counts.applications_returned,
        reports_overdue: counts.reports_overdue,
        applications_waiting: counts.applications_waiting,
        user,
        organisation_count: counts.organisations,
        account_count: counts.accounts,
        member_count: counts.members,
        joined_recently: counts.joined_recently,
        pending_requests: counts.pending_requests,
        joined_since: counts.joined_since,
    })
}
