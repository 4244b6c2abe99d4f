//! Rendered pieces of pages whose data can no longer change (an event's results, frozen when the
//! competition publishes them), kept in memory so that a page many read at once renders them once.
//! Every instance keeps its own; as the data is frozen they all agree. Bounded: when full, it
//! starts again empty.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Fragments {
    kept: Mutex<HashMap<String, Arc<str>>>,
}

impl Fragments {
    /// Fragments kept at most (a 400-line results table is about 100 KB).
    const MOST: usize = 256;

    pub fn get(&self, key: &str) -> Option<Arc<str>> {
        self.kept.lock().ok()?.get(key).cloned()
    }

    /// Keeps `html` under `key` and hands it back.
    pub fn keep(&self, key: String, html: String) -> Arc<str> {
        let html: Arc<str> = html.into();
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= Self::MOST {
                kept.clear();
            }
            kept.insert(key, html.clone());
        }
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_fragment_is_found_and_a_full_store_starts_again() {
        let fragments = Fragments::default();
        assert!(fragments.get("a").is_none());
        fragments.keep("a".into(), "<p>1</p>".into());
        assert_eq!(fragments.get("a").as_deref(), Some("<p>1</p>"));
        for n in 0..Fragments::MOST {
            fragments.keep(n.to_string(), String::new());
        }
        assert!(fragments.get("a").is_none(), "emptied when full");
    }
}
