//! Workflow steps, done the same way by every module. A record that moves through states:
//!
//! 1. declares its states with [`states!`](crate::states) in its `model.rs` (an enum stored as text,
//!    so the codes are written once in Rust, beside the migration's check constraint);
//! 2. writes a pure `transition(state, step) -> Result<state, Refused>` there, with unit tests;
//! 3. applies a step with `update … set status = $to where id = $id and status = $from returning …`
//!    in its `queries.rs`, so two clicks or two reviewers cannot both win: no row is a
//!    [`AppError::Conflict`](crate::error::AppError::Conflict), which tells the user, never "saved";
//! 4. calls [`record`] in the same transaction: the record's timeline line and its audit record.
//!
//! `members/routes.rs` (lapse, reinstate, depart), `orgs/routes.rs` (close, reopen) and
//! `joining/routes.rs` (approve, decline) are the examples to copy.

use sqlx::PgConnection;

use crate::access::Actor;
use crate::audit::{self, Change};
use crate::error::AppError;

/// Declares the states of a record: an enum with its text codes, read from and written to the
/// database as text, with `code()`, `parse()` and `ALL`.
#[macro_export]
macro_rules! states {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The code stored in the database and used in catalogue keys.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),* }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let code = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                Self::parse(code).ok_or_else(|| format!("not a {}: {code}", stringify!($name)).into())
            }
        }

        impl sqlx::Encode<'_, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.code(), buf)
            }
        }
    };
}

/// Why a step cannot be taken from the current state: a catalogue key the user is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused(pub &'static str);

impl Refused {
    /// The refusal as the error of a request, sending the user back to `back` (the record's page,
    /// as it is now) with the reason.
    pub fn conflict(self, back: impl Into<String>) -> AppError {
        AppError::Conflict {
            key: self.0,
            back: back.into(),
        }
    }
}

/// The step found the record no longer in the state it was read in (a second click, a stale page,
/// another user first): the generic refusal.
pub const ALREADY_DONE: Refused = Refused("workflow.refused.stale");

/// One step taken, as its timeline line and audit record tell it.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// The audit trail's entity name (`member`, `join_request`, `organisation` …).
    pub entity: &'static str,
    pub entity_id: i64,
    /// The organisation the record belongs to (after the step), for the audit trail's scope.
    pub organisation_id: i64,
    /// The step, as the timeline names it (`lapsed`, `approved` …).
    pub step: &'static str,
    /// The states before and after, for a change of state.
    pub from: Option<&'static str>,
    pub to: Option<&'static str>,
    /// For a step between organisations.
    pub from_organisation_id: Option<i64>,
    pub to_organisation_id: Option<i64>,
    /// What the user wrote with the step (a reason, a destination); may be empty.
    pub comment: &'a str,
    /// More for the audit record's "after" (e.g. the member number an approval gave).
    pub detail: Option<serde_json::Value>,
}

impl<'a> Line<'a> {
    /// A step from one state to another.
    pub fn change(
        entity: &'static str,
        entity_id: i64,
        organisation_id: i64,
        step: &'static str,
        from: &'static str,
        to: &'static str,
    ) -> Self {
        Self {
            entity,
            entity_id,
            organisation_id,
            step,
            from: Some(from),
            to: Some(to),
            from_organisation_id: None,
            to_organisation_id: None,
            comment: "",
            detail: None,
        }
    }

    /// A step that changes no state (a record created, edited, moved).
    pub fn event(
        entity: &'static str,
        entity_id: i64,
        organisation_id: i64,
        step: &'static str,
    ) -> Self {
        Self {
            from: None,
            to: None,
            ..Self::change(entity, entity_id, organisation_id, step, "", "")
        }
    }

    pub fn with_comment(mut self, comment: &'a str) -> Self {
        self.comment = comment;
        self
    }

    pub fn with_detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
    }

    pub fn between(mut self, from: Option<i64>, to: Option<i64>) -> Self {
        self.from_organisation_id = from;
        self.to_organisation_id = to;
        self
    }
}

/// Writes the step's timeline line and its audit record; call it inside the step's transaction.
pub async fn record(conn: &mut PgConnection, actor: &Actor, line: &Line<'_>) -> sqlx::Result<()> {
    write_timeline(&mut *conn, actor, line).await?;
    let mut after = serde_json::Map::new();
    if let Some(to) = line.to {
        after.insert("status".into(), to.into());
    }
    if !line.comment.is_empty() {
        after.insert("note".into(), line.comment.into());
    }
    if let Some(serde_json::Value::Object(detail)) = &line.detail {
        after.extend(detail.clone());
    }
    audit::record(
        &mut *conn,
        actor,
        Change {
            entity: line.entity,
            entity_id: line.entity_id.to_string(),
            action: line.step,
            organisation_id: Some(line.organisation_id),
            before: line.from.map(|from| serde_json::json!({ "status": from })),
            after: (!after.is_empty()).then_some(serde_json::Value::Object(after)),
        },
    )
    .await
}

/// Writes only the timeline line (for steps whose audit record says more than a state change, such
/// as an edit with its before and after).
pub async fn write_timeline(
    conn: &mut PgConnection,
    actor: &Actor,
    line: &Line<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into timeline (entity, entity_id, step, from_state, to_state, from_organisation_id,
                                 to_organisation_id, comment, actor_id, actor_name)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
        line.entity,
        line.entity_id,
        line.step,
        line.from,
        line.to,
        line.from_organisation_id,
        line.to_organisation_id,
        line.comment,
        actor.user_id,
        actor.name,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One line of a record's timeline as its page shows it: a row of the `timeline_lines` view, read
/// as JSON beside the record it belongs to (see `members::queries::find_in_scope`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct TimelineEntry {
    pub step: String,
    pub from_name: Option<String>,
    pub to_name: Option<String>,
    pub comment: String,
    pub actor_name: String,
    #[serde(with = "time::serde::timestamp")]
    pub occurred_at: time::OffsetDateTime,
}

/// A record's timeline, oldest first, as a page reads it in its record's query: the JSON column
/// `(select json_agg(line order by id) from timeline_lines where entity = … and entity_id = …)`,
/// which is null for a record without one.
pub type Timeline = Option<sqlx::types::Json<Vec<TimelineEntry>>>;

/// The timeline of a record read on its own (for a page that does not read it with the record).
pub async fn timeline(
    db: impl sqlx::PgExecutor<'_>,
    entity: &str,
    entity_id: i64,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let lines: Timeline = sqlx::query_scalar!(
        r#"select json_agg(line order by id) as "lines?: sqlx::types::Json<Vec<TimelineEntry>>"
           from timeline_lines where entity = $1 and entity_id = $2"#,
        entity,
        entity_id
    )
    .fetch_one(db)
    .await?;
    Ok(timeline_lines(lines))
}

/// The lines of a timeline read by `Timeline`, empty for none.
pub fn timeline_lines(timeline: Timeline) -> Vec<TimelineEntry> {
    timeline.map(|lines| lines.0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    crate::states! {
        enum Light { Red = "red", Green = "green", }
    }

    #[test]
    fn states_have_one_code_each_both_ways() {
        for light in Light::ALL {
            assert_eq!(Light::parse(light.code()), Some(*light));
        }
        assert_eq!(Light::Green.to_string(), "green");
        assert_eq!(Light::parse("amber"), None);
    }
}
