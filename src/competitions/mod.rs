//! Skill competitions (技能竞赛) in three tiers: city (1), industry or district (2) and grassroots
//! (3), each with its events, their parts and sub-items with marks and weights, through
//! registration, the contest and its marking. A tier-2 or tier-3 competition may be held on an
//! approved contest application.

pub mod demo;
pub mod event_queries;
pub mod events;
pub mod model;
pub mod queries;
pub mod routes;
pub mod steps;
pub mod structure;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/competitions", get(routes::index).post(routes::create))
        .route("/competitions/new", get(routes::new))
        .route("/competitions/{id}", get(routes::show).post(routes::update))
        .route("/competitions/{id}/edit", get(routes::edit))
        .route(
            "/competitions/{id}/registration-opening",
            post(steps::create_registration_opening),
        )
        .route(
            "/competitions/{id}/registration-closing",
            post(steps::create_registration_closing),
        )
        .route("/competitions/{id}/start", post(steps::create_start))
        .route(
            "/competitions/{id}/marking-end",
            post(steps::create_marking_end),
        )
        .route(
            "/competitions/{id}/publication",
            post(steps::create_publication),
        )
        .route(
            "/competitions/{id}/cancellation",
            post(steps::create_cancellation),
        )
        .route("/competitions/{id}/events", post(events::create_event))
        .route(
            "/competitions/{id}/events/{event}/parts",
            post(events::create_part),
        )
        .route(
            "/competitions/{id}/events/{event}/items",
            post(events::create_item),
        )
        .route(
            "/competitions/{id}/events/{event}/deletion",
            post(events::create_event_deletion),
        )
        .route(
            "/competitions/{id}/parts/{part}/deletion",
            post(events::create_part_deletion),
        )
        .route(
            "/competitions/{id}/items/{item}/deletion",
            post(events::create_item_deletion),
        )
}
