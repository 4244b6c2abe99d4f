//! Awards as pure rules: an event gives its first, second and third prizes and excellence awards
//! by rank counts, by shares of the entrants, or by score thresholds, and a "passed" line; the
//! form that sets them and its checks. Ranks come from the database (ties share a rank, and a
//! prize given by rank goes to every contestant tied at its last place).

use crate::points::{Mark, Weight};
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;

pub const AWARDS: [&str; 4] = ["first", "second", "third", "excellence"];
pub const MODES: [&str; 3] = ["count", "share", "threshold"];

/// How an event gives its awards; each value per [`AWARDS`], read by the mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardRule {
    pub mode: String,
    pub values: [i32; 4],
    pub pass_mark: Option<Mark>,
}

impl Default for AwardRule {
    /// Until staff choose: first, second and third prizes to 1, 2 and 3 contestants.
    fn default() -> Self {
        Self {
            mode: "count".into(),
            values: [1, 2, 3, 0],
            pass_mark: None,
        }
    }
}

impl AwardRule {
    /// The award of a contestant ranked `rank` with `total`, among `entrants`.
    pub fn award(&self, rank: i64, total: Mark, entrants: usize) -> Option<&'static str> {
        let mut last = 0i64;
        for (award, value) in AWARDS.into_iter().zip(self.values) {
            let wins = match self.mode.as_str() {
                "threshold" => value > 0 && total.hundredths() >= value,
                mode => {
                    let places = if mode == "share" {
                        (entrants as i64 * i64::from(value)) / i64::from(Weight::WHOLE.hundredths())
                    } else {
                        i64::from(value)
                    };
                    last += places;
                    places > 0 && rank <= last
                }
            };
            if wins {
                return Some(award);
            }
        }
        None
    }

    pub fn passed(&self, total: Mark) -> bool {
        self.pass_mark.is_some_and(|line| total >= line)
    }

    /// A value as the form shows it: a count, a percentage or points.
    pub fn shown(&self, index: usize) -> String {
        let value = self.values.get(index).copied().unwrap_or_default();
        match self.mode.as_str() {
            "share" => Weight::from_hundredths(value).to_string(),
            "threshold" => Mark::from_hundredths(value).to_string(),
            _ => value.to_string(),
        }
    }
}

/// The award form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AwardForm {
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub first: String,
    #[serde(default)]
    pub second: String,
    #[serde(default)]
    pub third: String,
    #[serde(default)]
    pub excellence: String,
    #[serde(default)]
    pub pass_mark: String,
}

impl AwardForm {
    pub fn from_rule(rule: &AwardRule) -> Self {
        Self {
            mode: rule.mode.clone(),
            first: rule.shown(0),
            second: rule.shown(1),
            third: rule.shown(2),
            excellence: rule.shown(3),
            pass_mark: rule.pass_mark.map(|m| m.to_string()).unwrap_or_default(),
        }
    }

    pub fn value(&self, award: &str) -> &str {
        match award {
            "first" => &self.first,
            "second" => &self.second,
            "third" => &self.third,
            _ => &self.excellence,
        }
    }

