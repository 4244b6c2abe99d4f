//! Passwords: the rules for a new one, and hashing.

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use secrecy::{ExposeSecret, SecretString};

/// A new password must be long enough to resist guessing; the rules are kept simple on purpose.
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn password_problem(password: &str, username: &str) -> Option<&'static str> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Some("account.error.password_short")
    } else if password.eq_ignore_ascii_case(username) {
        Some("account.error.password_is_username")
    } else {
        None
    }
}

/// Hashes with argon2id and the OWASP parameters (19 MiB, 2 passes, 1 lane: the crate's defaults).
pub fn hash_password(password: &SecretString) -> Result<String, crate::error::AppError> {
    Argon2::default()
        .hash_password(password.expose_secret().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(crate::error::AppError::internal)
}

/// Checks a password against a stored hash; with no hash (unknown account), checks against a dummy so
/// that the answer takes as long as for a real account.
pub fn verify_password(password: &SecretString, stored: Option<&str>) -> bool {
    let matched = Argon2::default()
        .verify_password(
            password.expose_secret().as_bytes(),
            stored.unwrap_or(DUMMY_HASH.as_str()),
        )
        .is_ok();
    matched && stored.is_some()
}

static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password(&SecretString::from("not a real password, only for timing")).unwrap_or_default()
});

/// Runs the CPU-heavy hashing on a blocking thread, inside the request's span.
pub async fn hash_password_blocking(
    password: SecretString,
) -> Result<String, crate::error::AppError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(|| hash_password(&password)))
        .await
        .map_err(crate::error::AppError::internal)?
}

pub async fn verify_password_blocking(password: SecretString, stored: Option<String>) -> bool {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        span.in_scope(|| verify_password(&password, stored.as_deref()))
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password(&SecretString::from("correct horse battery")).expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(
            &SecretString::from("correct horse battery"),
            Some(&hash)
        ));
        assert!(!verify_password(
            &SecretString::from("wrong horse battery"),
            Some(&hash)
        ));
    }

    #[test]
    fn an_unknown_account_never_verifies() {
        assert!(!verify_password(
            &SecretString::from("not a real password, only for timing"),
            None
        ));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            password_problem("short", "x"),
            Some("account.error.password_short")
        );
        assert_eq!(
            password_problem("zhangsan01", "zhangsan01"),
            Some("account.error.password_is_username")
        );
        assert_eq!(password_problem("长城长城长城长城长城", "x"), None);
    }
}
