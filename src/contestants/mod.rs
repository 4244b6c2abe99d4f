//! Registration (报名) for a competition's events: eligibility rules, the panel of judges with its
//! chief, contestants (one by one or as teams) with their numbers and exam seats, withdrawals.

pub mod demo;
pub mod file_routes;
pub mod from_file;
pub mod judge_queries;
pub mod judges;
pub mod model;
pub mod queries;
pub mod registration;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/competitions/{id}/events/{event}", get(routes::show))
        .route(
            "/competitions/{id}/events/{event}/rules",
            post(routes::update_rules),
        )
        .route(
            "/competitions/{id}/events/{event}/contestants",
            post(routes::create),
        )
        .route(
            "/competitions/{id}/events/{event}/contestants/template.csv",
            get(file_routes::template),
        )
        .route(
            "/competitions/{id}/events/{event}/contestants/file",
            post(file_routes::create_preview),
        )
        .route(
            "/competitions/{id}/events/{event}/contestants/file/confirmation",
            post(file_routes::create),
        )
        .route(
            "/competitions/{id}/events/{event}/seating",
            post(routes::create_seating),
        )
        .route(
            "/competitions/{id}/contestants/{contestant}/withdrawal",
            post(routes::create_withdrawal),
        )
        .route(
            "/competitions/{id}/events/{event}/judges",
            post(judges::create),
        )
        .route(
            "/competitions/{id}/events/{event}/judges/{judge}/deletion",
            post(judges::create_deletion),
        )
        .route(
            "/competitions/{id}/events/{event}/judges/{judge}/chief",
            post(judges::create_chief),
        )
        .route(
            "/competitions/{id}/events/{event}/judges/{judge}/items",
            post(judges::create_items),
        )
}
