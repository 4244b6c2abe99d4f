//! Form errors shown beside their fields, as catalogue keys translated when the page renders.

use std::collections::BTreeMap;

use super::i18n::Locale;

/// A unique constraint of the schema, and the field and message a form shows when it refuses a row.
pub struct Unique {
    pub constraint: &'static str,
    pub field: &'static str,
    pub key: &'static str,
}

#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    errors: BTreeMap<&'static str, &'static str>,
    /// Values the user may pick for a field whose text matched several (`{field}_choice` radios).
    choices: BTreeMap<&'static str, Vec<Choice>>,
    /// Values for the `{name}` placeholders of a field's message (a date, a line number).
    filled: BTreeMap<&'static str, Vec<(&'static str, String)>>,
    locale: Locale,
}

/// One value offered beside a field, and how it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl FieldErrors {
    pub fn new(locale: Locale) -> Self {
        Self {
            errors: BTreeMap::new(),
            choices: BTreeMap::new(),
            filled: BTreeMap::new(),
            locale,
        }
    }

    /// Records that `field` matched several values, and offers them beside it to pick from.
    pub fn offer(&mut self, field: &'static str, key: &'static str, choices: Vec<Choice>) {
        self.add(field, key);
        self.choices.insert(field, choices);
    }

    /// The values offered beside `field` (none unless its text matched several).
    pub fn choices(&self, field: &str) -> &[Choice] {
        self.choices.get(field).map_or(&[], Vec::as_slice)
    }

    /// Records `key` (a catalogue key) as the problem with `field`; the first problem wins.
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.errors.entry(field).or_insert(key);
    }

    /// Records `key` as the problem with `field`, its `{name}` placeholders filled from `args`
    /// ("already reached on {date}").
    pub fn add_filled<const N: usize>(
        &mut self,
        field: &'static str,
        key: &'static str,
        args: [(&'static str, String); N],
    ) {
        if !self.errors.contains_key(field) {
            self.errors.insert(field, key);
            self.filled.insert(field, args.into());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The translated message for `field`, if it has a problem.
    pub fn get(&self, field: &str) -> Option<String> {
        let mut text = self.locale.t(self.errors.get(field)?).to_string();
        for (name, value) in self.filled.get(field).into_iter().flatten() {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        Some(text)
    }

    /// The catalogue key of `field`'s problem (for messages built elsewhere, e.g. import previews).
    pub fn key(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field).copied()
    }

    /// An optional date of a filter: blank is none; what cannot be read as a date is named beside
    /// `field` rather than silently ignored (a filter that quietly drops a date shows too much).
    pub fn optional_date(&mut self, field: &'static str, text: &str) -> Option<time::Date> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = crate::web::dates::parse_date(text);
        if parsed.is_none() {
            self.add(field, "filter.error.date");
        }
        parsed
    }

    /// The value of a check that passed, or `None` with its problem (a catalogue key) beside `field`.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, &'static str>) -> Option<T> {
        result.map_err(|key| self.add(field, key)).ok()
    }

    /// A free text as typed, cleaned of control characters and trimmed; more than `max`
    /// characters is named beside `field` (and the text kept, so nothing typed is lost).
    pub fn text(&mut self, field: &'static str, text: &str, max: usize) -> String {
        let text = crate::web::input::clean_text(text).trim().to_string();
        if text.chars().count() > max {
            self.add(field, "application.error.long");
        }
        text
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    /// Turns a unique-constraint violation into a problem beside a field, in one place: `Ok(None)`
    /// when `unique`'s constraint refused the row (two clerks saving the same thing at once: the
    /// database decides), with its message added beside its field; any other error is passed on.
    pub fn on_constraint<T>(
        &mut self,
        result: sqlx::Result<T>,
        unique: &Unique,
    ) -> sqlx::Result<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(error)
                if error
                    .as_database_error()
                    .is_some_and(|e| e.constraint() == Some(unique.constraint)) =>
            {
                self.add(unique.field, unique.key);
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }
}

/// The rows ticked in a list for a batch step: a form whose `id` field repeats, one per ticked
/// box, and its other fields (a reason, a note). At most [`Ticked::MAX`] ids are taken.
#[derive(Debug, Default)]
pub struct Ticked {
    pub ids: Vec<i64>,
    fields: Vec<(String, String)>,
}

impl Ticked {
    pub const MAX: usize = 500;

    /// `None` when no row is ticked.
    pub fn read(body: &[u8]) -> Option<Self> {
        let ticked = Self::read_all(body);
        (!ticked.ids.is_empty()).then_some(ticked)
    }

    /// The ticked ids, perhaps none, and the other fields (for a form that must come back).
    pub fn read_all(body: &[u8]) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let mut ticked = Ticked::default();
        for (name, value) in pairs {
            if name == "id" {
                ticked.ids.extend(value.parse::<i64>().ok());
            } else {
                ticked.fields.push((name, value));
            }
        }
        ticked.ids.sort_unstable();
        ticked.ids.dedup();
        ticked.ids.truncate(Self::MAX);
        ticked
    }

    /// The value of the form's field `name`, empty when absent.
    pub fn text(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// Reads an optional number of a query string or form: blank (an "any" option of a select) is
/// none, and so is text that is no number (only a hand-made URL sends it).
pub fn blank_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
{
    let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    Ok(text.and_then(|text| text.trim().parse().ok()))
}
