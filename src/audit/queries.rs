//! SQL of the audit trail.

use sqlx::PgExecutor;

use crate::access::Scope;

use super::model::mask_sensitive;
use crate::access::Actor;

/// One change to record. `before`/`after` are masked here, so no caller can forget to.
pub struct Change<'a> {
    pub entity: &'a str,
    pub entity_id: String,
    pub action: &'a str,
    pub organisation_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Writes one audit record; call it with the transaction that makes the change.
pub async fn record(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    change: Change<'_>,
) -> sqlx::Result<()> {
    let masked = |value: Option<serde_json::Value>| {
        value.map(|mut value| {
            mask_sensitive(&mut value);
            value
        })
    };
    sqlx::query!(
        r#"insert into audit_log
             (actor_id, actor_name, ip, organisation_id, entity, entity_id, action, before, after)
           values ($1, $2, $3::text::inet, $4, $5, $6, $7, $8, $9)"#,
        actor.user_id,
        actor.name,
        actor.ip,
        change.organisation_id,
        change.entity,
        change.entity_id,
        change.action,
        masked(change.before),
        masked(change.after),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// One record as the trail pages show it.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub id: i64,
    pub occurred_at: time::OffsetDateTime,
    pub actor_name: String,
    /// The author's account's display name (none for the system and for workers joining online).
    pub actor_display: Option<String>,
    pub ip: Option<String>,
    pub organisation_name: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// One field of a change, as the trail page lists it.
#[derive(Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The page of what a value names (an organisation), when it names one.
    pub before_href: Option<String>,
    pub after_href: Option<String>,
}

/// The fields of a recorded object; none recorded counts as no fields, anything else is not an object.
fn fields_of<'a>(
    value: &'a Option<serde_json::Value>,
    empty: &'a serde_json::Map<String, serde_json::Value>,
) -> Option<&'a serde_json::Map<String, serde_json::Value>> {
    match value {
        None => Some(empty),
        Some(serde_json::Value::Object(map)) => Some(map),
        Some(_) => None,
    }
}

/// A recorded value as a person reads it: text without quotes, lists joined, nothing as "—".
fn value_text(value: &serde_json::Value) -> String {
    if let Some(name) = super::plain::organisation_name(value) {
        return name.to_string();
    }
    match value {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(text) if text.is_empty() => "—".into(),
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(value_text).collect::<Vec<_>>().join("、")
        }
        other => other.to_string(),
    }
}

impl AuditEntry {
    /// The fields that changed, by field name: all of a creation's, only the differing ones of an
    /// edit. A value that is not an object (none are today) shows under the field "value".
    pub fn changes(&self) -> Vec<FieldChange> {
        let empty = serde_json::Map::new();
        let (Some(before), Some(after)) = (
            fields_of(&self.before, &empty),
            fields_of(&self.after, &empty),
        ) else {
            return vec![FieldChange {
                field: "value".into(),
                before: self.before.as_ref().map(value_text),
                after: self.after.as_ref().map(value_text),
                before_href: None,
                after_href: None,
            }];
        };
        let mut fields: Vec<&String> = after.keys().collect();
        fields.extend(before.keys().filter(|key| !after.contains_key(*key)));
        fields
            .into_iter()
            .filter(|field| before.get(*field) != after.get(*field))
            .map(|field| FieldChange {
                field: field.clone(),
                before: before.get(field).map(value_text),
                after: after.get(field).map(value_text),
                before_href: before.get(field).and_then(super::plain::organisation_href),
                after_href: after.get(field).and_then(super::plain::organisation_href),
            })
            .collect()
    }

    /// Before and after as compact JSON, for the export (machines read it there).
    pub fn change_text(&self) -> String {
        let show = |value: &Option<serde_json::Value>| {
            value.as_ref().map(|v| v.to_string()).unwrap_or_default()
        };
        match (&self.before, &self.after) {
            (None, None) => String::new(),
            (None, Some(_)) => show(&self.after),
            _ => format!("{} → {}", show(&self.before), show(&self.after)),
        }
    }
}

/// The latest changes of one entity, for its page, in plain words (sign-ins are on the trail page).
pub async fn list_for_entity(
    db: &sqlx::PgPool,
    entity: &str,
    entity_id: &str,
) -> sqlx::Result<Vec<AuditEntry>> {
    let mut entries = sqlx::query_as!(
        AuditEntry,
        r#"select a.id, a.occurred_at,
                  a.actor_name, u.display_name as "actor_display?", host(a.ip) as ip,
                  o.name as "organisation_name?", a.entity, a.entity_id, a.action, a.before, a.after
           from audit_log a left join organisations o on o.id = a.organisation_id
           left join users u on u.id = a.actor_id
           where a.entity = $1 and a.entity_id = $2 and a.action <> 'sign_in'
           order by a.id desc
           limit 20"#,
        entity,
        entity_id
    )
    .fetch_all(db)
    .await?;
    super::plain::name_organisations(db, &mut entries).await?;
    Ok(entries)
}

/// The filters of the trail page; empty strings mean "any".
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub entity: String,
    /// An organisation code: its whole subtree.
    #[serde(default)]
    pub organisation: String,
    /// Dates as YYYY-MM-DD, both inclusive, in China time.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Keyset pagination: records older than this id.
    #[serde(default)]
    pub before: Option<i64>,
    /// Sign-ins are many and rarely what one looks for: shown only when asked (`1`).
    #[serde(default)]
    pub sign_ins: String,
}

impl AuditFilter {
    pub fn with_sign_ins(&self) -> bool {
        !self.sign_ins.is_empty() || self.entity == "session"
    }
}

/// Records within `scope` matching the filter, newest first. The scope root's own records and the
/// system's records (no organisation) are seen only by those whose scope is the whole tree.
pub async fn search(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    filter: &AuditFilter,
    from: Option<time::Date>,
    to: Option<time::Date>,
    limit: i64,
) -> sqlx::Result<Vec<AuditEntry>> {
    sqlx::query_as!(
        AuditEntry,
        r#"select a.id, a.occurred_at,
                  a.actor_name, u.display_name as "actor_display?", host(a.ip) as ip,
                  o.name as "organisation_name?", a.entity, a.entity_id, a.action, a.before, a.after
           from audit_log a left join organisations o on o.id = a.organisation_id
           left join users u on u.id = a.actor_id
           where (o.path <@ $1::text::ltree or (a.organisation_id is null and nlevel($1::text::ltree) = 1))
             and ($2 = '' or a.actor_name = lower($2))
             and ($3 = '' or a.entity = $3)
             and ($4 = '' or o.path <@ (select path from organisations where code = upper($4)))
             and ($5::date is null or a.occurred_at >= ($5::date::timestamp at time zone 'Asia/Shanghai'))
             and ($6::date is null or a.occurred_at < (($6::date + 1)::timestamp at time zone 'Asia/Shanghai'))
             and ($7::bigint is null or a.id < $7)
             and ($9 or a.action <> 'sign_in')
           order by a.id desc
           limit $8"#,
        scope.path(),
        filter.actor.trim(),
        filter.entity.trim(),
        filter.organisation.trim(),
        from,
        to,
        filter.before,
        limit,
        filter.with_sign_ins()
    )
    .fetch_all(db)
    .await
}
