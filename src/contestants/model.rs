//! Who may enter an event (its eligibility rules), why a member may not, contestant numbers, and
//! the checks of the forms that register and withdraw contestants. Pure functions, unit-tested.

use time::Date;

use crate::members::model::{MemberStatus, OCCUPATIONS, SKILL_LEVELS};
use crate::web::forms::FieldErrors;

/// An event's eligibility rules; an empty list or a missing bound admits anyone.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// The organisation contestants must belong under (its subtree), when not the organiser.
    pub organisation_id: Option<i64>,
    pub organisation_name: String,
    /// The subtree that applies: the chosen organisation's or else the organiser's.
    pub path: String,
    pub occupations: Vec<String>,
    pub skill_levels: Vec<String>,
    pub min_age: Option<i16>,
    pub max_age: Option<i16>,
    pub one_event_only: bool,
}

/// What decides whether a member may enter an event.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub status: MemberStatus,
    pub organisation_path: String,
    pub occupation: String,
    pub skill_level: Option<String>,
    pub birth_date: Date,
    /// The event of the same competition the member is registered in, if any.
    pub registered_in: Option<(i64, String)>,
}

/// Why a member may not enter an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ineligible {
    NotActive,
    Outside,
    Occupation,
    SkillLevel,
    TooYoung(i32),
    TooOld(i32),
    AlreadyEntered,
    OtherEvent(String),
}

impl Ineligible {
    pub fn key(&self) -> &'static str {
        match self {
            Self::NotActive => "contestant.ineligible.not_active",
            Self::Outside => "contestant.ineligible.outside",
            Self::Occupation => "contestant.ineligible.occupation",
            Self::SkillLevel => "contestant.ineligible.skill_level",
            Self::TooYoung(_) => "contestant.ineligible.too_young",
            Self::TooOld(_) => "contestant.ineligible.too_old",
            Self::AlreadyEntered => "contestant.ineligible.already_entered",
            Self::OtherEvent(_) => "contestant.ineligible.other_event",
        }
    }

    /// The value the message names: an age, or the other event.
    pub fn detail(&self) -> String {
        match self {
            Self::TooYoung(age) | Self::TooOld(age) => age.to_string(),
            Self::OtherEvent(name) => name.clone(),
            _ => String::new(),
        }
    }
}

/// Whole years of age on `day` (someone born on 29 February turns a year older on 1 March).
pub fn age_on(birth: Date, day: Date) -> i32 {
    let before_birthday = (day.month() as u8, day.day()) < (birth.month() as u8, birth.day());
    day.year() - birth.year() - i32::from(before_birthday)
}

fn within(path: &str, root: &str) -> bool {
    path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('.'))
}

impl Rules {
    /// The first rule the candidate breaks for event `event_id`, whose competition starts on
    /// `first_day`; none when they may enter.
    pub fn refusal(&self, who: &Candidate, event_id: i64, first_day: Date) -> Option<Ineligible> {
        if who.status != MemberStatus::Active {
            return Some(Ineligible::NotActive);
        }
        if let Some((event, name)) = &who.registered_in {
            if *event == event_id {
                return Some(Ineligible::AlreadyEntered);
            }
            if self.one_event_only {
                return Some(Ineligible::OtherEvent(name.clone()));
            }
        }
        if !within(&who.organisation_path, &self.path) {
            return Some(Ineligible::Outside);
        }
        if !self.occupations.is_empty() && !self.occupations.contains(&who.occupation) {
            return Some(Ineligible::Occupation);
        }
        if !self.skill_levels.is_empty()
            && !who
                .skill_level
                .as_ref()
                .is_some_and(|level| self.skill_levels.contains(level))
        {
            return Some(Ineligible::SkillLevel);
        }
        let age = age_on(who.birth_date, first_day);
        if self.min_age.is_some_and(|min| age < i32::from(min)) {
            return Some(Ineligible::TooYoung(age));
        }
        if self.max_age.is_some_and(|max| age > i32::from(max)) {
            return Some(Ineligible::TooOld(age));
        }
        None
    }
}

/// Whether a judge may not mark a contestant (conflict of interest): the contestant belongs under
/// the judge's own organisation, or works for the judge's declared employer. A judge whose account
/// sits at the organiser or above it speaks for the organiser and conflicts with no one by place.
pub fn conflicts(
    (judge_path, judge_employer): (&str, &str),
    organiser_path: &str,
    (contestant_path, contestant_employer): (&str, &str),
) -> bool {
    let by_place = !within(organiser_path, judge_path) && within(contestant_path, judge_path);
    let employer = crate::web::input::clean_text(judge_employer);
    by_place
        || (!employer.is_empty() && employer == crate::web::input::clean_text(contestant_employer))
}

