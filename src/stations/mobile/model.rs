//! A mobile station's routes as the pages hold them, and the route form, checked as an office
//! types a timetable: one stop a line, "08:00-10:00 大连火车站" (or the place first).

use crate::stations::model::Hours;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;

#[derive(Debug, Clone)]
pub struct Stop {
    pub position: i16,
    pub place_id: i64,
    pub place_name: String,
    pub hours: Hours,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub id: i64,
    pub name: String,
    pub weekdays: Vec<i16>,
    pub stops: Vec<Stop>,
}

/// The route form as typed: `weekday` repeats, one per ticked day.
#[derive(Debug, Clone, Default)]
pub struct RouteForm {
    pub name: String,
    pub weekdays: Vec<String>,
    pub stops: String,
}

impl RouteForm {
    pub fn read(body: &[u8]) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let mut form = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "name" => form.name = value,
                "stops" => form.stops = value,
                "weekday" => form.weekdays.push(value),
                _ => {}
            }
        }
        form
    }

    pub fn runs_on(&self, day: &i16) -> bool {
        self.weekdays.iter().any(|d| d.trim() == day.to_string())
    }

    /// The stop lines: hours and the place's name, either way round.
    fn lines(&self) -> Vec<(Result<Option<Hours>, &'static str>, String)> {
        clean_text(&self.stops)
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| {
                let (first, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                match Hours::parse(first) {
                    Ok(hours) => (Ok(hours), rest.trim().to_string()),
                    Err(_) => {
                        let (name, last) =
                            line.rsplit_once(char::is_whitespace).unwrap_or(("", line));
                        (Hours::parse(last), name.trim().to_string())
                    }
                }
            })
            .collect()
    }
}

/// Checks the form and finds each stop's place by its name; the problems beside their fields,
/// with the lines the place list does not know (or knows twice) named.
pub async fn check(
    db: &sqlx::PgPool,
    form: &RouteForm,
    errors: &mut FieldErrors,
    unknown: &mut Vec<String>,
) -> sqlx::Result<Option<(String, Vec<i16>, Vec<(i64, Hours)>)>> {
    let name = clean_text(&form.name).trim().to_string();
    if !(1..=40).contains(&name.chars().count()) {
        errors.add("name", "route.error.name");
    }
    let mut weekdays: Vec<i16> = (1..=7).filter(|d| form.runs_on(d)).collect();
    weekdays.dedup();
    if weekdays.is_empty() {
        errors.add("weekdays", "route.error.weekdays");
    }
    let lines = form.lines();
    let names: Vec<String> = lines.iter().map(|(_, name)| name.clone()).collect();
    let found = sqlx::query!(
        "select name, min(id) as id, count(*) as places from places where name = any($1) group by name",
        &names
    )
    .fetch_all(db)
    .await?;
    let mut stops = Vec::new();
    let mut last_leaves = -1;
    for (hours, name) in &lines {
        let place = found.iter().find(|f| &f.name == name);
        match place {
            Some(f) if f.places == Some(1) => {}
            _ => unknown.push(name.clone()),
        }
        match hours {
            Ok(Some(hours)) if hours.opens >= last_leaves => {
                last_leaves = hours.closes;
                if let Some(id) = place.and_then(|f| f.id) {
                    stops.push((id, *hours));
                }
            }
            Ok(Some(_)) => errors.add("stops", "route.error.order"),
            _ => errors.add("stops", "route.error.hours"),
        }
    }
    if !unknown.is_empty() {
        errors.add("stops", "route.error.places");
    }
    if lines.is_empty() || lines.len() > 30 {
        errors.add("stops", "route.error.count");
    }
    Ok(errors.is_empty().then_some((name, weekdays, stops)))
}
