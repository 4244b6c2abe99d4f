//! Pages of member records.

use askama::Template;
use askama_web::WebTemplate;

use super::model::{CHANNELS, MemberForm, OCCUPATIONS, SKILL_LEVELS, STATUSES};
use super::queries::{EventRow, MemberRow};
use super::routes::ListQuery;
use crate::audit::queries::AuditEntry;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;

pub struct OccupationCount {
    pub code: &'static str,
    pub count: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "members/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub members: Vec<MemberRow>,
    pub counts: Vec<OccupationCount>,
    pub total: i64,
    pub page: i64,
    pub has_next: bool,
    pub errors: FieldErrors,
    pub can_edit: bool,
}

impl IndexTemplate {
    pub fn occupations(&self) -> &'static [&'static str] {
        &OCCUPATIONS
    }
    pub fn statuses(&self) -> &'static [&'static str] {
        &STATUSES
    }
    pub fn channels(&self) -> &'static [&'static str] {
        &CHANNELS
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "members/show.html")]
pub struct ShowTemplate {
    pub ctx: Ctx,
    pub member: MemberRow,
    pub events: Vec<EventRow>,
    pub history: Vec<AuditEntry>,
    /// The full ID number and phone, when staff asked to see them.
    pub revealed: Option<(String, String)>,
    pub errors: FieldErrors,
    pub transfer_code: String,
    pub can_edit: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "members/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    /// None when creating.
    pub member: Option<MemberRow>,
    pub form: MemberForm,
    pub errors: FieldErrors,
    /// The existing member holding the typed ID number, when the user may open it.
    pub duplicate: Option<(i64, String)>,
    pub occupations: &'static [&'static str],
    pub skill_levels: &'static [&'static str],
}

impl FormTemplate {
    pub fn new(
        ctx: Ctx,
        member: Option<MemberRow>,
        form: MemberForm,
        errors: FieldErrors,
        duplicate: Option<(i64, String)>,
    ) -> Self {
        Self {
            ctx,
            member,
            form,
            errors,
            duplicate,
            occupations: &OCCUPATIONS,
            skill_levels: &SKILL_LEVELS,
        }
    }
}
