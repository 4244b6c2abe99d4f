//! Competition statistics (参赛统计): a year by tier and track, the shares of frontier and
//! first-opened competitions, the people they brought, the years side by side and the series of
//! each recurring competition, with charts, tables and an .xlsx export.

pub mod queries;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/competitions/statistics", get(routes::show))
        .route("/competitions/statistics.xlsx", get(routes::export))
        .route(
            "/competitions/{id}/participation",
            get(routes::edit_participation).post(routes::update_participation),
        )
}