/// A contestant's number: the event's letter (A for the first event, … Z, AA …) and a running
/// number of at least three digits, e.g. A007.
pub fn contestant_number(position: i32, seq: i32) -> String {
    let mut letters = Vec::new();
    let mut n = position.max(0) + 1;
    while n > 0 {
        n -= 1;
        letters.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    let prefix: String = letters.into_iter().rev().collect();
    format!("{prefix}{seq:03}")
}

/// The rules form as typed: the organisation, ticked occupations and skill levels, the ages.
#[derive(Debug, Clone, Default)]
pub struct RulesForm {
    pub organisation: String,
    pub organisation_choice: String,
    pub occupations: Vec<String>,
    pub skill_levels: Vec<String>,
    pub min_age: String,
    pub max_age: String,
    pub one_event_only: bool,
}

impl RulesForm {
    /// Reads the posted pairs (the ticked boxes repeat their names).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "organisation" => form.organisation = value.clone(),
                "organisation_choice" => form.organisation_choice = value.clone(),
                "occupation" => form.occupations.push(value.clone()),
                "skill_level" => form.skill_levels.push(value.clone()),
                "min_age" => form.min_age = value.clone(),
                "max_age" => form.max_age = value.clone(),
                "one_event_only" => form.one_event_only = true,
                _ => {}
            }
        }
        form
    }

    pub fn from_rules(rules: &Rules) -> Self {
        Self {
            organisation: rules.organisation_name.clone(),
            organisation_choice: String::new(),
            occupations: rules.occupations.clone(),
            skill_levels: rules.skill_levels.clone(),
            min_age: rules.min_age.map(|a| a.to_string()).unwrap_or_default(),
            max_age: rules.max_age.map(|a| a.to_string()).unwrap_or_default(),
            one_event_only: rules.one_event_only,
        }
    }

    pub fn has_occupation(&self, code: &&str) -> bool {
        self.occupations.iter().any(|o| o == code)
    }

    pub fn has_skill_level(&self, code: &&str) -> bool {
        self.skill_levels.iter().any(|s| s == code)
    }

    /// The known codes ticked, and the ages, or the problems beside their fields.
    pub fn check(&self, errors: &mut FieldErrors) -> Option<CheckedRules> {
        let occupations = known(&self.occupations, &OCCUPATIONS);
        let skill_levels = known(&self.skill_levels, &SKILL_LEVELS);
        let min_age = age(errors, "min_age", &self.min_age);
        let max_age = age(errors, "max_age", &self.max_age);
        if let (Some(Some(min)), Some(Some(max))) = (min_age, max_age)
            && max < min
        {
            errors.add("max_age", "contestant.error.age_order");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(CheckedRules {
            occupations,
            skill_levels,
            min_age: min_age.flatten(),
            max_age: max_age.flatten(),
            one_event_only: self.one_event_only,
        })
    }
}

/// The rules once checked (the organisation is picked separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRules {
    pub occupations: Vec<String>,
    pub skill_levels: Vec<String>,
    pub min_age: Option<i16>,
    pub max_age: Option<i16>,
    pub one_event_only: bool,
}

fn known(ticked: &[String], codes: &[&str]) -> Vec<String> {
    codes
        .iter()
        .filter(|code| ticked.iter().any(|t| t == *code))
        .map(|code| code.to_string())
        .collect()
}

/// A blank age is no bound; otherwise a whole number of years from 14 to 100.
fn age(errors: &mut FieldErrors, field: &'static str, text: &str) -> Option<Option<i16>> {
    let text = crate::web::input::clean_text(text);
    if text.is_empty() {
        return Some(None);
    }
    match text.parse::<i16>() {
        Ok(age) if (14..=100).contains(&age) => Some(Some(age)),
        _ => {
            errors.add(field, "contestant.error.age");
            None
        }
    }
}

/// The terms of a registration search: names, member numbers or ID numbers apart by spaces,
/// commas or enumeration commas (、), at most ten.
pub fn search_terms(text: &str) -> Vec<String> {
    let text = crate::web::input::clean_text(text);
    let mut terms: Vec<String> = Vec::new();
    for term in
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
    {
        if !term.is_empty() && !terms.iter().any(|t| t == term) && terms.len() < 10 {
            terms.push(term.to_string());
        }
    }
    terms
}

