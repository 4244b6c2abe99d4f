//! What a member is made of, and the rules of each field: names, occupations and skill levels as
//! union offices write them, and the steps of a membership. ID numbers and phones are in
//! `identity.rs`.

pub use super::identity::{IdNumber, IdNumberError, Phone};
use crate::web::forms::FieldErrors;
use crate::web::i18n::Locale;
use crate::web::input::clean_text;
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

/// What staff typed into the member form, kept as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    pub organisation_code: String,
    /// One of the organisations offered when the typed text matched several.
    #[serde(default)]
    pub organisation_code_choice: String,
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
    let text = clean_text(text);
    let mut name = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
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
            IdNumber::placeholder()
        } else {
            match IdNumber::parse(&self.id_number) {
                Ok(id) => id,
                Err(error) => {
                    errors.add("id_number", error.key());
                    IdNumber::placeholder()
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
        if clean_text(&self.employer).chars().count() > 100 {
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
                employer: clean_text(&self.employer),
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
