//! Pages of signing in and of one's own account.

use askama::Template;
use askama_web::WebTemplate;

use crate::access::CurrentUser;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
pub struct LoginTemplate {
    pub ctx: Ctx,
    pub username: String,
    pub error: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/account.html")]
pub struct AccountTemplate {
    pub ctx: Ctx,
    pub user: CurrentUser,
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/password.html")]
pub struct PasswordTemplate {
    pub ctx: Ctx,
    pub must_change: bool,
    pub errors: FieldErrors,
}
