//! Collective contracts (集体合同): what a union agrees with one employer or with the employers of
//! an industry or an area, the employers and workers covered, the subjects, filing with the human
//! resources bureau, the term, reminders 90 and 30 days before it ends, and renewal. Staff record
//! and file them; everyone who reads the union's records reads them in their subtree.

pub mod demo;
pub mod model;
pub mod queries;
pub mod reminders;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contracts", get(routes::index).post(routes::create))
        .route("/contracts/new", get(routes::new))
        .route("/contracts/{id}", get(routes::show))
        .route("/contracts/{id}/filing", post(routes::create_filing))
}
