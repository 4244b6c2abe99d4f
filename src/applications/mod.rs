//! Contest applications (申报): tier-2 and tier-3 contests filed by district and industry unions
//! and by grassroots unions, drawing subsidies from a fund, through review, approval, the event,
//! its final report and settlement.

pub mod closing;
pub mod demo;
pub mod files;
pub mod list;
pub mod model;
pub mod queries;
pub mod queue;
pub mod report;
pub mod routes;
pub mod step_queries;
pub mod steps;
pub mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::attachments;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications", get(routes::index).post(routes::create))
        .route("/applications/new", get(routes::new))
        .route("/applications/queue", get(queue::index_queue))
        .route("/applications/approvals", post(queue::create_approvals))
        .route("/applications/returns", post(queue::create_returns))
        .route("/applications/{id}", get(routes::show).post(routes::update))
        .route("/applications/{id}/edit", get(routes::edit))
        .route(
            "/applications/{id}/submission",
            post(steps::create_submission),
        )
        .route("/applications/{id}/review", post(steps::create_review))
        .route("/applications/{id}/return", post(steps::create_return))
        .route("/applications/{id}/approval", post(steps::create_approval))
        .route(
            "/applications/{id}/rejection",
            post(closing::create_rejection),
        )
        .route(
            "/applications/{id}/withdrawal",
            post(steps::create_withdrawal),
        )
        .route(
            "/applications/{id}/report",
            get(report::new_report).post(report::create_report),
        )
        .route(
            "/applications/{id}/settlement",
            post(closing::create_settlement),
        )
        .route(
            "/applications/{id}/cancellation",
            post(closing::create_cancellation),
        )
        .route(
            "/applications/{id}/attachments",
            // The file's own limit (10 MB) is checked as it streams in, with a message beside
            // the field; axum's default of 2 MB would refuse a phone's photo as a broken upload.
            post(files::create_attachment).layer(DefaultBodyLimit::max(2 * attachments::MAX_BYTES)),
        )
        .route(
            "/applications/{id}/attachments/{file}",
            get(files::show_attachment),
        )
        .route(
            "/applications/{id}/attachments/{file}/deletion",
            post(files::create_attachment_deletion),
        )
}
