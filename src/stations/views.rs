//! The pages of stations: the list, the form (new and edit), a station with its hours, honours
//! and services, and the public finder.

use askama::Template;
use askama_web::WebTemplate;

use super::coverage::{Map, PlaceCover};
use super::finder::{FinderQuery, Nearby, Place};
use super::mobile::model::{Route, RouteForm};
use super::model::{Facility, HOURS_FIELDS, Kind, Service, StationForm, Status};
use super::places::{PlaceForm, PlaceKind, PlaceRow};
use super::queries::{Station, StationRow};
use crate::geo::{self, Point};
use crate::orgs::queries::OrgChoice;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::Pager;

/// The list's filters as the query string carries them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub facility: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub district: Option<i64>,
    #[serde(default)]
    pub honour: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub q: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
}

impl ListQuery {
    pub fn to_query(&self) -> String {
        let district = self.district.map(|d| d.to_string()).unwrap_or_default();
        let mut pairs = vec![
            ("kind", self.kind.as_str()),
            ("facility", self.facility.as_str()),
            ("district", district.as_str()),
            ("honour", self.honour.as_str()),
            ("status", self.status.as_str()),
            ("q", self.q.as_str()),
        ];
        pairs.retain(|(_, value)| !value.is_empty());
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stations/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub stations: Vec<StationRow>,
    pub total: i64,
    pub pager: Pager,
    pub districts: Vec<(i64, String)>,
    pub honours: Vec<String>,
    pub can_record: bool,
}

impl IndexTemplate {
    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    pub fn facilities(&self) -> &'static [Facility] {
        Facility::ALL
    }

    pub fn picked_district(&self, id: &i64) -> bool {
        self.query.district == Some(*id)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stations/form.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    /// The station being edited: id and name.
    pub editing: Option<(i64, String)>,
    pub form: StationForm,
    pub errors: FieldErrors,
    pub organisations: Vec<OrgChoice>,
    pub districts: Vec<(i64, String)>,
}

impl FormTemplate {
    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    pub fn facilities(&self) -> &'static [Facility] {
        Facility::ALL
    }

