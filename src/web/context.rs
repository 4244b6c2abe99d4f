//! The middleware every page request passes: it finds the visitor (session), their language, their
//! CSRF token and any flash message, refuses cross-site form posts, and renders error pages inside
//! the layout in the visitor's language.

use std::net::SocketAddr;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::client_address::client_ip;
use super::cookies::{self, Lifetime};
use super::i18n::Locale;
use super::input;
use super::{Ctx, Flash};
use crate::access::CurrentUser;
use crate::access::session;
use crate::error::ErrorPage;
use crate::random::random_hex;
use crate::state::AppState;
use crate::web::views::ErrorTemplate;

/// Form posts larger than this are not searched for the CSRF token (uploads send it in the URL).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;
/// Paths a user who must change their password may still use.
const ALLOWED_BEFORE_PASSWORD_CHANGE: [&str; 3] = ["/account/password", "/logout", "/language"];

pub async fn load(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let secure = state.settings.secure_cookies;
    let headers = request.headers().clone();
    let mut set_cookies: Vec<HeaderValue> = Vec::new();

    // The CSRF cookie holds a random nonce; the token forms carry is the server's signature of the
    // nonce and the session, so a planted cookie is worthless and signing in changes the token.
    let nonce = match cookies::get(&headers, cookies::CSRF, secure) {
        Some(nonce) if nonce.len() == 64 && nonce.bytes().all(|b| b.is_ascii_hexdigit()) => {
            nonce.to_string()
        }
        _ => {
            let nonce = random_hex(32);
            set_cookies.push(cookies::set(
                cookies::CSRF,
                &nonce,
                Lifetime::BrowserSession,
                secure,
            ));
            nonce
        }
    };

    let mut session_failed = false;
    let session_token = cookies::get(&headers, cookies::SESSION, secure);
    let user = match session_token {
        Some(token) => match find_user(&state, token).await {
            Ok(Some(user)) => Some(user),
            Ok(None) => {
                set_cookies.push(cookies::set(
                    cookies::SESSION,
                    "",
                    Lifetime::Expired,
                    secure,
                ));
                None
            }
            Err(error) => {
                tracing::error!(%error, "could not load the session");
                session_failed = true;
                None
            }
        },
        None => None,
    };

    let live_session = user.as_ref().and(session_token).unwrap_or_default();
    let csrf_token = state
        .pii
        .sign(format!("csrf:{nonce}:{live_session}").as_bytes());

    let locale = cookies::get(&headers, cookies::LANG, secure)
        .and_then(Locale::parse)
        .or_else(|| user.as_ref().and_then(|user| user.locale))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default();

    let flash = cookies::get(&headers, cookies::FLASH, secure).and_then(Flash::decode);
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let ip = client_ip(peer, &headers, &state.settings.trusted_proxies).map(|ip| ip.to_string());
    let ctx = Ctx {
        user,
        locale,
        csrf_token,
        flash: flash.clone(),
        path: request.uri().path().to_string(),
        ip,
    };

    let (request, form) = read_form(request).await;
    let storable = is_storable(&request, &form);
    let csrf_ok = passes_csrf(
        &request,
        &form,
        &ctx.csrf_token,
        &own_origins(&state, &headers),
    );
    let response = if session_failed {
        ErrorPage::Internal.into_response()
    } else if !storable {
        tracing::warn!(path = %ctx.path, "refused a request carrying text that cannot be stored");
        ErrorPage::BadRequest.into_response()
    } else if !csrf_ok {
        tracing::warn!(path = %ctx.path, "refused a state-changing request without a valid CSRF token");
        ErrorPage::Csrf.into_response()
    } else if ctx
        .user
        .as_ref()
        .is_some_and(|user| user.must_change_password)
        && !ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&ctx.path.as_str())
        && !ctx.path.starts_with("/static/")
    {
        Redirect::to("/account/password").into_response()
    } else {
        let mut request = request;
        request.extensions_mut().insert(ctx.clone());
        next.run(request).await
    };

    let mut response = render_error_page(response, &ctx);
    // Pages show personal data and carry form tokens: no browser or proxy keeps a copy, unless a
    // handler said otherwise.
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if flash.is_some() && !response.status().is_redirection() {
        set_cookies.push(cookies::set(cookies::FLASH, "", Lifetime::Expired, secure));
    }
    with_cookies(response, set_cookies)
}

