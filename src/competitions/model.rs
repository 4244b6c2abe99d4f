//! A competition's life as pure rules: its states and steps, which organisation holds which
//! tier, the competition's form and its checks.

use time::Date;

use crate::web::dates::parse_date;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;
use crate::workflow::Refused;

crate::states! {
    pub enum Status {
        Planned = "planned",
        RegistrationOpen = "registration_open",
        RegistrationClosed = "registration_closed",
        InProgress = "in_progress",
        MarkingFinished = "marking_finished",
        ResultsPublished = "results_published",
        Cancelled = "cancelled",
    }
}

impl Status {
    /// Its events, parts and sub-items may still change (nobody has been marked yet).
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Planned | Self::RegistrationOpen)
    }
}

/// The steps of a competition; each is a resource of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    OpenRegistration,
    CloseRegistration,
    Start,
    FinishMarking,
    /// Publishes (and freezes) the results of every event.
    PublishResults,
    Cancel,
}

impl Step {
    /// The timeline's and audit trail's name of the step, and its URL's last segment.
    pub fn event(self) -> &'static str {
        match self {
            Self::OpenRegistration => "registration_opened",
            Self::CloseRegistration => "registration_closed",
            Self::Start => "started",
            Self::FinishMarking => "marking_finished",
            Self::PublishResults => "results_published",
            Self::Cancel => "cancelled",
        }
    }

    pub fn resource(self) -> &'static str {
        match self {
            Self::OpenRegistration => "registration-opening",
            Self::CloseRegistration => "registration-closing",
            Self::Start => "start",
            Self::FinishMarking => "marking-end",
            Self::PublishResults => "publication",
            Self::Cancel => "cancellation",
        }
    }

    pub const FORWARD: [Step; 5] = [
        Step::OpenRegistration,
        Step::CloseRegistration,
        Step::Start,
        Step::FinishMarking,
        Step::PublishResults,
    ];
}

/// Where `step` takes a competition in `from`, or why it cannot be taken.
pub fn transition(from: Status, step: Step) -> Result<Status, Refused> {
    use Status::*;
    let to = match (step, from) {
        (Step::OpenRegistration, Planned) => RegistrationOpen,
        (Step::CloseRegistration, RegistrationOpen) => RegistrationClosed,
        (Step::Start, RegistrationClosed) => InProgress,
        (Step::FinishMarking, InProgress) => MarkingFinished,
        (Step::PublishResults, MarkingFinished) => ResultsPublished,
        (Step::Cancel, Planned | RegistrationOpen | RegistrationClosed | InProgress) => Cancelled,
        _ => return Err(Refused("competition.refused.step")),
    };
    Ok(to)
}

/// Organisation kinds that hold each tier: the city federation tier 1; district federations and
/// industry unions tier 2; township, park, community and enterprise unions tier 3 (as they file
/// their contest applications).
pub fn tier_fits_kind(tier: i16, kind: &str) -> bool {
    match tier {
        1 => kind == "city_federation",
        _ => crate::applications::model::tier_fits_kind(tier, kind),
    }
}

/// What staff typed on the competition's form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CompetitionForm {
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub organisation_choice: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub track_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub co_organisers: String,
    #[serde(default)]
    pub has_preliminary: Option<String>,
    #[serde(default)]
    pub has_final: Option<String>,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub registration_opens_on: String,
    #[serde(default)]
    pub registration_closes_on: String,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub anonymous_marking: Option<String>,
    /// The approved contest application it is held on, if any.
    #[serde(default)]
    pub application_id: String,
}

/// The fields of a competition, checked (the organisation is checked by the handler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub tier: i16,
    pub track_id: i64,
    pub title: String,
    pub co_organisers: String,
    pub has_preliminary: bool,
    pub has_final: bool,
    pub starts_on: Date,
    pub ends_on: Date,
    pub registration_opens_on: Option<Date>,
    pub registration_closes_on: Option<Date>,
    pub venue: String,
    pub anonymous_marking: bool,
    pub application_id: Option<i64>,
}

impl Fields {
    /// The competition's year: the year it starts in.
    pub fn year(&self) -> i32 {
        self.starts_on.year()
    }
}

/// A date that may be left blank: blank is none, anything else must be a date.
fn optional_date(errors: &mut FieldErrors, field: &'static str, text: &str) -> Option<Date> {
    if text.trim().is_empty() {
        return None;
    }
    let date = parse_date(text);
    if date.is_none() {
        errors.add(field, "fund.error.date");
    }
    date
}

