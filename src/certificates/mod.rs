//! E-certificates (电子证书): issued for each award and each pass when a competition publishes its
//! results, printed on A4 landscape with a serial that cannot be guessed and a QR code of the
//! public page that tells a genuine certificate from a forged or revoked one.

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
            "/competitions/{id}/events/{event}/certificates",
            get(routes::index),
        )
        .route(
            "/competitions/{id}/events/{event}/certificates/print",
            get(routes::print),
        )
        .route(
            "/competitions/{id}/certificates/{certificate}",
            get(routes::show),
        )
        .route(
            "/competitions/{id}/certificates/{certificate}/revocation",
            post(routes::create_revocation),
        )
        .route("/verify", get(routes::show_verification))
        .route("/verify/{serial}", get(routes::show_verification_of))
}
