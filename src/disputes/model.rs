//! A dispute case's states, kinds and channels, the steps between states, and the forms of intake,
//! a mediation round, an extension and the outcome, checked as a union office types them.

use serde::Deserialize;
use time::Date;

use crate::members::worker::Worker;
use crate::money::Money;
use crate::web::dates::parse_date;
use crate::web::forms::FieldErrors;
use crate::workflow::Refused;

/// Days mediation may take from acceptance (劳动争议调解仲裁法, art. 14).
pub const MEDIATION_DAYS: i64 = 15;

crate::states! {
    pub enum Status {
        Received = "received",
        Mediating = "mediating",
        Mediated = "mediated",
        Referred = "referred",
        Withdrawn = "withdrawn",
        NotAccepted = "not_accepted",
    }
}

crate::states! {
    pub enum Kind {
        WageArrears = "wage_arrears",
        SocialInsurance = "social_insurance",
        WorkInjury = "work_injury",
        Termination = "termination",
        OvertimeRest = "overtime_rest",
        Other = "other",
    }
}

crate::states! {
    /// Where the case came in.
    pub enum Channel {
        Station = "station",
        Hotline = "hotline",
        Online = "online",
        WalkIn = "walk_in",
        Referral = "referral",
    }
}

/// The steps of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Accepted and given to a mediator: the 15 days start.
    Accept,
    /// Refused at intake, with the reason.
    Decline,
    /// Ended by agreement, referral or withdrawal.
    Close(Status),
}

impl Status {
    pub fn is_open(self) -> bool {
        matches!(self, Self::Received | Self::Mediating)
    }
}

/// The state a step leads to from `from`, or why it cannot be taken.
pub fn transition(from: Status, step: Step) -> Result<Status, Refused> {
    match (from, step) {
        (Status::Received, Step::Accept) => Ok(Status::Mediating),
        (Status::Received, Step::Decline) => Ok(Status::NotAccepted),
        (
            Status::Mediating,
            Step::Close(to @ (Status::Mediated | Status::Referred | Status::Withdrawn)),
        ) => Ok(to),
        (Status::Received, Step::Close(Status::Withdrawn)) => Ok(Status::Withdrawn),
        (Status::Mediating, _) | (Status::Received, _) => Err(Refused("dispute.refused.step")),
        _ => Err(Refused("dispute.refused.closed")),
    }
}

/// A date field as typed: empty is `None` with no problem when `required` is false.
fn date_field(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    required: bool,
) -> Option<Date> {
    if text.trim().is_empty() {
        if required {
            errors.add(field, "dispute.error.date");
        }
        return None;
    }
    let date = parse_date(text);
    if date.is_none() {
        errors.add(field, "dispute.error.date");
    }
    date
}

fn money_field(errors: &mut FieldErrors, field: &'static str, text: &str) -> Option<Money> {
    if text.trim().is_empty() {
        return None;
    }
    match Money::parse(text) {
        Ok(money) => Some(money),
        Err(key) => {
            errors.add(field, key);
            None
        }
    }
}

/// A worker's claim: required, exact to the fen.
pub fn claim_field(errors: &mut FieldErrors, text: &str) -> Option<Money> {
    if text.trim().is_empty() {
        errors.add("claimed", "money.error.empty");
    }
    money_field(errors, "claimed", text)
}

/// The intake form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IntakeForm {
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub kind: String,
    /// A member's number or ID number; empty for a worker who is not a member.
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    pub worker_name: String,
    #[serde(default)]
    pub worker_id_number: String,
    #[serde(default)]
    pub worker_phone: String,
    /// The employer: its credit code or its name as the register has it.
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub facts: String,
    #[serde(default)]
    pub claimed: String,
    #[serde(default)]
    pub received_on: String,
}

#[derive(Debug, Clone)]
pub struct ValidIntake {
    pub channel: Channel,
    pub kind: Kind,
    pub worker: Worker,
    pub facts: String,
    pub claimed: Money,
    pub received_on: Date,
}

impl IntakeForm {
    pub fn check(&self, errors: &mut FieldErrors, today: Date) -> Option<ValidIntake> {
        let channel = Channel::parse(self.channel.trim());
        if channel.is_none() {
            errors.add("channel", "dispute.error.channel");
        }
        let kind = Kind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", "dispute.error.kind");
        }
        let worker = crate::members::worker::check(
            errors,
            &self.member,
            &self.worker_name,
            &self.worker_id_number,
            &self.worker_phone,
        );
        if self.employer.trim().is_empty() {
            errors.add("employer", "dispute.error.employer");
        }
        let facts = errors.text("facts", &self.facts, 2000);
        if facts.is_empty() {
            errors.add("facts", "dispute.error.facts");
        }
        let claimed = claim_field(errors, &self.claimed);
        let received_on = date_field(errors, "received_on", &self.received_on, true);
        if received_on.is_some_and(|day| day > today) {
            errors.add("received_on", "dispute.error.future");
        }
        Some(ValidIntake {
            channel: channel?,
            kind: kind?,
            worker: worker?,
            facts,
            claimed: claimed?,
            received_on: received_on?,
        })
        .filter(|_| errors.is_empty())
    }
}

/// Acceptance: the day and the mediator (a user id from the list offered).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AcceptanceForm {
    #[serde(default)]
    pub accepted_on: String,
    #[serde(default)]
    pub mediator_id: String,
}

/// A mediation round as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub worker_side: String,
    #[serde(default)]
    pub employer_side: String,
    #[serde(default)]
    pub claimed: String,
    #[serde(default)]
    pub offered: String,
    #[serde(default)]
    pub agreed: String,
    #[serde(default)]
    pub next_step: String,
    #[serde(default)]
    pub next_on: String,
}

