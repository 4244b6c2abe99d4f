//! The register of employers (用人单位) the union's legal work names: dispute cases, supervision
//! letters and collective contracts all pick their employer from it, found by name or by its
//! unified social credit code.

pub mod demo;
pub mod model;
pub mod queries;
pub mod routes;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/employers", get(routes::index).post(routes::create))
        .route("/employers/new", get(routes::new))
        .route("/employers/{id}", get(routes::show).post(routes::update))
        .route("/employers/{id}/edit", get(routes::edit))
}
