//! Recommendations of winners as pure rules: the honours and the promotion a winner may be put
//! forward for, the steps from proposed to granted or declined, and the forms' checks.

use crate::members::model::SKILL_LEVELS;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;
use crate::workflow::Refused;

pub const KINDS: [&str; 4] = [
    "city_craftsman",
    "may_day_medal",
    "craftsman_cultivation",
    "skill_promotion",
];

crate::states! {
    pub enum Status {
        Proposed = "proposed",
        Submitted = "submitted",
        Granted = "granted",
        Declined = "declined",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Grant,
    Decline,
}

impl Step {
    /// The step's name on the timeline and in the audit trail.
    pub fn event(self) -> &'static str {
        match self {
            Step::Submit => "recommendation_submitted",
            Step::Grant => "recommendation_granted",
            Step::Decline => "recommendation_declined",
        }
    }
}

/// Submitted to the granting body, then granted or declined by it; a decision is final.
pub fn transition(from: Status, step: Step) -> Result<Status, Refused> {
    match (step, from) {
        (Step::Submit, Status::Proposed) => Ok(Status::Submitted),
        (Step::Grant, Status::Submitted) => Ok(Status::Granted),
        (Step::Decline, Status::Proposed | Status::Submitted) => Ok(Status::Declined),
        _ => Err(Refused("honour.refused.step")),
    }
}

/// How far up the ladder a level stands (none: below the first).
pub fn level_rank(level: Option<&str>) -> usize {
    level
        .and_then(|l| SKILL_LEVELS.iter().position(|s| *s == l))
        .map_or(0, |p| p + 1)
}

/// The recommendation form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RecommendForm {
    #[serde(default)]
    pub contestant_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub skill_level: String,
}

/// A checked recommendation: whom, for what, and the level a promotion proposes.
pub struct Recommend {
    pub contestant_id: i64,
    pub kind: &'static str,
    pub skill_level: Option<&'static str>,
}

impl RecommendForm {
    /// The recommendation, or the problems beside their fields. `current` is the skill level of
    /// the chosen winner, if any: a promotion must go above it.
    pub fn check(&self, errors: &mut FieldErrors, current: Option<&str>) -> Option<Recommend> {
        let contestant_id = self.contestant_id.trim().parse::<i64>().ok();
        if contestant_id.is_none() {
            errors.add("contestant_id", "honour.error.winner");
        }
        let kind = KINDS.into_iter().find(|k| *k == self.kind.trim());
        if kind.is_none() {
            errors.add("kind", "honour.error.kind");
        }
        let level = SKILL_LEVELS
            .into_iter()
            .find(|l| *l == self.skill_level.trim());
        let skill_level = match (kind, level) {
            (Some("skill_promotion"), None) => {
                errors.add("skill_level", "honour.error.level");
                None
            }
            (Some("skill_promotion"), Some(level)) => {
                if level_rank(Some(level)) <= level_rank(current) {
                    errors.add("skill_level", "honour.error.level_not_higher");
                }
                Some(level)
            }
            _ => None,
        };
        Some(Recommend {
            contestant_id: contestant_id?,
            kind: kind?,
            skill_level,
        })
        .filter(|_| errors.is_empty())
    }
}

/// The granting body named at submission: required, at most 100 characters.
pub fn check_body(text: &str) -> Result<String, &'static str> {
    let body = clean_text(text);
    match body.chars().count() {
        0 => Err("honour.error.body_missing"),
        1..=100 => Ok(body),
        _ => Err("honour.error.body_long"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Locale;

    #[test]
    fn a_recommendation_is_submitted_then_granted_or_declined_once() {
        assert_eq!(
            transition(Status::Proposed, Step::Submit),
            Ok(Status::Submitted)
        );
        assert_eq!(
            transition(Status::Submitted, Step::Grant),
            Ok(Status::Granted)
        );
        assert!(transition(Status::Proposed, Step::Grant).is_err());
        assert!(transition(Status::Granted, Step::Decline).is_err());
        assert!(transition(Status::Declined, Step::Submit).is_err());
    }

    #[test]
    fn a_promotion_goes_above_the_present_level() {
        let form = |level: &str| RecommendForm {
            contestant_id: "7".into(),
            kind: "skill_promotion".into(),
            skill_level: level.into(),
        };
        let mut errors = FieldErrors::new(Locale::ZhCn);
        assert!(
            form("technician")
                .check(&mut errors, Some("technician"))
                .is_none()
        );
        assert_eq!(
            errors.key("skill_level"),
            Some("honour.error.level_not_higher")
        );
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let ok = form("senior_technician").check(&mut errors, Some("technician"));
        assert_eq!(ok.and_then(|r| r.skill_level), Some("senior_technician"));
        let mut errors = FieldErrors::new(Locale::ZhCn);
        assert!(form("").check(&mut errors, None).is_none());
        assert_eq!(errors.key("skill_level"), Some("honour.error.level"));
    }
}
