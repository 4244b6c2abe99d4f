//! The pages of dispute cases: the list, the intake form and a case with its timeline, rounds and
//! the forms of the steps it can take next.

use askama::Template;
use askama_web::WebTemplate;

use super::model::{
    AcceptanceForm, Channel, ClosureForm, ExtensionForm, IntakeForm, Kind, RoundForm, Status,
};
use super::queries::{Case, Round};
use super::search::CaseRow;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::{Pager, RowCount};
use crate::workflow::TimelineEntry;

/// The list's filters as the query string carries them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub overdue: Option<String>,
    #[serde(default)]
    pub mine: Option<String>,
    #[serde(default)]
    pub q: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub mediator: Option<i64>,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub employer: Option<i64>,
    /// An organisation whose subtree's cases are listed (the statistics' drill-down).
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub org: Option<i64>,
    /// Taken in from and to, as typed.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
}

impl ListQuery {
    pub fn to_query(&self) -> String {
        let id = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        let mut pairs = vec![
            ("status", self.status.clone()),
            ("kind", self.kind.clone()),
            ("q", self.q.clone()),
            ("mediator", id(self.mediator)),
            ("employer", id(self.employer)),
            ("org", id(self.org)),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
        ];
        pairs.retain(|(_, value)| !value.is_empty());
        if self.overdue.is_some() {
            pairs.push(("overdue", "1".into()));
        }
        if self.mine.is_some() {
            pairs.push(("mine", "1".into()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "disputes/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub cases: Vec<CaseRow>,
    pub total: RowCount,
    pub pager: Pager,
    pub can_take_in: bool,
    pub mediates: bool,
    /// The mediators the list may be narrowed to: id and name.
    pub mediators: Vec<(i64, String)>,
    /// The names of the employer and organisation filtered on, when the query names them.
    pub employer_name: Option<String>,
    pub organisation_name: Option<String>,
    /// Dates of the filter that could not be read, said beside their fields.
    pub errors: FieldErrors,
}

impl IndexTemplate {
    pub fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }

    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    /// Whether the list is narrowed to this mediator.
    pub fn picked(&self, mediator: &i64) -> bool {
        self.query.mediator == Some(*mediator)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "disputes/new.html")]
pub struct IntakeTemplate {
    pub ctx: Ctx,
    pub form: IntakeForm,
    pub errors: FieldErrors,
}

impl IntakeTemplate {
    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    pub fn channels(&self) -> &'static [Channel] {
        Channel::ALL
    }
}

/// The forms of a case's page, as typed when one of them was refused.
#[derive(Debug, Default)]
pub struct StepForms {
    pub acceptance: AcceptanceForm,
    pub round: RoundForm,
    pub extension: ExtensionForm,
    pub closure: ClosureForm,
    pub reassignment_reason: String,
    pub instalment: super::payments::PaymentForm,
    pub payment: super::payments::PaymentForm,
    pub worker: super::workers::WorkerForm,
    /// The form that was refused (`acceptance`, `round` …), whose problems are shown.
    pub failed: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "disputes/show.html")]
pub struct CaseTemplate {
    pub ctx: Ctx,
    pub case: Case,
    pub rounds: Vec<Round>,
    /// The evidence kept with the case.
    pub evidence: Vec<crate::attachments::Attachment>,
    /// The supervision letters issued from the case.
    pub letters: Vec<crate::letters::queries::LetterRow>,
    pub timeline: Vec<TimelineEntry>,
    /// The first worker's ID number and phone when not a member: masked, or in full (`revealed`).
    pub worker_numbers: Option<(String, String)>,
    /// Every worker of the case with their claim, the first one first.
    pub workers: Vec<WorkerLine>,
    pub revealed: bool,
    pub mediators: Vec<(i64, String)>,
    pub can_handle: bool,
    pub links_members: bool,
    pub forms: StepForms,
    /// An agreement's schedule and payments, and what is late by today.
    pub ledger: super::payments::Ledger,
    pub late: crate::money::Money,
    pub errors: FieldErrors,
    pub no_errors: FieldErrors,
    pub today: String,
}

impl CaseTemplate {
    /// The problems to show beside the fields of `form`: only the refused form's.
    pub fn errors_of(&self, form: &str) -> &FieldErrors {
        if self.forms.failed == form {
            &self.errors
        } else {
            &self.no_errors
        }
    }

    pub fn purposes(&self) -> &'static [&'static str] {
        &super::evidence::PURPOSES
    }

    pub fn is_received(&self) -> bool {
        self.case.status == Status::Received
    }

    pub fn is_mediated(&self) -> bool {
        self.case.status == Status::Mediated
    }

    pub fn is_mediating(&self) -> bool {
        self.case.status == Status::Mediating
    }

    pub fn is_overdue(&self) -> bool {
        self.case.days_left.is_some_and(|days| days < 0)
    }

    /// The outcomes the closure form offers in this state.
    pub fn outcomes(&self) -> &'static [Status] {
        if self.is_received() {
            &[Status::NotAccepted, Status::Withdrawn]
        } else {
            &[Status::Mediated, Status::Referred, Status::Withdrawn]
        }
    }

    pub fn mediator_is(&self, id: &i64) -> bool {
        self.forms.acceptance.mediator_id == id.to_string()
    }
}

/// A worker of the case as its page lists them.
#[derive(Debug, Clone)]
pub struct WorkerLine {
    pub member_id: Option<i64>,
    pub name: String,
    /// The ID number and phone of a worker who is not a member, masked or in full.
    pub numbers: Option<(String, String)>,
    pub claimed: crate::money::Money,
}

/// The mediation agreement (调解协议书), printable on A4 with both parties' signature lines.
#[derive(Template, WebTemplate)]
#[template(path = "disputes/agreement.html")]
pub struct AgreementTemplate {
    pub ctx: Ctx,
    pub case: Case,
    /// Every worker who is a party, with their ID number masked when not a member.
    pub workers: Vec<WorkerLine>,
    pub employer_code: Option<String>,
    pub instalments: Vec<(time::Date, crate::money::Money)>,
}

/// The case record (案卷), printable on A4: the case's page without its forms.
#[derive(Template, WebTemplate)]
#[template(path = "disputes/record.html")]
pub struct RecordTemplate {
    pub ctx: Ctx,
    pub page: CaseTemplate,
}
