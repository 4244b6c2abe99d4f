//! The page of one event: its eligibility rules, its judges, its contestants, and the forms that
//! register, withdraw and seat them.

use askama::Template;
use askama_web::WebTemplate;

use super::judge_queries::Judge;
use super::model::{Ineligible, RulesForm};
use super::queries::{ContestantRow, EventHead};
use crate::competitions::model::Status;
use crate::competitions::queries::Competition;
use crate::members::model::{OCCUPATIONS, SKILL_LEVELS};
use crate::members::queries::MemberRow;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::i18n::Locale;

/// A judge of the panel and how many registered contestants they may not mark.
pub struct PanelJudge {
    pub judge: Judge,
    pub conflicts: usize,
}

/// A member the registration search found, and why they may not enter, if they may not.
pub struct Found {
    pub member: MemberRow,
    pub refusal: Option<Ineligible>,
}

/// The forms of the page, one of which may have come back (`failed` names it) with its problems.
pub struct EventForms {
    pub failed: &'static str,
    pub errors: FieldErrors,
    pub rules: RulesForm,
    /// The registration search as typed, and the members ticked.
    pub q: String,
    pub ticked: Vec<i64>,
    pub leader: String,
    pub team_name: String,
    pub judge_employer: String,
    /// The contestant whose withdrawal came back, and the reason typed.
    pub withdrawing: i64,
    pub reason: String,
    /// The members the registration refused, by name, with why.
    pub refusals: Vec<(String, Ineligible)>,
    /// The column a registration file lacked.
    pub missing_column: Option<&'static str>,
}

impl EventForms {
    pub fn new(locale: Locale, rules: RulesForm) -> Self {
        Self {
            failed: "",
            errors: FieldErrors::new(locale),
            rules,
            q: String::new(),
            ticked: Vec::new(),
            leader: String::new(),
            team_name: String::new(),
            judge_employer: String::new(),
            withdrawing: 0,
            reason: String::new(),
            refusals: Vec::new(),
            missing_column: None,
        }
    }

    pub fn errors_of(&self, which: &str) -> FieldErrors {
        if self.failed == which {
            self.errors.clone()
        } else {
            FieldErrors::default()
        }
    }

    pub fn is_ticked(&self, id: &i64) -> bool {
        self.ticked.contains(id)
    }

    pub fn is_leader(&self, id: &i64) -> bool {
        self.leader == id.to_string()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "contestants/show.html")]
pub struct EventTemplate {
    pub ctx: Ctx,
    pub competition: Competition,
    pub event: EventHead,
    pub panel: Vec<PanelJudge>,
    /// Accounts that may be put on the panel: (id, name, organisation).
    pub pool: Vec<(i64, String, String)>,
    pub contestants: Vec<ContestantRow>,
    /// The event's sub-items: (id, name, part, locked), each with its mark sheet.
    pub items: Vec<(i64, String, String, bool)>,
    /// Members the search found, when a search was made.
    pub found: Option<Vec<Found>>,
    pub forms: EventForms,
    pub can_change: bool,
    /// Names beside numbers: not for a judge of an anonymously marked competition.
    pub show_names: bool,
}

impl EventTemplate {
    pub fn base(&self) -> String {
        format!(
            "/competitions/{}/events/{}",
            self.competition.id, self.event.id
        )
    }

    pub fn rules_editable(&self) -> bool {
        self.can_change && self.competition.status.is_editable()
    }

    pub fn registering(&self) -> bool {
        self.can_change && self.competition.status == Status::RegistrationOpen
    }

    pub fn may_withdraw(&self) -> bool {
        self.can_change
            && matches!(
                self.competition.status,
                Status::RegistrationOpen | Status::RegistrationClosed | Status::InProgress
            )
    }

    pub fn may_seat(&self) -> bool {
        self.can_change
            && self.competition.status == Status::RegistrationClosed
            && self.event.registered > 0
    }

    pub fn panel_changes(&self) -> bool {
        self.can_change && super::routes::panel_may_change(self.competition.status)
    }

    pub fn occupations(&self) -> [&'static str; 6] {
        OCCUPATIONS
    }

    pub fn skill_levels(&self) -> [&'static str; 5] {
        SKILL_LEVELS
    }

    pub fn withdrawn(&self) -> usize {
        self.contestants.iter().filter(|c| !c.registered).count()
    }

    pub fn has_chief(&self) -> bool {
        self.panel.iter().any(|p| p.judge.chief)
    }

    /// The sub-items a judge marks, by name, or "every sub-item".
    pub fn items_of(&self, judge: &Judge) -> String {
        if judge.chief || judge.items.is_empty() {
            return self.ctx.t("contestant.all_items").to_string();
        }
        let names: Vec<&str> = self
            .items
            .iter()
            .filter(|(id, ..)| judge.items.contains(id))
            .map(|(_, name, ..)| name.as_str())
            .collect();
        names.join("、")
    }

    pub fn refusal_text(&self, refusal: &Ineligible) -> String {
        self.ctx.tf(refusal.key(), [("detail", refusal.detail())])
    }
}

/// The preview of a registration file: every line with its problems, and the confirmation when
/// there are none.
#[derive(Template, WebTemplate)]
#[template(path = "contestants/file.html")]
pub struct FilePreviewTemplate {
    pub ctx: Ctx,
    pub competition: Competition,
    pub event: EventHead,
    pub lines: Vec<super::from_file::Line>,
    /// Problems in all the lines.
    pub problems: usize,
    /// Contestants (individual event) or teams the confirmation registers.
    pub groups: usize,
}

impl FilePreviewTemplate {
    pub fn base(&self) -> String {
        format!(
            "/competitions/{}/events/{}",
            self.competition.id, self.event.id
        )
    }

    pub fn lines_with_problems(&self) -> usize {
        self.lines.iter().filter(|l| !l.problems.is_empty()).count()
    }
}
