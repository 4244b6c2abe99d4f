//! The audit trail: every change, who made it, from where, before and after.

pub mod model;
pub mod plain;
pub mod queries;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::get;

pub use queries::{Change, record};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(routes::index))
        .route("/audit/export.csv", get(routes::export))
}
