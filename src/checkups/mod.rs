//! Health huts (健康小屋), corners and check-up vans: check-ups of members with up to twelve
//! indicators, normal ranges health staff configure, an alert for each value outside its range
//! in the follow-up list of the hut's health staff, who record the follow-up and close it, and a
//! member's series over time. Only the `health` role reads any of it (not an administrator), in
//! its subtree; every read of a member's record is audited, without the values.

pub mod demo;
pub mod model;
pub mod queries;
pub mod routes;
pub mod views;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{get, post};

use crate::access::{CurrentUser, Role};
use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(routes::index))
        .route("/health/checkups", post(routes::create_checkup))
        .route("/health/checkups/new", get(routes::new_checkup))
        .route("/health/alerts/{id}/closure", post(routes::create_closure))
        .route("/health/members/{id}", get(routes::show_member))
        .route(
            "/health/ranges",
            get(routes::show_ranges).post(routes::update_ranges),
        )
}

/// A doctor or health staff: the `health` role itself, which an administrator's powers do not
/// include. Everyone else gets 403 before anything is read.
#[derive(Debug, Clone)]
pub struct HealthWorker(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for HealthWorker {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.roles.contains(&Role::Health) {
            Ok(Self(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}
