//! Who is asking and what they may reach: roles, the signed-in user, their scope in the tree, the
//! author of a change, extractors that admit one role, and separation of duties. A leaf of the
//! shared layer: features import it, it imports no feature.

pub mod session;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::AppError;
use crate::web::Ctx;
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
    /// Marks the competition events they are assigned to, and sees only those.
    Judge,
    /// Takes in and mediates labour dispute cases of their organisation's subtree, and sees only
    /// those of the union's records.
    Mediator,
    /// A doctor or health staff of the health huts of their subtree: the only role that reads
    /// health data (an administrator does not).
    Health,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Staff,
        Role::Reviewer,
        Role::Manager,
        Role::Auditor,
        Role::Judge,
        Role::Mediator,
        Role::Health,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Staff => "staff",
            Self::Reviewer => "reviewer",
            Self::Manager => "manager",
            Self::Auditor => "auditor",
            Self::Judge => "judge",
            Self::Mediator => "mediator",
            Self::Health => "health",
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
            Self::Judge => "role.judge",
            Self::Mediator => "role.mediator",
            Self::Health => "role.health",
        }
    }
}

pub fn parse_roles(codes: &[String]) -> Vec<Role> {
    codes.iter().filter_map(|code| Role::parse(code)).collect()
}

/// The part of the organisation tree a query may see: a subtree named by its root's ltree path.
/// Queries take a `&Scope`, never a bare string, so none can be called without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    path: String,
}

impl Scope {
    /// The subtree under the organisation at `path`.
    pub fn of(path: impl Into<String>) -> Self {
        Self { path: path.into() }
    }

    /// The whole tree: for public pages (joining) and uniqueness checks, never for what a signed-in
    /// user may see (theirs comes from their session).
    pub fn everywhere() -> Self {
        Self {
            path: String::new(),
        }
    }

    /// The ltree path to bind in SQL (`path <@ $1::text::ltree`); empty for the whole tree.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the scope holds the whole tree (the city federation, or `everywhere`), so a query may
    /// skip the subtree condition.
    pub fn is_whole_tree(&self) -> bool {
        !self.path.contains('.')
    }

    /// Whether the organisation at `path` lies in this subtree.
    pub fn holds(&self, path: &str) -> bool {
        self.path.is_empty()
            || path == self.path
            || path
                .strip_prefix(self.path.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    }

    /// Whether the organisation at `path` is the scope's own root (which its holder may not close,
    /// move or edit away).
    pub fn is_root(&self, path: &str) -> bool {
        self.path == path
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
    /// Everything they may see lies under their organisation.
    pub scope: Scope,
    /// The language the user chose, if they did.
    pub locale: Option<Locale>,
    pub must_change_password: bool,
    /// In-app notices not yet read, for the header's count.
    pub unread_notices: i64,
}

impl CurrentUser {
    /// Whether the user holds `role`; an admin holds every role's powers.
    pub fn can(&self, role: Role) -> bool {
        self.roles.contains(&Role::Admin) || self.roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Admin)
    }

    /// Whether the account reads the union's records of its subtree (members, organisations,
    /// applications, funds): every role but judges and mediators, who see only their own work.
    pub fn reads_union_records(&self) -> bool {
        self.roles.iter().any(|role| {
            matches!(
                role,
                Role::Admin | Role::Staff | Role::Reviewer | Role::Manager | Role::Auditor
            )
        })
    }

    /// Auditors (and admins) read the audit trail.
    pub fn reads_audit(&self) -> bool {
        self.can(Role::Auditor)
    }

    /// The roles as their codes, for display and storage.
    pub fn role_codes(&self) -> Vec<&'static str> {
        self.roles.iter().map(|role| role.code()).collect()
    }

    /// Separation of duties: one may not decide on what one's own organisation asked for (a
    /// subsidy application, a grant). `Forbidden` when `applicant_organisation` is the user's own.
    pub fn may_decide_for(&self, applicant_organisation: i64) -> Result<(), AppError> {
        if applicant_organisation == self.organisation_id {
            Err(AppError::Forbidden)
        } else {
            Ok(())
        }
    }
}

