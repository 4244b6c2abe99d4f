//! What a member is made of, and the rules of each field: resident ID numbers (GB 11643), mobile
//! phones, occupations and skill levels as union offices write them.

use crate::web::forms::FieldErrors;
use crate::web::i18n::Locale;
use crate::workflow::Refused;

pub const OCCUPATIONS: [&str; 6] = [
    "delivery_rider",
    "courier",
    "truck_driver",
    "ride_hailing_driver",
    "domestic_worker",
    "other",
];
pub const SKILL_LEVELS: [&str; 5] = [
    "junior",
    "intermediate",
    "senior",
    "technician",
    "senior_technician",
];

crate::states! {
    /// Where a membership stands.
    pub enum MemberStatus {
        Active = "active",
        /// Left for a union outside this federation (转出).
        TransferredOut = "transferred_out",
        Lapsed = "lapsed",
    }
}

/// The steps of a membership after joining (a transfer within the federation changes no status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberStep {
    Lapse,
    Reinstate,
    /// Transfer out of the federation (转出).
    Depart,
}

impl MemberStep {
    /// The step as the timeline and the audit trail name it.
    pub fn event(self) -> &'static str {
        match self {
            Self::Lapse => "lapsed",
            Self::Reinstate => "reinstated",
            Self::Depart => "transferred_out",
        }
    }
}

/// Where `step` takes a membership that stands at `status`, or why it cannot.
pub fn transition(status: MemberStatus, step: MemberStep) -> Result<MemberStatus, Refused> {
    use MemberStatus::{Active, Lapsed, TransferredOut};
    match (status, step) {
        (Active, MemberStep::Lapse) => Ok(Lapsed),
        (Lapsed | TransferredOut, MemberStep::Reinstate) => Ok(Active),
        (Active | Lapsed, MemberStep::Depart) => Ok(TransferredOut),
        (Lapsed, MemberStep::Lapse) => Err(Refused("member.refused.already_lapsed")),
        (Active, MemberStep::Reinstate) => Err(Refused("member.refused.already_active")),
        (TransferredOut, MemberStep::Lapse | MemberStep::Depart) => {
            Err(Refused("member.refused.transferred_out"))
        }
    }
}
pub const CHANNELS: [&str; 4] = ["staff", "online", "ceremony", "import"];

/// Chinese names of the occupations, as they appear in office spreadsheets.
const OCCUPATION_NAMES: [(&str, &str); 8] = [
    ("网约配送员", "delivery_rider"),
    ("外卖骑手", "delivery_rider"),
    ("快递员", "courier"),
    ("货车司机", "truck_driver"),
    ("网约车司机", "ride_hailing_driver"),
    ("家政服务员", "domestic_worker"),
    ("家政", "domestic_worker"),
    ("其他", "other"),
];
const SKILL_NAMES: [(&str, &str); 5] = [
    ("初级工", "junior"),
    ("中级工", "intermediate"),
    ("高级工", "senior"),
    ("技师", "technician"),
    ("高级技师", "senior_technician"),
];

/// An occupation from its code or its Chinese name.
pub fn parse_occupation(text: &str) -> Option<&'static str> {
    let text = text.trim();
    OCCUPATIONS
        .into_iter()
        .find(|code| *code == text)
        .or_else(|| {
            OCCUPATION_NAMES
                .iter()
                .find(|(name, _)| *name == text)
                .map(|(_, code)| *code)
        })
}

/// A skill level that is none of the five.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownSkillLevel;

/// A skill level from its code or its Chinese name; blank means none.
pub fn parse_skill_level(text: &str) -> Result<Option<&'static str>, UnknownSkillLevel> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    SKILL_LEVELS
        .into_iter()
        .find(|code| *code == text)
        .or_else(|| {
            SKILL_NAMES
                .iter()
                .find(|(name, _)| *name == text)
                .map(|(_, code)| *code)
        })
        .map(Some)
        .ok_or(UnknownSkillLevel)
}

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

/// What staff typed into the member form, kept as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    pub organisation_code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub occupation: String,
    #[serde(default)]
    pub skill_level: String,
    #[serde(default)]
    pub join_date: String,
    #[serde(default)]
    pub join_channel: String,
}

/// A member's fields once every rule holds.
#[derive(Debug, Clone)]
pub struct ValidMember {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: Phone,
    pub employer: String,
    pub occupation: &'static str,
    pub skill_level: Option<&'static str>,
    pub join_date: time::Date,
    pub join_channel: &'static str,
}

