//! What a worker sends from the joining page, its rules, and the life of a request: pending until
//! staff approve (the worker becomes a member) or decline it (with a reason).

use serde::Deserialize;

use crate::members::model::{IdNumber, Phone, clean_name, parse_occupation};
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;
use crate::workflow::Refused;

crate::states! {
    /// Where a joining request stands.
    pub enum JoinStatus {
        Pending = "pending",
        Approved = "approved",
        Declined = "declined",
    }
}

/// A decision on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinStep {
    Approve,
    Decline,
}

impl JoinStep {
    pub fn event(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Decline => "decline",
        }
    }
}

/// A request is decided once: a second decision (a double click, two clerks) is refused.
pub fn transition(status: JoinStatus, step: JoinStep) -> Result<JoinStatus, Refused> {
    match (status, step) {
        (JoinStatus::Pending, JoinStep::Approve) => Ok(JoinStatus::Approved),
        (JoinStatus::Pending, JoinStep::Decline) => Ok(JoinStatus::Declined),
        (JoinStatus::Approved | JoinStatus::Declined, _) => Err(Refused("join.error.decided")),
    }
}

/// What the worker typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub occupation: String,
    pub consent: Option<String>,
    /// The honeypot: hidden from people, filled in by bots.
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub started: String,
}

/// A request that passed the form's rules.
pub struct ValidJoin {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: Phone,
    pub employer: String,
    pub occupation: &'static str,
}

impl JoinForm {
    /// Checks every field, naming each problem beside its field; `None` if any was found.
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<ValidJoin> {
        let name = clean_name(&self.name);
        if name.is_empty() || name.chars().count() > 50 {
            errors.add("name", "member.error.name");
        }
        let id_number = IdNumber::parse(&self.id_number)
            .map_err(|error| errors.add("id_number", error.key()))
            .ok();
        let phone = Phone::parse(&self.phone);
        if phone.is_none() {
            errors.add("phone", "member.error.phone");
        }
        let occupation = parse_occupation(&self.occupation);
        if occupation.is_none() {
            errors.add("occupation", "member.error.occupation");
        }
        if self.consent.is_none() {
            errors.add("consent", "join.error.consent");
        }
        let employer = clean_text(&self.employer).chars().take(100).collect();
        match (id_number, phone, occupation) {
            (Some(id_number), Some(phone), Some(occupation)) if errors.is_empty() => {
                Some(ValidJoin {
                    name,
                    id_number,
                    phone,
                    employer,
                    occupation,
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_decided_once() {
        assert_eq!(
            transition(JoinStatus::Pending, JoinStep::Approve),
            Ok(JoinStatus::Approved)
        );
        assert_eq!(
            transition(JoinStatus::Pending, JoinStep::Decline),
            Ok(JoinStatus::Declined)
        );
        assert!(transition(JoinStatus::Approved, JoinStep::Decline).is_err());
        assert!(transition(JoinStatus::Declined, JoinStep::Approve).is_err());
    }

    #[test]
    fn a_form_without_consent_or_a_valid_phone_is_refused_beside_each_field() {
        let form = JoinForm {
            name: "李四".into(),
            id_number: "11010119900301006X".into(),
            phone: "123".into(),
            occupation: "courier".into(),
            ..JoinForm::default()
        };
        let mut errors = FieldErrors::default();
        assert!(form.validate(&mut errors).is_none());
        assert!(errors.has("phone") && errors.has("consent") && !errors.has("name"));
    }
}
