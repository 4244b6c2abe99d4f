//! Monthly tallies: figures kept per month by a trigger (dispute cases, station services) so that a
//! report over years reads a few thousand rows instead of millions. A report's period rarely
//! starts and ends on a month's edge; [`Period::split`] cuts it into the whole months the tallies
//! answer and the days around them, which the report reads from the records themselves.

use time::Date;

/// A period of days cut for the tallies: its whole months, read from the tallies, and the
/// days before and after them, read from the records. The bounds travel as parameters (never as
/// expressions of them) so that a cached plan reads the records by their index, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first day of the first whole month and the first day after the last (either open).
    pub whole: (Option<Date>, Option<Date>),
    /// Set when the period holds no whole month (the tallies are then not read).
    pub no_whole_month: bool,
    /// The days before the first whole month, and after the last (first and last day).
    pub head: Option<(Date, Date)>,
    pub tail: Option<(Date, Date)>,
}

impl Period {
    pub fn split(from: Option<Date>, to: Option<Date>) -> Self {
        let next_month = |day: Date| {
            let first = day.replace_day(1).expect("day 1");
            (first + time::Duration::days(31))
                .replace_day(1)
                .expect("day 1")
        };
        let whole_from = from.map(|day| if day.day() == 1 { day } else { next_month(day) });
        let whole_to = to.map(|day| {
            let after = day.next_day().expect("a date before 9999");
            if after.day() == 1 {
                after
            } else {
                day.replace_day(1).expect("day 1")
            }
        });
        if let (Some(start), Some(end), Some(from), Some(to)) = (whole_from, whole_to, from, to)
            && start >= end
        {
            return Self {
                whole: (None, None),
                no_whole_month: true,
                head: (from <= to).then_some((from, to)),
                tail: None,
            };
        }
        let before = |day: Date| day.previous_day().expect("a date after year 0");
        Self {
            whole: (whole_from, whole_to),
            no_whole_month: false,
            head: from
                .zip(whole_from)
                .filter(|(from, start)| from < start)
                .map(|(from, start)| (from, before(start))),
            tail: to
                .zip(whole_to)
                .filter(|(to, end)| to >= end)
                .map(|(to, end)| (end, to)),
        }
    }
}

/// The first and last day of a month written `2026-03`, as a report's line names it.
pub fn month_bounds(month: &str) -> Option<(Date, Date)> {
    let first = crate::web::dates::parse_date(&format!("{month}-01"))?;
    let next = first.replace_day(28).ok()? + time::Duration::days(4);
    let last = next.replace_day(1).ok()?.previous_day()?;
    Some((first, last))
}

#[cfg(test)]
mod tests {
    use super::{Period, month_bounds};
    use time::macros::date;

    #[test]
    fn a_period_is_cut_into_whole_months_and_the_days_around_them() {
        let open = Period::split(None, None);
        assert_eq!(
            (open.whole, open.head, open.tail),
            ((None, None), None, None)
        );
        let months = Period::split(Some(date!(2025 - 01 - 01)), Some(date!(2025 - 02 - 28)));
        assert_eq!(
            months.whole,
            (Some(date!(2025 - 01 - 01)), Some(date!(2025 - 03 - 01)))
        );
        assert_eq!((months.head, months.tail), (None, None));
        let ragged = Period::split(Some(date!(2025 - 01 - 10)), Some(date!(2025 - 03 - 20)));
        assert_eq!(
            ragged.whole,
            (Some(date!(2025 - 02 - 01)), Some(date!(2025 - 03 - 01)))
        );
        assert_eq!(
            ragged.head,
            Some((date!(2025 - 01 - 10), date!(2025 - 01 - 31)))
        );
        assert_eq!(
            ragged.tail,
            Some((date!(2025 - 03 - 01), date!(2025 - 03 - 20)))
        );
        let inside = Period::split(Some(date!(2025 - 01 - 10)), Some(date!(2025 - 01 - 20)));
        assert!(inside.no_whole_month);
        assert_eq!(
            inside.head,
            Some((date!(2025 - 01 - 10), date!(2025 - 01 - 20)))
        );
        let from_december = Period::split(Some(date!(2024 - 12 - 15)), None);
        assert_eq!(from_december.whole, (Some(date!(2025 - 01 - 01)), None));
        assert_eq!(
            from_december.head,
            Some((date!(2024 - 12 - 15), date!(2024 - 12 - 31)))
        );
        let backwards = Period::split(Some(date!(2025 - 02 - 10)), Some(date!(2025 - 01 - 05)));
        assert!(backwards.no_whole_month && backwards.head.is_none());
    }

    #[test]
    fn a_month_spans_its_days() {
        let (first, last) = month_bounds("2024-02").unwrap();
        assert_eq!(
            (first.to_string(), last.to_string()),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        let (_, last) = month_bounds("2026-12").unwrap();
        assert_eq!(last.to_string(), "2026-12-31");
        assert!(month_bounds("2026-13").is_none());
    }
}