    /// The rule, or the problems beside their fields: counts are whole numbers, shares
    /// percentages that add up to at most 100%, thresholds points out of 100 from the first prize
    /// down; a blank is none.
    pub fn check(&self, errors: &mut FieldErrors) -> Option<AwardRule> {
        let Some(mode) = MODES.into_iter().find(|m| *m == self.mode.trim()) else {
            errors.add("mode", "result.error.mode");
            return None;
        };
        let mut values = [0i32; 4];
        for (index, award) in AWARDS.into_iter().enumerate() {
            let text = clean_text(self.value(award));
            if text.is_empty() {
                continue;
            }
            let parsed = match mode {
                "count" => text
                    .parse::<i32>()
                    .ok()
                    .filter(|n| (0..=100_000).contains(n))
                    .ok_or("result.error.count"),
                "share" => Weight::parse(&text).map(Weight::hundredths),
                _ => Mark::parse(&text)
                    .map_err(|_| "result.error.threshold")
                    .and_then(|m| {
                        (m.hundredths() <= 10_000)
                            .then_some(m.hundredths())
                            .ok_or("result.error.threshold")
                    }),
            };
            match parsed {
                Ok(value) => values[index] = value,
                Err(key) => errors.add(award, key),
            }
        }
        if mode == "share" && values.iter().sum::<i32>() > Weight::WHOLE.hundredths() {
            errors.add("excellence", "result.error.shares");
        }
        if mode == "threshold" {
            let given: Vec<i32> = values.iter().copied().filter(|v| *v > 0).collect();
            if given.windows(2).any(|pair| pair[0] < pair[1]) {
                errors.add("second", "result.error.thresholds");
            }
        }
        let pass_text = clean_text(&self.pass_mark);
        let pass_mark = if pass_text.is_empty() {
            None
        } else {
            match Mark::parse(&pass_text) {
                Ok(mark) if mark.hundredths() <= 10_000 => Some(mark),
                _ => {
                    errors.add("pass_mark", "result.error.threshold");
                    None
                }
            }
        };
        errors.is_empty().then(|| AwardRule {
            mode: mode.to_string(),
            values,
            pass_mark,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Mark {
        Mark::parse(text).unwrap()
    }

    #[test]
    fn awards_by_count_go_down_the_ranks_and_ties_share_the_last_place() {
        let rule = AwardRule {
            mode: "count".into(),
            values: [1, 2, 3, 0],
            pass_mark: None,
        };
        let awards: Vec<_> = [1, 2, 2, 4, 6, 7]
            .into_iter()
            .map(|rank| rule.award(rank, m("50"), 10))
            .collect();
        assert_eq!(
            awards,
            [
                Some("first"),
                Some("second"),
                Some("second"),
                Some("third"),
                Some("third"),
                None
            ]
        );
    }

    #[test]
    fn awards_by_share_take_whole_places_of_the_entrants() {
        // Top 10% first, the next 20% second, of 44: 4 and 8 places.
        let rule = AwardRule {
            mode: "share".into(),
            values: [1000, 2000, 0, 0],
            pass_mark: None,
        };
        assert_eq!(rule.award(4, m("80"), 44), Some("first"));
        assert_eq!(rule.award(5, m("80"), 44), Some("second"));
        assert_eq!(rule.award(12, m("80"), 44), Some("second"));
        assert_eq!(rule.award(13, m("80"), 44), None);
        // Of 5 entrants, 10% is no whole place.
        assert_eq!(rule.award(1, m("99"), 5), Some("second"));
    }

    #[test]
    fn awards_by_threshold_and_the_pass_line_read_the_total() {
        let rule = AwardRule {
            mode: "threshold".into(),
            values: [9000, 8000, 0, 6000],
            pass_mark: Some(m("60")),
        };
        assert_eq!(rule.award(9, m("90"), 10), Some("first"));
        assert_eq!(rule.award(1, m("89.99"), 10), Some("second"));
        assert_eq!(rule.award(1, m("65"), 10), Some("excellence"));
        assert_eq!(rule.award(1, m("59.99"), 10), None);
        assert!(rule.passed(m("60")) && !rule.passed(m("59.99")));
        assert!(!AwardRule::default().passed(m("100")));
    }

    #[test]
    fn the_form_checks_each_mode() {
        let mut errors = FieldErrors::default();
        let form = AwardForm {
            mode: "share".into(),
            first: "60%".into(),
            second: "50".into(),
            ..AwardForm::default()
        };
        assert_eq!(form.check(&mut errors), None);
        assert_eq!(errors.key("excellence"), Some("result.error.shares"));
        let mut errors = FieldErrors::default();
        let form = AwardForm {
            mode: "threshold".into(),
            first: "80".into(),
            second: "90".into(),
            pass_mark: "60".into(),
            ..AwardForm::default()
        };
        assert_eq!(form.check(&mut errors), None);
        assert_eq!(errors.key("second"), Some("result.error.thresholds"));
        let mut errors = FieldErrors::default();
        let form = AwardForm {
            mode: "count".into(),
            first: "3".into(),
            second: "".into(),
            third: "5".into(),
            pass_mark: "60".into(),
            ..AwardForm::default()
        };
        let rule = form.check(&mut errors).expect("valid");
        assert_eq!(rule.values, [3, 0, 5, 0]);
        assert_eq!(rule.pass_mark, Some(m("60")));
        assert_eq!(AwardForm::from_rule(&rule).third, "5");
    }
}
