//! The page of a competition's recommendations, and the member's record of competitions.

use askama::Template;
use askama_web::WebTemplate;

use super::model::{KINDS, RecommendForm, Status};
use super::queries::{Entered, Honour, Recommendation, Winner};
use crate::certificates::queries::Certificate;
use crate::competitions::queries::Competition;
use crate::members::model::SKILL_LEVELS;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;

/// What came back from a failed form: the new recommendation's, or a step's on one row.
#[derive(Default)]
pub struct Returned {
    pub form: RecommendForm,
    /// The row whose step failed, with what was typed.
    pub row: Option<i64>,
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "honours/index.html")]
pub struct RecommendationsTemplate {
    pub ctx: Ctx,
    pub competition: Competition,
    pub winners: Vec<Winner>,
    pub recommendations: Vec<Recommendation>,
    pub can_change: bool,
    /// Names link to the member's record for those who read members (not a judge alone).
    pub links_members: bool,
    pub returned: Returned,
    pub errors: FieldErrors,
}

impl RecommendationsTemplate {
    pub fn kinds(&self) -> [&'static str; 4] {
        KINDS
    }

    pub fn levels(&self) -> [&'static str; 5] {
        SKILL_LEVELS
    }

    pub fn is_open(&self, row: &Recommendation) -> bool {
        matches!(row.status, Status::Proposed | Status::Submitted)
    }

    /// The text typed into a row's step form that came back, or nothing.
    pub fn typed(&self, row: &Recommendation) -> &str {
        if self.returned.row == Some(row.id) {
            &self.returned.text
        } else {
            ""
        }
    }

    pub fn failed(&self, row: &Recommendation, field: &str) -> Option<String> {
        (self.returned.row == Some(row.id))
            .then(|| self.errors.get(field))
            .flatten()
    }
}

/// The member page's record: competitions entered, certificates held, honours granted.
pub struct MemberRecord {
    pub entered: Vec<Entered>,
    pub certificates: Vec<Certificate>,
    pub honours: Vec<Honour>,
}

impl MemberRecord {
    pub fn is_empty(&self) -> bool {
        self.entered.is_empty() && self.certificates.is_empty() && self.honours.is_empty()
    }
}
