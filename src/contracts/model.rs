//! A collective contract's kinds, subjects and standing, and its forms, checked as a union
//! office types them: the employers one per line, the workers as "1.2万" or "300人", dates in
//! any office spelling.

use time::{Date, Duration};

use crate::web::dates::parse_date;
use crate::web::forms::FieldErrors;
use crate::web::input::{clean_text, parse_count};

crate::states! {
    /// Whom a contract covers: one enterprise, or the employers of an industry or an area.
    pub enum Coverage {
        Enterprise = "enterprise",
        Industry = "industry",
        Area = "area",
    }
}

crate::states! {
    /// What a contract settles (集体合同的内容).
    pub enum Subject {
        Pay = "pay",
        Hours = "hours",
        Rest = "rest",
        Safety = "safety",
        Women = "women",
        Insurance = "insurance",
        Training = "training",
        Other = "other",
    }
}

crate::states! {
    /// The contract's one step: signed, then filed with the human resources bureau.
    pub enum Status {
        Signed = "signed",
        Filed = "filed",
    }
}

crate::states! {
    /// Where a contract stands today, from its step, its term and whether it was renewed (the
    /// database's `collective_contract_standing` decides it, for lists and counts alike).
    pub enum Standing {
        /// Signed, not yet filed with the bureau.
        AwaitingFiling = "awaiting_filing",
        /// Filed; its term has not begun.
        Pending = "pending",
        InForce = "in_force",
        /// In force, ending within 90 days and not renewed.
        Expiring = "expiring",
        Expired = "expired",
        /// A later contract renews it.
        Renewed = "renewed",
    }
}

/// The days within which a signed contract is to be filed (集体合同规定, art. 42).
pub const FILING_DAYS: i64 = 10;

/// The longest term a contract may have: one to three years (集体合同规定, art. 38).
const LONGEST_TERM_YEARS: i32 = 3;

/// A contract as typed. `employers` holds one employer a line, by credit code or name.
#[derive(Debug, Clone, Default)]
pub struct ContractForm {
    pub coverage: String,
    pub title: String,
    pub union_party: String,
    pub employer_party: String,
    pub employers: String,
    pub workers: String,
    pub subjects: Vec<String>,
    pub signed_on: String,
    pub starts_on: String,
    pub ends_on: String,
    /// The contract this one renews, if any (its id).
    pub renews: String,
}

impl ContractForm {
    /// Reads a posted form: `subject` repeats, one per ticked box.
    pub fn read(body: &[u8]) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let mut form = Self::default();
        for (name, value) in pairs {
            let field = match name.as_str() {
                "coverage" => &mut form.coverage,
                "title" => &mut form.title,
                "union_party" => &mut form.union_party,
                "employer_party" => &mut form.employer_party,
                "employers" => &mut form.employers,
                "workers" => &mut form.workers,
                "signed_on" => &mut form.signed_on,
                "starts_on" => &mut form.starts_on,
                "ends_on" => &mut form.ends_on,
                "renews" => &mut form.renews,
                "subject" => {
                    form.subjects.push(value);
                    continue;
                }
                _ => continue,
            };
            *field = value;
        }
        form
    }

    pub fn has_subject(&self, subject: &Subject) -> bool {
        self.subjects.iter().any(|s| s == subject.code())
    }

    /// The employer lines, trimmed, blank lines and repeats dropped.
    pub fn employer_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for line in clean_text(&self.employers).lines() {
            let line = line.trim().trim_end_matches(['，', ',', '；', ';']).trim();
            if !line.is_empty() && !lines.iter().any(|l| l == line) {
                lines.push(line.to_string());
            }
        }
        lines
    }

    /// Checks everything but the employers, which the register answers (see `routes`).
    pub fn check(&self, errors: &mut FieldErrors, today: Date) -> Option<ValidContract> {
        let coverage = Coverage::parse(self.coverage.trim());
        if coverage.is_none() {
            errors.add("coverage", "contract.error.coverage");
        }
        let text = |errors: &mut FieldErrors, field: &'static str, value: &str, key| {
            let value = clean_text(value).trim().to_string();
            if !(2..=100).contains(&value.chars().count()) {
                errors.add(field, key);
            }
            value
        };
        let title = text(errors, "title", &self.title, "contract.error.title");
        let union_party = text(
            errors,
            "union_party",
            &self.union_party,
            "contract.error.party",
        );
        let employer_party = text(
            errors,
            "employer_party",
            &self.employer_party,
            "contract.error.party",
        );
        let lines = self.employer_lines().len();
        match coverage {
            _ if lines == 0 => errors.add("employers", "contract.error.employers_none"),
            Some(Coverage::Enterprise) if lines > 1 => {
                errors.add("employers", "contract.error.employers_one")
            }
            _ if lines > 2000 => errors.add("employers", "contract.error.employers_many"),
            _ => {}
        }
        let workers = parse_count(&self.workers, 10_000_000).filter(|n| *n >= 1);
        if workers.is_none() {
            errors.add("workers", "contract.error.workers");
        }
        let mut subjects: Vec<Subject> = Subject::ALL
            .iter()
            .copied()
            .filter(|s| self.has_subject(s))
            .collect();
        subjects.dedup();
        if subjects.is_empty() {
            errors.add("subjects", "contract.error.subjects");
        }
        let signed_on = day(errors, "signed_on", &self.signed_on);
        if signed_on.is_some_and(|d| d > today) {
            errors.add("signed_on", "dispute.error.future");
        }
        let starts_on = day(errors, "starts_on", &self.starts_on);
        let ends_on = day(errors, "ends_on", &self.ends_on);
        if let (Some(starts), Some(ends)) = (starts_on, ends_on) {
            let longest = starts
                .replace_year(starts.year() + LONGEST_TERM_YEARS)
                .unwrap_or(starts + Duration::days(365 * 3));
            if ends <= starts || signed_on.is_some_and(|s| ends <= s) {
                errors.add("ends_on", "contract.error.term_reversed");
            } else if ends > longest {
                errors.add("ends_on", "contract.error.term_long");
            }
        }
        Some(ValidContract {
            coverage: coverage?,
            title,
            union_party,
            employer_party,
            workers: i32::try_from(workers?).ok()?,
            subjects,
            signed_on: signed_on?,
            starts_on: starts_on?,
            ends_on: ends_on?,
        })
        .filter(|_| errors.is_empty())
    }
}

