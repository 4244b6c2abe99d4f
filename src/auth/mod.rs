//! Staff accounts: signing in and out, sessions, one's own password and language.

pub mod model;
pub mod queries;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(routes::new).post(routes::create))
        .route("/logout", post(routes::destroy))
        .route("/language", post(routes::update_language))
        .route("/account", get(routes::show))
        .route(
            "/account/password",
            get(routes::edit_password).post(routes::update_password),
        )
        .route("/account/sessions/delete", post(routes::destroy_all))
}
