//! The two numbers that identify a worker: the resident ID number (GB 11643), which also gives a
//! birth date and gender, and the mobile phone; both as union offices and phones type them.

/// Full-width digits and letters (as IMEs and Excel sometimes leave them) become ASCII; spaces go.
fn half_width(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'Ｘ' | 'ｘ' => 'X',
            _ => c,
        })
        .collect()
}

/// A valid mainland resident ID number: 18 characters, a real birth date, the GB 11643 check digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    Length,
    Characters,
    BirthDate,
    CheckDigit,
}

impl IdNumberError {
    pub fn key(self) -> &'static str {
        match self {
            Self::Length => "member.error.id_length",
            Self::Characters => "member.error.id_characters",
            Self::BirthDate => "member.error.id_birth_date",
            Self::CheckDigit => "member.error.id_check_digit",
        }
    }
}

impl IdNumber {
    /// An empty number standing in while a form is checked (editing keeps the stored one).
    pub(super) fn placeholder() -> Self {
        Self(String::new())
    }

    pub fn parse(text: &str) -> Result<Self, IdNumberError> {
        let text = half_width(text).to_uppercase();
        let chars: Vec<char> = text.chars().collect();
        if chars.len() != 18 {
            return Err(IdNumberError::Length);
        }
        if !chars[..17].iter().all(char::is_ascii_digit)
            || !(chars[17].is_ascii_digit() || chars[17] == 'X')
        {
            return Err(IdNumberError::Characters);
        }
        let id = Self(text);
        if id.birth_date().is_none() {
            return Err(IdNumberError::BirthDate);
        }
        if Self::complete(&id.0[..17]) != id.0 {
            return Err(IdNumberError::CheckDigit);
        }
        Ok(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 18-character number whose first 17 digits are `first17` (for demo data and tests).
    pub fn complete(first17: &str) -> String {
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const CHECKS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
        let sum: u32 = first17
            .chars()
            .zip(WEIGHTS)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        format!("{first17}{}", CHECKS[(sum % 11) as usize])
    }

    pub fn birth_date(&self) -> Option<time::Date> {
        let digits = &self.0[6..14];
        let year: i32 = digits[..4].parse().ok()?;
        let month: u8 = digits[4..6].parse().ok()?;
        let day: u8 = digits[6..].parse().ok()?;
        if !(1900..=2100).contains(&year) {
            return None;
        }
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
    }

    /// The 17th digit: odd for men, even for women.
    pub fn gender(&self) -> &'static str {
        let digit = self.0.as_bytes()[16] - b'0';
        if digit % 2 == 1 { "male" } else { "female" }
    }

    /// `2102**********1234`: the region's first four and the last four.
    pub fn masked(&self) -> String {
        format!("{}**********{}", &self.0[..4], &self.0[14..])
    }
}

/// A mainland mobile number: 11 digits from 13x to 19x, with +86, spaces or dashes tolerated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(text: &str) -> Option<Self> {
        let digits: String = half_width(text)
            .chars()
            .filter(|c| !matches!(c, '-' | '(' | ')'))
            .collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let valid = digits.len() == 11
            && digits.bytes().all(|b| b.is_ascii_digit())
            && digits.starts_with('1')
            && (b'3'..=b'9').contains(&digits.as_bytes()[1]);
        valid.then(|| Self(digits.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A valid number built for tests (region 110101, born 1990-03-01, sequence 006: a woman).
    const VALID: &str = "11010119900301006X";

    #[test]
    fn the_gb_11643_check_digit_is_verified() {
        let id = IdNumber::parse(VALID).expect("valid");
        assert_eq!(id.birth_date(), Some(time::macros::date!(1990 - 03 - 01)));
        assert_eq!(id.gender(), "female", "the 17th digit is even");
        assert_eq!(
            IdNumber::parse("110101199003071233").map(|id| id.gender()),
            Ok("male")
        );
    }

    #[test]
    fn wrong_numbers_are_refused_for_a_reason_a_clerk_can_act_on() {
        assert_eq!(
            IdNumber::parse("1101011990030712"),
            Err(IdNumberError::Length)
        );
        assert_eq!(
            IdNumber::parse("11010119900301006A"),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            IdNumber::parse("110101199002301231"),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            IdNumber::parse("110101199003071234"),
            Err(IdNumberError::CheckDigit)
        );
    }

    #[test]
    fn lower_case_and_full_width_input_is_understood() {
        let lower = VALID.to_lowercase();
        assert_eq!(
            IdNumber::parse(&lower).map(|id| id.masked()),
            Ok("1101**********006X".to_string())
        );
        let full_width: String = "１１０１０１１９９００３０１００６ｘ".into();
        assert!(IdNumber::parse(&full_width).is_ok());
    }

    #[test]
    fn mobile_numbers_are_normalised_and_masked() {
        assert_eq!(
            Phone::parse("+86 138-1234-5678").map(|p| p.masked()),
            Some("138****5678".into())
        );
        assert!(Phone::parse("12812345678").is_none());
        assert!(Phone::parse("0411-82345678").is_none());
    }
}
