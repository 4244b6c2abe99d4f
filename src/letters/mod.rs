//! Supervision letters (一函两书): a notice, an opinion or a recommendation the union sends an
//! employer about its workers' rights, on its own or from a dispute case; printed, delivered, and
//! answered within a number of working days, overdue replies flagged. Those who handle dispute
//! cases issue them; auditors read them.

pub mod demo;
pub mod model;
pub mod queries;
pub mod routes;
pub mod steps;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/letters", get(routes::index).post(routes::create))
        .route("/letters/new", get(routes::new))
        .route("/letters/{id}", get(routes::show))
        .route("/letters/{id}/print", get(routes::show_print))
        .route("/letters/{id}/delivery", post(steps::create_delivery))
        .route("/letters/{id}/reply", post(steps::create_reply))
}