    /// Monday to Sunday: the field's name, its catalogue key and what was typed.
    pub fn days(&self) -> Vec<(&'static str, String, &str)> {
        HOURS_FIELDS
            .iter()
            .enumerate()
            .map(|(n, field)| {
                (
                    *field,
                    format!("weekday.{}", n + 1),
                    self.form.hours[n].as_str(),
                )
            })
            .collect()
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some((id, _)) => format!("/stations/{id}"),
            None => "/stations".into(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stations/show.html")]
pub struct StationTemplate {
    pub ctx: Ctx,
    pub station: Station,
    /// A mobile station's routes.
    pub routes: Vec<Route>,
    /// By kind: this year's count and all time.
    pub services: Vec<(Service, i64, i64)>,
    pub today: String,
    pub can_record: bool,
    /// Problems of the services form, with what was typed.
    pub errors: FieldErrors,
    pub typed: Vec<(String, String)>,
}

impl StationTemplate {
    pub fn service_kinds(&self) -> &'static [Service] {
        Service::ALL
    }

    pub fn is_open(&self) -> bool {
        self.station.status == Status::Open
    }

    /// Monday to Sunday: the day's catalogue key and its hours ("" when closed).
    pub fn week(&self) -> Vec<(String, String)> {
        self.station
            .hours
            .iter()
            .enumerate()
            .map(|(n, hours)| {
                (
                    format!("weekday.{}", n + 1),
                    hours.map(|h| h.text()).unwrap_or_default(),
                )
            })
            .collect()
    }

    /// What was typed in a field of the services form, or its default.
    pub fn typed(&self, name: &str) -> String {
        let default = if name == "day" {
            self.today.as_str()
        } else {
            ""
        };
        super::model::typed_or(&self.typed, name, default)
    }

    pub fn this_year_total(&self) -> i64 {
        self.services.iter().map(|(_, year, _)| year).sum()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stations/finder.html")]
pub struct FinderTemplate {
    pub ctx: Ctx,
    pub districts: Vec<(i64, String)>,
    pub district: Option<i64>,
    pub places: Vec<Place>,
    /// The district has more places than the list shows (or than match the name typed).
    pub more_places: bool,
    pub from_place: Option<Place>,
    pub point: Option<Point>,
    /// `None` until a starting point is given.
    pub stations: Option<Vec<Nearby>>,
    pub problem: Option<&'static str>,
    pub query: FinderQuery,
    pub asked_for: &'static [Facility],
}

impl FinderTemplate {
    pub fn picked_district(&self, id: &i64) -> bool {
        self.district == Some(*id)
    }

    /// The ticked facilities as query pairs, to carry into the place links.
    pub fn needs_query(&self) -> String {
        self.query
            .needs
            .iter()
            .map(|f| format!("&need={}", f.code()))
            .collect()
    }

    pub fn rule_pairs(&self) -> [(&'static str, String); 4] {
        [
            ("minutes", geo::WALK_MINUTES.to_string()),
            ("pace", geo::METRES_PER_MINUTE.to_string()),
            (
                "detour",
                format!("{:.2}", geo::DETOUR_PERCENT as f64 / 100.0),
            ),
            ("metres", geo::CIRCLE_METRES.to_string()),
        ]
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stations/places.html")]
pub struct PlacesTemplate {
    pub ctx: Ctx,
    pub districts: Vec<(i64, String)>,
    pub district: Option<i64>,
    pub places: Vec<PlaceRow>,
    pub form: PlaceForm,
    pub errors: FieldErrors,
    pub can_keep: bool,
}

impl PlacesTemplate {
    pub fn picked_district(&self, id: &i64) -> bool {
        self.district == Some(*id)
    }

    pub fn kinds(&self) -> &'static [PlaceKind] {
        PlaceKind::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stations/coverage.html")]
pub struct CoverageTemplate {
    pub ctx: Ctx,
    /// Every district: id, name, places, open stations.
    pub districts: Vec<(i64, String, i64, i64)>,
    /// The district reported on: id and name.
    pub district: Option<(i64, String)>,
    pub places: Vec<PlaceCover>,
    pub map: Map,
}

impl CoverageTemplate {
    pub fn covered(&self) -> usize {
        self.places.iter().filter(|p| p.is_covered()).count()
    }

    /// The share covered, "83.3%".
    pub fn share(&self) -> String {
        if self.places.is_empty() {
            return "—".into();
        }
        let tenths = (self.covered() * 1000 + self.places.len() / 2) / self.places.len();
        format!("{}.{}%", tenths / 10, tenths % 10)
    }

    pub fn gaps(&self) -> Vec<&PlaceCover> {
        self.places.iter().filter(|p| !p.is_covered()).collect()
    }

    /// By kind of place: the kind, places and covered.
    pub fn by_kind(&self) -> Vec<(&'static str, usize, usize)> {
        PlaceKind::ALL
            .iter()
            .map(|kind| {
                let of_kind = self.places.iter().filter(|p| p.kind == kind.code());
                let (all, covered) = of_kind.fold((0, 0), |(all, covered), p| {
                    (all + 1, covered + usize::from(p.is_covered()))
                });
                (kind.code(), all, covered)
            })
            .filter(|(_, all, _)| *all > 0)
            .collect()
    }

    pub fn circle_metres(&self) -> i64 {
        geo::CIRCLE_METRES
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stations/route_form.html")]
pub struct RouteFormTemplate {
    pub ctx: Ctx,
    pub station: Station,
    pub form: RouteForm,
    pub errors: FieldErrors,
    /// Stop lines whose place the list does not know, or knows twice.
    pub unknown: Vec<String>,
}

impl RouteFormTemplate {
    pub fn weekdays(&self) -> [i16; 7] {
        [1, 2, 3, 4, 5, 6, 7]
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stations/route.html")]
pub struct RouteTemplate {
    pub ctx: Ctx,
    pub station: Station,
    pub route: Route,
    /// The last visits: day, place, services given there.
    pub visits: Vec<(time::Date, i64, i64)>,
    pub today: String,
    pub can_record: bool,
    pub errors: FieldErrors,
    pub typed: Vec<(String, String)>,
    pub services: &'static [Service],
}

impl RouteTemplate {
    /// What was typed in a field of the visit form, or its default.
    pub fn typed(&self, name: &str) -> String {
        let default = if name == "day" {
            self.today.as_str()
        } else {
            ""
        };
        super::model::typed_or(&self.typed, name, default)
    }

    pub fn field(&self, position: &i16, service: &Service) -> String {
        format!("{position}-{}", service.code())
    }

    /// The days of the last visits, newest first, each with its count at every stop (in order).
    pub fn visit_rows(&self) -> Vec<(time::Date, Vec<i64>)> {
        let mut days: Vec<time::Date> = self.visits.iter().map(|(day, _, _)| *day).collect();
        days.dedup();
        days.into_iter()
            .map(|day| {
                let counts = self
                    .route
                    .stops
                    .iter()
                    .map(|stop| {
                        self.visits
                            .iter()
                            .filter(|(d, place, _)| *d == day && *place == stop.place_id)
                            .map(|(_, _, n)| n)
                            .sum()
                    })
                    .collect();
                (day, counts)
            })
            .collect()
    }
}

/// "星期一、星期三" from ISO weekdays, as catalogue keys.
pub fn weekday_keys(days: &[i16]) -> Vec<String> {
    days.iter().map(|d| format!("weekday.{d}")).collect()
}
