//! Signing in and out, one's own password, language and sessions.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use secrecy::SecretString;
use serde::Deserialize;

use super::model;
use super::queries;
use super::views::{AccountTemplate, LoginTemplate, PasswordTemplate};
use crate::access::Actor;
use crate::access::CurrentUser;
use crate::access::session::session_token_hash;
use crate::audit::{self, Change};
use crate::error::AppResult;
use crate::random::random_hex;
use crate::state::AppState;
use crate::web::cookies::{self, Lifetime};
use crate::web::forms::FieldErrors;
use crate::web::i18n::Locale;
use crate::web::{Ctx, Flash, redirect_with, safe_return_path};

/// Failed sign-ins allowed per account name, and per client address, in the window.
const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
const MAX_FAILURES_PER_ADDRESS: i64 = 20;
const FAILURE_WINDOW_SECS: f64 = 15.0 * 60.0;

pub async fn new(ctx: Ctx) -> Response {
    if ctx.user.is_some() {
        return Redirect::to("/").into_response();
    }
    LoginTemplate {
        ctx,
        username: String::new(),
        error: None,
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: SecretString,
}

#[tracing::instrument(skip_all, fields(username = %form.username.trim()))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let username = form.username.trim().to_lowercase();
    let refuse = |ctx: Ctx, status: StatusCode, key: &'static str| {
        let error = Some(ctx.t(key));
        (
            status,
            LoginTemplate {
                ctx,
                username: form.username.trim().to_string(),
                error,
            },
        )
            .into_response()
    };

    let failures =
        queries::count_recent_failures(&state.db, &username, ctx.ip.clone(), FAILURE_WINDOW_SECS)
            .await?;
    if failures.by_username >= MAX_FAILURES_PER_ACCOUNT
        || failures.by_ip >= MAX_FAILURES_PER_ADDRESS
    {
        return Ok(refuse(
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            "login.error.rate_limited",
        ));
    }

    let candidate = queries::find_login_candidate(&state.db, &username).await?;
    let stored = candidate.as_ref().map(|c| c.password_hash.clone());
    let matched = model::verify_password_blocking(form.password, stored).await;
    let Some(account) = candidate.filter(|_| matched) else {
        queries::record_login_attempt(&state.db, &username, ctx.ip.clone(), false).await?;
        return Ok(refuse(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "login.error.invalid",
        ));
    };
    if account.disabled {
        // Said only to someone who knows the password: it reveals nothing to a guesser.
        return Ok(refuse(ctx, StatusCode::FORBIDDEN, "login.error.disabled"));
    }

    // A fresh token at every sign-in (the old session, if any, ends): no session fixation.
    let mut tx = state.db.begin().await?;
    if let Some(old) = cookies::get(&headers, cookies::SESSION, state.settings.secure_cookies) {
        queries::delete_session(&mut *tx, &session_token_hash(old)).await?;
    }
    let token = random_hex(32);
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    queries::insert_session(
        &mut *tx,
        &session_token_hash(&token),
        account.id,
        ctx.ip.clone(),
        user_agent,
    )
    .await?;
    queries::record_login_attempt(&mut *tx, &username, ctx.ip.clone(), true).await?;
    let settings = &state.settings;
    queries::delete_expired(
        &mut *tx,
        settings.session_idle().as_secs_f64(),
        settings.session_max().as_secs_f64(),
    )
    .await?;
    let actor = Actor {
        user_id: Some(account.id),
        name: username.clone(),
        ip: ctx.ip.clone(),
    };
    audit::record(
        &mut *tx,
        &actor,
        Change {
            entity: "session",
            entity_id: account.id.to_string(),
            action: "sign_in",
            organisation_id: Some(account.organisation_id),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;

    let cookie = cookies::set(
        cookies::SESSION,
        &token,
        Lifetime::BrowserSession,
        state.settings.secure_cookies,
    );
    // A new form-token nonce with the new session: a token seen before signing in is void after.
    let csrf = cookies::set(
        cookies::CSRF,
        &random_hex(32),
        Lifetime::BrowserSession,
        state.settings.secure_cookies,
    );
    let target = if account.must_change_password {
        "/account/password"
    } else {
        "/"
    };
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie), (header::SET_COOKIE, csrf)]),
        Redirect::to(target),
    )
        .into_response())
}

