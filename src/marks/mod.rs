//! Marking (评分): a mark sheet per sub-item, entered by the event's judges by keyboard, with
//! conflicts of interest skipped and anonymous marking by number; judgement scores derived by
//! their rule with the gap between judges checked; the chief judge's lock and audited unlock.

pub mod demo;
pub mod locks;
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
            "/competitions/{id}/items/{item}/marks",
            get(routes::show).post(routes::create),
        )
        .route(
            "/competitions/{id}/items/{item}/lock",
            post(locks::create_lock),
        )
        .route(
            "/competitions/{id}/items/{item}/unlock",
            post(locks::create_unlock),
        )
}
