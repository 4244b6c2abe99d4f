//! Pages of applications.

use askama::Template;
use askama_web::WebTemplate;

use super::list::{ListQuery, ListRow};
use super::model::{ApplicationForm, BUDGET_LINES, Changed, Status};
use super::queries::Application;
use crate::attachments::Attachment;
use crate::funds::queries::Fund;
use crate::money::Money;
use crate::tracks::queries::Track;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::Pager;
use crate::workflow::TimelineEntry;

/// What the applicant must do next, as a catalogue key, for a list row or a page.
pub fn next_step_key(status: Status, overdue: bool) -> &'static str {
    match status {
        Status::Draft => "application.next.submit",
        Status::Returned => "application.next.revise",
        Status::Approved if overdue => "application.next.report_overdue",
        Status::Approved => "application.next.report",
        Status::Reported => "application.next.settlement",
        status if status.is_waiting() => "application.next.wait",
        _ => "application.next.none",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub rows: Vec<ListRow>,
    pub total: i64,
    pub pager: Pager,
    pub funds: Vec<Fund>,
    pub tracks: Vec<Track>,
    pub can_file: bool,
}

impl IndexTemplate {
    pub fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/queue.html")]
pub struct QueueTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub rows: Vec<ListRow>,
    pub total: i64,
    pub pager: Pager,
    pub funds: Vec<Fund>,
    pub tracks: Vec<Track>,
}

impl QueueTemplate {
    pub fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    /// None when filing a new one.
    pub application: Option<Application>,
    pub form: ApplicationForm,
    pub errors: FieldErrors,
    pub funds: Vec<Fund>,
    pub tracks: Vec<Track>,
}

impl FormTemplate {
    /// Each budget line's field, label key and typed value.
    pub fn budget_fields(&self) -> Vec<(&'static str, String, &str)> {
        with_labels(self.form.budget_texts())
    }
}

/// A reviewer's decision as typed (amount and note), and the problems of whichever step's form
/// came back; also carries an upload's problem.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub note: String,
    /// Which form the note belongs to: `approve`, `return` or `close`.
    #[serde(skip)]
    pub which: &'static str,
    #[serde(skip)]
    pub errors: FieldErrors,
}

impl DecisionForm {
    /// The approval form filled with the amount to grant: the recommended amount, else the request.
    pub fn for_application(application: &Application) -> Self {
        Self {
            amount: application
                .recommended
                .unwrap_or(application.requested)
                .input(),
            which: "approve",
            ..Self::default()
        }
    }

    pub fn returning(mut self) -> Self {
        self.which = "return";
        self
    }

    pub fn closing(mut self) -> Self {
        self.which = "close";
        self
    }

    /// The note typed into `which` form, empty on the others.
    pub fn note_for(&self, which: &str) -> &str {
        if self.which == which || (self.which.is_empty() && which == "approve") {
            &self.note
        } else {
            ""
        }
    }

    /// The problem with the note of `which` form.
    pub fn note_error(&self, which: &str) -> Option<String> {
        (self.which == which)
            .then(|| self.errors.get("note"))
            .flatten()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/show.html")]
pub struct ShowTemplate {
    pub ctx: Ctx,
    pub application: Application,
    pub fund: Option<Fund>,
    /// What is left on the account a grant would draw on (before a grant).
    pub account_available: Option<Money>,
    pub changed: Vec<Changed>,
    pub timeline: Vec<TimelineEntry>,
    pub attachments: Vec<Attachment>,
    pub decision: DecisionForm,
    pub can_edit: bool,
    pub can_decide: bool,
    /// The competition held on it, once made: id and title.
    pub competition: Option<(i64, String)>,
}

impl ShowTemplate {
    /// Approved (or past its approval): its contest may be held as a competition.
    pub fn holds_contest(&self) -> bool {
        matches!(
            self.application.status,
            Status::Approved | Status::Reported | Status::Settled
        )
    }

    /// Each budget line with what was planned and, after the report, what was spent.
    pub fn budget_rows(&self) -> Vec<(&'static str, Money, Option<Money>)> {
        BUDGET_LINES
            .iter()
            .enumerate()
            .map(|(n, line)| {
                (
                    *line,
                    self.application.budget_line(n),
                    self.application.spent_line(n),
                )
            })
            .collect()
    }

    /// The most the fund grants a contest of this tier.
    pub fn tier_limit(&self) -> Option<Money> {
        self.fund.as_ref()?.rules.max_grant(self.application.tier)
    }

    /// The purpose an upload is offered first: receipts once the grant is approved.
    pub fn is_default_purpose(&self, purpose: &str) -> bool {
        purpose
            == if self.is("approved") {
                "receipt"
            } else {
                "plan"
            }
    }

    pub fn purposes(&self) -> [&'static str; 4] {
        super::files::PURPOSES
    }

    pub fn is(&self, status: &str) -> bool {
        self.application.status.code() == status
    }

    pub fn next_step(&self) -> &'static str {
        next_step_key(self.application.status, false)
    }

    /// What settling would pay, for the settlement button's sentence.
    pub fn payable(&self) -> Option<Money> {
        let fund = self.fund.as_ref()?;
        let granted = self.application.granted?;
        let spent = self.application.spent_total?;
        Some(fund.rules.payable(self.application.tier, granted, spent))
    }
}

/// The final report as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub actual_start: String,
    #[serde(default)]
    pub actual_end: String,
    #[serde(default)]
    pub contestants: String,
    #[serde(default)]
    pub companies: String,
    #[serde(default)]
    pub winners: String,
    #[serde(default)]
    pub spent_venue: String,
    #[serde(default)]
    pub spent_materials: String,
    #[serde(default)]
    pub spent_prizes: String,
    #[serde(default)]
    pub spent_judges: String,
    #[serde(default)]
    pub spent_training: String,
    #[serde(default)]
    pub spent_other: String,
}

impl ReportForm {
    pub fn spent_texts(&self) -> [(&'static str, &str); 6] {
        [
            ("spent_venue", &self.spent_venue),
            ("spent_materials", &self.spent_materials),
            ("spent_prizes", &self.spent_prizes),
            ("spent_judges", &self.spent_judges),
            ("spent_training", &self.spent_training),
            ("spent_other", &self.spent_other),
        ]
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/report.html")]
pub struct ReportTemplate {
    pub ctx: Ctx,
    pub application: Application,
    pub form: ReportForm,
    pub errors: FieldErrors,
}

impl ReportTemplate {
    /// Each spending line's field, label key and typed value.
    pub fn spent_fields(&self) -> Vec<(&'static str, String, &str)> {
        with_labels(self.form.spent_texts())
    }
}

/// Budget or spending fields with the catalogue key of their line (`application.budget.venue`).
fn with_labels<'a>(fields: [(&'static str, &'a str); 6]) -> Vec<(&'static str, String, &'a str)> {
    fields
        .into_iter()
        .zip(BUDGET_LINES)
        .map(|((field, value), line)| (field, format!("application.budget.{line}"), value))
        .collect()
}
