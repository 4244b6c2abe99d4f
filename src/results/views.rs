//! The page of an event's results.

use askama::Template;
use askama_web::WebTemplate;

use super::model::{AWARDS, AwardForm, MODES};
use super::queries::Standing;
use crate::competitions::queries::Competition;
use crate::contestants::queries::EventHead;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::workflow::TimelineEntry;

#[derive(Template, WebTemplate)]
#[template(path = "results/show.html")]
pub struct ResultsTemplate {
    pub ctx: Ctx,
    pub competition: Competition,
    pub event: EventHead,
    pub lines: Vec<Standing>,
    pub published: bool,
    /// Sub-items of the event not locked yet: the standings are incomplete.
    pub unlocked: usize,
    pub history: Vec<TimelineEntry>,
    pub form: AwardForm,
    pub errors: FieldErrors,
    pub can_change: bool,
}

impl ResultsTemplate {
    pub fn awards(&self) -> [&'static str; 4] {
        AWARDS
    }

    pub fn modes(&self) -> [&'static str; 3] {
        MODES
    }

    /// Lines sharing their rank with another (a tie the tie-break could not part).
    pub fn is_tied(&self, line: &Standing) -> bool {
        self.lines
            .iter()
            .filter(|other| other.rank == line.rank)
            .count()
            > 1
    }
}
