//! Results (成绩): totals by the weights, rankings with their tie-break computed in the database,
//! awards by count, share or threshold with a passed line, and publishing, which freezes them.

pub mod demo;
pub mod model;
pub mod queries;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/competitions/{id}/events/{event}/results",
            get(routes::show),
        )
        .route(
            "/competitions/{id}/events/{event}/awards",
            post(routes::update_awards),
        )
}