async fn find_user(state: &AppState, token: &str) -> sqlx::Result<Option<CurrentUser>> {
    let settings = &state.settings;
    session::find_user(
        &state.db,
        token,
        settings.session_idle(),
        settings.session_max(),
    )
    .await
}

/// A url-encoded form's body, read once for the checks below and handed on untouched; `Err`
/// when it is larger than a form can be.
type FormBody = Result<Option<Bytes>, ()>;

async fn read_form(request: Request) -> (Request, FormBody) {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (request, Ok(None));
    }
    let (parts, body) = request.into_parts();
    match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => (
            Request::from_parts(parts, Body::from(bytes.clone())),
            Ok(Some(bytes)),
        ),
        Err(_) => (Request::from_parts(parts, Body::empty()), Err(())),
    }
}

/// Whether the path, the query and a url-encoded body hold only storable text (`web::input`).
fn is_storable(request: &Request, form: &FormBody) -> bool {
    let uri = request.uri();
    input::is_storable_path(uri.path())
        && input::is_storable_encoded(uri.query().unwrap_or_default().as_bytes())
        && match form {
            Ok(Some(bytes)) => input::is_storable_encoded(bytes),
            Ok(None) => true,
            Err(()) => false,
        }
}

/// Whether a state-changing request comes from this site with the visitor's token. The token
/// travels in the `x-csrf-token` header, the `csrf_token` query parameter (uploads), or the
/// `csrf_token` field of a url-encoded form.
fn passes_csrf(request: &Request, form: &FormBody, expected: &str, origins: &[String]) -> bool {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return true;
    }
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
        && !origins.iter().any(|own| own == origin)
    {
        return false;
    }
    let from_header = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = || {
        request
            .uri()
            .query()
            .and_then(|query| form_value(query.as_bytes(), "csrf_token"))
    };
    let from_form = || match form {
        Ok(Some(bytes)) => form_value(bytes, "csrf_token"),
        _ => None,
    };
    from_header
        .or_else(from_query)
        .or_else(from_form)
        .is_some_and(|token| constant_time_eq(&token, expected))
}

/// The origins this app answers at: the public URL, and the scheme and host the request names
/// (http, or https when cookies are Secure). An `Origin` must equal one of them, scheme included.
fn own_origins(state: &AppState, headers: &axum::http::HeaderMap) -> Vec<String> {
    let scheme = if state.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    let mut origins = vec![state.settings.public_url()];
    if let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) {
        origins.push(format!("{scheme}://{host}"));
    }
    origins
}

fn form_value(encoded: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Fills error responses that have no page yet (marked ones, and bare 4xx/5xx from axum itself).
fn render_error_page(response: Response, ctx: &Ctx) -> Response {
    let marked = response.extensions().get::<ErrorPage>().copied();
    // Axum's own rejections (a path or query that cannot be read) come as plain text.
    let bare = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|kind| kind.as_bytes().starts_with(b"text/plain"));
    let page = marked.or_else(|| {
        bare.then(|| ErrorPage::for_status(response.status()))
            .flatten()
    });
    let Some(page) = page else { return response };
    let status = if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        response.status()
    } else {
        page.status()
    };
    let template = ErrorTemplate::new(ctx.clone(), page);
    (status, template).into_response()
}

/// Adds the middleware's cookies, except those the handler set itself: one `Set-Cookie` per name,
/// or the browser keeps whichever comes last (a stale session's expiry after a fresh sign-in).
fn with_cookies(mut response: Response, cookies: Vec<HeaderValue>) -> Response {
    let set_by_handler: Vec<String> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(cookies::name_of)
        .map(str::to_string)
        .collect();
    for cookie in cookies {
        let name = cookies::name_of(&cookie).unwrap_or_default();
        if !set_by_handler.iter().any(|set| set == name) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}
