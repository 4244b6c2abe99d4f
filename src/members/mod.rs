//! Members (会员): records with protected personal data, search, transfers; online joining; batch
//! import and export.

pub mod export;
pub mod identity;
pub mod import;
pub mod model;
pub mod queries;
pub mod routes;
pub mod search;
pub mod steps;
pub mod views;
pub mod worker;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/members", get(routes::index).post(routes::create))
        .route("/members/new", get(routes::new))
        .route(
            "/members/import",
            // A 100,000-row file is about 10 MB; the app-wide limit still applies above this.
            get(import::routes::new)
                .post(import::routes::create)
                .layer(DefaultBodyLimit::max(20 * 1024 * 1024)),
        )
        .route("/members/imports", get(import::history::index))
        .route(
            "/members/import/template.csv",
            get(import::routes::template),
        )
        .route(
            "/members/import/template.xlsx",
            get(import::routes::template_xlsx),
        )
        .route(
            "/members/import/{id}/problems.xlsx",
            get(import::problems::export_problems),
        )
        .route(
            "/members/import/{id}",
            get(import::routes::show).post(import::routes::create_run),
        )
        .route("/members/export.csv", get(export::export_csv))
        .route("/members/export.xlsx", get(export::export_xlsx))
        .route("/members/{id}", get(routes::show).post(routes::update))
        .route("/members/{id}/edit", get(routes::edit))
        .route("/members/{id}/identity", get(routes::show_identity))
        .route(
            "/members/{id}/transfer",
            get(steps::new_transfer).post(steps::create_transfer),
        )
        .route("/members/{id}/lapse", post(steps::create_lapse))
        .route(
            "/members/{id}/departure",
            get(steps::new_departure).post(steps::create_departure),
        )
        .route(
            "/members/{id}/reinstatement",
            post(steps::create_reinstatement),
        )
}
