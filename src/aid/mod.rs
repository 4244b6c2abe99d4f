//! Mutual-aid insurance (互助保障): a union's plans with their premium and benefits, the members
//! enrolled (one by one or a whole list at once), and their claims: filed by staff, documents
//! asked for, approved up to the plan's benefit or declined by a reviewer, and paid. Small claims
//! with complete documents take the fast channel (快速理赔绿色通道) and its short deadline.

pub mod claims;
pub mod demo;
pub mod documents;
pub mod model;
pub mod queries;
pub mod routes;
pub mod steps;
pub mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/aid", get(routes::index).post(routes::create))
        .route("/aid/new", get(routes::new))
        .route("/aid/claims", get(claims::index))
        .route("/aid/claims/{claim}", get(claims::show))
        .route(
            "/aid/claims/{claim}/document-request",
            post(steps::create_document_request),
        )
        .route(
            "/aid/claims/{claim}/document-receipt",
            post(steps::create_document_receipt),
        )
        .route("/aid/claims/{claim}/approval", post(steps::create_approval))
        .route(
            "/aid/claims/{claim}/declining",
            post(steps::create_declining),
        )
        .route("/aid/claims/{claim}/payment", post(steps::create_payment))
        .route(
            "/aid/claims/{claim}/documents",
            post(documents::create_document)
                .layer(DefaultBodyLimit::max(2 * crate::attachments::MAX_BYTES)),
        )
        .route(
            "/aid/claims/{claim}/documents/{file}",
            get(documents::show_document),
        )
        .route(
            "/aid/claims/{claim}/documents/{file}/deletion",
            post(documents::create_document_deletion),
        )
        .route("/aid/{id}", get(routes::show))
        .route("/aid/{id}/enrolments", post(routes::create_enrolments))
        .route("/aid/{id}/claims", post(claims::create))
        .route("/aid/{id}/claims/new", get(claims::new))
}