fn day(errors: &mut FieldErrors, field: &'static str, text: &str) -> Option<Date> {
    let date = parse_date(text);
    if date.is_none() {
        errors.add(field, "dispute.error.date");
    }
    date
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ValidContract {
    pub coverage: Coverage,
    pub title: String,
    pub union_party: String,
    pub employer_party: String,
    pub workers: i32,
    pub subjects: Vec<Subject>,
    pub signed_on: Date,
    pub starts_on: Date,
    pub ends_on: Date,
}

impl ValidContract {
    pub fn subject_codes(&self) -> Vec<String> {
        self.subjects.iter().map(|s| s.code().to_string()).collect()
    }
}

/// Filing with the human resources bureau: the day, and its number or note.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FilingForm {
    #[serde(default)]
    pub filed_on: String,
    #[serde(default)]
    pub filing_note: String,
}

impl FilingForm {
    pub fn check(
        &self,
        errors: &mut FieldErrors,
        signed_on: Date,
        today: Date,
    ) -> Option<(Date, String)> {
        let filed_on = day(errors, "filed_on", &self.filed_on);
        if filed_on.is_some_and(|d| d < signed_on) {
            errors.add("filed_on", "contract.error.filed_before_signing");
        } else if filed_on.is_some_and(|d| d > today) {
            errors.add("filed_on", "dispute.error.future");
        }
        let note = clean_text(&self.filing_note).trim().to_string();
        if note.chars().count() > 200 {
            errors.add("filing_note", "contract.error.filing_note");
        }
        filed_on.filter(|_| errors.is_empty()).map(|d| (d, note))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Locale;

    fn day(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    #[test]
    fn a_form_as_an_office_types_it_is_read() {
        let body = "coverage=industry&title=%E5%BF%AB%E9%80%92%E8%A1%8C%E4%B8%9A%E9%9B%86%E4%BD%93%E5%90%88%E5%90%8C\
                    &union_party=%E5%BF%AB%E9%80%92%E5%B7%A5%E4%BC%9A&employer_party=%E5%BF%AB%E9%80%92%E5%8D%8F%E4%BC%9A\
                    &employers=A%0D%0A%0D%0AB%EF%BC%8C%0D%0AA&workers=1.2%E4%B8%87&subject=pay&subject=women\
                    &signed_on=2026%E5%B9%B43%E6%9C%881%E6%97%A5&starts_on=2026-03-01&ends_on=2029-02-28";
        let form = ContractForm::read(body.as_bytes());
        assert_eq!(form.employer_lines(), ["A", "B"]);
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let valid = form.check(&mut errors, day("2026-06-01")).unwrap();
        assert_eq!(valid.workers, 12_000);
        assert_eq!(valid.subjects, [Subject::Pay, Subject::Women]);
        assert_eq!(valid.signed_on, day("2026-03-01"));
    }

    #[test]
    fn a_term_reversed_or_over_three_years_and_one_enterprise_of_two_are_refused() {
        let form = ContractForm {
            coverage: "enterprise".into(),
            title: "工资专项集体合同".into(),
            union_party: "顺达工会".into(),
            employer_party: "顺达物流".into(),
            employers: "甲公司\n乙公司".into(),
            workers: "0".into(),
            subjects: vec![],
            signed_on: "2026-03-01".into(),
            starts_on: "2026-03-01".into(),
            ends_on: "2029-03-02".into(),
            renews: String::new(),
        };
        let mut errors = FieldErrors::new(Locale::ZhCn);
        assert!(form.check(&mut errors, day("2026-06-01")).is_none());
        for field in ["employers", "workers", "subjects", "ends_on"] {
            assert!(errors.has(field), "{field}");
        }
        let reversed = ContractForm {
            ends_on: "2026-02-01".into(),
            ..form
        };
        let mut errors = FieldErrors::new(Locale::ZhCn);
        reversed.check(&mut errors, day("2026-06-01"));
        assert_eq!(errors.key("ends_on"), Some("contract.error.term_reversed"));
    }
}
