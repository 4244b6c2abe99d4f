//! A station's kinds, facilities and services, its opening hours, and its form, checked as a
//! union office types them: coordinates pasted from a map app either way round, hours as
//! "8:00-20:00", "8点到20点" or "全天", honours one a line as "2023 全国最美工会驿站".

use crate::geo::Point;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;

crate::states! {
    pub enum Kind {
        Station = "station",
        SmartStation = "smart_station",
        HealthHut = "health_hut",
        HealthCorner = "health_corner",
        WarmHome = "warm_home",
        /// A vehicle that serves along its routes (流动驿站).
        Mobile = "mobile",
    }
}

crate::states! {
    pub enum Facility {
        RestSeats = "rest_seats",
        DrinkingWater = "drinking_water",
        Microwave = "microwave",
        Charging = "charging",
        Toilet = "toilet",
        NursingRoom = "nursing_room",
        Library = "library",
        CounsellingRoom = "counselling_room",
        Aed = "aed",
        CheckupMachine = "checkup_machine",
        Oxygen = "oxygen",
        Wifi = "wifi",
        FirstAid = "first_aid",
    }
}

crate::states! {
    /// What a station gives, counted one by one or as a day's count.
    pub enum Service {
        Rest = "rest",
        Water = "water",
        Charging = "charging",
        Meal = "meal",
        HealthCheck = "health_check",
        LegalAdvice = "legal_advice",
        Joining = "joining",
        Training = "training",
        Other = "other",
    }
}

crate::states! {
    pub enum Status {
        Open = "open",
        Closed = "closed",
    }
}

/// Opening hours of one day, minutes after midnight; closing at 1440 is midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub opens: i16,
    pub closes: i16,
}

impl Hours {
    pub const ALL_DAY: Self = Self {
        opens: 0,
        closes: 1440,
    };

    /// "8:00-20:00", "08:00～20:00", "8点至20点", "全天" or "24小时"; `None` for a blank day
    /// (closed) comes back as `Ok(None)`.
    pub fn parse(text: &str) -> Result<Option<Self>, &'static str> {
        let text = clean_text(text).trim().to_string();
        if text.is_empty() || matches!(text.as_str(), "休息" | "关闭" | "closed" | "Closed") {
            return Ok(None);
        }
        if matches!(
            text.as_str(),
            "全天" | "24小时" | "24h" | "24H" | "全天开放"
        ) {
            return Ok(Some(Self::ALL_DAY));
        }
        let normalised = text.replace(['－', '—', '–', '～', '~', '至', '到'], "-");
        let (from, to) = normalised
            .split_once('-')
            .ok_or("station.error.hours_format")?;
        let (opens, closes) = (
            clock(from).ok_or("station.error.hours_format")?,
            clock(to).ok_or("station.error.hours_format")?,
        );
        if opens >= closes || opens >= 1440 {
            return Err("station.error.hours_order");
        }
        Ok(Some(Self { opens, closes }))
    }

    pub fn text(self) -> String {
        if self == Self::ALL_DAY {
            return "00:00-24:00".into();
        }
        format!("{}-{}", hhmm(self.opens), hhmm(self.closes))
    }
}

/// "8:00", "08:30", "8点", "8点30", "20:00" → minutes after midnight (24:00 is 1440).
fn clock(text: &str) -> Option<i16> {
    let text = text
        .trim()
        .replace('：', ":")
        .replace("点半", ":30")
        .replace('点', ":");
    let text = text.trim_end_matches(['分', ':']);
    let (hours, minutes) = text.split_once(':').unwrap_or((text, "0"));
    let hours: i16 = hours.trim().parse().ok()?;
    let minutes: i16 = if minutes.trim().is_empty() {
        0
    } else {
        minutes.trim().parse().ok()?
    };
    let total = hours.checked_mul(60)? + minutes;
    ((0..=23).contains(&hours) && (0..60).contains(&minutes) || total == 1440).then_some(total)
}

