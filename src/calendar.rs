//! Working days by the official calendar: Monday to Friday, except the public holidays and the
//! weekend days worked in their place that `calendar_days` lists (from the State Council's notice
//! of each year). Deadlines "in working days" (a letter's reply, a fast claim) count with it.

use std::collections::HashMap;

use sqlx::PgExecutor;
use time::{Date, Duration, Weekday};

/// The day `days` working days after `from`: counting starts the day after, as deadlines do.
pub fn add_working_days(from: Date, days: u32, exceptions: &HashMap<Date, bool>) -> Date {
    let mut day = from;
    let mut left = days;
    while left > 0 {
        day += Duration::days(1);
        if is_working(day, exceptions) {
            left -= 1;
        }
    }
    day
}

fn is_working(day: Date, exceptions: &HashMap<Date, bool>) -> bool {
    exceptions.get(&day).copied().unwrap_or(!matches!(
        day.weekday(),
        Weekday::Saturday | Weekday::Sunday
    ))
}

/// `add_working_days` with the exceptions the database lists for the weeks it can span.
pub async fn working_days_after(
    db: impl PgExecutor<'_>,
    from: Date,
    days: u32,
) -> sqlx::Result<Date> {
    // Even the longest run of holidays (春节, 9 days) leaves this span ample.
    let until = from + Duration::days(i64::from(days) * 2 + 30);
    let rows = sqlx::query!(
        "select day, working from calendar_days where day > $1 and day <= $2",
        from,
        until
    )
    .fetch_all(db)
    .await?;
    let exceptions = rows.into_iter().map(|row| (row.day, row.working)).collect();
    Ok(add_working_days(from, days, &exceptions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Month;

    fn day(month: Month, d: u8) -> Date {
        Date::from_calendar_date(2026, month, d).unwrap()
    }

    #[test]
    fn weekends_are_skipped_without_exceptions() {
        let none = HashMap::new();
        // Friday + 1 working day = Monday; Wednesday + 5 = the next Wednesday.
        assert_eq!(
            add_working_days(day(Month::March, 6), 1, &none),
            day(Month::March, 9)
        );
        assert_eq!(
            add_working_days(day(Month::March, 4), 5, &none),
            day(Month::March, 11)
        );
    }

    #[test]
    fn the_national_day_week_is_skipped_and_its_saturday_worked() {
        let mut exceptions: HashMap<Date, bool> =
            (1..=7).map(|d| (day(Month::October, d), false)).collect();
        exceptions.insert(day(Month::October, 10), true);
        // From Wednesday 30 September: Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13.
        assert_eq!(
            add_working_days(day(Month::September, 30), 5, &exceptions),
            day(Month::October, 13)
        );
    }
}
