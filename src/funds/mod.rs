//! Subsidy funds (专项资金): a fund of an organisation and a year with its rules, split into
//! allocations, and its append-only ledger, from which every balance can be recomputed.

pub mod ledger;
pub mod model;
pub mod queries;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/funds", get(routes::index).post(routes::create))
        .route("/funds/new", get(routes::new))
        .route("/funds/{id}", get(routes::show))
        .route(
            "/funds/{id}/appropriations",
            post(routes::create_appropriation),
        )
        .route("/funds/{id}/allocations", post(routes::create_allocation))
        .route(
            "/funds/{id}/entries/{entry}/reversal",
            post(routes::create_reversal),
        )
}
