//! A contest application's life as pure rules: its states and steps, the form and its checks,
//! which organisation may file which tier, and what changed since it was returned.

use time::Date;

use crate::money::Money;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;
use crate::workflow::Refused;

crate::states! {
    pub enum Status {
        Draft = "draft",
        Submitted = "submitted",
        UnderReview = "under_review",
        Returned = "returned",
        Resubmitted = "resubmitted",
        /// A first reviewer recommends a grant that needs a second sign-off.
        Recommended = "recommended",
        Approved = "approved",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
        Reported = "reported",
        Settled = "settled",
        Cancelled = "cancelled",
    }
}

impl Status {
    /// Waiting for a reviewer's decision.
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            Self::Submitted | Self::Resubmitted | Self::UnderReview | Self::Recommended
        )
    }

    /// The applicant may still change the application.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

/// The steps of an application; each is a resource of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    TakeUp,
    Return,
    Recommend,
    Approve,
    Reject,
    Withdraw,
    Report,
    Settle,
    Cancel,
}

impl Step {
    /// The timeline's and audit trail's name of the step.
    pub fn event(self, from: Status) -> &'static str {
        match self {
            Self::Submit if from == Status::Returned => "resubmitted",
            Self::Submit => "submitted",
            Self::TakeUp => "taken_up",
            Self::Return => "returned",
            Self::Recommend => "recommended",
            Self::Approve => "approved",
            Self::Reject => "rejected",
            Self::Withdraw => "withdrawn",
            Self::Report => "reported",
            Self::Settle => "settled",
            Self::Cancel => "cancelled",
        }
    }
}

/// Where `step` takes an application in `from`, or why it cannot be taken.
pub fn transition(from: Status, step: Step) -> Result<Status, Refused> {
    use Status::*;
    let to = match (step, from) {
        (Step::Submit, Draft) => Submitted,
        (Step::Submit, Returned) => Resubmitted,
        (Step::TakeUp, Submitted | Resubmitted) => UnderReview,
        (Step::Return | Step::Reject, Submitted | Resubmitted | UnderReview | Recommended) => {
            if step == Step::Return {
                Returned
            } else {
                Rejected
            }
        }
        (Step::Recommend, Submitted | Resubmitted | UnderReview) => Recommended,
        (Step::Approve, Submitted | Resubmitted | UnderReview | Recommended) => Approved,
        (
            Step::Withdraw,
            Draft | Submitted | Resubmitted | UnderReview | Returned | Recommended,
        ) => Withdrawn,
        (Step::Report, Approved) => Reported,
        (Step::Settle, Reported) => Settled,
        (Step::Cancel, Approved) => Cancelled,
        _ => return Err(Refused("application.refused.step")),
    };
    Ok(to)
}

/// Organisation kinds that file each tier: district federations and industry unions (and the
/// industry-wide federations) tier 2; township, park, community and enterprise unions tier 3.
pub fn tier_fits_kind(tier: i16, kind: &str) -> bool {
    match tier {
        2 => matches!(
            kind,
            "district_federation"
                | "industry_union"
                | "industry_federation"
                | "new_employment_federation"
        ),
        3 => matches!(
            kind,
            "township_union" | "park_union" | "community_union" | "grassroots_union"
        ),
        _ => false,
    }
}

/// The budget's lines, in the order forms and reports show them.
pub const BUDGET_LINES: [&str; 6] = [
    "venue",
    "materials",
    "prizes",
    "judges",
    "training",
    "other",
];

/// The application form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ApplicationForm {
    #[serde(default)]
    pub fund_id: String,
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
    pub planned_start: String,
    #[serde(default)]
    pub planned_end: String,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub expected_contestants: String,
    #[serde(default)]
    pub expected_companies: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub budget_venue: String,
    #[serde(default)]
    pub budget_materials: String,
    #[serde(default)]
    pub budget_prizes: String,
    #[serde(default)]
    pub budget_judges: String,
    #[serde(default)]
    pub budget_training: String,
    #[serde(default)]
    pub budget_other: String,
    #[serde(default)]
    pub requested: String,
}

/// The fields of an application, checked (the organisation and the fund's rules are checked by
/// the handler, which can read them).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fields {
    pub fund_id: i64,
    pub tier: i16,
    pub track_id: i64,
    pub title: String,
    pub planned_start: Date,
    pub planned_end: Date,
    pub venue: String,
    pub expected_contestants: i32,
    pub expected_companies: i32,
    pub contact_name: String,
    pub contact_phone: String,
    /// In the order of [`BUDGET_LINES`].
    pub budget: [Money; 6],
    pub requested: Money,
}

impl Fields {
    pub fn budget_total(&self) -> Money {
        self.budget.iter().copied().sum()
    }
}

fn count_in(errors: &mut FieldErrors, field: &'static str, text: &str, max: i32) -> i32 {
    match crate::web::input::parse_count(text, i64::from(max)) {
        Some(n) => n as i32,
        None => {
            errors.add(field, "application.error.count");
            0
        }
    }
}

