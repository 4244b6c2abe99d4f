//! A care campaign's kinds, its form, and the sign-off of a worker reached, checked as a union
//! office types them.

use serde::Deserialize;
use time::Date;

use crate::money::Money;
use crate::web::dates::{check_range, parse_date};
use crate::web::forms::FieldErrors;

crate::states! {
    pub enum Kind {
        /// 四季送: spring, summer, autumn and winter deliveries.
        Seasonal = "seasonal",
        /// 八送: the standing eight kinds of care.
        Standing = "standing",
        /// 送温暖: winter relief.
        WinterRelief = "winter_relief",
        /// 暖"新"礼包: care packages for new-employment-form workers.
        CarePackage = "care_package",
        /// 移动体检: mobile check-ups.
        Checkup = "checkup",
        Training = "training",
        Counselling = "counselling",
        Other = "other",
    }
}

// How a worker came onto a campaign's list.
crate::states! {
    pub enum Way {
        Picked = "picked",
        Scanned = "scanned",
        File = "file",
        Outsider = "outsider",
    }
}

/// The campaign form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CampaignForm {
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub goods: String,
    #[serde(default)]
    pub unit_value: String,
    #[serde(default)]
    pub budget: String,
    /// A fund's id, or blank for a campaign paid for on its own.
    #[serde(default)]
    pub fund: String,
}

#[derive(Debug, Clone)]
pub struct ValidCampaign {
    pub organisation_id: i64,
    pub kind: Kind,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub goods: String,
    pub unit_value: Money,
    pub budget: Money,
    pub fund_id: Option<i64>,
}

/// An optional sum of money: blank is zero.
fn optional_money(errors: &mut FieldErrors, field: &'static str, text: &str) -> Money {
    if text.trim().is_empty() {
        return Money::ZERO;
    }
    errors
        .check(field, Money::parse(text))
        .unwrap_or(Money::ZERO)
}

impl CampaignForm {
    /// `organisation` and `fund` are what the route found for the codes typed, in the user's
    /// subtree (`None` when nothing matched).
    pub fn check(
        &self,
        errors: &mut FieldErrors,
        organisation: Option<i64>,
        fund: Option<Option<i64>>,
    ) -> Option<ValidCampaign> {
        if organisation.is_none() {
            errors.add("organisation", "care.error.organisation");
        }
        let kind = Kind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", "care.error.kind");
        }
        let title = errors.text("title", &self.title, 100);
        if title.is_empty() {
            errors.add("title", "care.error.title");
        }
        let (starts_on, ends_on) = check_range(
            errors,
            ("starts_on", &self.starts_on),
            ("ends_on", &self.ends_on),
        );
        let goods = errors.text("goods", &self.goods, 500);
        let unit_value = optional_money(errors, "unit_value", &self.unit_value);
        let budget = optional_money(errors, "budget", &self.budget);
        if fund.is_none() {
            errors.add("fund", "care.error.fund");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(ValidCampaign {
            organisation_id: organisation?,
            kind: kind?,
            title,
            starts_on: starts_on?,
            ends_on: ends_on?,
            goods,
            unit_value,
            budget,
            fund_id: fund?,
        })
    }
}

/// The sign-off typed with a worker reached: when, what, and its value (the campaign's by default).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignOffForm {
    #[serde(default)]
    pub given_on: String,
    #[serde(default)]
    pub given: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct SignOff {
    pub given_on: Date,
    pub given: String,
    pub value: Money,
}

impl SignOffForm {
    /// Checked against the campaign: the day lies within its dates and is not in the future.
    pub fn check(
        &self,
        errors: &mut FieldErrors,
        campaign: (Date, Date),
        today: Date,
    ) -> Option<SignOff> {
        let given_on = parse_date(&self.given_on);
        match given_on {
            None => errors.add("given_on", "care.error.given_on"),
            Some(day) if day > today => errors.add("given_on", "care.error.given_in_future"),
            Some(day) if day < campaign.0 || day > campaign.1 => {
                errors.add("given_on", "care.error.given_outside")
            }
            Some(_) => {}
        }
        let given = errors.text("given", &self.given, 500);
        let value = optional_money(errors, "value", &self.value);
        Some(SignOff {
            given_on: given_on?,
            given,
            value,
        })
        .filter(|_| errors.is_empty())
    }
}

crate::states! {
    pub enum SessionKind {
        Training = "training",
        Counselling = "counselling",
    }
}

/// A training or counselling session as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub trainer: String,
    /// The counsellor's account id.
    #[serde(default)]
    pub counsellor: String,
}

