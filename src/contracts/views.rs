//! The pages of collective contracts: the list, the form of a new contract or a renewal, and a
//! contract with its employers, timeline and filing step.

use askama::Template;
use askama_web::WebTemplate;
use time::Date;

use super::model::{ContractForm, Coverage, FILING_DAYS, FilingForm, Standing, Status, Subject};
use super::queries::{Contract, ContractRow};
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::Pager;
use crate::workflow::TimelineEntry;

/// The list's filters as the query string carries them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub standing: String,
    #[serde(default)]
    pub coverage: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub employer: Option<i64>,
    #[serde(default)]
    pub q: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
}

impl ListQuery {
    pub fn to_query(&self) -> String {
        let mut pairs = vec![
            ("standing", self.standing.clone()),
            ("coverage", self.coverage.clone()),
            (
                "employer",
                self.employer.map(|e| e.to_string()).unwrap_or_default(),
            ),
            ("q", self.q.clone()),
        ];
        pairs.retain(|(_, value)| !value.is_empty());
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "contracts/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub contracts: Vec<ContractRow>,
    pub total: i64,
    pub pager: Pager,
    pub can_record: bool,
}

impl IndexTemplate {
    pub fn standings(&self) -> &'static [Standing] {
        Standing::ALL
    }

    pub fn coverages(&self) -> &'static [Coverage] {
        Coverage::ALL
    }
}

/// Whether a standing is worth a warning badge on a list or a page.
pub fn needs_attention(standing: &Standing) -> bool {
    matches!(standing, Standing::Expiring | Standing::AwaitingFiling)
}

#[derive(Template, WebTemplate)]
#[template(path = "contracts/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    pub form: ContractForm,
    /// The contract being renewed: its id and title.
    pub renews: Option<(i64, String)>,
    pub errors: FieldErrors,
    /// The employer lines the register does not know, listed under the field.
    pub unknown: Vec<String>,
}

impl FormTemplate {
    pub fn coverages(&self) -> &'static [Coverage] {
        Coverage::ALL
    }

    pub fn subjects(&self) -> &'static [Subject] {
        Subject::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "contracts/show.html")]
pub struct ContractTemplate {
    pub ctx: Ctx,
    pub contract: Contract,
    pub timeline: Vec<TimelineEntry>,
    pub can_record: bool,
    pub filing: FilingForm,
    pub errors: FieldErrors,
    pub today: Date,
}

impl ContractTemplate {
    pub fn is_signed(&self) -> bool {
        self.contract.status == Status::Signed
    }

    pub fn attention(&self) -> bool {
        needs_attention(&self.contract.standing)
    }

    /// Days since signing while it waits to be filed, when past the ten days of the rules.
    pub fn filing_late_by(&self) -> Option<i64> {
        let waited = (self.today - self.contract.signed_on).whole_days();
        (self.is_signed() && waited > FILING_DAYS).then_some(waited - FILING_DAYS)
    }

    /// Whether the renewal may be recorded: not yet renewed.
    pub fn renewable(&self) -> bool {
        self.can_record && self.contract.renewed_by.is_none()
    }
}
