//! Organisation kinds, the rules of a valid organisation, and where one may move.

use crate::web::input::clean_text;
use crate::workflow::Refused;

use crate::web::forms::FieldErrors;
use crate::web::i18n::Locale;

/// The kinds of DOMAIN.md, in the order they are offered.
pub const KINDS: [&str; 9] = [
    "city_federation",
    "industry_union",
    "district_federation",
    "township_union",
    "park_union",
    "community_union",
    "grassroots_union",
    "industry_federation",
    "new_employment_federation",
];

/// What a user typed into the organisation form, kept as typed so a refused form loses nothing.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct OrgForm {
    /// Only on creation: the code of the organisation it goes under.
    #[serde(default)]
    pub parent_code: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub address: String,
}

impl OrgForm {
    /// Trims every field; the code is upper-cased (codes are compared case-sensitively in the database).
    pub fn normalised(mut self) -> Self {
        self.parent_code = clean_text(&self.parent_code).to_uppercase();
        for field in [
            &mut self.kind,
            &mut self.name,
            &mut self.region,
            &mut self.contact_person,
            &mut self.contact_phone,
            &mut self.address,
        ] {
            *field = clean_text(field);
        }
        self.code = clean_text(&self.code).to_uppercase();
        self
    }

    /// Checks the fields; `is_root` allows the city federation kind (only the root may be one).
    pub fn validate(&self, locale: Locale, is_root: bool) -> FieldErrors {
        let mut errors = FieldErrors::new(locale);
        if !KINDS.contains(&self.kind.as_str()) || (self.kind == "city_federation") != is_root {
            errors.add("kind", "org.error.kind");
        }
        let name_chars = self.name.chars().count();
        if name_chars == 0 {
            errors.add("name", "org.error.name_required");
        } else if name_chars > 100 {
            errors.add("name", "org.error.name_long");
        }
        if !valid_code(&self.code) {
            errors.add("code", "org.error.code");
        }
        if !self.contact_phone.is_empty() && !valid_phone(&self.contact_phone) {
            errors.add("contact_phone", "org.error.phone");
        }
        for (field, value) in [
            ("region", &self.region),
            ("contact_person", &self.contact_person),
        ] {
            if value.chars().count() > 50 {
                errors.add(field, "org.error.too_long");
            }
        }
        if self.address.chars().count() > 200 {
            errors.add("address", "org.error.too_long");
        }
        errors
    }
}

pub fn valid_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A landline (0411-82345678) or mobile (13904111234) number, as union offices write them.
pub fn valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')'))
}

/// Whether `target_path` is the organisation at `path` or lies below it (ltree paths as text).
pub fn is_within(target_path: &str, path: &str) -> bool {
    target_path == path || target_path.starts_with(&format!("{path}."))
}

/// An organisation may move under `new_parent` unless that is itself or one of its descendants.
pub fn may_move_under(org_path: &str, new_parent_path: &str) -> bool {
    !is_within(new_parent_path, org_path)
}

crate::states! {
    /// Whether an organisation is open for work (members, joining, contests) or closed.
    pub enum OrgStatus {
        Active = "active",
        Closed = "closed",
    }
}

/// The steps of an organisation's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgStep {
    Close,
    Reopen,
}

impl OrgStep {
    pub fn event(self) -> &'static str {
        match self {
            Self::Close => "close",
            Self::Reopen => "reopen",
        }
    }
}

/// Where `step` takes an organisation at `status`, or why it cannot.
pub fn transition(status: OrgStatus, step: OrgStep) -> Result<OrgStatus, Refused> {
    match (status, step) {
        (OrgStatus::Active, OrgStep::Close) => Ok(OrgStatus::Closed),
        (OrgStatus::Closed, OrgStep::Reopen) => Ok(OrgStatus::Active),
        (OrgStatus::Closed, OrgStep::Close) => Err(Refused("org.refused.already_closed")),
        (OrgStatus::Active, OrgStep::Reopen) => Err(Refused("org.refused.already_open")),
    }
}

