//! The health worker's pages.

use askama::Template;
use askama_web::WebTemplate;
use time::OffsetDateTime;

use super::model::{CheckupForm, Indicator, out_of_range};
use super::queries::{Alert, Checkup};
use crate::web::Ctx;
use crate::web::forms::FieldErrors;

#[derive(Template, WebTemplate)]
#[template(path = "checkups/index.html")]
pub struct HealthTemplate {
    pub ctx: Ctx,
    pub alerts: Vec<Alert>,
    /// When, where, member id and name, readings, alerts.
    pub recent: Vec<(OffsetDateTime, String, i64, String, i64, i64)>,
    pub today: String,
}

impl HealthTemplate {
    pub fn range(&self, alert: &Alert) -> String {
        range_text(alert.indicator, alert.low, alert.high)
    }

    pub fn shown(&self, alert: &Alert) -> String {
        alert.indicator.show(alert.value)
    }
}

/// "90–139", "≥ 95", "≤ 5.20" in the indicator's unit.
pub fn range_text(indicator: Indicator, low: Option<i64>, high: Option<i64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("{}–{}", indicator.show(l), indicator.show(h)),
        (Some(l), None) => format!("≥ {}", indicator.show(l)),
        (None, Some(h)) => format!("≤ {}", indicator.show(h)),
        (None, None) => "—".into(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "checkups/form.html")]
pub struct CheckupFormTemplate {
    pub ctx: Ctx,
    pub places: Vec<(i64, String)>,
    pub form: CheckupForm,
    pub errors: FieldErrors,
}

impl CheckupFormTemplate {
    pub fn indicators(&self) -> &'static [Indicator] {
        Indicator::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "checkups/member.html")]
pub struct MemberTemplate {
    pub ctx: Ctx,
    pub name: String,
    pub checkups: Vec<Checkup>,
    pub ranges: Vec<(Indicator, Option<i64>, Option<i64>)>,
}

impl MemberTemplate {
    /// The indicators any check-up measured, in the machine's order.
    pub fn measured(&self) -> Vec<Indicator> {
        Indicator::ALL
            .iter()
            .copied()
            .filter(|i| {
                self.checkups
                    .iter()
                    .any(|c| c.readings.iter().any(|(r, _, _)| r == i))
            })
            .collect()
    }

    /// A check-up's value of `indicator` as shown, and whether it raised an alert.
    pub fn cell(&self, checkup: &Checkup, indicator: &Indicator) -> (String, bool) {
        checkup
            .readings
            .iter()
            .find(|(i, _, _)| i == indicator)
            .map(|(i, v, alert)| (i.show(*v), *alert))
            .unwrap_or_default()
    }

    pub fn range(&self, indicator: &Indicator) -> String {
        self.ranges
            .iter()
            .find(|(i, _, _)| i == indicator)
            .map(|(i, l, h)| range_text(*i, *l, *h))
            .unwrap_or_default()
    }

    /// Whether the latest value of `indicator` is outside today's range.
    pub fn latest_out(&self, indicator: &Indicator) -> bool {
        let range = self.ranges.iter().find(|(i, _, _)| i == indicator);
        let latest = self.checkups.iter().rev().find_map(|c| {
            c.readings
                .iter()
                .find(|(i, _, _)| i == indicator)
                .map(|(_, v, _)| *v)
        });
        match (range, latest) {
            (Some((_, l, h)), Some(v)) => out_of_range(v, (*l, *h)),
            _ => false,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "checkups/ranges.html")]
pub struct RangesTemplate {
    pub ctx: Ctx,
    /// Each indicator with its low and high as typed (or shown).
    pub typed: Vec<(Indicator, String, String)>,
    pub errors: FieldErrors,
}
