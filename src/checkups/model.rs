//! The twelve indicators a check-up machine measures, their units and plausible values, and the
//! check-up form. Values are fixed-point hundredths of their unit, read from text without
//! floating point; BMI is worked out from weight and height when it is not typed.

use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;

crate::states! {
    pub enum Indicator {
        Systolic = "systolic",
        Diastolic = "diastolic",
        Spo2 = "spo2",
        HeartRate = "heart_rate",
        Glucose = "glucose",
        Temperature = "temperature",
        Weight = "weight",
        Height = "height",
        Bmi = "bmi",
        BodyFat = "body_fat",
        UricAcid = "uric_acid",
        Cholesterol = "cholesterol",
    }
}

impl Indicator {
    /// Decimals shown.
    pub fn decimals(self) -> u32 {
        match self {
            Self::Systolic | Self::Diastolic | Self::Spo2 | Self::HeartRate | Self::UricAcid => 0,
            Self::Cholesterol => 2,
            _ => 1,
        }
    }

    /// What a machine can read, in hundredths: a value outside is a typing slip, not a patient.
    pub fn plausible(self) -> (i64, i64) {
        match self {
            Self::Systolic => (5_000, 26_000),
            Self::Diastolic => (3_000, 16_000),
            Self::Spo2 => (5_000, 10_000),
            Self::HeartRate => (3_000, 22_000),
            Self::Glucose => (100, 3_500),
            Self::Temperature => (3_400, 4_300),
            Self::Weight => (2_000, 25_000),
            Self::Height => (10_000, 23_000),
            Self::Bmi => (1_000, 6_000),
            Self::BodyFat => (300, 7_000),
            Self::UricAcid => (5_000, 100_000),
            Self::Cholesterol => (100, 1_500),
        }
    }

    /// The value as shown: 13500 → "135", 610 → "6.1", 520 → "5.20".
    pub fn show(self, value: i64) -> String {
        match self.decimals() {
            0 => format!("{}", (value + 50) / 100),
            1 => {
                let tenths = (value + 5) / 10;
                format!("{}.{}", tenths / 10, tenths % 10)
            }
            _ => format!("{}.{:02}", value / 100, value % 100),
        }
    }
}

/// "6.1" → 610, "135" → 13500, "5.20" → 520; at most two decimals; full-width digits too.
pub fn hundredths(text: &str) -> Option<i64> {
    let text: String = unicode_normalization::UnicodeNormalization::nfkc(text.trim()).collect();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty()
        || whole.len() > 6
        || fraction.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let fraction = format!("{fraction:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + fraction.parse::<i64>().ok()?)
}

/// BMI in hundredths from weight (kg) and height (cm), both in hundredths.
pub fn bmi(weight: i64, height: i64) -> Option<i64> {
    let square = height.checked_mul(height)?;
    (square > 0).then(|| (weight * 100_000_000 + square / 2) / square)
}

/// The check-up form as typed: the hut, the member (number or ID number), when, and a field per
/// indicator.
#[derive(Debug, Clone, Default)]
pub struct CheckupForm {
    pub station_id: String,
    pub member: String,
    pub taken_at: String,
    pub values: Vec<(Indicator, String)>,
}

impl CheckupForm {
    pub fn read(body: &[u8]) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let mut form = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "station_id" => form.station_id = value,
                "member" => form.member = value,
                "taken_at" => form.taken_at = value,
                code => {
                    if let Some(indicator) = Indicator::parse(code) {
                        form.values.push((indicator, value));
                    }
                }
            }
        }
        form
    }

    pub fn value(&self, indicator: &Indicator) -> &str {
        self.values
            .iter()
            .find(|(i, _)| i == indicator)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The readings, each beside its field when it cannot be read or is not plausible; BMI from
    /// weight and height when not typed. At least one is needed.
    pub fn readings(&self, errors: &mut FieldErrors) -> Vec<(Indicator, i64)> {
        let mut readings = Vec::new();
        for indicator in Indicator::ALL {
            let text = clean_text(self.value(indicator));
            if text.trim().is_empty() {
                continue;
            }
            let (low, high) = indicator.plausible();
            match hundredths(&text) {
                Some(value) if (low..=high).contains(&value) => readings.push((*indicator, value)),
                Some(_) => errors.add(indicator.code(), "checkup.error.implausible"),
                None => errors.add(indicator.code(), "checkup.error.number"),
            }
        }
        let typed =
            |wanted: Indicator| readings.iter().find(|(i, _)| *i == wanted).map(|(_, v)| *v);
        if typed(Indicator::Bmi).is_none()
            && let (Some(weight), Some(height)) =
                (typed(Indicator::Weight), typed(Indicator::Height))
            && let Some(value) = bmi(weight, height)
        {
            readings.push((Indicator::Bmi, value));
        }
        if readings.is_empty() && errors.is_empty() {
            errors.add("readings", "checkup.error.none");
        }
        readings
    }
}

/// Whether `value` lies outside `low`..=`high` (either end open).
pub fn out_of_range(value: i64, (low, high): (Option<i64>, Option<i64>)) -> bool {
    low.is_some_and(|low| value < low) || high.is_some_and(|high| value > high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_exact_hundredths_and_shown_in_their_units() {
        assert_eq!(hundredths("6.1"), Some(610));
        assert_eq!(hundredths("135"), Some(13_500));
        assert_eq!(hundredths("５.２"), Some(520));
        assert_eq!(hundredths("36.55"), Some(3_655));
        for bad in ["", "6.123", "-1", "1e2", "六"] {
            assert_eq!(hundredths(bad), None, "{bad}");
        }
        assert_eq!(Indicator::Systolic.show(13_500), "135");
        assert_eq!(Indicator::Glucose.show(610), "6.1");
        assert_eq!(Indicator::Cholesterol.show(520), "5.20");
        assert_eq!(Indicator::Temperature.show(3_655), "36.6");
        assert_eq!(Indicator::Temperature.show(3_695), "37.0");
    }

    #[test]
    fn bmi_comes_from_weight_and_height() {
        // 70 kg at 175 cm: 22.86.
        assert_eq!(bmi(7_000, 17_500), Some(2_286));
        assert!(out_of_range(14_500, (Some(9_000), Some(13_900))));
        assert!(!out_of_range(13_900, (Some(9_000), Some(13_900))));
        assert!(out_of_range(9_400, (Some(9_500), None)));
        assert!(!out_of_range(1, (None, None)));
    }
}
