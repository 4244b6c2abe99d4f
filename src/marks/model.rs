//! The rules of marking, pure: reading a mark sheet as typed, deriving a judgement sub-item's mark
//! from its judges' scores (the mean, or the mean without the highest and lowest), the gap
//! between judges, and what keeps a sub-item from being locked. Exact hundredths throughout.

use std::collections::HashMap;

use crate::points::Mark;

/// Judges a judgement sub-item needs per contestant before its mark can be derived.
pub const FEWEST_JUDGES: usize = 3;

/// How a sub-item is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marking {
    /// One mark per contestant, from 0 to the sub-item's maximum, entered once.
    Measurement,
    /// Each judge scores from 0 to `scale`; the mark is derived by the rule; scores further apart
    /// than `gap` must be discussed and scored again.
    Judgement {
        scale: Mark,
        trimmed: bool,
        gap: Mark,
    },
}

impl Marking {
    /// The largest value a judge may type: the maximum mark, or the top of the scale.
    pub fn limit(self, max_mark: Mark) -> Mark {
        match self {
            Self::Measurement => max_mark,
            Self::Judgement { scale, .. } => scale,
        }
    }

    pub fn is_judgement(self) -> bool {
        matches!(self, Self::Judgement { .. })
    }
}

/// The mark a judgement sub-item gives for these scores: their mean (without one highest and one
/// lowest when `trimmed` and there are at least three) on the scale, taken to the sub-item's
/// maximum, rounded half up to the hundredth.
pub fn derive(scores: &[Mark], scale: Mark, trimmed: bool, max_mark: Mark) -> Option<Mark> {
    let mut values: Vec<i64> = scores.iter().map(|s| i64::from(s.hundredths())).collect();
    values.sort_unstable();
    if trimmed && values.len() >= 3 {
        values.pop();
        values.remove(0);
    }
    let count = values.len() as i64;
    let scale = i64::from(scale.hundredths());
    if count == 0 || scale == 0 {
        return None;
    }
    let numerator = values.iter().sum::<i64>() * i64::from(max_mark.hundredths());
    let denominator = count * scale;
    let mark = (2 * numerator + denominator) / (2 * denominator);
    i32::try_from(mark).ok().map(Mark::from_hundredths)
}

/// The widest difference between two judges' scores.
pub fn gap(scores: &[Mark]) -> Mark {
    let high = scores.iter().max().copied().unwrap_or_default();
    let low = scores.iter().min().copied().unwrap_or_default();
    Mark::from_hundredths(high.hundredths() - low.hundredths())
}

/// What a value on the sheet says: nothing yet (blank), or a mark within the limit.
pub fn read_value(text: &str, limit: Mark) -> Result<Option<Mark>, &'static str> {
    let text = crate::web::input::clean_text(text);
    if text.is_empty() {
        return Ok(None);
    }
    let mark = Mark::parse(&text)?;
    if mark > limit {
        return Err("marks.error.above_limit");
    }
    Ok(Some(mark))
}

/// The values posted, by contestant: fields named `m{contestant id}`.
pub fn read_sheet(pairs: &[(String, String)]) -> Vec<(i64, String)> {
    pairs
        .iter()
        .filter_map(|(name, value)| {
            let id = name.strip_prefix('m')?.parse::<i64>().ok()?;
            Some((id, value.clone()))
        })
        .collect()
}

/// A sheet's values by contestant: a mark, or none for a blank.
pub type SheetMarks = Vec<(i64, Option<Mark>)>;

/// The problem of each wrong value, by contestant.
pub type SheetProblems = HashMap<i64, &'static str>;

/// Checks every value typed; the marks to keep, or the problems by contestant.
pub fn check_sheet(typed: &[(i64, String)], limit: Mark) -> Result<SheetMarks, SheetProblems> {
    let mut marks = Vec::new();
    let mut problems = HashMap::new();
    for (contestant, text) in typed {
        match read_value(text, limit) {
            Ok(mark) => marks.push((*contestant, mark)),
            Err(key) => {
                problems.insert(*contestant, key);
            }
        }
    }
    if problems.is_empty() {
        Ok(marks)
    } else {
        Err(problems)
    }
}

/// Why a sub-item cannot be locked yet, with how many contestants each reason holds back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockProblem {
    Unmarked(usize),
    TooFewJudges(usize),
    GapTooWide(usize),
}

impl LockProblem {
    pub fn key(&self) -> &'static str {
        match self {
            Self::Unmarked(_) => "marks.lock.unmarked",
            Self::TooFewJudges(_) => "marks.lock.too_few_judges",
            Self::GapTooWide(_) => "marks.lock.gap",
        }
    }

    pub fn count(&self) -> usize {
        match self {
            Self::Unmarked(n) | Self::TooFewJudges(n) | Self::GapTooWide(n) => *n,
        }
    }
}

