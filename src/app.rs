//! The application: the router with every module, its middleware layers, serving and shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::middleware;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveHeadersLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::ErrorPage;
use crate::jobs;
use crate::state::AppState;

/// Uploads (member imports) are the largest requests.
const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/// The whole app as one router.
pub fn router(state: &AppState) -> Router {
    let pages = pages(
        Router::new()
            .merge(crate::home::router())
            .merge(crate::auth::router())
            .merge(crate::orgs::router())
            .merge(crate::users::router())
            .merge(crate::members::router())
            .merge(crate::joining::router())
            .merge(crate::audit::router())
            .merge(crate::funds::router())
            .merge(crate::tracks::router())
            .merge(crate::applications::router())
            .merge(crate::budget::router())
            .merge(crate::competitions::router())
            .merge(crate::contestants::router())
            .merge(crate::marks::router())
            .merge(crate::results::router())
            .merge(crate::certificates::router())
            .merge(crate::honours::router())
            .merge(crate::statistics::router())
            .merge(crate::employers::router())
            .merge(crate::disputes::router())
            .merge(crate::letters::router())
            .merge(crate::contracts::router())
            .merge(crate::stations::router())
            .merge(crate::care::router())
            .merge(crate::aid::router())
            .merge(crate::checkups::router())
            .merge(crate::notices::router()),
        state,
    );

    let static_files = Router::new().nest_service(
        "/static",
        ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ))
            .service(ServeDir::new(state.settings.static_dir())),
    );

    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(crate::health::router())
        .merge(static_files)
        .merge(pages)
        .with_state(state.clone())
        .layer(
            ServiceBuilder::new()
                .layer(SetSensitiveHeadersLayer::new([header::COOKIE, header::AUTHORIZATION]))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                }))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(security_header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
                .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .layer(security_header(header::REFERRER_POLICY, "same-origin"))
                .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
                .layer(security_header(
                    HeaderName::from_static("permissions-policy"),
                    "camera=(), microphone=(), geolocation=(self)",
                ))
                .layer(security_header(
                    HeaderName::from_static("cross-origin-opener-policy"),
                    "same-origin",
                ))
                .layer(CompressionLayer::new())
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    state.settings.request_timeout(),
                ))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
}

/// Pages: the request context (session, language, CSRF) around them, error pages filled in, and a
/// handler that panics answered with the 500 page instead of a dropped connection.
pub fn pages(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    routes
        .fallback(|| async { ErrorPage::NotFound })
        .layer(CatchPanicLayer::custom(answer_panic))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::web::context::load,
        ))
}

#[allow(clippy::needless_pass_by_value)] // the signature CatchPanicLayer asks for
fn answer_panic(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "a handler panicked");
    axum::response::IntoResponse::into_response(ErrorPage::Internal)
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Every kind of background job and housekeeping task, with its handler.
pub fn jobs() -> jobs::Registry {
    use crate::members::import::job as import;
    jobs::Registry::default()
        .job(import::JOB, import::run_job, Some(import::job_failed))
        .every(
            "expire abandoned import previews",
            Duration::from_secs(600),
            import::expire_previews,
        )
        .every(
            "remind of collective contracts ending in 90 and 30 days",
            Duration::from_secs(3600),
            crate::contracts::reminders::remind_expiring,
        )
}

/// Serves until SIGTERM or Ctrl-C; requests in flight and a job in progress finish first.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// Serves with the job worker beside the server until `shutdown` resolves. Dropping the returned
/// future (a test's server ending) stops the worker too.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = AbortOnDrop(tokio::spawn(jobs::run_worker(
        state.clone(),
        Arc::new(jobs()),
        jobs::Timing::default(),
        async move {
            let mut stopped = stopped;
            let _ = stopped.wait_for(|stop| *stop).await;
        },
    )));
    let served = axum::serve(
        listener,
        router(&state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    let _ = stop.send(true);
    let mut worker = worker;
    let _ = tokio::time::timeout(Duration::from_secs(60), &mut worker.0).await;
    served
}

/// A task that ends with its owner.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
