//! The managers' budget dashboard (预算看板): for a fund, its total, committed, disbursed and
//! available money as figures and charts, by tier, by district and industry union, by kind of
//! track, applications by status and month, contestants expected and actual, grants and spending,
//! and the slowest reviews. Every figure links to the applications behind it; the view exports to
//! .xlsx, a sheet per table.

pub mod queries;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/budget", get(routes::show))
        .route("/budget/export.xlsx", get(routes::export))
}
