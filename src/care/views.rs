//! The pages of care campaigns: the list, the form (new and edit), and a campaign with the
//! workers it reached and the forms to add more.

use askama::Template;
use askama_web::WebTemplate;

use super::from_file::{Checked, Refusal};
use super::model::{CampaignForm, Kind, SessionForm, SessionKind, SignOffForm};
use super::queries::{Campaign, CampaignRow, Recipient};
use super::routes::ShowQuery;
use super::session_queries::Session;
use crate::members::queries::MemberRow;
use crate::orgs::queries::OrgChoice;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::{Pager, RowCount};

/// The list's filters as the query string carries them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub kind: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub year: Option<i32>,
    #[serde(default)]
    pub q: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
}

impl ListQuery {
    pub fn to_query(&self) -> String {
        let year = self.year.map(|y| y.to_string()).unwrap_or_default();
        let mut pairs = vec![
            ("kind", self.kind.as_str()),
            ("year", year.as_str()),
            ("q", self.q.as_str()),
        ];
        pairs.retain(|(_, value)| !value.is_empty());
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    pub fn year_text(&self) -> String {
        self.year.map(|y| y.to_string()).unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "care/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub campaigns: Vec<CampaignRow>,
    pub total: i64,
    pub pager: Pager,
    pub can_run: bool,
}

impl IndexTemplate {
    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "care/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    /// The campaign edited (id and title), or none for a new one.
    pub editing: Option<(i64, String)>,
    pub form: CampaignForm,
    pub errors: FieldErrors,
    pub organisations: Vec<OrgChoice>,
    pub funds: Vec<(i64, String)>,
}

impl FormTemplate {
    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some((id, _)) => format!("/care/{id}"),
            None => "/care".into(),
        }
    }

    pub fn is_fund(&self, id: &i64) -> bool {
        self.form.fund.trim() == id.to_string()
    }
}

/// One worker as the add forms post them, with the sign-off.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct WorkerForm {
    /// A member picked from the search.
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub member_id: Option<i64>,
    /// A member number or ID number, scanned or typed.
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    pub worker_name: String,
    #[serde(default)]
    pub worker_id_number: String,
    #[serde(default)]
    pub worker_phone: String,
    #[serde(flatten)]
    pub sign_off: SignOffForm,
}

/// What a file came to: how many lines, how many added, and the lines left out and why (the
/// first [`FileReport::SHOWN`] of each).
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// The whole file was refused (unreadable, a column missing): why.
    pub refused: Option<String>,
    pub lines: usize,
    pub added: u64,
    /// Nothing was added: some lines have problems and the clerk did not ask to skip them.
    pub blocked: bool,
    pub to_add: usize,
    pub already: Vec<Refusal>,
    pub already_count: usize,
    pub problems: Vec<Refusal>,
    pub problem_count: usize,
}

impl FileReport {
    pub const SHOWN: usize = 200;

    pub fn of(checked: Checked, added: u64, blocked: bool) -> Self {
        let (already_count, problem_count) = (checked.already.len(), checked.problems.len());
        let shown = |mut lines: Vec<Refusal>| {
            lines.truncate(Self::SHOWN);
            lines
        };
        Self {
            refused: None,
            lines: checked.lines,
            added,
            blocked,
            to_add: checked.to_add.len(),
            already: shown(checked.already),
            already_count,
            problems: shown(checked.problems),
            problem_count,
        }
    }
}

/// What a campaign's page carries back from a refused form or a file.
#[derive(Debug, Clone, Default)]
pub struct PageParts {
    pub errors: FieldErrors,
    pub worker: WorkerForm,
    pub sign_off: SignOffForm,
    pub session: SessionForm,
    /// The form that was refused: `member`, `outsider`, `file` or `session`.
    pub failed: Option<&'static str>,
    pub file: Option<FileReport>,
}

#[derive(Template, WebTemplate)]
#[template(path = "care/show.html")]
pub struct CampaignTemplate {
    pub ctx: Ctx,
    pub campaign: Campaign,
    pub recipients: Vec<Recipient>,
    pub total: RowCount,
    pub pager: Pager,
    pub query: ShowQuery,
    /// Members found by the pick search.
    pub found: Vec<MemberRow>,
    pub can_run: bool,
    pub parts: PageParts,
    pub sessions: Vec<Session>,
    /// The accounts that may counsel for the campaign (for the new session's form).
    pub counsellors: Vec<(i64, String)>,
    /// Whether the workers' names are listed: not for a counselling campaign, whose names are
    /// its counsellors' to know.
    pub show_names: bool,
}

impl CampaignTemplate {
    /// What settling does: pays from the fund, or only closes a campaign paid for on its own.
    pub fn settle_hint(&self) -> &'static str {
        match self.campaign.fund_id {
            Some(_) => "care.settle.hint",
            None => "care.settle.hint_own",
        }
    }

    pub fn failed(&self, form: &str) -> bool {
        self.parts.failed == Some(form)
    }

    /// The errors of `form`'s fields, or none when another form was the one refused.
    pub fn errors_of(&self, form: &str) -> FieldErrors {
        if self.failed(form) {
            self.parts.errors.clone()
        } else {
            FieldErrors::new(self.ctx.locale)
        }
    }

    pub fn session_kinds(&self) -> &'static [SessionKind] {
        SessionKind::ALL
    }

    pub fn is_counsellor(&self, id: &i64) -> bool {
        self.parts.session.counsellor.trim() == id.to_string()
    }

    /// Share of the budget spent, in whole percent, when there is a budget.
    pub fn spent_percent(&self) -> Option<i64> {
        let budget = self.campaign.budget.fen();
        (budget > 0).then(|| self.campaign.spent.fen() * 100 / budget)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "care/session.html")]
pub struct SessionTemplate {
    pub ctx: Ctx,
    pub campaign: super::queries::Campaign,
    pub session: Session,
    /// Whether the user is this session's counsellor.
    pub counsels: bool,
    /// Who attended: a training's for its readers, a counselling session's for its counsellor.
    pub attendees: Option<Vec<(String, Option<String>, String)>>,
    /// The counsellor's notes, opened for them alone.
    pub notes: Option<String>,
    pub can_record: bool,
    /// Whether the user reads the union's campaigns (a counsellor alone may not).
    pub reads_campaigns: bool,
    pub errors: FieldErrors,
    pub typed: WorkerForm,
}

impl SessionTemplate {
    pub fn is_counselling(&self) -> bool {
        self.session.kind == SessionKind::Counselling
    }
}