/// An organisation that a form field or a file's column may mean.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub id: i64,
    pub code: &'a str,
    pub status: OrgStatus,
}

/// Which organisation `text` names among `candidates` (those whose code or full name it is, a code
/// match first): the code's, else the only one of that name; it must be open. Errors are message keys.
pub fn choose_named(text: &str, candidates: &[Candidate<'_>]) -> Result<i64, &'static str> {
    let chosen = match candidates {
        [] => return Err("user.error.organisation"),
        [first, ..] if first.code.eq_ignore_ascii_case(text) => first,
        [only] => only,
        _ => return Err("import.error.organisation_ambiguous"),
    };
    if chosen.status == OrgStatus::Active {
        Ok(chosen.id)
    } else {
        Err("org.error.parent_closed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_wins_a_name_must_be_unique_and_the_union_open() {
        let open = |id, code| Candidate {
            id,
            code,
            status: OrgStatus::Active,
        };
        assert_eq!(
            choose_named("dl-a", &[open(1, "DL-A"), open(2, "DL-B")]),
            Ok(1)
        );
        assert_eq!(choose_named("顺达工会", &[open(2, "DL-B")]), Ok(2));
        assert_eq!(
            choose_named("顺达工会", &[open(2, "DL-B"), open(3, "DL-C")]),
            Err("import.error.organisation_ambiguous")
        );
        assert_eq!(
            choose_named("无此工会", &[]),
            Err("user.error.organisation")
        );
        let closed = Candidate {
            id: 4,
            code: "DL-D",
            status: OrgStatus::Closed,
        };
        assert_eq!(
            choose_named("DL-D", &[closed]),
            Err("org.error.parent_closed")
        );
    }

    fn form() -> OrgForm {
        OrgForm {
            kind: "grassroots_union".into(),
            name: "大连顺达物流有限公司工会".into(),
            code: "dl-sd".into(),
            contact_phone: "0411-82345678".into(),
            ..OrgForm::default()
        }
        .normalised()
    }

    #[test]
    fn a_well_filled_form_is_valid_and_its_code_upper_cased() {
        let form = form();
        assert_eq!(form.code, "DL-SD");
        assert!(form.validate(Locale::ZhCn, false).is_empty());
    }

    #[test]
    fn only_the_root_is_a_city_federation() {
        let form = OrgForm {
            kind: "city_federation".into(),
            ..form()
        };
        assert!(form.validate(Locale::ZhCn, false).has("kind"));
        assert!(!form.validate(Locale::ZhCn, true).has("kind"));
    }

    #[test]
    fn bad_fields_are_named() {
        let form = OrgForm {
            name: " ".into(),
            code: "有".into(),
            contact_phone: "12".into(),
            ..form()
        }
        .normalised();
        let errors = form.validate(Locale::ZhCn, false);
        assert!(errors.has("name") && errors.has("code") && errors.has("contact_phone"));
    }

    #[test]
    fn an_organisation_cannot_move_into_its_own_subtree() {
        assert!(!may_move_under("1.5", "1.5"));
        assert!(!may_move_under("1.5", "1.5.9.12"));
        assert!(
            may_move_under("1.5", "1.50"),
            "a sibling whose id starts alike is not below it"
        );
        assert!(may_move_under("1.5.9", "1.4"));
    }

    #[test]
    fn an_organisation_closes_once_and_reopens_once() {
        assert_eq!(
            transition(OrgStatus::Active, OrgStep::Close),
            Ok(OrgStatus::Closed)
        );
        assert_eq!(
            transition(OrgStatus::Closed, OrgStep::Reopen),
            Ok(OrgStatus::Active)
        );
        assert!(transition(OrgStatus::Closed, OrgStep::Close).is_err());
        assert!(transition(OrgStatus::Active, OrgStep::Reopen).is_err());
    }
}
