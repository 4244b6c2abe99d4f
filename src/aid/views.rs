//! The pages of mutual-aid insurance: the plans with the time claims take to be paid, a plan's
//! form and page, the claims, a claim's form and its page with the steps.

use askama::Template;
use askama_web::WebTemplate;

use super::model::{Channel, ClaimForm, EventKind, PlanForm, Status};
use super::queries::{Claim, Plan};
use crate::money::Money;
use crate::orgs::queries::OrgChoice;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::Pager;
use crate::workflow::TimelineEntry;

#[derive(Template, WebTemplate)]
#[template(path = "aid/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub plans: Vec<Plan>,
    /// Per channel: claims paid, average days from filing to payment in tenths, paid late.
    pub times: Vec<(Channel, i64, i64, i64)>,
    pub can_run: bool,
}

/// Tenths of a day as "3.5".
pub fn tenths(value: &i64) -> String {
    format!("{}.{}", value / 10, value % 10)
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/plan_form.html")]
pub struct PlanFormTemplate {
    pub ctx: Ctx,
    pub form: PlanForm,
    pub errors: FieldErrors,
    pub organisations: Vec<OrgChoice>,
}

/// The enrolment form: member numbers or ID numbers, one a line, and/or an occupation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    pub numbers: String,
    #[serde(default)]
    pub occupation: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/plan.html")]
pub struct PlanTemplate {
    pub ctx: Ctx,
    pub plan: Plan,
    pub claims: Vec<Claim>,
    pub can_run: bool,
    pub form: EnrolForm,
    pub errors: FieldErrors,
    /// The numbers of the enrolment form that named nobody.
    pub unknown: Vec<String>,
}

impl PlanTemplate {
    /// Each kind of event with the plan's benefit for it.
    pub fn kinds(&self) -> Vec<(EventKind, Money)> {
        EventKind::ALL
            .iter()
            .map(|kind| (*kind, self.plan.benefit(*kind)))
            .collect()
    }

    pub fn occupations(&self) -> &'static [&'static str] {
        &[
            "delivery_rider",
            "courier",
            "truck_driver",
            "ride_hailing_driver",
            "domestic_worker",
        ]
    }
}

/// The claims list's filters.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ClaimsQuery {
    /// Every claim, not only the open ones.
    #[serde(default)]
    pub all: Option<String>,
    #[serde(default)]
    pub channel: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
}

impl ClaimsQuery {
    pub fn to_query(&self) -> String {
        let mut pairs = vec![("channel", self.channel.as_str())];
        if self.all.is_some() {
            pairs.push(("all", "1"));
        }
        pairs.retain(|(_, value)| !value.is_empty());
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/claims.html")]
pub struct ClaimsTemplate {
    pub ctx: Ctx,
    pub query: ClaimsQuery,
    pub claims: Vec<Claim>,
    pub pager: Pager,
}

impl ClaimsTemplate {
    pub fn channels(&self) -> &'static [Channel] {
        Channel::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/claim_form.html")]
pub struct ClaimFormTemplate {
    pub ctx: Ctx,
    pub plan: Plan,
    pub form: ClaimForm,
    pub errors: FieldErrors,
}

impl ClaimFormTemplate {
    pub fn kinds(&self) -> &'static [EventKind] {
        EventKind::ALL
    }

    pub fn benefit(&self, kind: &EventKind) -> Money {
        self.plan.benefit(*kind)
    }
}

/// What the step forms of a claim carry: the amount approved, what is asked for, a reason.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub approved: String,
    #[serde(default)]
    pub requested: String,
    #[serde(default)]
    pub reason: String,
}

/// A refused step form shown again with its problems.
#[derive(Debug, Clone, Default)]
pub struct StepForms {
    pub failed: Option<&'static str>,
    pub form: StepForm,
    pub errors: Option<FieldErrors>,
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/claim.html")]
pub struct ClaimTemplate {
    pub ctx: Ctx,
    pub claim: Claim,
    /// The plan's benefit for the claim's event.
    pub benefit: Money,
    pub timeline: Vec<TimelineEntry>,
    pub forms: StepForms,
    pub decides: bool,
    pub handles: bool,
    pub documents: Vec<crate::attachments::Attachment>,
}

impl ClaimTemplate {
    pub fn errors_of(&self, form: &str) -> FieldErrors {
        match (&self.forms.errors, self.forms.failed == Some(form)) {
            (Some(errors), true) => errors.clone(),
            _ => FieldErrors::new(self.ctx.locale),
        }
    }

    pub fn purposes(&self) -> &'static [&'static str] {
        &super::documents::PURPOSES
    }

    pub fn documents_address(&self) -> String {
        format!("/aid/claims/{}/documents", self.claim.id)
    }

    pub fn is(&self, status: &str) -> bool {
        self.claim.status == Status::parse(status).unwrap_or(Status::Paid)
    }

    pub fn approved_text(&self) -> String {
        if self.forms.form.approved.is_empty() {
            self.claim.claimed.min(self.benefit).input()
        } else {
            self.forms.form.approved.clone()
        }
    }
}
