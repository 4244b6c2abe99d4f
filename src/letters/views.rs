//! The pages of supervision letters: the list, the form of a new letter, a letter with its
//! timeline and next step, and the letter as printed.

use askama::Template;
use askama_web::WebTemplate;

use super::model::{DeliveryForm, Kind, LetterForm, ReplyForm, Status};
use super::queries::{Letter, LetterRow};
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::Pager;
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
    pub q: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
}

impl ListQuery {
    pub fn to_query(&self) -> String {
        let mut pairs = vec![
            ("status", self.status.clone()),
            ("kind", self.kind.clone()),
            ("q", self.q.clone()),
        ];
        pairs.retain(|(_, value)| !value.is_empty());
        if self.overdue.is_some() {
            pairs.push(("overdue", "1".into()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "letters/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub letters: Vec<LetterRow>,
    pub total: i64,
    pub pager: Pager,
    pub can_issue: bool,
}

impl IndexTemplate {
    pub fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }

    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "letters/new.html")]
pub struct NewTemplate {
    pub ctx: Ctx,
    pub form: LetterForm,
    /// The case the letter comes from: its id and number.
    pub case: Option<(i64, String)>,
    pub errors: FieldErrors,
}

impl NewTemplate {
    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "letters/show.html")]
pub struct LetterTemplate {
    pub ctx: Ctx,
    pub letter: Letter,
    pub timeline: Vec<TimelineEntry>,
    pub can_handle: bool,
    pub delivery: DeliveryForm,
    pub reply: ReplyForm,
    pub errors: FieldErrors,
    pub today: String,
}

impl LetterTemplate {
    pub fn paragraphs(&self) -> Vec<&str> {
        paragraphs(&self.letter.body)
    }

    pub fn is_issued(&self) -> bool {
        self.letter.status == Status::Issued
    }

    pub fn is_delivered(&self) -> bool {
        self.letter.status == Status::Delivered
    }

    pub fn is_overdue(&self) -> bool {
        self.letter.days_left.is_some_and(|days| days < 0)
    }
}

/// The letter on A4, with the union's seal line and the employer's receipt.
#[derive(Template, WebTemplate)]
#[template(path = "letters/print.html")]
pub struct PrintTemplate {
    pub ctx: Ctx,
    pub letter: Letter,
}

impl PrintTemplate {
    pub fn paragraphs(&self) -> Vec<&str> {
        paragraphs(&self.letter.body)
    }
}

/// A letter's body as paragraphs: split at blank lines (a single line break stays inside).
fn paragraphs(body: &str) -> Vec<&str> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}
