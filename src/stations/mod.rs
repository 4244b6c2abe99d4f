//! Service stations (工会驿站) and the 15-minute service circle: the union's places where outdoor
//! workers rest, drink, charge and warm a meal; their hours, facilities, honours and the services
//! given there; and the public finder of the open stations within a 15-minute walk. Staff keep
//! the stations of their subtree; everyone who reads the union's records reads them; the finder
//! needs no account.

pub mod coverage;
pub mod demo;
pub mod finder;
pub mod mobile;
pub mod model;
pub mod places;
pub mod queries;
pub mod routes;
pub mod totals;
pub mod totals_queries;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stations", get(routes::index).post(routes::create))
        .route("/stations/new", get(routes::new))
        .route("/stations/coverage", get(places::coverage))
        .route("/stations/totals", get(totals::show))
        .route("/stations/totals.xlsx", get(totals::export))
        .route("/stations/{id}", get(routes::show).post(routes::update))
        .route("/stations/{id}/edit", get(routes::edit))
        .route("/stations/{id}/closure", post(routes::create_closure))
        .route("/stations/{id}/reopening", post(routes::create_reopening))
        .route("/stations/{id}/services", post(routes::create_services))
        .route("/stations/{id}/routes", post(mobile::create))
        .route("/stations/{id}/routes/new", get(mobile::new))
        .route("/stations/{id}/routes/{route}", get(mobile::show))
        .route(
            "/stations/{id}/routes/{route}/visits",
            post(mobile::create_visit),
        )
        .route("/places", get(places::index).post(places::create))
        .route("/places/{id}/deletion", post(places::create_deletion))
        .route("/finder", get(finder::show))
}
