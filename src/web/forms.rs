//! Form errors shown beside their fields, as catalogue keys translated when the page renders.

use std::collections::BTreeMap;

use super::i18n::Locale;

#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    errors: BTreeMap<&'static str, &'static str>,
    locale: Locale,
}

impl FieldErrors {
    pub fn new(locale: Locale) -> Self {
        Self {
            errors: BTreeMap::new(),
            locale,
        }
    }

    /// Records `key` (a catalogue key) as the problem with `field`; the first problem wins.
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.errors.entry(field).or_insert(key);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The translated message for `field`, if it has a problem.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field).map(|key| self.locale.t(key))
    }

    /// The catalogue key of `field`'s problem (for messages built elsewhere, e.g. import previews).
    pub fn key(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field).copied()
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}