impl CompetitionForm {
    /// Checks what can be checked without the database.
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<Fields> {
        let tier = match self.tier.trim() {
            "1" => Some(1),
            "2" => Some(2),
            "3" => Some(3),
            _ => {
                errors.add("tier", "competition.error.tier");
                None
            }
        };
        let track_id = self.track_id.trim().parse::<i64>().ok();
        if track_id.is_none() {
            errors.add("track_id", "application.error.track");
        }
        let title = clean_text(&self.title);
        if title.is_empty() || title.chars().count() > 100 {
            errors.add("title", "application.error.title");
        }
        let co_organisers = clean_text(&self.co_organisers);
        if co_organisers.chars().count() > 300 {
            errors.add("co_organisers", "application.error.long");
        }
        let (has_preliminary, has_final) =
            (self.has_preliminary.is_some(), self.has_final.is_some());
        if !has_preliminary && !has_final {
            errors.add("stages", "competition.error.stages");
        }
        let (starts_on, ends_on) = crate::web::dates::check_range(
            errors,
            ("starts_on", &self.starts_on),
            ("ends_on", &self.ends_on),
        );
        let opens = optional_date(errors, "registration_opens_on", &self.registration_opens_on);
        let closes = optional_date(
            errors,
            "registration_closes_on",
            &self.registration_closes_on,
        );
        if let (Some(opens), Some(closes)) = (opens, closes)
            && closes < opens
        {
            errors.add("registration_closes_on", "application.error.dates_reversed");
        }
        if let (Some(closes), Some(start)) = (closes, starts_on)
            && closes > start
        {
            errors.add(
                "registration_closes_on",
                "competition.error.closes_after_start",
            );
        }
        let venue = clean_text(&self.venue);
        if venue.chars().count() > 200 {
            errors.add("venue", "application.error.long");
        }
        let application_id = self.application_id.trim().parse::<i64>().ok();
        if !errors.is_empty() {
            return None;
        }
        Some(Fields {
            tier: tier?,
            track_id: track_id?,
            title,
            co_organisers,
            has_preliminary,
            has_final,
            starts_on: starts_on?,
            ends_on: ends_on?,
            registration_opens_on: opens,
            registration_closes_on: closes,
            venue,
            anonymous_marking: self.anonymous_marking.is_some(),
            application_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Locale;

    #[test]
    fn a_competition_moves_forward_one_step_at_a_time_and_is_cancelled_before_its_results() {
        let mut status = Status::Planned;
        for step in Step::FORWARD {
            status = transition(status, step).unwrap();
        }
        assert_eq!(status, Status::ResultsPublished);
        assert!(transition(Status::ResultsPublished, Step::PublishResults).is_err());
        assert!(transition(Status::InProgress, Step::PublishResults).is_err());
        assert!(transition(Status::Planned, Step::Start).is_err());
        assert!(transition(Status::RegistrationOpen, Step::OpenRegistration).is_err());
        assert_eq!(
            transition(Status::InProgress, Step::Cancel),
            Ok(Status::Cancelled)
        );
        assert!(transition(Status::MarkingFinished, Step::Cancel).is_err());
        assert!(transition(Status::Cancelled, Step::Cancel).is_err());
    }

    #[test]
    fn the_city_federation_holds_tier_one_and_grassroots_unions_tier_three() {
        assert!(tier_fits_kind(1, "city_federation"));
        assert!(!tier_fits_kind(1, "district_federation"));
        assert!(tier_fits_kind(2, "industry_union"));
        assert!(tier_fits_kind(3, "grassroots_union"));
        assert!(!tier_fits_kind(3, "city_federation"));
    }

    fn form() -> CompetitionForm {
        CompetitionForm {
            tier: "1".into(),
            track_id: "4".into(),
            title: "  无人机驾驶员技能竞赛 ".into(),
            has_final: Some("on".into()),
            starts_on: "2026-10-20".into(),
            ends_on: "2026/10/21".into(),
            registration_opens_on: "2026-09-01".into(),
            registration_closes_on: "2026-10-10".into(),
            ..CompetitionForm::default()
        }
    }

    #[test]
    fn a_good_form_gives_its_fields_and_bad_dates_and_stages_are_named_by_field() {
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let fields = form().validate(&mut errors).expect("valid");
        assert_eq!(fields.title, "无人机驾驶员技能竞赛");
        assert_eq!(fields.year(), 2026);
        assert!(fields.has_final && !fields.has_preliminary);

        let mut errors = FieldErrors::new(Locale::ZhCn);
        let bad = CompetitionForm {
            has_final: None,
            ends_on: "2026-10-19".into(),
            registration_closes_on: "2026-10-25".into(),
            tier: "4".into(),
            ..form()
        };
        assert!(bad.validate(&mut errors).is_none());
        for field in ["stages", "ends_on", "registration_closes_on", "tier"] {
            assert!(errors.has(field), "{field}");
        }
    }
}
