//! The audit trail page.

use askama::Template;
use askama_web::WebTemplate;

use super::queries::{AuditEntry, AuditFilter};
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::Pager;

#[derive(Template, WebTemplate)]
#[template(path = "audit/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub filter: AuditFilter,
    pub errors: FieldErrors,
    pub entries: Vec<AuditEntry>,
    pub pager: Pager,
    pub export_query: String,
}
