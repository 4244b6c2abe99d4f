//! Pages of member records.

use askama::Template;
use askama_web::WebTemplate;

use super::model::{CHANNELS, MemberForm, MemberStatus, OCCUPATIONS, SKILL_LEVELS};
use super::queries::MemberRow;
use super::search::ListQuery;
use crate::audit::queries::AuditEntry;
use crate::orgs::queries::{OrgChoice, list_choices_in_scope};
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::Pager;
use crate::workflow::TimelineEntry;

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
    pub pager: Pager,
    pub errors: FieldErrors,
    pub can_edit: bool,
}

impl IndexTemplate {
    pub fn occupations(&self) -> &'static [&'static str] {
        &OCCUPATIONS
    }
    pub fn statuses(&self) -> &'static [MemberStatus] {
        MemberStatus::ALL
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
    pub events: Vec<TimelineEntry>,
    pub history: Vec<AuditEntry>,
    /// The full ID number and phone, when staff asked to see them.
    pub revealed: Option<(String, String)>,
    pub can_edit: bool,
    /// Competitions entered, certificates held, honours granted.
    pub record: crate::honours::views::MemberRecord,
}

/// Which membership step a [`StepTemplate`] asks to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepPage {
    Transfer,
    Departure,
}

/// The page that says what a transfer or a transfer out will do, with its form: the step is
/// taken only from here, never by one click below the member's details.
#[derive(Template, WebTemplate)]
#[template(path = "members/step.html")]
pub struct StepTemplate {
    pub ctx: Ctx,
    pub member: MemberRow,
    pub step: StepPage,
    pub errors: FieldErrors,
    /// What the user typed, kept when the form comes back with an error.
    pub value: String,
    pub note: String,
    /// Suggestions for the transfer's organisation field.
    pub organisation_choices: Vec<OrgChoice>,
}

impl StepTemplate {
    pub fn new(ctx: Ctx, member: MemberRow, step: StepPage) -> Self {
        let errors = FieldErrors::new(ctx.locale);
        Self {
            ctx,
            member,
            step,
            errors,
            value: String::new(),
            note: String::new(),
            organisation_choices: Vec::new(),
        }
    }
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
    /// Suggestions for the organisation field.
    pub organisation_choices: Vec<OrgChoice>,
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
            organisation_choices: Vec::new(),
        }
    }

    /// The form with the organisations the user may choose from.
    pub async fn with_choices(
        mut self,
        db: &sqlx::PgPool,
        scope: &crate::access::Scope,
    ) -> sqlx::Result<Self> {
        self.organisation_choices = list_choices_in_scope(db, scope).await?;
        Ok(self)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "members/import.html")]
pub struct ImportTemplate {
    pub ctx: Ctx,
    pub errors: FieldErrors,
    pub organisation_code: String,
    pub channel: String,
    /// The column the file lacks, when that is its problem.
    pub file_problem: Option<&'static str>,
    /// Suggestions for the default organisation.
    pub organisation_choices: Vec<OrgChoice>,
}

/// A valid row as the preview shows it (masked).
pub struct SampleRow {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub occupation: &'static str,
    pub join_date: String,
    pub organisation_name: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "members/preview.html")]
pub struct PreviewTemplate {
    pub ctx: Ctx,
    pub id: uuid::Uuid,
    pub file_name: String,
    pub status: String,
    pub total: i32,
    pub processed: i32,
    pub imported: i32,
    pub skipped: i32,
    pub problems: Vec<super::import::files::RowProblem>,
    pub problem_count: usize,
    pub valid_count: usize,
    pub already_members: usize,
    /// One page of the rows to import (all of them, page by page).
    pub sample: Vec<SampleRow>,
    pub pager: crate::web::paging::Pager,
}

impl PreviewTemplate {
    pub fn new(ctx: Ctx, import: &super::import::queries::ImportRow) -> Self {
        Self {
            ctx,
            id: import.id,
            file_name: import.file_name.clone(),
            status: import.status.clone(),
            total: import.total_rows,
            processed: import.processed_rows,
            imported: import.imported_rows,
            skipped: import.skipped_rows,
            problems: Vec::new(),
            problem_count: 0,
            valid_count: 0,
            already_members: 0,
            sample: Vec::new(),
            pager: crate::web::paging::Pager::default(),
        }
    }

    /// Percent done, for the progress bar's text.
    pub fn percent(&self) -> i32 {
        if self.total == 0 {
            100
        } else {
            self.processed * 100 / self.total
        }
    }
}