/// Names as people write them: one character (rare surnames alone) up to 50. Spreadsheets pad
/// two-character names to line up with three ("王　芳"): space between Chinese characters goes,
/// other runs of space become one ("Ali Khan"). The middle dot of minority and foreign names is
/// kept, whichever look-alike was typed (•, ・, ‧ become ·).
pub fn clean_name(text: &str) -> String {
    let mut name = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let c = match c {
            '•' | '・' | '‧' | '∙' => '·',
            c => c,
        };
        let joins_chinese = name.chars().next_back().is_some_and(is_chinese) && is_chinese(c);
        if pending_space && !joins_chinese && c != '·' && !name.ends_with('·') {
            name.push(' ');
        }
        pending_space = false;
        name.push(c);
    }
    name
}

/// A CJK ideograph (the unified block and its extension A, where names are written).
fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

impl MemberForm {
    /// Checks every field; with `id_required` false (editing), a blank ID number keeps the old one.
    pub fn validate(
        &self,
        locale: Locale,
        id_required: bool,
    ) -> (FieldErrors, Option<ValidMember>) {
        let mut errors = FieldErrors::new(locale);
        let name = clean_name(&self.name);
        if name.is_empty() || name.chars().count() > 50 {
            errors.add("name", "member.error.name");
        }
        let id_number = if !id_required && self.id_number.trim().is_empty() {
            // Placeholder, replaced by the stored number when editing.
            IdNumber(String::new())
        } else {
            match IdNumber::parse(&self.id_number) {
                Ok(id) => id,
                Err(error) => {
                    errors.add("id_number", error.key());
                    IdNumber(String::new())
                }
            }
        };
        let phone = Phone::parse(&self.phone);
        if phone.is_none() {
            errors.add("phone", "member.error.phone");
        }
        let occupation = parse_occupation(&self.occupation);
        if occupation.is_none() {
            errors.add("occupation", "member.error.occupation");
        }
        let skill_level = parse_skill_level(&self.skill_level);
        if skill_level.is_err() {
            errors.add("skill_level", "member.error.skill_level");
        }
        let join_date = crate::web::dates::parse_date(&self.join_date);
        if join_date.is_none() {
            errors.add("join_date", "member.error.join_date");
        }
        let join_channel = CHANNELS
            .into_iter()
            .find(|c| *c == self.join_channel.trim());
        if join_channel.is_none() {
            errors.add("join_channel", "member.error.join_channel");
        }
        if self.employer.trim().chars().count() > 100 {
            errors.add("employer", "org.error.too_long");
        }
        let valid = match (phone, occupation, skill_level, join_date, join_channel) {
            (
                Some(phone),
                Some(occupation),
                Ok(skill_level),
                Some(join_date),
                Some(join_channel),
            ) if errors.is_empty() => Some(ValidMember {
                name,
                id_number,
                phone,
                employer: self.employer.trim().to_string(),
                occupation,
                skill_level,
                join_date,
                join_channel,
            }),
            _ => None,
        };
        (errors, valid)
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

    #[test]
    fn names_padded_in_a_spreadsheet_are_cleaned() {
        assert_eq!(clean_name(" 王　芳 "), "王芳");
        assert_eq!(clean_name("王 芳"), "王芳");
        assert_eq!(clean_name("车"), "车");
        assert_eq!(clean_name("买买提 • 艾力"), "买买提·艾力");
        assert_eq!(clean_name("阿依古丽・买买提"), "阿依古丽·买买提");
        assert_eq!(clean_name("Ali   Khan"), "Ali Khan");
    }

    #[test]
    fn occupations_and_skills_are_read_in_chinese_or_as_codes() {
        assert_eq!(parse_occupation("货车司机"), Some("truck_driver"));
        assert_eq!(parse_occupation("courier"), Some("courier"));
        assert_eq!(parse_occupation("宇航员"), None);
        assert_eq!(parse_skill_level("高级技师"), Ok(Some("senior_technician")));
        assert_eq!(parse_skill_level(""), Ok(None));
        assert!(parse_skill_level("大师").is_err());
    }

    #[test]
    fn a_membership_lapses_once_and_comes_back_once() {
        use super::{MemberStatus::*, MemberStep::*, transition};
        assert_eq!(transition(Active, Lapse), Ok(Lapsed));
        assert_eq!(transition(Lapsed, Reinstate), Ok(Active));
        assert_eq!(transition(TransferredOut, Reinstate), Ok(Active));
        assert_eq!(transition(Lapsed, Depart), Ok(TransferredOut));
        assert!(transition(Lapsed, Lapse).is_err());
        assert!(transition(Active, Reinstate).is_err());
        assert!(transition(TransferredOut, Depart).is_err());
        assert!(transition(TransferredOut, Lapse).is_err());
    }
}