fn hhmm(minutes: i16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The station form as typed; `facility` repeats, one per ticked box; `hours_1` … `hours_7` are
/// Monday to Sunday.
#[derive(Debug, Clone, Default)]
pub struct StationForm {
    /// The organisation's code, picked from those of the user's subtree.
    pub organisation: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub district_id: String,
    pub address: String,
    pub coordinates: String,
    pub facilities: Vec<String>,
    pub hours: [String; 7],
    pub honours: String,
    pub keeper_name: String,
    pub keeper_phone: String,
}

/// A station ready to store.
#[derive(Debug, Clone)]
pub struct ValidStation {
    pub organisation_id: i64,
    pub code: String,
    pub name: String,
    pub kind: Kind,
    pub district_id: i64,
    pub address: String,
    pub point: Point,
    pub facilities: Vec<Facility>,
    /// Monday first; `None` is closed that day.
    pub hours: [Option<Hours>; 7],
    pub honours: Vec<(i32, String)>,
    pub keeper_name: String,
    pub keeper_phone: String,
}

impl StationForm {
    pub fn read(body: &[u8]) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let mut form = Self::default();
        for (name, value) in pairs {
            let field = match name.as_str() {
                "organisation" => &mut form.organisation,
                "code" => &mut form.code,
                "name" => &mut form.name,
                "kind" => &mut form.kind,
                "district_id" => &mut form.district_id,
                "address" => &mut form.address,
                "coordinates" => &mut form.coordinates,
                "honours" => &mut form.honours,
                "keeper_name" => &mut form.keeper_name,
                "keeper_phone" => &mut form.keeper_phone,
                "facility" => {
                    form.facilities.push(value);
                    continue;
                }
                day => match day
                    .strip_prefix("hours_")
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    Some(n @ 1..=7) => &mut form.hours[n - 1],
                    _ => continue,
                },
            };
            *field = value;
        }
        form
    }

    pub fn has_facility(&self, facility: &Facility) -> bool {
        self.facilities.iter().any(|f| f == facility.code())
    }

    /// Checks the fields. The caller has looked up the organisation (in the user's subtree) and
    /// the district: `None` when there is none such.
    pub fn check(
        &self,
        errors: &mut FieldErrors,
        organisation_id: Option<i64>,
        district_id: Option<i64>,
    ) -> Option<ValidStation> {
        let code = clean_text(&self.code).trim().to_uppercase();
        let code_ok = (2..=30).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !code.starts_with('-');
        if !code_ok {
            errors.add("code", "station.error.code");
        }
        let name = clean_text(&self.name).trim().to_string();
        if !(1..=60).contains(&name.chars().count()) {
            errors.add("name", "station.error.name");
        }
        let kind = Kind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", "station.error.kind");
        }
        if organisation_id.is_none() {
            errors.add("organisation", "station.error.organisation");
        }
        if district_id.is_none() {
            errors.add("district_id", "station.error.district");
        }
        let address = clean_text(&self.address).trim().to_string();
        if address.chars().count() > 120 {
            errors.add("address", "station.error.address");
        }
        let point = Point::parse(&clean_text(&self.coordinates));
        if point.is_none() {
            errors.add("coordinates", "station.error.coordinates");
        }
        let facilities: Vec<Facility> = Facility::ALL
            .iter()
            .copied()
            .filter(|f| self.has_facility(f))
            .collect();
        let mut hours = [None; 7];
        for (day, text) in self.hours.iter().enumerate() {
            match Hours::parse(text) {
                Ok(day_hours) => hours[day] = day_hours,
                Err(key) => errors.add(HOURS_FIELDS[day], key),
            }
        }
        let honours = read_honours(&self.honours);
        if honours.is_none() {
            errors.add("honours", "station.error.honours");
        }
        let keeper_name = clean_text(&self.keeper_name).trim().to_string();
        if keeper_name.chars().count() > 30 {
            errors.add("keeper_name", "station.error.keeper_name");
        }
        let keeper_phone = clean_text(&self.keeper_phone).trim().to_string();
        let phone_ok = keeper_phone.is_empty()
            || ((5..=20).contains(&keeper_phone.len())
                && keeper_phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-' || c == ' '));
        if !phone_ok {
            errors.add("keeper_phone", "station.error.keeper_phone");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(ValidStation {
            organisation_id: organisation_id?,
            code,
            name,
            kind: kind?,
            district_id: district_id?,
            address,
            point: point?,
            facilities,
            hours,
            honours: honours?,
            keeper_name,
            keeper_phone,
        })
    }
}

