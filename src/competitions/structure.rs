//! What a competition is marked on: its events (赛项), each made of parts (a theory exam,
//! practical projects, a team quiz, a presentation …), each part of sub-items (小项), all with a
//! maximum mark and a weight. The forms that add them and the check that the weights make 100%.

use crate::points::{Mark, Weight};
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;

pub const PART_KINDS: [&str; 5] = ["theory", "practical", "team_quiz", "presentation", "other"];
pub const MARKINGS: [&str; 2] = ["measurement", "judgement"];
pub const RULES: [&str; 2] = ["mean", "trimmed_mean"];

#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub name: String,
    /// 1 for an individual event.
    pub team_size: i16,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone)]
pub struct Part {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub kind: String,
    pub max_mark: Mark,
    pub weight: Weight,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub part_id: i64,
    pub name: String,
    pub max_mark: Mark,
    pub weight: Weight,
    pub marking: String,
    pub scale_max: Option<Mark>,
    pub rule: Option<String>,
    pub max_gap: Option<Mark>,
}

impl Event {
    pub fn is_team(&self) -> bool {
        self.team_size > 1
    }

    pub fn parts_weight(&self) -> Weight {
        Weight::sum(self.parts.iter().map(|part| part.weight))
    }

    /// What keeps this event from being marked, as catalogue keys (empty when it is ready).
    pub fn problems(&self) -> Vec<&'static str> {
        let mut problems = Vec::new();
        if self.parts.is_empty() {
            problems.push("competition.problem.no_parts");
        } else if !self.parts_weight().is_whole() {
            problems.push("competition.problem.parts_weight");
        }
        if self.parts.iter().any(|part| part.items.is_empty()) {
            problems.push("competition.problem.no_items");
        } else if self
            .parts
            .iter()
            .any(|part| !part.items_weight().is_whole())
        {
            problems.push("competition.problem.items_weight");
        }
        problems
    }
}

impl Part {
    pub fn items_weight(&self) -> Weight {
        Weight::sum(self.items.iter().map(|item| item.weight))
    }
}