/// The signed-in user; a handler that takes it is only reached by signed-in visitors.
impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ctx::from_request_parts(parts, state)
            .await?
            .user
            .ok_or(AppError::SignInRequired)
    }
}

/// Extractors that admit one role (or an admin) and answer 403 to everyone else signed in, before
/// the handler reads anything: a handler states who may call it in its signature.
macro_rules! role_extractor {
    ($($(#[$doc:meta])* $name:ident => $role:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub CurrentUser);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                let user = CurrentUser::from_request_parts(parts, state).await?;
                if user.can($role) { Ok(Self(user)) } else { Err(AppError::Forbidden) }
            }
        }
    )*};
}

role_extractor! {
    /// An administrator.
    Admin => Role::Admin;
    /// Staff, who run the organisation's work (and administrators).
    Staff => Role::Staff;
    /// A reviewer of applications (and administrators).
    Reviewer => Role::Reviewer;
    /// A manager, who reads dashboards (and administrators).
    Manager => Role::Manager;
    /// An auditor, who reads the audit trail (and administrators).
    Auditor => Role::Auditor;
    /// A judge, who marks the events they are assigned to (and administrators).
    Judge => Role::Judge;
}

/// Anyone who reads the union's records of their subtree (members, organisations, applications,
/// funds): every role but a judge or a mediator alone, refused with 403 before anything is read.
#[derive(Debug, Clone)]
pub struct Reader(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for Reader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.reads_union_records() {
            Ok(Self(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The author of a change: a signed-in user, or the system (command line, seeding, an anonymous
/// worker joining online, the job worker).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn user(user: &CurrentUser, ip: Option<String>) -> Self {
        Self {
            user_id: Some(user.id),
            name: user.username.clone(),
            ip,
        }
    }

    pub fn system(name: &str) -> Self {
        Self {
            user_id: None,
            name: name.to_string(),
            ip: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: Vec<Role>) -> CurrentUser {
        CurrentUser {
            id: 1,
            username: "a".into(),
            display_name: "a".into(),
            roles,
            organisation_id: 7,
            organisation_name: "x".into(),
            scope: Scope::of("1.7"),
            locale: None,
            must_change_password: false,
            unread_notices: 0,
        }
    }

    #[test]
    fn an_admin_holds_every_role() {
        let admin = user(vec![Role::Admin]);
        assert!(Role::ALL.iter().all(|role| admin.can(*role)));
        let auditor = user(vec![Role::Auditor]);
        assert!(auditor.reads_audit() && !auditor.can(Role::Staff));
    }

    #[test]
    fn judges_and_mediators_alone_read_none_of_the_unions_records() {
        assert!(!user(vec![Role::Judge]).reads_union_records());
        assert!(user(vec![Role::Judge, Role::Staff]).reads_union_records());
        assert!(user(vec![Role::Manager]).reads_union_records());
        assert!(!user(vec![Role::Mediator]).reads_union_records());
        assert!(user(vec![Role::Mediator, Role::Auditor]).reads_union_records());
    }

    #[test]
    fn nobody_decides_on_their_own_organisations_request() {
        let reviewer = user(vec![Role::Reviewer]);
        assert!(matches!(
            reviewer.may_decide_for(7),
            Err(AppError::Forbidden)
        ));
        assert!(reviewer.may_decide_for(8).is_ok());
    }

    #[test]
    fn the_city_root_and_everywhere_are_whole_trees_and_a_district_is_not() {
        assert!(Scope::of("1").is_whole_tree());
        assert!(Scope::everywhere().is_whole_tree());
        assert!(!Scope::of("1.7").is_whole_tree());
        assert!(Scope::of("1.7").is_root("1.7") && !Scope::of("1.7").is_root("1.7.9"));
        assert!(Scope::of("1.7").holds("1.7.9") && Scope::of("1.7").holds("1.7"));
        assert!(!Scope::of("1.7").holds("1.77") && !Scope::of("1.7").holds("1"));
    }
}