/// A team's name: trimmed, 1 to 60 characters.
pub fn check_team_name(text: &str) -> Result<String, &'static str> {
    let name = crate::web::input::clean_text(text);
    match name.chars().count() {
        0 => Err("contestant.error.team_name_missing"),
        1..=60 => Ok(name),
        _ => Err("contestant.error.team_name_long"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rules() -> Rules {
        Rules {
            path: "DL.GJZ".into(),
            one_event_only: true,
            ..Rules::default()
        }
    }

    fn rider() -> Candidate {
        Candidate {
            status: MemberStatus::Active,
            organisation_path: "DL.GJZ.HQ".into(),
            occupation: "delivery_rider".into(),
            skill_level: Some("senior".into()),
            birth_date: date!(1990 - 06 - 15),
            registered_in: None,
        }
    }

    const DAY: Date = date!(2026 - 11 - 18);

    #[test]
    fn age_counts_whole_years_and_a_leap_day_birthday_waits_for_march() {
        assert_eq!(age_on(date!(1990 - 11 - 18), DAY), 36);
        assert_eq!(age_on(date!(1990 - 11 - 19), DAY), 35);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 02 - 28)), 17);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 03 - 01)), 18);
    }

    #[test]
    fn a_member_under_the_subtree_with_no_other_rules_may_enter() {
        assert_eq!(rules().refusal(&rider(), 1, DAY), None);
        let sibling = Candidate {
            organisation_path: "DL.GJZX".into(),
            ..rider()
        };
        assert_eq!(rules().refusal(&sibling, 1, DAY), Some(Ineligible::Outside));
    }

    #[test]
    fn each_rule_names_what_it_refuses() {
        let strict = Rules {
            occupations: vec!["courier".into()],
            ..rules()
        };
        assert_eq!(
            strict.refusal(&rider(), 1, DAY),
            Some(Ineligible::Occupation)
        );
        let levels = Rules {
            skill_levels: vec!["technician".into()],
            ..rules()
        };
        assert_eq!(
            levels.refusal(&rider(), 1, DAY),
            Some(Ineligible::SkillLevel)
        );
        let unrated = Candidate {
            skill_level: None,
            ..rider()
        };
        assert_eq!(
            levels.refusal(&unrated, 1, DAY),
            Some(Ineligible::SkillLevel)
        );
        let young = Rules {
            min_age: Some(40),
            ..rules()
        };
        assert_eq!(
            young.refusal(&rider(), 1, DAY),
            Some(Ineligible::TooYoung(36))
        );
        let old = Rules {
            max_age: Some(35),
            ..rules()
        };
        assert_eq!(old.refusal(&rider(), 1, DAY), Some(Ineligible::TooOld(36)));
        let lapsed = Candidate {
            status: MemberStatus::Lapsed,
            ..rider()
        };
        assert_eq!(
            rules().refusal(&lapsed, 1, DAY),
            Some(Ineligible::NotActive)
        );
    }

    #[test]
    fn another_event_of_the_competition_refuses_only_when_the_rule_says_so() {
        let entered = Candidate {
            registered_in: Some((2, "焊工".into())),
            ..rider()
        };
        assert_eq!(
            rules().refusal(&entered, 1, DAY),
            Some(Ineligible::OtherEvent("焊工".into()))
        );
        let open = Rules {
            one_event_only: false,
            ..rules()
        };
        assert_eq!(open.refusal(&entered, 1, DAY), None);
        assert_eq!(
            open.refusal(&entered, 2, DAY),
            Some(Ineligible::AlreadyEntered)
        );
    }

    #[test]
    fn a_judge_conflicts_with_their_own_union_and_employer_but_not_as_the_organisers() {
        let organiser = "DL";
        let contestant = ("DL.GJZ.HQ.SD", "大连顺达物流有限公司");
        assert!(conflicts(("DL.GJZ", ""), organiser, contestant));
        assert!(!conflicts(("DL.JZ", ""), organiser, contestant));
        assert!(!conflicts(("DL", ""), organiser, contestant));
        assert!(conflicts(
            ("DL", " 大连顺达物流有限公司"),
            organiser,
            contestant
        ));
        assert!(!conflicts(("DL.GJZ", ""), "DL.GJZ", contestant));
    }

    #[test]
    fn a_search_may_name_a_whole_team() {
        assert_eq!(
            search_terms(" 王芳，李强、GH20260000001 王芳"),
            ["王芳", "李强", "GH20260000001"]
        );
        assert!(search_terms(" ， ").is_empty());
    }

    #[test]
    fn numbers_carry_the_events_letter() {
        assert_eq!(contestant_number(0, 7), "A007");
        assert_eq!(contestant_number(25, 120), "Z120");
        assert_eq!(contestant_number(26, 1), "AA001");
        assert_eq!(contestant_number(1, 1234), "B1234");
    }

    #[test]
    fn the_rules_form_keeps_known_codes_and_checks_the_ages() {
        let pairs: Vec<(String, String)> = [
            ("occupation", "courier"),
            ("occupation", "astronaut"),
            ("min_age", "18"),
            ("max_age", "16"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let form = RulesForm::from_pairs(&pairs);
        let mut errors = FieldErrors::default();
        assert_eq!(form.check(&mut errors), None);
        assert_eq!(errors.key("max_age"), Some("contestant.error.age_order"));
        let form = RulesForm {
            max_age: "60".into(),
            ..form
        };
        let mut errors = FieldErrors::default();
        let checked = form.check(&mut errors).expect("valid");
        assert_eq!(checked.occupations, vec!["courier".to_string()]);
        assert_eq!((checked.min_age, checked.max_age), (Some(18), Some(60)));
        assert!(!checked.one_event_only);
    }
}
