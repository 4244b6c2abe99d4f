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
    /// The table of the results, rendered by [`ResultsTable`] (kept once published).
    pub table: std::sync::Arc<str>,
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
}

/// The table of an event's results or standings.
#[derive(Template)]
#[template(path = "results/_table.html")]
pub struct ResultsTable<'a> {
    pub ctx: &'a Ctx,
    pub event: &'a EventHead,
    pub lines: &'a [Standing],
}

impl ResultsTable<'_> {
    /// Lines sharing their rank with another (a tie the tie-break could not part). The lines come
    /// in rank order, so a tie is a neighbour of the same rank: no search of the whole list.
    pub fn is_tied(&self, index: &usize) -> bool {
        let rank = self.lines[*index].rank;
        let before = index.checked_sub(1).and_then(|i| self.lines.get(i));
        let after = self.lines.get(index + 1);
        [before, after]
            .into_iter()
            .flatten()
            .any(|other| other.rank == rank)
    }
}