/// Each contestant's mark as the lock keeps it, or what holds the lock back. `scores` holds each
/// contestant's values (one for a measurement, the judges' for a judgement).
pub fn lock_marks(
    marking: Marking,
    max_mark: Mark,
    scores: &[(i64, Vec<Mark>)],
) -> Result<Vec<(i64, Mark)>, Vec<LockProblem>> {
    let (mut unmarked, mut few, mut wide) = (0, 0, 0);
    let mut marks = Vec::new();
    for (contestant, values) in scores {
        match marking {
            Marking::Measurement => match values.first() {
                Some(mark) => marks.push((*contestant, *mark)),
                None => unmarked += 1,
            },
            Marking::Judgement {
                scale,
                trimmed,
                gap: widest,
            } => {
                if values.is_empty() {
                    unmarked += 1;
                } else if values.len() < FEWEST_JUDGES {
                    few += 1;
                } else if gap(values) > widest {
                    wide += 1;
                } else if let Some(mark) = derive(values, scale, trimmed, max_mark) {
                    marks.push((*contestant, mark));
                }
            }
        }
    }
    let problems: Vec<LockProblem> = [
        LockProblem::Unmarked(unmarked),
        LockProblem::TooFewJudges(few),
        LockProblem::GapTooWide(wide),
    ]
    .into_iter()
    .filter(|p| p.count() > 0)
    .collect();
    if problems.is_empty() {
        Ok(marks)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(points: &str) -> Mark {
        Mark::parse(points).unwrap()
    }

    #[test]
    fn a_judgement_mark_is_the_mean_on_the_scale_taken_to_the_maximum_rounded_half_up() {
        // (2 + 3 + 2) / 3 = 2.333… of 3, of 40 points: 31.111… → 31.11
        let scores = [m("2"), m("3"), m("2")];
        assert_eq!(derive(&scores, m("3"), false, m("40")), Some(m("31.11")));
        // Without the highest and lowest only the middle 2 remains: 2/3 of 40 = 26.666… → 26.67
        assert_eq!(derive(&scores, m("3"), true, m("40")), Some(m("26.67")));
        // Half a hundredth rounds up: 1/8 of 0.2 = 0.025 → 0.03
        assert_eq!(derive(&[m("1")], m("8"), false, m("0.2")), Some(m("0.03")));
        assert_eq!(derive(&[], m("3"), false, m("40")), None);
    }

    #[test]
    fn the_gap_is_between_the_highest_and_lowest_score() {
        assert_eq!(gap(&[m("1.5"), m("3"), m("2")]), m("1.5"));
        assert_eq!(gap(&[]), m("0"));
    }

    #[test]
    fn a_sheet_value_is_blank_or_a_mark_within_the_limit() {
        assert_eq!(read_value(" ", m("10")), Ok(None));
        assert_eq!(read_value("９．５", m("10")), Ok(Some(m("9.5"))));
        assert_eq!(read_value("10.01", m("10")), Err("marks.error.above_limit"));
        assert_eq!(read_value("九", m("10")), Err("points.error.mark"));
        let typed = vec![
            (1, "8".to_string()),
            (2, "x".to_string()),
            (3, String::new()),
        ];
        let problems = check_sheet(&typed, m("10")).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[&2], "points.error.mark");
    }

    #[test]
    fn the_sheet_reads_only_fields_that_name_a_contestant() {
        let pairs: Vec<(String, String)> = [("m12", "9"), ("csrf_token", "t"), ("mx", "1")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(read_sheet(&pairs), vec![(12, "9".to_string())]);
    }

    #[test]
    fn a_lock_waits_for_every_mark_three_judges_and_a_narrow_gap() {
        let judged = Marking::Judgement {
            scale: m("3"),
            trimmed: false,
            gap: m("1"),
        };
        let scores = vec![
            (1, vec![m("2"), m("2"), m("3")]),
            (2, vec![]),
            (3, vec![m("2"), m("3")]),
            (4, vec![m("0"), m("2"), m("3")]),
        ];
        assert_eq!(
            lock_marks(judged, m("30"), &scores),
            Err(vec![
                LockProblem::Unmarked(1),
                LockProblem::TooFewJudges(1),
                LockProblem::GapTooWide(1)
            ])
        );
        let ready = vec![(1, vec![m("2"), m("2"), m("3")])];
        assert_eq!(
            lock_marks(judged, m("30"), &ready),
            Ok(vec![(1, m("23.33"))])
        );
        let measured = vec![(1, vec![m("88.5")])];
        assert_eq!(
            lock_marks(Marking::Measurement, m("100"), &measured),
            Ok(vec![(1, m("88.5"))])
        );
    }
}
