//! A recorded change as a person reads it: codes as the words of the user's language, organisations
//! by name instead of by code or number, the author by the name the account shows.

use std::collections::HashMap;

use sqlx::PgPool;

use super::queries::{AuditEntry, FieldChange};
use crate::web::i18n::Locale;

/// The catalogue prefix of a field whose recorded value is a code (`delivery_rider`, `lapsed`).
fn value_catalogue(entity: &str, field: &str) -> Option<&'static str> {
    Some(match (entity, field) {
        (_, "occupation") => "member.occupation.",
        (_, "skill_level") => "member.skill.",
        (_, "join_channel" | "channel") => "member.channel.",
        (_, "gender") => "member.gender.",
        (_, "kind") => "org.kind.",
        (_, "roles") => "role.",
        ("member", "status") => "member.status.",
        ("organisation", "status") => "org.status.",
        ("join_request", "status") => "join.state.",
        ("application", "status") => "application.status.",
        _ => return None,
    })
}

/// Fields that hold an organisation by its code, and by its id.
const ORGANISATION_CODES: [&str; 3] = ["organisation", "parent_code", "organisation_code"];
const ORGANISATION_IDS: [&str; 3] = ["parent_id", "organisation_id", "to_organisation_id"];

impl AuditEntry {
    /// Who made the change: the account's display name, "system setup" for the demo's own records.
    pub fn actor_label(&self, locale: Locale) -> String {
        match (&self.actor_display, self.actor_name.as_str()) {
            (Some(display), _) => display.clone(),
            (None, "seed") => locale.t("audit.actor.seed").to_string(),
            (None, "online") => locale.t("audit.actor.online").to_string(),
            (None, name) => name.to_string(),
        }
    }

    /// The page of the changed record, for the kinds of record that have one.
    pub fn record_link(&self) -> Option<String> {
        let path = match self.entity.as_str() {
            "member" => "/members/",
            "organisation" => "/orgs/",
            "user" => "/users/",
            "application" => "/applications/",
            "fund" => "/funds/",
            "employer" => "/employers/",
            "dispute_case" => "/disputes/",
            _ => return None,
        };
        self.entity_id
            .parse::<i64>()
            .ok()
            .map(|id| format!("{path}{id}"))
    }

    /// The changed record's name as the change recorded it, if it did.
    pub fn record_name(&self) -> Option<&str> {
        [&self.after, &self.before]
            .into_iter()
            .flatten()
            .find_map(|value| value.get("name").or_else(|| value.get("display_name")))
            .and_then(|name| name.as_str())
    }

    /// The changed fields with codes in words; fields whose words did not change are left out.
    pub fn changes_in(&self, locale: Locale) -> Vec<FieldChange> {
        let words = |field: &str, text: Option<String>| {
            let prefix = value_catalogue(&self.entity, field);
            text.map(|text| match prefix {
                Some(prefix) => text
                    .split('、')
                    .map(|code| {
                        let key = format!("{prefix}{code}");
                        let word = locale.t_dyn(&key);
                        if word == key { code.to_string() } else { word }
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
                None => text,
            })
        };
        self.changes()
            .into_iter()
            .map(|change| FieldChange {
                before: words(&change.field, change.before),
                after: words(&change.field, change.after),
                ..change
            })
            .filter(|change| change.before != change.after)
            .collect()
    }
}

/// An organisation named in a recorded value, as `name_organisations` leaves it: its name to show
/// and its id to link.
fn organisation_ref(id: i64, name: &str) -> serde_json::Value {
    serde_json::json!({ "organisation_id": id, "name": name })
}

pub(super) fn organisation_name(value: &serde_json::Value) -> Option<&str> {
    value.get("organisation_id")?;
    value.get("name")?.as_str()
}

pub(super) fn organisation_href(value: &serde_json::Value) -> Option<String> {
    organisation_name(value)?;
    Some(format!("/orgs/{}", value.get("organisation_id")?.as_i64()?))
}

/// Puts organisations' names (with their ids, for a link) where the entries recorded their codes
/// or ids.
pub async fn name_organisations(db: &PgPool, entries: &mut [AuditEntry]) -> sqlx::Result<()> {
    let mut codes = Vec::new();
    let mut ids = Vec::new();
    for value in entries.iter().flat_map(|e| [&e.before, &e.after]).flatten() {
        let Some(object) = value.as_object() else {
            continue;
        };
        for (field, value) in object {
            if ORGANISATION_CODES.contains(&field.as_str()) {
                codes.extend(value.as_str().map(str::to_uppercase));
            } else if ORGANISATION_IDS.contains(&field.as_str()) {
                ids.extend(value.as_i64());
            }
        }
    }
    if codes.is_empty() && ids.is_empty() {
        return Ok(());
    }
    let rows = sqlx::query!(
        "select id, code, name from organisations where id = any($1) or code = any($2)",
        &ids,
        &codes
    )
    .fetch_all(db)
    .await?;
    let by_code: HashMap<String, serde_json::Value> = rows
        .iter()
        .map(|row| (row.code.clone(), organisation_ref(row.id, &row.name)))
        .collect();
    let by_id: HashMap<i64, serde_json::Value> = rows
        .iter()
        .map(|row| (row.id, organisation_ref(row.id, &row.name)))
        .collect();
    for value in entries
        .iter_mut()
        .flat_map(|e| [&mut e.before, &mut e.after])
        .flatten()
    {
        let Some(object) = value.as_object_mut() else {
            continue;
        };
        for (field, value) in object.iter_mut() {
            let name = if ORGANISATION_CODES.contains(&field.as_str()) {
                value
                    .as_str()
                    .and_then(|code| by_code.get(&code.to_uppercase()))
            } else if ORGANISATION_IDS.contains(&field.as_str()) {
                value.as_i64().and_then(|id| by_id.get(&id))
            } else {
                None
            };
            if let Some(named) = name {
                *value = named.clone();
            }
        }
    }
    Ok(())
}
