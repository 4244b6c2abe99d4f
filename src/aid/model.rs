//! A mutual-aid plan, a claim's states and kinds of event, and the forms of a plan, a claim and
//! its steps, checked as a union office types them.

use serde::Deserialize;
use time::Date;

use crate::money::Money;
use crate::web::dates::{check_range, parse_date};
use crate::web::forms::FieldErrors;

crate::states! {
    pub enum Status {
        Filed = "filed",
        DocumentsRequested = "documents_requested",
        Approved = "approved",
        Declined = "declined",
        Paid = "paid",
    }
}

impl Status {
    /// Still to be decided or paid: its deadline runs.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Filed | Self::DocumentsRequested | Self::Approved
        )
    }
}

crate::states! {
    pub enum EventKind {
        AccidentMedical = "accident_medical",
        HospitalStay = "hospital_stay",
        Disability = "disability",
        Death = "death",
    }
}

crate::states! {
    pub enum Channel {
        Fast = "fast",
        Normal = "normal",
    }
}

/// The plan form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub cover: String,
    #[serde(default)]
    pub premium: String,
    #[serde(default)]
    pub benefit_accident_medical: String,
    #[serde(default)]
    pub benefit_hospital_stay: String,
    #[serde(default)]
    pub benefit_disability: String,
    #[serde(default)]
    pub benefit_death: String,
    #[serde(default)]
    pub fast_limit: String,
    #[serde(default)]
    pub fast_working_days: String,
}

#[derive(Debug, Clone)]
pub struct ValidPlan {
    pub organisation_id: i64,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub cover: String,
    pub premium: Money,
    /// Accident medical, hospital stay, disability, death.
    pub benefits: [Money; 4],
    pub fast_limit: Money,
    pub fast_working_days: i32,
}

fn money(errors: &mut FieldErrors, field: &'static str, text: &str) -> Option<Money> {
    errors.check(field, Money::parse(text))
}

impl PlanForm {
    pub fn check(&self, errors: &mut FieldErrors, organisation: Option<i64>) -> Option<ValidPlan> {
        if organisation.is_none() {
            errors.add("organisation", "aid.error.organisation");
        }
        let title = errors.text("title", &self.title, 100);
        if title.is_empty() {
            errors.add("title", "aid.error.title");
        }
        let (starts_on, ends_on) = check_range(
            errors,
            ("starts_on", &self.starts_on),
            ("ends_on", &self.ends_on),
        );
        let cover = errors.text("cover", &self.cover, 1000);
        let premium = money(errors, "premium", &self.premium);
        let benefits = [
            money(
                errors,
                "benefit_accident_medical",
                &self.benefit_accident_medical,
            ),
            money(errors, "benefit_hospital_stay", &self.benefit_hospital_stay),
            money(errors, "benefit_disability", &self.benefit_disability),
            money(errors, "benefit_death", &self.benefit_death),
        ];
        let fast_limit = money(errors, "fast_limit", &self.fast_limit);
        let days = self.fast_working_days.trim().parse::<i32>().ok();
        let days = days.filter(|d| (1..=30).contains(d));
        if days.is_none() {
            errors.add("fast_working_days", "aid.error.fast_days");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(ValidPlan {
            organisation_id: organisation?,
            title,
            starts_on: starts_on?,
            ends_on: ends_on?,
            cover,
            premium: premium?,
            benefits: [benefits[0]?, benefits[1]?, benefits[2]?, benefits[3]?],
            fast_limit: fast_limit?,
            fast_working_days: days?,
        })
    }
}

/// A claim as typed by staff.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimForm {
    /// The member's number or ID number.
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    pub event_kind: String,
    #[serde(default)]
    pub event_on: String,
    #[serde(default)]
    pub facts: String,
    #[serde(default)]
    pub claimed: String,
    /// "1" when every document the plan asks for came with the claim.
    #[serde(default)]
    pub documents_complete: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ValidClaim {
    pub event_kind: EventKind,
    pub event_on: Date,
    pub facts: String,
    pub claimed: Money,
    pub documents_complete: bool,
}

impl ClaimForm {
    pub fn check(&self, errors: &mut FieldErrors, today: Date) -> Option<ValidClaim> {
        if self.member.trim().is_empty() {
            errors.add("member", "aid.error.member");
        }
        let event_kind = EventKind::parse(self.event_kind.trim());
        if event_kind.is_none() {
            errors.add("event_kind", "aid.error.event_kind");
        }
        let event_on = parse_date(&self.event_on);
        match event_on {
            None => errors.add("event_on", "aid.error.event_on"),
            Some(day) if day > today => errors.add("event_on", "aid.error.event_future"),
            Some(_) => {}
        }
        let facts = errors.text("facts", &self.facts, 2000);
        let claimed = money(errors, "claimed", &self.claimed);
        if claimed.is_some_and(Money::is_zero) {
            errors.add("claimed", "aid.error.claimed_zero");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(ValidClaim {
            event_kind: event_kind?,
            event_on: event_on?,
            facts,
            claimed: claimed?,
            documents_complete: self.documents_complete.is_some(),
        })
    }
}

/// Which channel a claim takes: the fast one when small enough and complete.
pub fn channel(claimed: Money, documents_complete: bool, fast_limit: Money) -> Channel {
    if documents_complete && claimed <= fast_limit {
        Channel::Fast
    } else {
        Channel::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_small_complete_claim_takes_the_fast_channel() {
        let limit = Money::from_yuan(5_000);
        assert_eq!(channel(Money::from_yuan(5_000), true, limit), Channel::Fast);
        assert_eq!(
            channel(Money::from_yuan(5_000), false, limit),
            Channel::Normal
        );
        assert_eq!(
            channel(Money::from_fen(500_001), true, limit),
            Channel::Normal
        );
    }
}
