//! The one error type of request handlers. Each class becomes a page inside the normal layout
//! (filled in by the context middleware, `web::context`, which knows the visitor's language); the
//! cause is logged, never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in: go to the sign-in page.
    #[error("sign-in required")]
    SignInRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The form did not carry this visitor's CSRF token, or came from another site.
    #[error("cross-site request refused")]
    CsrfRejected,
    #[error("too many requests")]
    TooManyRequests,
    /// A step refused: the record is no longer in the state the user saw (a second click, a stale
    /// page, someone else first), or the step does not apply to it. The user goes back to `back`
    /// (the record as it is now) with the catalogue text `key`; nothing was changed.
    #[error("conflict: {key}")]
    Conflict { key: &'static str, back: String },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::SignInRequired => StatusCode::SEE_OTHER,
            Self::Forbidden | Self::CsrfRejected => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Conflict { .. } => StatusCode::SEE_OTHER,
            Self::Database(sqlx::Error::RowNotFound) => StatusCode::NOT_FOUND,
            Self::Database(sqlx::Error::PoolTimedOut) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Marks a response whose body the error-page middleware fills in, in the visitor's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    /// A request that cannot be read: a NUL byte or broken text, a parameter out of range.
    BadRequest,
    Forbidden,
    NotFound,
    Csrf,
    TooManyRequests,
    Unprocessable,
    Internal,
    /// Every database connection stayed busy past the wait (a rush of requests): try again.
    Busy,
}

impl ErrorPage {
    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn for_status(status: StatusCode) -> Option<Self> {
        match status.as_u16() {
            400 => Some(Self::BadRequest),
            403 => Some(Self::Forbidden),
            404 | 405 => Some(Self::NotFound),
            413 | 422 => Some(Self::Unprocessable),
            429 => Some(Self::TooManyRequests),
            503 => Some(Self::Busy),
            500..=599 => Some(Self::Internal),
            _ => None,
        }
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let page = match &self {
            Self::SignInRequired => return Redirect::to("/login").into_response(),
            Self::Conflict { key, back } => {
                return crate::web::redirect_with(crate::web::Flash::error(key), back);
            }
            Self::Forbidden => ErrorPage::Forbidden,
            Self::NotFound | Self::Database(sqlx::Error::RowNotFound) => ErrorPage::NotFound,
            Self::CsrfRejected => ErrorPage::Csrf,
            Self::TooManyRequests => ErrorPage::TooManyRequests,
            Self::Database(sqlx::Error::PoolTimedOut) => {
                tracing::warn!("every database connection stayed busy: answered 503");
                ErrorPage::Busy
            }
            Self::Database(_) | Self::Internal(_) => {
                // The request span carries the request id, so the log line can be found from the page.
                tracing::error!(error = %self, "request failed");
                ErrorPage::Internal
            }
        };
        page.into_response()
    }
}

pub type AppResult<T> = Result<T, AppError>;
