//! A supervision letter's kinds and states, the draft each kind starts from, and the forms of
//! issuing, delivery and the reply, checked as a union office types them.

use serde::Deserialize;
use time::Date;

use crate::web::dates::parse_date;
use crate::web::forms::FieldErrors;
use crate::web::i18n::Locale;
use crate::web::input::clean_text;

crate::states! {
    /// 一函两书: the notice (提示函), the opinion (意见书), the recommendation (建议书).
    pub enum Kind {
        Notice = "notice",
        Opinion = "opinion",
        Recommendation = "recommendation",
    }
}

crate::states! {
    pub enum Status {
        Issued = "issued",
        Delivered = "delivered",
        Replied = "replied",
    }
}

impl Kind {
    /// The kind's character in the letter's number: 甘工监函〔2026〕3号.
    pub fn mark(self) -> &'static str {
        match self {
            Self::Notice => "函",
            Self::Opinion => "意",
            Self::Recommendation => "建",
        }
    }

    /// The working days an employer is usually given to reply (the form may change them).
    pub fn reply_days(self) -> u32 {
        match self {
            Self::Notice => 10,
            Self::Opinion | Self::Recommendation => 15,
        }
    }

    /// The subject and body a new letter of this kind starts from, with the facts filled in.
    pub fn draft(self, locale: Locale, employer: &str, facts: &str, days: u32) -> (String, String) {
        let (subject, demand) = match self {
            Self::Notice => ("letter.draft.subject.notice", "letter.draft.demand.notice"),
            Self::Opinion => (
                "letter.draft.subject.opinion",
                "letter.draft.demand.opinion",
            ),
            Self::Recommendation => (
                "letter.draft.subject.recommendation",
                "letter.draft.demand.recommendation",
            ),
        };
        let facts = if facts.trim().is_empty() {
            locale.t("letter.draft.facts_blank").to_string()
        } else {
            facts.trim().to_string()
        };
        let kind_name = locale.t_dyn(&format!("letter.kind.{}", self.code()));
        let body = [
            locale.fill(
                "letter.draft.to",
                &[("employer", employer.trim().to_string())],
            ),
            locale.fill("letter.draft.facts", &[("facts", facts)]),
            locale.t(demand).to_string(),
            locale.fill(
                "letter.draft.reply",
                &[("kind", kind_name), ("days", days.to_string())],
            ),
        ]
        .join("\n\n");
        (locale.t(subject).to_string(), body)
    }
}

fn date_field(errors: &mut FieldErrors, field: &'static str, text: &str) -> Option<Date> {
    let date = parse_date(text);
    if date.is_none() {
        errors.add(field, "dispute.error.date");
    }
    date
}

/// A day no earlier than `not_before` and no later than `today`.
fn day_between(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    not_before: Date,
    today: Date,
) -> Option<Date> {
    let day = date_field(errors, field, text)?;
    if day < not_before {
        errors.add(field, "letter.error.too_early");
    } else if day > today {
        errors.add(field, "dispute.error.future");
    }
    Some(day)
}

/// A new letter as typed. `case` is the dispute case it comes from, if any.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LetterForm {
    #[serde(default)]
    pub kind: String,
    /// The employer: its credit code or its name as the register has it.
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub case: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub reply_days: String,
}

#[derive(Debug, Clone)]
pub struct ValidLetter {
    pub kind: Kind,
    pub subject: String,
    pub body: String,
    pub issued_on: Date,
    pub reply_days: u32,
}

impl LetterForm {
    pub fn check(&self, errors: &mut FieldErrors, today: Date) -> Option<ValidLetter> {
        let kind = Kind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", "letter.error.kind");
        }
        if self.employer.trim().is_empty() {
            errors.add("employer", "dispute.error.employer");
        }
        let subject = clean_text(&self.subject).trim().to_string();
        if !(1..=100).contains(&subject.chars().count()) {
            errors.add("subject", "letter.error.subject");
        }
        let body = clean_text(&self.body).trim().replace("\r\n", "\n");
        if !(1..=5000).contains(&body.chars().count()) {
            errors.add("body", "letter.error.body");
        }
        let issued_on = date_field(errors, "issued_on", &self.issued_on);
        if issued_on.is_some_and(|day| day > today) {
            errors.add("issued_on", "dispute.error.future");
        }
        let reply_days = self
            .reply_days
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|days| (1..=60).contains(days));
        if reply_days.is_none() {
            errors.add("reply_days", "letter.error.reply_days");
        }
        Some(ValidLetter {
            kind: kind?,
            subject,
            body,
            issued_on: issued_on?,
            reply_days: reply_days?,
        })
        .filter(|_| errors.is_empty())
    }
}

/// Delivery: the day and how (by hand to whom, by post with its number …).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeliveryForm {
    #[serde(default)]
    pub delivered_on: String,
    #[serde(default)]
    pub delivery: String,
}

impl DeliveryForm {
    pub fn check(
        &self,
        errors: &mut FieldErrors,
        issued_on: Date,
        today: Date,
    ) -> Option<(Date, String)> {
        let day = day_between(errors, "delivered_on", &self.delivered_on, issued_on, today);
        let how = clean_text(&self.delivery).trim().to_string();
        if !(1..=200).contains(&how.chars().count()) {
            errors.add("delivery", "letter.error.delivery");
        }
        day.filter(|_| errors.is_empty()).map(|day| (day, how))
    }
}

/// The employer's reply and whether the matter was put right.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    pub replied_on: String,
    #[serde(default)]
    pub reply: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub rectified: String,
}

#[derive(Debug, Clone)]
pub struct ValidReply {
    pub replied_on: Date,
    pub reply: String,
    pub rectified: bool,
}

impl ReplyForm {
    pub fn check(
        &self,
        errors: &mut FieldErrors,
        delivered_on: Date,
        today: Date,
    ) -> Option<ValidReply> {
        let replied_on = day_between(errors, "replied_on", &self.replied_on, delivered_on, today);
        let reply = clean_text(&self.reply).trim().to_string();
        if !(1..=2000).contains(&reply.chars().count()) {
            errors.add("reply", "letter.error.reply");
        }
        let rectified = match self.rectified.trim() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                errors.add("rectified", "letter.error.rectified");
                None
            }
        };
        Some(ValidReply {
            replied_on: replied_on?,
            reply,
            rectified: rectified?,
        })
        .filter(|_| errors.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_names_the_employer_the_facts_and_the_days() {
        let (subject, body) =
            Kind::Notice.draft(Locale::ZhCn, "大连飞鹰快递", "拖欠快递员工资", 10);
        assert!(subject.contains("提示函"));
        assert!(body.starts_with("大连飞鹰快递："));
        assert!(body.contains("拖欠快递员工资") && body.contains("10 个工作日"));
        assert_eq!(body.matches("\n\n").count(), 3);
    }

    #[test]
    fn a_reply_before_delivery_or_without_its_verdict_is_refused() {
        let day = |d: u8| Date::from_calendar_date(2026, time::Month::March, d).unwrap();
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let form = ReplyForm {
            replied_on: "2026-03-01".into(),
            reply: "已补发".into(),
            rectified: String::new(),
        };
        assert!(form.check(&mut errors, day(5), day(20)).is_none());
        assert!(errors.get("replied_on").is_some() && errors.get("rectified").is_some());
    }
}