/// The day of a services form: a date, not in the future; its problem beside the `day` field.
pub fn service_day(errors: &mut FieldErrors, text: &str, today: time::Date) -> Option<time::Date> {
    let day = crate::web::dates::parse_date(text);
    match day {
        None => errors.add("day", "filter.error.date"),
        Some(day) if day > today => errors.add("day", "dispute.error.future"),
        Some(_) => {}
    }
    day.filter(|day| *day <= today)
}

/// A count of a services form: `Ok(None)` for blank or nought, a whole number up to 100,000, or
/// the problem's catalogue key.
pub fn service_count(text: &str) -> Result<Option<i32>, &'static str> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match crate::web::input::parse_count(text, 100_000).and_then(|n| i32::try_from(n).ok()) {
        Some(0) => Ok(None),
        Some(n) => Ok(Some(n)),
        None => Err("station.error.count"),
    }
}

/// What was typed in a field of a form shown again (`typed` as posted), else `default`.
pub fn typed_or(typed: &[(String, String)], name: &str, default: &str) -> String {
    typed
        .iter()
        .find(|(field, _)| field == name)
        .map_or_else(|| default.to_string(), |(_, value)| value.clone())
}

pub const HOURS_FIELDS: [&str; 7] = [
    "hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6", "hours_7",
];

/// Honours one a line, the year first: "2023 全国最美工会驿站" or "2023年：…". `None` when a line
/// has no year or no title.
fn read_honours(text: &str) -> Option<Vec<(i32, String)>> {
    let mut honours = Vec::new();
    for line in clean_text(text).lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let digits: String = line.chars().take_while(char::is_ascii_digit).collect();
        let year: i32 = digits.parse().ok().filter(|y| (1950..=2100).contains(y))?;
        let title = line[digits.len()..]
            .trim_start_matches(['年', ' ', '：', ':', '，', ',', '　'])
            .trim()
            .to_string();
        if !(1..=60).contains(&title.chars().count()) {
            return None;
        }
        if !honours.contains(&(year, title.clone())) {
            honours.push((year, title));
        }
    }
    Some(honours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_read_as_offices_write_them() {
        let day = Hours {
            opens: 480,
            closes: 1200,
        };
        for text in [
            "8:00-20:00",
            "08:00～20:00",
            "8点至20点",
            "8：00—20：00",
            " 8:00 - 20:00 ",
        ] {
            assert_eq!(Hours::parse(text), Ok(Some(day)), "{text}");
        }
        assert_eq!(
            Hours::parse("7点半-21点"),
            Ok(Some(Hours {
                opens: 450,
                closes: 1260
            }))
        );
        assert_eq!(Hours::parse("全天"), Ok(Some(Hours::ALL_DAY)));
        assert_eq!(Hours::parse("0:00-24:00"), Ok(Some(Hours::ALL_DAY)));
        assert_eq!(Hours::parse(""), Ok(None));
        assert_eq!(Hours::parse("20:00-8:00"), Err("station.error.hours_order"));
        assert_eq!(Hours::parse("早上八点"), Err("station.error.hours_format"));
        assert_eq!(Hours::parse("8:75-9:00"), Err("station.error.hours_format"));
        assert_eq!(day.text(), "08:00-20:00");
    }

    #[test]
    fn honours_are_one_a_line_with_their_year() {
        assert_eq!(
            read_honours("2023 全国最美工会驿站\n\n2021年：市级示范驿站\n2023 全国最美工会驿站"),
            Some(vec![
                (2023, "全国最美工会驿站".to_string()),
                (2021, "市级示范驿站".to_string())
            ])
        );
        assert_eq!(read_honours("全国最美工会驿站"), None);
        assert_eq!(read_honours("2023"), None);
        assert_eq!(read_honours(""), Some(vec![]));
    }
}