#[derive(Debug, Clone)]
pub struct ValidRound {
    pub held_on: Date,
    pub worker_side: String,
    pub employer_side: String,
    pub claimed: Option<Money>,
    pub offered: Option<Money>,
    pub agreed: Option<Money>,
    pub next_step: String,
    pub next_on: Option<Date>,
}

impl RoundForm {
    /// `not_before`: the day of acceptance or of the last round; a round cannot be held earlier.
    pub fn check(
        &self,
        errors: &mut FieldErrors,
        not_before: Date,
        today: Date,
    ) -> Option<ValidRound> {
        let held_on = date_field(errors, "held_on", &self.held_on, true);
        match held_on {
            Some(day) if day < not_before => errors.add("held_on", "dispute.error.round_before"),
            Some(day) if day > today => errors.add("held_on", "dispute.error.future"),
            _ => {}
        }
        let round = ValidRound {
            held_on: held_on.unwrap_or(today),
            worker_side: errors.text("worker_side", &self.worker_side, 200),
            employer_side: errors.text("employer_side", &self.employer_side, 200),
            claimed: money_field(errors, "claimed", &self.claimed),
            offered: money_field(errors, "offered", &self.offered),
            agreed: money_field(errors, "agreed", &self.agreed),
            next_step: errors.text("next_step", &self.next_step, 500),
            next_on: date_field(errors, "next_on", &self.next_on, false),
        };
        if round.next_on.is_some_and(|next| next < round.held_on) {
            errors.add("next_on", "dispute.error.next_before");
        }
        errors.is_empty().then_some(round)
    }
}

/// An extension agreed by both parties: the new last day and why.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExtensionForm {
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub reason: String,
}

/// The outcome: which, the day, the amount agreed (for an agreement) and a note (a reason).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClosureForm {
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub closed_on: String,
    #[serde(default)]
    pub agreed: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct ValidClosure {
    pub outcome: Status,
    pub closed_on: Date,
    pub agreed: Option<Money>,
    pub note: String,
}

impl ClosureForm {
    pub fn check(
        &self,
        errors: &mut FieldErrors,
        not_before: Date,
        today: Date,
    ) -> Option<ValidClosure> {
        let outcome = Status::parse(self.outcome.trim()).filter(|s| !s.is_open());
        if outcome.is_none() {
            errors.add("outcome", "dispute.error.outcome");
        }
        let closed_on = date_field(errors, "closed_on", &self.closed_on, true);
        match closed_on {
            Some(day) if day < not_before => errors.add("closed_on", "dispute.error.round_before"),
            Some(day) if day > today => errors.add("closed_on", "dispute.error.future"),
            _ => {}
        }
        let agreed = money_field(errors, "agreed", &self.agreed);
        if outcome == Some(Status::Mediated) && self.agreed.trim().is_empty() {
            errors.add("agreed", "dispute.error.agreed");
        }
        let note = errors.text("note", &self.note, 1000);
        if matches!(outcome, Some(Status::NotAccepted | Status::Referred)) && note.is_empty() {
            errors.add("note", "dispute.error.reason");
        }
        Some(ValidClosure {
            outcome: outcome?,
            closed_on: closed_on?,
            agreed: if outcome == Some(Status::Mediated) {
                agreed
            } else {
                None
            },
            note,
        })
        .filter(|_| errors.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Locale;

    #[test]
    fn a_case_is_accepted_before_it_is_mediated_and_closed_once() {
        use Status::*;
        assert_eq!(transition(Received, Step::Accept), Ok(Mediating));
        assert_eq!(transition(Received, Step::Decline), Ok(NotAccepted));
        assert_eq!(transition(Mediating, Step::Close(Mediated)), Ok(Mediated));
        assert_eq!(transition(Received, Step::Close(Withdrawn)), Ok(Withdrawn));
        assert!(transition(Received, Step::Close(Mediated)).is_err());
        assert!(transition(Mediating, Step::Accept).is_err());
        assert_eq!(
            transition(Mediated, Step::Close(Referred)),
            Err(Refused("dispute.refused.closed"))
        );
    }

    #[test]
    fn a_round_before_the_last_one_or_a_next_date_before_it_is_refused() {
        let day = |d: u8| Date::from_calendar_date(2026, time::Month::March, d).unwrap();
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let form = RoundForm {
            held_on: "2026-03-04".into(),
            next_on: "2026/3/2".into(),
            offered: "2万".into(),
            claimed: "三万".into(),
            ..RoundForm::default()
        };
        assert!(form.check(&mut errors, day(5), day(20)).is_none());
        for field in ["held_on", "next_on", "claimed"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let form = RoundForm {
            held_on: "2026年3月6日".into(),
            offered: "2万".into(),
            ..RoundForm::default()
        };
        let round = form.check(&mut errors, day(5), day(20)).unwrap();
        assert_eq!(round.offered, Some(Money::from_yuan(20_000)));
    }

    #[test]
    fn an_agreement_needs_its_amount_and_a_referral_its_reason() {
        let day = |d: u8| Date::from_calendar_date(2026, time::Month::March, d).unwrap();
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let form = ClosureForm {
            outcome: "mediated".into(),
            closed_on: "2026-03-10".into(),
            ..ClosureForm::default()
        };
        assert!(form.check(&mut errors, day(1), day(20)).is_none());
        assert!(errors.get("agreed").is_some());
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let form = ClosureForm {
            outcome: "referred".into(),
            closed_on: "2026-03-10".into(),
            agreed: "100".into(),
            ..ClosureForm::default()
        };
        assert!(form.check(&mut errors, day(1), day(20)).is_none());
        assert!(errors.get("note").is_some());
    }
}
