//! The signed-in home page: what the user looks after, at a glance.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::app::AppState;
use crate::auth::model::CurrentUser;
use crate::error::AppResult;
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
               where o.path <@ $1::text::ltree) as "accounts!""#,
        user.scope
    )
    .fetch_one(&state.db)
    .await?;
    Ok(HomeTemplate {
        ctx,
        user,
        organisation_count: counts.organisations,
        account_count: counts.accounts,
    })
}
