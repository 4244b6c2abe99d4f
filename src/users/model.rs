//! The account form and its rules.

use crate::access::Role;
use crate::auth::model::password_problem;
use crate::web::forms::FieldErrors;
use crate::web::i18n::Locale;
use crate::web::input::clean_text;

/// What an administrator typed; roles are checkboxes named `role_<code>`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub organisation_code: String,
    /// One of the organisations offered when the typed text matched several.
    #[serde(default)]
    pub organisation_code_choice: String,
    #[serde(default)]
    pub password: String,
    pub role_admin: Option<String>,
    pub role_staff: Option<String>,
    pub role_reviewer: Option<String>,
    pub role_manager: Option<String>,
    pub role_auditor: Option<String>,
    pub role_judge: Option<String>,
}

impl UserForm {
    pub fn normalised(mut self) -> Self {
        self.username = clean_text(&self.username).to_lowercase();
        self.display_name = clean_text(&self.display_name);
        self.organisation_code = clean_text(&self.organisation_code).to_uppercase();
        self
    }

    pub fn roles(&self) -> Vec<Role> {
        [
            (Role::Admin, &self.role_admin),
            (Role::Staff, &self.role_staff),
            (Role::Reviewer, &self.role_reviewer),
            (Role::Manager, &self.role_manager),
            (Role::Auditor, &self.role_auditor),
            (Role::Judge, &self.role_judge),
        ]
        .into_iter()
        .filter(|(_, checked)| checked.is_some())
        .map(|(role, _)| role)
        .collect()
    }

    pub fn has_role(&self, code: &str) -> bool {
        self.roles().iter().any(|role| role.code() == code)
    }

    pub fn set_roles(&mut self, roles: &[Role]) {
        let on = |role| roles.contains(&role).then(|| "on".to_string());
        self.role_admin = on(Role::Admin);
        self.role_staff = on(Role::Staff);
        self.role_reviewer = on(Role::Reviewer);
        self.role_manager = on(Role::Manager);
        self.role_auditor = on(Role::Auditor);
        self.role_judge = on(Role::Judge);
    }

    /// Checks the fields; `creating` also checks the username and the initial password.
    pub fn validate(&self, locale: Locale, creating: bool) -> FieldErrors {
        let mut errors = FieldErrors::new(locale);
        if creating {
            if !valid_username(&self.username) {
                errors.add("username", "user.error.username");
            }
            if let Some(problem) = password_problem(&self.password, &self.username) {
                errors.add("password", problem);
            }
        }
        let name_chars = self.display_name.chars().count();
        if name_chars == 0 || name_chars > 50 {
            errors.add("display_name", "user.error.display_name");
        }
        if self.roles().is_empty() {
            errors.add("roles", "user.error.roles");
        }
        errors
    }
}

pub fn valid_username(username: &str) -> bool {
    (2..=32).contains(&username.len())
        && username.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_account_needs_a_username_a_name_a_role_and_a_good_password() {
        let form = UserForm {
            username: " 王".into(),
            password: "123".into(),
            ..UserForm::default()
        }
        .normalised();
        let errors = form.validate(Locale::ZhCn, true);
        for field in ["username", "password", "display_name", "roles"] {
            assert!(errors.has(field), "{field}");
        }
        let good = UserForm {
            username: "Wang.Fang".into(),
            display_name: "王芳".into(),
            password: "a-good-long-one".into(),
            role_staff: Some("on".into()),
            ..UserForm::default()
        }
        .normalised();
        assert_eq!(good.username, "wang.fang");
        assert!(good.validate(Locale::ZhCn, true).is_empty());
        assert_eq!(good.roles(), vec![Role::Staff]);
    }
}
