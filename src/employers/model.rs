//! An employer as the register keeps it, and its form: the checks a union office's typing needs
//! (a credit code typed in lower case, with spaces, or with a wrong check character).

use serde::Deserialize;

use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;

crate::states! {
    /// What kind of employer it is.
    pub enum Kind {
        Enterprise = "enterprise",
        Platform = "platform",
        IndividualBusiness = "individual_business",
        PublicInstitution = "public_institution",
        SocialOrganisation = "social_organisation",
        Other = "other",
    }
}

/// The characters of a unified social credit code (no I, O, S, V, Z), in the order of their values.
const CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character's value for the first 17 characters' values (GB 32100-2015).
fn check_value(values: &[u32]) -> u32 {
    let sum: u32 = values.iter().zip(CODE_WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

/// A unified social credit code (统一社会信用代码, GB 32100-2015), upper-cased, spaces removed,
/// its 18th character checked against the other 17.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditCodeError {
    /// Not 18 characters of the code's alphabet.
    Form,
    /// The check character does not match: a character typed wrong.
    CheckCharacter,
}

impl CreditCodeError {
    pub fn key(self) -> &'static str {
        match self {
            Self::Form => "employer.error.credit_code",
            Self::CheckCharacter => "employer.error.credit_code_check",
        }
    }
}

impl CreditCode {
    pub fn parse(text: &str) -> Result<Self, CreditCodeError> {
        let code: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let values: Option<Vec<u32>> = code
            .chars()
            .map(|c| CODE_CHARS.find(c).map(|at| at as u32))
            .collect();
        let values = values
            .filter(|v| v.len() == 18)
            .ok_or(CreditCodeError::Form)?;
        if values[17] != check_value(&values[..17]) {
            return Err(CreditCodeError::CheckCharacter);
        }
        Ok(Self(code))
    }

    /// The whole code for its first 17 characters (the demo's and the benchmark's employers).
    pub fn completing(first: &str) -> Option<Self> {
        let values: Option<Vec<u32>> = first
            .chars()
            .map(|c| CODE_CHARS.find(c).map(|at| at as u32))
            .collect();
        let values = values.filter(|v| v.len() == 17)?;
        let check = CODE_CHARS.chars().nth(check_value(&values) as usize)?;
        Some(Self(format!("{first}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl EmployerForm {
    /// The form filled with what the register holds, for editing.
    pub fn of(employer: &super::queries::Employer) -> Self {
        Self {
            name: employer.name.clone(),
            credit_code: employer.credit_code.clone().unwrap_or_default(),
            kind: employer.kind.code().into(),
            industry: employer.industry.clone(),
            address: employer.address.clone(),
            contact_person: employer.contact_person.clone(),
            contact_phone: employer.contact_phone.clone(),
            workers: employer.workers.map(|n| n.to_string()).unwrap_or_default(),
        }
    }
}

/// The employer form as typed: every field kept as text, so a refused form shows it again.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EmployerForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub workers: String,
}

/// An employer's fields once checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ValidEmployer {
    pub name: String,
    pub credit_code: Option<String>,
    pub kind: Kind,
    pub industry: String,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub workers: Option<i32>,
}

impl EmployerForm {
    /// The checked fields, or `None` with every problem beside its field in `errors`.
    pub fn check(&self, errors: &mut FieldErrors) -> Option<ValidEmployer> {
        let name = clean_text(&self.name).trim().to_string();
        if !(2..=100).contains(&name.chars().count()) {
            errors.add("name", "employer.error.name");
        }
        let typed_code = self.credit_code.trim();
        let credit_code = if typed_code.is_empty() {
            None
        } else {
            match CreditCode::parse(typed_code) {
                Ok(code) => Some(code.as_str().to_string()),
                Err(error) => {
                    errors.add("credit_code", error.key());
                    None
                }
            }
        };
        let kind = Kind::parse(self.kind.trim()).unwrap_or(Kind::Enterprise);
        let mut limited = |field: &'static str, text: &str, max: usize| {
            let text = clean_text(text).trim().to_string();
            if text.chars().count() > max {
                errors.add(field, "application.error.long");
            }
            text
        };
        let industry = limited("industry", &self.industry, 60);
        let address = limited("address", &self.address, 200);
        let contact_person = limited("contact_person", &self.contact_person, 40);
        let contact_phone = limited("contact_phone", &self.contact_phone, 40);
        let digits: String = self
            .workers
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
            .collect();
        let workers = if digits.is_empty() {
            None
        } else {
            match digits.parse::<i32>().ok().filter(|n| *n >= 0) {
                Some(n) => Some(n),
                None => {
                    errors.add("workers", "employer.error.workers");
                    None
                }
            }
        };
        errors.is_empty().then_some(ValidEmployer {
            name,
            credit_code,
            kind,
            industry,
            address,
            contact_person,
            contact_phone,
            workers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credit_code_is_checked_by_its_last_character() {
        assert_eq!(
            CreditCode::parse("91350100M000100Y43").map(|c| c.0),
            Ok("91350100M000100Y43".to_string())
        );
        // As offices type it: lower case, spaced.
        assert!(CreditCode::parse(" 9111 0000 6000 3734 1l ").is_ok());
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(CreditCodeError::CheckCharacter)
        );
        // Too short, or an O where a 0 belongs.
        assert_eq!(
            CreditCode::parse("91350100M000100Y4"),
            Err(CreditCodeError::Form)
        );
        assert_eq!(
            CreditCode::parse("91350100M0001OOY43"),
            Err(CreditCodeError::Form)
        );
    }

    #[test]
    fn a_form_keeps_every_problem_and_reads_counts_as_typed() {
        let mut errors = FieldErrors::new(crate::web::i18n::Locale::ZhCn);
        let form = EmployerForm {
            name: "某".into(),
            credit_code: "123".into(),
            workers: "很多".into(),
            ..EmployerForm::default()
        };
        assert!(form.check(&mut errors).is_none());
        for field in ["name", "credit_code", "workers"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let mut errors = FieldErrors::new(crate::web::i18n::Locale::ZhCn);
        let form = EmployerForm {
            name: " 常熟市顺达快递有限公司 ".into(),
            workers: "1,200".into(),
            kind: "platform".into(),
            ..EmployerForm::default()
        };
        let valid = form.check(&mut errors).unwrap();
        assert_eq!(valid.name, "常熟市顺达快递有限公司");
        assert_eq!((valid.workers, valid.kind), (Some(1200), Kind::Platform));
        assert_eq!(valid.credit_code, None);
    }
}