/// A budget or spending line as typed: blank is nothing spent on it.
pub fn line_amount(errors: &mut FieldErrors, field: &'static str, text: &str) -> Money {
    if text.trim().is_empty() {
        return Money::ZERO;
    }
    errors.check(field, Money::parse(text)).unwrap_or_default()
}

impl ApplicationForm {
    pub fn budget_texts(&self) -> [(&'static str, &str); 6] {
        [
            ("budget_venue", &self.budget_venue),
            ("budget_materials", &self.budget_materials),
            ("budget_prizes", &self.budget_prizes),
            ("budget_judges", &self.budget_judges),
            ("budget_training", &self.budget_training),
            ("budget_other", &self.budget_other),
        ]
    }

    /// Checks what can be checked without the database.
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<Fields> {
        let fund_id = self.fund_id.trim().parse::<i64>().ok();
        if fund_id.is_none() {
            errors.add("fund_id", "application.error.fund");
        }
        let tier = match self.tier.trim() {
            "2" => Some(2),
            "3" => Some(3),
            _ => {
                errors.add("tier", "application.error.tier");
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
        let (start, end) = crate::web::dates::check_range(
            errors,
            ("planned_start", &self.planned_start),
            ("planned_end", &self.planned_end),
        );
        let venue = clean_text(&self.venue);
        if venue.chars().count() > 200 {
            errors.add("venue", "application.error.long");
        }
        let contestants = count_in(
            errors,
            "expected_contestants",
            &self.expected_contestants,
            1_000_000,
        );
        let companies = count_in(
            errors,
            "expected_companies",
            &self.expected_companies,
            100_000,
        );
        let contact_name = clean_text(&self.contact_name);
        if contact_name.chars().count() > 50 {
            errors.add("contact_name", "application.error.long");
        }
        let contact_phone = clean_text(&self.contact_phone);
        if contact_phone.chars().count() > 30
            || !contact_phone
                .chars()
                .all(|c| c.is_ascii_digit() || "-+ ()".contains(c))
        {
            errors.add("contact_phone", "org.error.phone");
        }
        let mut budget = [Money::ZERO; 6];
        for (slot, (field, text)) in budget.iter_mut().zip(self.budget_texts()) {
            *slot = line_amount(errors, field, text);
        }
        let requested = errors.check("requested", Money::parse(&self.requested));
        let total: Money = budget.iter().copied().sum();
        if total.is_zero() && !errors.has("budget_venue") {
            errors.add("budget_venue", "application.error.budget_empty");
        }
        if requested.is_some_and(|requested| requested > total) {
            errors.add("requested", "application.error.over_budget");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(Fields {
            fund_id: fund_id?,
            tier: tier?,
            track_id: track_id?,
            title,
            planned_start: start?,
            planned_end: end?,
            venue,
            expected_contestants: contestants,
            expected_companies: companies,
            contact_name,
            contact_phone,
            budget,
            requested: requested?,
        })
    }

    /// The form filled with an application's fields, for editing.
    pub fn from_fields(fields: &Fields, organisation: String) -> Self {
        let amount = |m: Money| {
            if m.is_zero() {
                String::new()
            } else {
                m.input()
            }
        };
        Self {
            fund_id: fields.fund_id.to_string(),
            organisation,
            organisation_choice: String::new(),
            tier: fields.tier.to_string(),
            track_id: fields.track_id.to_string(),
            title: fields.title.clone(),
            planned_start: fields.planned_start.to_string(),
            planned_end: fields.planned_end.to_string(),
            venue: fields.venue.clone(),
            expected_contestants: fields.expected_contestants.to_string(),
            expected_companies: fields.expected_companies.to_string(),
            contact_name: fields.contact_name.clone(),
            contact_phone: fields.contact_phone.clone(),
            budget_venue: amount(fields.budget[0]),
            budget_materials: amount(fields.budget[1]),
            budget_prizes: amount(fields.budget[2]),
            budget_judges: amount(fields.budget[3]),
            budget_training: amount(fields.budget[4]),
            budget_other: amount(fields.budget[5]),
            requested: fields.requested.input(),
        }
    }
}

/// One field that changed between the returned application and the resubmitted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// The catalogue key of the field's label.
    pub label: String,
    pub before: String,
    pub after: String,
}

/// What changed since the application was returned, field by field and line by line of the
/// budget; `track_name` names a track by id.
pub fn changes(
    before: &Fields,
    after: &Fields,
    track_name: impl Fn(i64) -> String,
) -> Vec<Changed> {
    let mut changed = Vec::new();
    let mut compare = |label: &str, a: String, b: String| {
        if a != b {
            changed.push(Changed {
                label: label.to_string(),
                before: a,
                after: b,
            });
        }
    };
    compare(
        "application.field.title",
        before.title.clone(),
        after.title.clone(),
    );
    compare(
        "application.field.track",
        track_name(before.track_id),
        track_name(after.track_id),
    );
    compare(
        "application.field.planned_start",
        before.planned_start.to_string(),
        after.planned_start.to_string(),
    );
    compare(
        "application.field.planned_end",
        before.planned_end.to_string(),
        after.planned_end.to_string(),
    );
    compare(
        "application.field.venue",
        before.venue.clone(),
        after.venue.clone(),
    );
    compare(
        "application.field.expected_contestants",
        before.expected_contestants.to_string(),
        after.expected_contestants.to_string(),
    );
    compare(
        "application.field.expected_companies",
        before.expected_companies.to_string(),
        after.expected_companies.to_string(),
    );
    compare(
        "application.field.contact_name",
        before.contact_name.clone(),
        after.contact_name.clone(),
    );
    compare(
        "application.field.contact_phone",
        before.contact_phone.clone(),
        after.contact_phone.clone(),
    );
    for (n, line) in BUDGET_LINES.iter().enumerate() {
        compare(
            &format!("application.budget.{line}"),
            before.budget[n].to_string(),
            after.budget[n].to_string(),
        );
    }
    compare(
        "application.field.requested",
        before.requested.to_string(),
        after.requested.to_string(),
    );
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_moves_only_along_its_steps() {
        assert_eq!(
            transition(Status::Draft, Step::Submit),
            Ok(Status::Submitted)
        );
        assert_eq!(
            transition(Status::Returned, Step::Submit),
            Ok(Status::Resubmitted)
        );
        assert_eq!(
            transition(Status::Resubmitted, Step::TakeUp),
            Ok(Status::UnderReview)
        );
        assert_eq!(
            transition(Status::Recommended, Step::Approve),
            Ok(Status::Approved)
        );
        assert_eq!(
            transition(Status::Approved, Step::Report),
            Ok(Status::Reported)
        );
        assert_eq!(
            transition(Status::Reported, Step::Settle),
            Ok(Status::Settled)
        );
        assert!(transition(Status::Approved, Step::Approve).is_err());
        assert!(transition(Status::Approved, Step::Withdraw).is_err());
        assert!(transition(Status::Draft, Step::Approve).is_err());
        assert!(transition(Status::Settled, Step::Cancel).is_err());
        assert!(transition(Status::Recommended, Step::Recommend).is_err());
    }

    #[test]
    fn districts_file_tier_two_and_grassroots_tier_three() {
        assert!(tier_fits_kind(2, "district_federation") && tier_fits_kind(2, "industry_union"));
        assert!(tier_fits_kind(3, "township_union") && tier_fits_kind(3, "grassroots_union"));
        assert!(
            !tier_fits_kind(2, "grassroots_union") && !tier_fits_kind(3, "district_federation")
        );
        assert!(!tier_fits_kind(1, "city_federation"));
    }

    fn form() -> ApplicationForm {
        ApplicationForm {
            fund_id: "1".into(),
            tier: "3".into(),
            track_id: "2".into(),
            title: "快递员技能擂台赛".into(),
            planned_start: "2025-06-01".into(),
            planned_end: "2025-06-02".into(),
            expected_contestants: "60".into(),
            expected_companies: "8".into(),
            budget_venue: "1.2万".into(),
            budget_prizes: "8,000".into(),
            requested: "10000".into(),
            ..ApplicationForm::default()
        }
    }

    #[test]
    fn a_form_is_read_with_its_budget_and_refused_field_by_field() {
        let mut errors = FieldErrors::default();
        let fields = form().validate(&mut errors).expect("valid");
        assert_eq!(fields.budget_total(), Money::from_yuan(20_000));
        let mut bad = form();
        bad.planned_end = "2025-05-01".into();
        bad.requested = "3万元".into();
        bad.budget_judges = "abc".into();
        let mut errors = FieldErrors::default();
        assert!(bad.validate(&mut errors).is_none());
        assert_eq!(
            errors.key("planned_end"),
            Some("application.error.dates_reversed")
        );
        assert_eq!(errors.key("budget_judges"), Some("money.error.invalid"));
        assert_eq!(
            errors.key("requested"),
            Some("application.error.over_budget")
        );
    }

    #[test]
    fn what_changed_since_the_return_is_listed_field_by_field_and_line_by_line() {
        let mut errors = FieldErrors::default();
        let before = form().validate(&mut errors).expect("valid");
        let mut after = before.clone();
        after.budget[2] = Money::from_yuan(6_000);
        after.requested = Money::from_yuan(9_000);
        let changed = changes(&before, &after, |id| id.to_string());
        let labels: Vec<&str> = changed.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            ["application.budget.prizes", "application.field.requested"]
        );
        assert_eq!(changed[0].before, "¥8,000.00");
        assert_eq!(changed[0].after, "¥6,000.00");
    }
}
