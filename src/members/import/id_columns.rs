//! The columns a roster carries that its ID number already holds (性别, 出生日期): read in the
//! spellings offices use, and held against the ID number.

use crate::members::model::IdNumber;
use crate::web::dates::parse_date;
use crate::web::sheet::excel_serial_date;

/// A date that Excel kept as a number in a text column (e.g. 46350) as a date; other text as it is.
/// Numbers below 3,000 (1908) are more likely a year, or a year and month like 1990.03.
pub fn serial_as_date(text: String) -> String {
    match text.trim().parse::<f64>() {
        Ok(serial) if (3_000.0..80_000.0).contains(&serial) => {
            excel_serial_date(serial).map_or(text, |date| date.to_string())
        }
        _ => text,
    }
}

pub type ColumnProblem = (&'static str, &'static str, String);

/// A gender column that cannot be read or says other than the ID number's 17th digit.
pub fn gender_problem(text: &str, id: Option<&IdNumber>) -> Option<ColumnProblem> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let gender = match text.to_lowercase().as_str() {
        "男" | "男性" | "m" | "male" => "male",
        "女" | "女性" | "f" | "female" => "female",
        _ => return Some(("gender", "import.error.gender_unreadable", text.into())),
    };
    id.filter(|id| id.gender() != gender)
        .map(|_| ("gender", "import.error.gender_contradicts_id", text.into()))
}

/// A birth date column (a day, or a year and month as in "1990.03") that cannot be read or is not
/// the birth date in the ID number.
pub fn birth_date_problem(text: &str, id: Option<&IdNumber>) -> Option<ColumnProblem> {
    let text = serial_as_date(text.trim().to_string());
    if text.is_empty() {
        return None;
    }
    let born = id.and_then(IdNumber::birth_date);
    let agrees = if let Some(date) = parse_date(&text) {
        born.is_none_or(|born| born == date)
    } else if let Some((year, month)) = parse_year_month(&text) {
        born.is_none_or(|born| born.year() == year && u8::from(born.month()) == month)
    } else {
        return Some(("birth_date", "import.error.birth_date_unreadable", text));
    };
    (!agrees).then_some(("birth_date", "import.error.birth_date_contradicts_id", text))
}

/// "1990.03", "1990-3", "1990年3月", "199003": a year and a month.
fn parse_year_month(text: &str) -> Option<(i32, u8)> {
    let text = text.trim().trim_end_matches('月');
    let (year, month) = if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.split_at(4)
    } else {
        text.split_once(['-', '/', '.', '年'])?
    };
    let year: i32 = year.trim().parse().ok()?;
    let month: u8 = month.trim().parse().ok()?;
    ((1900..=2200).contains(&year) && (1..=12).contains(&month)).then_some((year, month))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_and_genders_are_held_against_the_id_number() {
        let id = IdNumber::parse(&IdNumber::complete("21021119880808901")).unwrap();
        assert_eq!(gender_problem("男", Some(&id)), None);
        assert_eq!(gender_problem(" M ", Some(&id)), None);
        assert_eq!(
            gender_problem("女", Some(&id)).unwrap().1,
            "import.error.gender_contradicts_id"
        );
        assert_eq!(
            gender_problem("?", None).unwrap().1,
            "import.error.gender_unreadable"
        );
        for agreeing in [
            "1988-08-08",
            "1988年8月8日",
            "19880808",
            "1988.08",
            "1988年08月",
            "198808",
            "32363",
        ] {
            assert_eq!(birth_date_problem(agreeing, Some(&id)), None, "{agreeing}");
        }
        let wrong = birth_date_problem("1988-08-09", Some(&id)).unwrap();
        assert_eq!(wrong.1, "import.error.birth_date_contradicts_id");
        for unreadable in ["1990-13-40", "1988", "八月", "1988.13"] {
            let problem = birth_date_problem(unreadable, Some(&id)).unwrap();
            assert_eq!(
                problem.1, "import.error.birth_date_unreadable",
                "{unreadable}"
            );
        }
    }
}