pub async fn destroy(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some(token) = cookies::get(&headers, cookies::SESSION, state.settings.secure_cookies) {
        queries::delete_session(&state.db, &session_token_hash(token)).await?;
    }
    let cookie = cookies::set(
        cookies::SESSION,
        "",
        Lifetime::Expired,
        state.settings.secure_cookies,
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Flash::success("flash.signed_out"),
        Redirect::to("/login"),
    )
        .into_response())
}

/// "Sign out everywhere": ends every session of the account, this one included.
pub async fn destroy_all(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let ended = queries::delete_sessions_of_user(&mut *tx, user.id).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "session",
            entity_id: user.id.to_string(),
            action: "sign_out_everywhere",
            organisation_id: Some(user.organisation_id),
            before: Some(serde_json::json!({ "sessions": ended })),
            after: Some(serde_json::json!({ "sessions": 0 })),
        },
    )
    .await?;
    tx.commit().await?;
    let cookie = cookies::set(
        cookies::SESSION,
        "",
        Lifetime::Expired,
        state.settings.secure_cookies,
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Flash::success("flash.signed_out_everywhere"),
        Redirect::to("/login"),
    )
        .into_response())
}

pub async fn show(ctx: Ctx, user: CurrentUser) -> AccountTemplate {
    AccountTemplate { ctx, user }
}

pub async fn edit_password(ctx: Ctx, user: CurrentUser) -> PasswordTemplate {
    let errors = FieldErrors::new(ctx.locale);
    PasswordTemplate {
        ctx,
        must_change: user.must_change_password,
        errors,
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: SecretString,
    new_password: String,
    confirm_password: String,
}

/// Changes one's own password and ends one's other sessions (a password changed because it leaked
/// must also shut out whoever used it); this browser stays signed in.
pub async fn update_password(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    if let Some(problem) = model::password_problem(&form.new_password, &user.username) {
        errors.add("new_password", problem);
    }
    if form.new_password != form.confirm_password {
        errors.add("confirm_password", "account.error.password_mismatch");
    }
    let stored = queries::find_password_hash(&state.db, user.id).await?;
    if !model::verify_password_blocking(form.current_password, Some(stored)).await {
        errors.add("current_password", "account.error.current_wrong");
    }
    if !errors.is_empty() {
        let page = PasswordTemplate {
            ctx,
            must_change: user.must_change_password,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }

    let hash = model::hash_password_blocking(SecretString::from(form.new_password)).await?;
    let mut tx = state.db.begin().await?;
    queries::update_password(&mut *tx, user.id, &hash, false).await?;
    let this_session = cookies::get(&headers, cookies::SESSION, state.settings.secure_cookies)
        .map(session_token_hash);
    let ended = queries::delete_other_sessions(&mut *tx, user.id, this_session.as_deref()).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(&user),
        Change {
            entity: "user",
            entity_id: user.id.to_string(),
            action: "change_password",
            organisation_id: Some(user.organisation_id),
            before: None,
            after: Some(serde_json::json!({ "other_sessions_ended": ended })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("flash.password_changed"), "/"))
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// Switches the interface language: a cookie for everyone, and the account's setting when signed in.
pub async fn update_language(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LanguageForm>,
) -> AppResult<Response> {
    let locale = Locale::parse(&form.lang).unwrap_or_default();
    if let Some(user) = &ctx.user {
        queries::update_locale(&state.db, user.id, locale.code()).await?;
    }
    let year = Lifetime::Seconds(365 * 24 * 3600);
    let cookie = cookies::set(
        cookies::LANG,
        locale.code(),
        year,
        state.settings.secure_cookies,
    );
    let back = safe_return_path(form.next.as_deref());
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response())
}
