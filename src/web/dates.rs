//! Dates as union offices type them: 2026-11-24, 2026/11/24, 2026.11.24, 20261124, 2026年11月24日
//! (or 24号), in full-width digits from a Chinese input method, or with a time Excel left behind.

/// Beijing time, in which every date and time is shown (the union's offices are all in it).
pub const BEIJING: time::UtcOffset = time::macros::offset!(+8);

/// A moment as pages and exports show it, in Beijing time: `2026-11-24 08:30`.
pub fn format_datetime(moment: time::OffsetDateTime) -> String {
    let local = moment.to_offset(BEIJING);
    local
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]"
        ))
        .unwrap_or_default()
}

/// A moment with its seconds (for the audit trail, where order within a minute matters).
pub fn format_datetime_seconds(moment: time::OffsetDateTime) -> String {
    let local = moment.to_offset(BEIJING);
    local
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}

/// A moment's calendar day in Beijing.
pub fn format_day(moment: time::OffsetDateTime) -> String {
    moment.to_offset(BEIJING).date().to_string()
}

/// A first and a last day as a form gives them, each said beside its field when it is not a date,
/// and the last when it comes before the first.
pub fn check_range(
    errors: &mut crate::web::forms::FieldErrors,
    (start_field, start): (&'static str, &str),
    (end_field, end): (&'static str, &str),
) -> (Option<time::Date>, Option<time::Date>) {
    let start = parse_date(start);
    if start.is_none() {
        errors.add(start_field, "fund.error.date");
    }
    let end = parse_date(end);
    match (start, end) {
        (_, None) => errors.add(end_field, "fund.error.date"),
        (Some(start), Some(end)) if end < start => {
            errors.add(end_field, "application.error.dates_reversed")
        }
        _ => {}
    }
    (start, end)
}

/// Parses a calendar date in any of the common Chinese office spellings.
pub fn parse_date(text: &str) -> Option<time::Date> {
    let text = to_half_width(text.trim());
    // "2026-11-24 00:00:00" or "2026-11-24T08:30": the date is what counts.
    let text = text
        .split_once([' ', 'T'])
        .filter(|(_, time)| time.contains(':'))
        .map_or(text.as_str(), |(date, _)| date)
        .trim();
    let digits_only = text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = if digits_only {
        vec![&text[..4], &text[4..6], &text[6..]]
    } else {
        text.trim_end_matches(['日', '号'])
            .split(['-', '/', '.', '年', '月'])
            .filter(|part| !part.trim().is_empty())
            .collect()
    };
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let year: i32 = year.trim().parse().ok()?;
    let month: u8 = month.trim().parse().ok()?;
    let day: u8 = day.trim().parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// Full-width digits and separators (０-９, －, ／, ．, ：, the ideographic space) as ASCII.
fn to_half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' | '－' | '／' | '．' | '：' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn office_spellings_of_a_date_are_understood() {
        let expected = time::macros::date!(2026 - 11 - 04);
        for text in [
            "2026-11-04",
            "2026/11/4",
            "2026.11.04",
            "20261104",
            "2026年11月4日",
            " 2026-11-4 ",
            "2026年11月4号",
            "2026 年 11 月 4 日",
            "２０２６年１１月４日",
            "２０２６－１１－０４",
            "2026-11-04 00:00:00",
            "2026/11/4 8:30",
            "2026-11-04T00:00:00",
        ] {
            assert_eq!(parse_date(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn moments_are_shown_in_beijing_time() {
        let utc = time::macros::datetime!(2026-11-24 23:30 UTC);
        assert_eq!(super::format_datetime(utc), "2026-11-25 07:30");
        assert_eq!(super::format_datetime_seconds(utc), "2026-11-25 07:30:00");
        assert_eq!(super::format_day(utc), "2026-11-25");
    }

    #[test]
    fn impossible_dates_are_refused() {
        for text in [
            "2026-02-30",
            "2026-13-01",
            "11/04/2026",
            "yesterday",
            "0026-01-01",
            "2026-11",
            "2026-11-04 morning",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }
}
