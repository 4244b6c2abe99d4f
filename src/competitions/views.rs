//! Pages of competitions.

use std::borrow::Borrow;

use askama::Template;
use askama_web::WebTemplate;

use super::model::{CompetitionForm, Status, Step};
use super::queries::{Competition, ListQuery, ListRow};
use super::structure::{Event, EventForm, ItemForm, MARKINGS, PART_KINDS, Part, PartForm, RULES};
use crate::tracks::queries::Track;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::i18n::Locale;
use crate::web::paging::Pager;
use crate::workflow::TimelineEntry;

#[derive(Template, WebTemplate)]
#[template(path = "competitions/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub rows: Vec<ListRow>,
    pub total: i64,
    pub pager: Pager,
    pub tracks: Vec<Track>,
    pub can_create: bool,
    /// Everyone but a judge alone reads the statistics.
    pub can_read_statistics: bool,
}

impl IndexTemplate {
    pub fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "competitions/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    pub competition: Option<Competition>,
    pub form: CompetitionForm,
    pub errors: FieldErrors,
    pub tracks: Vec<Track>,
}

impl FormTemplate {
    /// The action the form posts to.
    pub fn action(&self) -> String {
        match &self.competition {
            Some(c) => format!("/competitions/{}", c.id),
            None => "/competitions".into(),
        }
    }
}

/// The forms on a competition's page, one of which may have come back (`failed` names it,
/// `target` the event or part it was for) with its problems in `errors`.
pub struct StructureForms {
    pub failed: &'static str,
    pub target: i64,
    pub errors: FieldErrors,
    pub event: EventForm,
    pub part: PartForm,
    pub item: ItemForm,
    pub reason: String,
}

impl StructureForms {
    pub fn new(locale: Locale) -> Self {
        Self {
            failed: "",
            target: 0,
            errors: FieldErrors::new(locale),
            event: EventForm::default(),
            part: PartForm::default(),
            item: ItemForm::default(),
            reason: String::new(),
        }
    }

    /// The errors of the form `which` for `target`, or none (so other forms show none).
    pub fn errors_of(&self, which: &str, target: impl Borrow<i64>) -> FieldErrors {
        if self.failed == which && self.target == *target.borrow() {
            self.errors.clone()
        } else {
            FieldErrors::default()
        }
    }

    /// What was typed in the part form of `event`, or a blank one.
    pub fn part_for(&self, event: impl Borrow<i64>) -> PartForm {
        if self.failed == "part" && self.target == *event.borrow() {
            self.part.clone()
        } else {
            PartForm::default()
        }
    }

    pub fn item_for(&self, part: impl Borrow<i64>) -> ItemForm {
        if self.failed == "item" && self.target == *part.borrow() {
            self.item.clone()
        } else {
            ItemForm::default()
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "competitions/show.html")]
pub struct ShowTemplate {
    pub ctx: Ctx,
    pub competition: Competition,
    pub events: Vec<Event>,
    pub timeline: Vec<TimelineEntry>,
    pub forms: StructureForms,
    pub can_change: bool,
    /// Every event's weights make 100%.
    pub ready: bool,
    /// Companies (if known) and workers over all rounds, as the organiser declared.
    pub participation: Option<(Option<i32>, i32)>,
}

impl ShowTemplate {
    /// The declared participation as a sentence (companies `—` when not known).
    pub fn participation_text(&self) -> String {
        let Some((companies, workers)) = self.participation else {
            return String::new();
        };
        let companies = companies.map_or_else(|| "—".to_string(), |c| c.to_string());
        self.ctx.tf(
            "stats.participation.shown",
            [("companies", companies), ("workers", workers.to_string())],
        )
    }

    pub fn editable(&self) -> bool {
        self.can_change && self.competition.status.is_editable()
    }

    /// The forward step the competition may take next, if any.
    pub fn next_step(&self) -> Option<Step> {
        Step::FORWARD
            .into_iter()
            .find(|step| super::model::transition(self.competition.status, *step).is_ok())
    }

    pub fn cancellable(&self) -> bool {
        super::model::transition(self.competition.status, Step::Cancel).is_ok()
    }

    pub fn part_kinds(&self) -> [&'static str; 5] {
        PART_KINDS
    }

    pub fn markings(&self) -> [&'static str; 2] {
        MARKINGS
    }

    pub fn rules(&self) -> [&'static str; 2] {
        RULES
    }

    pub fn is_whole_parts(&self, event: &Event) -> bool {
        event.parts_weight().is_whole()
    }

    pub fn is_whole_items(&self, part: &Part) -> bool {
        part.items_weight().is_whole()
    }
}
