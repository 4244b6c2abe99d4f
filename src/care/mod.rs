//! Care services (关爱服务): the campaigns in which a union gives workers something (四季送,
//! 八送, 送温暖, 暖"新"礼包, mobile check-ups, training, counselling) and the workers each one
//! reached, counted once per campaign whether members or not. Staff run the campaigns of their
//! subtree; everyone who reads the union's records reads them.

pub mod demo;
pub mod demo_sessions;
pub mod from_file;
pub mod funding;
pub mod model;
pub mod queries;
pub mod recipients;
pub mod routes;
pub mod session_queries;
pub mod sessions;
pub mod totals;
pub mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/care", get(routes::index).post(routes::create))
        .route("/care/new", get(routes::new))
        .route("/care/totals", get(totals::show))
        .route("/care/totals.xlsx", get(totals::export))
        .route("/care/{id}", get(routes::show).post(routes::update))
        .route("/care/{id}/edit", get(routes::edit))
        .route("/care/{id}/settlement", post(funding::create_settlement))
        .route("/care/{id}/recipients", post(recipients::create))
        .route(
            "/care/{id}/recipients/file",
            // A file of 100,000 workers is about 5 MB.
            post(recipients::create_from_file).layer(DefaultBodyLimit::max(20 * 1024 * 1024)),
        )
        .route(
            "/care/{id}/recipients/template.csv",
            get(recipients::template),
        )
        .route(
            "/care/{id}/recipients/{recipient}/deletion",
            post(recipients::create_deletion),
        )
        .route("/care/{id}/sessions", post(sessions::create))
        .route("/care/{id}/sessions/{session}", get(sessions::show))
        .route(
            "/care/{id}/sessions/{session}/attendance",
            post(sessions::create_attendance),
        )
        .route(
            "/care/{id}/sessions/{session}/notes",
            post(sessions::create_notes),
        )
}
