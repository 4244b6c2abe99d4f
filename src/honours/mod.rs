//! The use of results (成果应用): winners recommended for honours and skill promotion, followed to
//! a decision, and what they earned shown on the member's record.

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
            "/competitions/{id}/recommendations",
            get(routes::index).post(routes::create),
        )
        .route(
            "/competitions/{id}/recommendations/{recommendation}/submission",
            post(routes::create_submission),
        )
        .route(
            "/competitions/{id}/recommendations/{recommendation}/grant",
            post(routes::create_grant),
        )
        .route(
            "/competitions/{id}/recommendations/{recommendation}/decline",
            post(routes::create_decline),
        )
}
