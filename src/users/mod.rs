//! Staff accounts as administrators manage them: create, edit roles, reset passwords, disable.

pub mod model;
pub mod queries;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(routes::index).post(routes::create))
        .route("/users/new", get(routes::new))
        .route("/users/{id}", get(routes::show).post(routes::update))
        .route("/users/{id}/edit", get(routes::edit))
        .route(
            "/users/{id}/password-reset",
            post(routes::create_password_reset),
        )
        .route("/users/{id}/disabling", post(routes::create_disabling))
        .route("/users/{id}/enabling", post(routes::create_enabling))
}
