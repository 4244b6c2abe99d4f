//! Labour dispute cases (劳动争议案件): intake, acceptance by a mediator, mediation rounds within the
//! 15-day limit (extended only by both parties' agreement), and the outcome. Staff and mediators
//! of a subtree handle its cases; auditors read them; nobody else sees a worker's case.

pub mod demo;
pub mod evidence;
pub mod model;
pub mod page;
pub mod payments;
pub mod queries;
pub mod routes;
pub mod search;
pub mod statistics;
pub mod stats_queries;
pub mod steps;
pub mod views;
pub mod workers;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{get, post};

use crate::access::{CurrentUser, Role};
use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/disputes", get(routes::index).post(routes::create))
        .route("/disputes/new", get(routes::new))
        .route("/disputes/statistics", get(statistics::show))
        .route("/disputes/statistics.xlsx", get(statistics::export))
        .route("/disputes/{id}", get(page::show))
        .route("/disputes/{id}/agreement", get(page::show_agreement))
        .route("/disputes/{id}/identity", get(page::show_identity))
        .route("/disputes/{id}/record", get(page::show_record))
        .route("/disputes/{id}/acceptance", post(steps::create_acceptance))
        .route(
            "/disputes/{id}/reassignment",
            post(steps::create_reassignment),
        )
        .route("/disputes/{id}/rounds", post(steps::create_round))
        .route("/disputes/{id}/extension", post(steps::create_extension))
        .route("/disputes/{id}/closure", post(steps::create_closure))
        .route(
            "/disputes/{id}/instalments",
            post(payments::create_instalment),
        )
        .route("/disputes/{id}/payments", post(payments::create_payment))
        .route("/disputes/{id}/workers", post(workers::create_worker))
        .route(
            "/disputes/{id}/evidence",
            // The file's own limit is checked as it streams in, with a message beside the field.
            post(evidence::create_evidence)
                .layer(DefaultBodyLimit::max(2 * crate::attachments::MAX_BYTES)),
        )
        .route(
            "/disputes/{id}/evidence/{file}",
            get(evidence::show_evidence),
        )
        .route(
            "/disputes/{id}/evidence/{file}/deletion",
            post(evidence::create_evidence_deletion),
        )
}

/// Who handles cases: staff and mediators (and administrators).
pub fn handles_cases(user: &CurrentUser) -> bool {
    user.can(Role::Staff) || user.can(Role::Mediator)
}

/// Who reads cases: those who handle them, and auditors.
pub fn reads_cases(user: &CurrentUser) -> bool {
    handles_cases(user) || user.can(Role::Auditor)
}

macro_rules! case_extractor {
    ($(#[$doc:meta])* $name:ident => $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub CurrentUser);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                let user = CurrentUser::from_request_parts(parts, state).await?;
                if $check(&user) { Ok(Self(user)) } else { Err(AppError::Forbidden) }
            }
        }
    };
}

case_extractor! {
    /// A reader of cases; everyone else signed in is refused with 403.
    CaseReader => reads_cases
}
case_extractor! {
    /// A handler of cases; everyone else signed in is refused with 403.
    CaseHandler => handles_cases
}
