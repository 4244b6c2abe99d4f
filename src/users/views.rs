//! Pages of account administration.

use askama::Template;
use askama_web::WebTemplate;

use super::model::UserForm;
use super::queries::Account;
use crate::access::Role;
use crate::audit::queries::AuditEntry;
use crate::orgs::queries::OrgChoice;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::Pager;

#[derive(Template, WebTemplate)]
#[template(path = "users/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub accounts: Vec<Account>,
    pub search: String,
    pub pager: Pager,
}

#[derive(Template, WebTemplate)]
#[template(path = "users/show.html")]
pub struct ShowTemplate {
    pub ctx: Ctx,
    pub account: Account,
    pub history: Vec<AuditEntry>,
    pub is_self: bool,
    pub errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "users/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    /// None when creating.
    pub account: Option<Account>,
    pub form: UserForm,
    pub errors: FieldErrors,
    pub roles: [Role; 8],
    /// Suggestions for the organisation field.
    pub organisation_choices: Vec<OrgChoice>,
}

impl FormTemplate {
    pub fn new(
        ctx: Ctx,
        account: Option<Account>,
        form: UserForm,
        errors: FieldErrors,
        organisation_choices: Vec<OrgChoice>,
    ) -> Self {
        Self {
            ctx,
            account,
            form,
            errors,
            roles: Role::ALL,
            organisation_choices,
        }
    }
}