#[derive(Debug, Clone)]
pub struct ValidSession {
    pub kind: SessionKind,
    pub held_on: Date,
    pub topic: String,
    pub place: String,
    pub minutes: i32,
    pub trainer: String,
    pub counsellor_id: Option<i64>,
}

impl SessionForm {
    /// `counsellors` are the accounts that may counsel for the campaign; the day lies within the
    /// campaign and not after today.
    pub fn check(
        &self,
        errors: &mut FieldErrors,
        (campaign, today): ((Date, Date), Date),
        counsellors: &[(i64, String)],
    ) -> Option<ValidSession> {
        let kind = SessionKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", "care.error.session_kind");
        }
        let held_on = parse_date(&self.held_on);
        match held_on {
            None => errors.add("held_on", "care.error.held_on"),
            Some(day) if day > today => errors.add("held_on", "care.error.held_in_future"),
            Some(day) if day < campaign.0 || day > campaign.1 => {
                errors.add("held_on", "care.error.held_outside")
            }
            Some(_) => {}
        }
        let topic = errors.text("topic", &self.topic, 100);
        let place = errors.text("place", &self.place, 100);
        let trainer = errors.text("trainer", &self.trainer, 50);
        let minutes = self
            .minutes
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (1..=1440).contains(m));
        if minutes.is_none() {
            errors.add("minutes", "care.error.minutes");
        }
        let counsellor_id = match kind {
            Some(SessionKind::Counselling) => {
                let id = self.counsellor.trim().parse::<i64>().ok();
                let id = id.filter(|id| counsellors.iter().any(|(c, _)| c == id));
                if id.is_none() {
                    errors.add("counsellor", "care.error.counsellor");
                }
                id
            }
            _ => {
                if topic.is_empty() {
                    errors.add("topic", "care.error.topic");
                }
                None
            }
        };
        if !errors.is_empty() {
            return None;
        }
        let counselling = kind == Some(SessionKind::Counselling);
        Some(ValidSession {
            kind: kind?,
            held_on: held_on?,
            // A counselling session records no subject: its subject is the counsellor's notes.
            topic: if counselling { String::new() } else { topic },
            place,
            minutes: minutes?,
            trainer: if counselling { String::new() } else { trainer },
            counsellor_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Locale;
    use time::macros::date;

    fn form() -> CampaignForm {
        CampaignForm {
            organisation: "LC".into(),
            kind: "care_package".into(),
            title: "暖新礼包".into(),
            starts_on: "2026-11-01".into(),
            ends_on: "2026年11月30日".into(),
            goods: "保温杯、护膝".into(),
            unit_value: "120".into(),
            budget: "15万".into(),
            fund: String::new(),
        }
    }

    #[test]
    fn a_campaign_reads_office_dates_and_sums() {
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let valid = form().check(&mut errors, Some(1), Some(None)).unwrap();
        assert_eq!(valid.ends_on, date!(2026 - 11 - 30));
        assert_eq!(valid.budget, Money::from_yuan(150_000));
        assert_eq!(valid.unit_value, Money::from_yuan(120));
    }

    #[test]
    fn a_campaign_ending_before_it_starts_is_refused_beside_its_end() {
        let mut errors = FieldErrors::new(Locale::ZhCn);
        let mut typed = form();
        typed.ends_on = "2026-10-01".into();
        assert!(typed.check(&mut errors, Some(1), Some(None)).is_none());
        assert!(errors.has("ends_on") && !errors.has("starts_on"));
    }

    #[test]
    fn a_sign_off_must_fall_within_the_campaign_and_not_after_today() {
        let campaign = (date!(2026 - 11 - 01), date!(2026 - 11 - 30));
        let today = date!(2026 - 11 - 20);
        let typed = |day: &str| SignOffForm {
            given_on: day.into(),
            ..SignOffForm::default()
        };
        let mut errors = FieldErrors::new(Locale::ZhCn);
        assert!(
            typed("2026-11-21")
                .check(&mut errors, campaign, today)
                .is_none()
        );
        assert_eq!(errors.key("given_on"), Some("care.error.given_in_future"));
        let mut errors = FieldErrors::new(Locale::ZhCn);
        assert!(
            typed("2026-10-31")
                .check(&mut errors, campaign, today)
                .is_none()
        );
        assert_eq!(errors.key("given_on"), Some("care.error.given_outside"));
        let mut errors = FieldErrors::new(Locale::ZhCn);
        assert!(
            typed("2026/11/2")
                .check(&mut errors, campaign, today)
                .is_some()
        );
    }
}
