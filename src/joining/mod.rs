//! Online joining (指尖入会): a public, phone-sized form per organisation, reached by a printable QR
//! code; the requests wait in the organisation's queue until staff approve or decline them.

pub mod model;
pub mod qr;
pub mod queries;
pub mod queue;
pub mod routes;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// The public pages live under `/join`. Staff's side keeps the URLs of what it belongs to: the queue
/// of requests is part of the member list's work (`/members/requests`), and the QR code is a page of
/// the organisation whose link it prints (`/orgs/{id}/join-qr`); the handlers are all here.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/join/status", get(routes::show_status))
        .route("/join/{code}", get(routes::new).post(routes::create))
        .route("/members/requests", get(queue::index_queue))
        .route("/members/requests/approvals", post(queue::create_approvals))
        .route("/members/requests/declines", post(queue::create_declines))
        .route(
            "/members/requests/{id}/approval",
            post(queue::create_approval),
        )
        .route(
            "/members/requests/{id}/decline",
            post(queue::create_decline),
        )
        .route("/orgs/{id}/join-qr", get(qr::show_qr))
        .route("/orgs/{id}/join-qr.svg", get(qr::show_qr_svg))
        .route("/orgs/{id}/join-qr.png", get(qr::show_qr_png))
        .route("/orgs/{id}/join-ceremony", post(qr::create_ceremony))
        .route("/orgs/{id}/join-ceremony/end", post(qr::delete_ceremony))
}