/// The competition's events are ready to be marked: at least one, each without a problem.
pub fn is_ready(events: &[Event]) -> bool {
    !events.is_empty() && events.iter().all(|event| event.problems().is_empty())
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EventForm {
    #[serde(default)]
    pub name: String,
    /// Blank or 1 for an individual event.
    #[serde(default)]
    pub team_size: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PartForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub max_mark: String,
    #[serde(default)]
    pub weight: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ItemForm {
    /// The part it belongs to.
    #[serde(default)]
    pub part_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub max_mark: String,
    #[serde(default)]
    pub weight: String,
    #[serde(default)]
    pub marking: String,
    #[serde(default)]
    pub scale_max: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub max_gap: String,
}

fn name(errors: &mut FieldErrors, text: &str) -> String {
    let name = clean_text(text);
    if name.is_empty() || name.chars().count() > 60 {
        errors.add("name", "competition.error.name");
    }
    name
}

fn positive_mark(errors: &mut FieldErrors, field: &'static str, text: &str) -> Option<Mark> {
    let mark = errors.check(field, Mark::parse(text));
    if mark.is_some_and(|mark| mark.hundredths() == 0) {
        errors.add(field, "points.error.mark");
        return None;
    }
    mark
}

/// A checked event: its name and team size.
pub fn check_event(form: &EventForm, errors: &mut FieldErrors) -> Option<(String, i16)> {
    let name = name(errors, &form.name);
    let team_size = match form.team_size.trim() {
        "" => Some(1),
        text => text.parse::<i16>().ok().filter(|n| (1..=20).contains(n)),
    };
    if team_size.is_none() {
        errors.add("team_size", "competition.error.team_size");
    }
    (errors.is_empty()).then(|| (name, team_size.unwrap_or(1)))
}

/// A checked part: name, kind, maximum mark, weight.
pub fn check_part(
    form: &PartForm,
    errors: &mut FieldErrors,
) -> Option<(String, &'static str, Mark, Weight)> {
    let name = name(errors, &form.name);
    let kind = PART_KINDS.into_iter().find(|k| *k == form.kind.trim());
    if kind.is_none() {
        errors.add("kind", "competition.error.kind");
    }
    let max_mark = positive_mark(errors, "max_mark", &form.max_mark);
    let weight = errors.check("weight", Weight::parse(&form.weight));
    if !errors.is_empty() {
        return None;
    }
    Some((name, kind?, max_mark?, weight?))
}

/// A checked sub-item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFields {
    pub name: String,
    pub max_mark: Mark,
    pub weight: Weight,
    pub marking: &'static str,
    pub scale_max: Option<Mark>,
    pub rule: Option<&'static str>,
    pub max_gap: Option<Mark>,
}

pub fn check_item(form: &ItemForm, errors: &mut FieldErrors) -> Option<ItemFields> {
    let name = name(errors, &form.name);
    let max_mark = positive_mark(errors, "max_mark", &form.max_mark);
    let weight = errors.check("weight", Weight::parse(&form.weight));
    let marking = MARKINGS
        .into_iter()
        .find(|m| *m == form.marking.trim())
        .unwrap_or("measurement");
    let (mut scale_max, mut rule, mut max_gap) = (None, None, None);
    if marking == "judgement" {
        scale_max = positive_mark(errors, "scale_max", &form.scale_max);
        rule = RULES.into_iter().find(|r| *r == form.rule.trim());
        if rule.is_none() {
            errors.add("rule", "competition.error.rule");
        }
        max_gap = errors.check("max_gap", Mark::parse(&form.max_gap));
        if let (Some(scale), Some(gap)) = (scale_max, max_gap)
            && gap > scale
        {
            errors.add("max_gap", "competition.error.gap");
        }
    }
    if !errors.is_empty() {
        return None;
    }
    Some(ItemFields {
        name,
        max_mark: max_mark?,
        weight: weight?,
        marking,
        scale_max,
        rule,
        max_gap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Locale;

    fn item(weight: i32) -> Item {
        Item {
            id: 1,
            part_id: 1,
            name: "a".into(),
            max_mark: Mark::from_hundredths(10_000),
            weight: Weight::from_hundredths(weight),
            marking: "measurement".into(),
            scale_max: None,
            rule: None,
            max_gap: None,
        }
    }

    fn part(weight: i32, items: Vec<Item>) -> Part {
        Part {
            id: 1,
            event_id: 1,
            name: "p".into(),
            kind: "practical".into(),
            max_mark: Mark::from_hundredths(10_000),
            weight: Weight::from_hundredths(weight),
            items,
        }
    }

    #[test]
    fn an_event_is_ready_when_its_parts_and_each_parts_items_make_the_whole() {
        let ready = Event {
            id: 1,
            name: "e".into(),
            team_size: 3,
            parts: vec![
                part(3000, vec![item(10_000)]),
                part(7000, vec![item(5000), item(5000)]),
            ],
        };
        assert!(ready.problems().is_empty() && is_ready(std::slice::from_ref(&ready)));
        assert!(ready.is_team());
        let short = Event {
            parts: vec![part(3000, vec![item(10_000)]), part(6000, vec![item(9000)])],
            ..ready.clone()
        };
        assert_eq!(
            short.problems(),
            vec![
                "competition.problem.parts_weight",
                "competition.problem.items_weight"
            ]
        );
        let empty = Event {
            parts: vec![],
            ..ready
        };
        assert_eq!(empty.problems(), vec!["competition.problem.no_parts"]);
        assert!(!is_ready(&[]));
    }

    #[test]
    fn a_judgement_sub_item_needs_its_scale_rule_and_a_gap_within_the_scale() {
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let form = ItemForm {
            name: "作品展示".into(),
            max_mark: "20".into(),
            weight: "50%".into(),
            marking: "judgement".into(),
            scale_max: "3".into(),
            rule: "trimmed_mean".into(),
            max_gap: "1".into(),
            ..ItemForm::default()
        };
        let fields = check_item(&form, &mut errors).expect("valid");
        assert_eq!(fields.scale_max, Some(Mark::from_hundredths(300)));
        assert_eq!(fields.rule, Some("trimmed_mean"));

        let mut errors = FieldErrors::new(Locale::ZhCn);
        let bad = ItemForm {
            max_gap: "4".into(),
            rule: "median".into(),
            max_mark: "0".into(),
            ..form
        };
        assert!(check_item(&bad, &mut errors).is_none());
        for field in ["max_gap", "rule", "max_mark"] {
            assert!(errors.has(field), "{field}");
        }
    }
}
