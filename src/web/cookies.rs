//! The few cookies the app sets, read and written by hand (no cookie jar crate needed).

use axum::http::{HeaderMap, HeaderValue, header};

pub const SESSION: &str = "gh_session";
pub const CSRF: &str = "gh_csrf";
pub const LANG: &str = "gh_lang";
pub const FLASH: &str = "gh_flash";

/// The name a cookie goes by. Over HTTPS the session and CSRF cookies take the `__Host-` prefix:
/// the browser then accepts them only from this very host, Secure and for the whole site, so a
/// neighbouring subdomain cannot plant one. (The language and flash cookies carry nothing secret.)
pub fn full_name(name: &str, secure: bool) -> String {
    if secure && (name == SESSION || name == CSRF) {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// The value of cookie `name` in the request, if any.
pub fn get<'a>(headers: &'a HeaderMap, name: &str, secure: bool) -> Option<&'a str> {
    let name = full_name(name, secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// How long a cookie lives: for the browser session, a number of seconds, or removed now.
#[derive(Debug, Clone, Copy)]
pub enum Lifetime {
    BrowserSession,
    Seconds(u64),
    Expired,
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, and Secure when served over HTTPS.
pub fn set(name: &str, value: &str, lifetime: Lifetime, secure: bool) -> HeaderValue {
    let name = full_name(name, secure);
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    match lifetime {
        Lifetime::BrowserSession => {}
        Lifetime::Seconds(seconds) => cookie.push_str(&format!("; Max-Age={seconds}")),
        Lifetime::Expired => cookie.push_str("; Max-Age=0"),
    }
    if secure {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The name of the cookie a `Set-Cookie` value sets.
pub fn name_of(set_cookie: &HeaderValue) -> Option<&str> {
    set_cookie
        .to_str()
        .ok()?
        .split_once('=')
        .map(|(name, _)| name.trim())
}
