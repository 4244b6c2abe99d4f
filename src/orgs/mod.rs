//! The union's organisation tree: browse it, add to it, edit, move and close organisations.

pub mod model;
pub mod picker;
pub mod queries;
pub mod routes;
pub mod tree;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(routes::index).post(routes::create))
        .route("/orgs/new", get(routes::new))
        .route("/orgs/{id}", get(routes::show).post(routes::update))
        .route("/orgs/{id}/edit", get(routes::edit))
        .route(
            "/orgs/{id}/move",
            get(routes::edit_move).post(routes::update_move),
        )
        .route("/orgs/{id}/closure", post(routes::create_closure))
        .route("/orgs/{id}/reopening", post(routes::create_reopening))
}
