//! Who is asking: roles, the signed-in user, and password hashing.

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use secrecy::{ExposeSecret, SecretString};

use crate::web::i18n::Locale;

/// What an account may do. A role held at an organisation reaches its whole subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including organisations and accounts.
    Admin,
    /// Runs the organisation's members, competitions, stations and cases.
    Staff,
    /// Reviews applications and approves subsidies.
    Reviewer,
    /// Reads dashboards and reports.
    Manager,
    /// Reads everything and the audit trail; changes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Staff,
        Role::Reviewer,
        Role::Manager,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Staff => "staff",
            Self::Reviewer => "reviewer",
            Self::Manager => "manager",
            Self::Auditor => "auditor",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Admin => "role.admin",
            Self::Staff => "role.staff",
            Self::Reviewer => "role.reviewer",
            Self::Manager => "role.manager",
            Self::Auditor => "role.auditor",
        }
    }
}

/// The signed-in staff member, loaded with their session on every request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub organisation_id: i64,
    pub organisation_name: String,
    /// The ltree path of the user's organisation: everything they may see lies under it.
    pub scope: String,
    /// The language the user chose, if they did.
    pub locale: Option<Locale>,
    pub must_change_password: bool,
}

impl CurrentUser {
    /// Whether the user holds `role`; an admin holds every role's powers.
    pub fn can(&self, role: Role) -> bool {
        self.roles.contains(&Role::Admin) || self.roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Admin)
    }

    /// Auditors (and admins) read the audit trail.
    pub fn reads_audit(&self) -> bool {
        self.can(Role::Auditor)
    }

    /// Only administrators may pass (403 otherwise).
    pub fn require_admin(&self) -> Result<(), crate::error::AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(crate::error::AppError::Forbidden)
        }
    }

    /// Only those who run the organisation's work (staff, and administrators) may pass.
    pub fn require_staff(&self) -> Result<(), crate::error::AppError> {
        if self.can(Role::Staff) {
            Ok(())
        } else {
            Err(crate::error::AppError::Forbidden)
        }
    }

    /// Only those who read the audit trail may pass (403 otherwise).
    pub fn require_auditor(&self) -> Result<(), crate::error::AppError> {
        if self.reads_audit() {
            Ok(())
        } else {
            Err(crate::error::AppError::Forbidden)
        }
    }

    /// Reads records of the organisation subtree (every role reads; auditors read everything).
    pub fn reads(&self) -> bool {
        !self.roles.is_empty()
    }

    /// The roles as their codes, for display and storage.
    pub fn role_codes(&self) -> Vec<&'static str> {
        self.roles.iter().map(|role| role.code()).collect()
    }
}

pub fn parse_roles(codes: &[String]) -> Vec<Role> {
    codes.iter().filter_map(|code| Role::parse(code)).collect()
}

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
    fn an_admin_holds_every_role() {
        let user = CurrentUser {
            id: 1,
            username: "a".into(),
            display_name: "a".into(),
            roles: vec![Role::Admin],
            organisation_id: 1,
            organisation_name: "x".into(),
            scope: "1".into(),
            locale: None,
            must_change_password: false,
        };
        assert!(Role::ALL.iter().all(|role| user.can(*role)));
        let auditor = CurrentUser {
            roles: vec![Role::Auditor],
            ..user
        };
        assert!(auditor.reads_audit() && !auditor.can(Role::Staff));
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
