//! Competitions in SQL: who may see which, one competition with its timeline, the list with its
//! filters, inserting and updating one, and the steps of its life.

use sqlx::PgExecutor;

use super::model::{Fields, Status};
use crate::access::{CurrentUser, Role, Scope};
use crate::workflow::Timeline;

/// Whose competitions a user sees: their subtree's, or, holding only the judge's role, those
/// with an event they judge.
#[derive(Debug, Clone)]
pub struct Viewer {
    scope: Option<String>,
    judge: Option<i64>,
}

impl Viewer {
    pub fn of(user: &CurrentUser) -> Self {
        let sees_subtree = [Role::Staff, Role::Reviewer, Role::Manager, Role::Auditor]
            .into_iter()
            .any(|role| user.can(role));
        Self {
            scope: sees_subtree.then(|| user.scope.path().to_string()),
            judge: user.roles.contains(&Role::Judge).then_some(user.id),
        }
    }

    /// Whether the viewer sees everything of a competition organised at `path` (not only as one
    /// of its judges).
    pub fn sees_whole(&self, path: &str) -> bool {
        self.scope
            .as_deref()
            .is_some_and(|root| Scope::of(root).holds(path))
    }

    /// Staff in a subtree, for the pages that change a competition.
    pub fn subtree(scope: &Scope) -> Self {
        Self {
            scope: Some(scope.path().to_string()),
            judge: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Competition {
    pub id: i64,
    pub year: i32,
    pub tier: i16,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub organisation_path: String,
    pub co_organisers: String,
    pub track_id: i64,
    pub track_name: String,
    pub frontier: bool,
    /// The track was first opened in the competition's year.
    pub first_opened: bool,
    pub title: String,
    pub has_preliminary: bool,
    pub has_final: bool,
    pub starts_on: time::Date,
    pub ends_on: time::Date,
    pub registration_opens_on: Option<time::Date>,
    pub registration_closes_on: Option<time::Date>,
    pub venue: String,
    pub anonymous_marking: bool,
    pub status: Status,
    pub application_id: Option<i64>,
    pub application_number: Option<String>,
    pub timeline: Timeline,
}

pub async fn find_visible(
    db: impl PgExecutor<'_>,
    id: i64,
    viewer: &Viewer,
) -> sqlx::Result<Option<Competition>> {
    sqlx::query_as!(
        Competition,
        r#"select c.id, c.year, c.tier, c.organisation_id, o.name as organisation_name,
                  o.path::text as "organisation_path!", c.co_organisers, c.track_id, t.name as track_name, t.frontier,
                  (t.first_year = c.year) as "first_opened!", c.title, c.has_preliminary,
                  c.has_final, c.starts_on, c.ends_on, c.registration_opens_on,
                  c.registration_closes_on, c.venue, c.anonymous_marking,
                  c.status as "status: Status", c.application_id, a.number as "application_number?",
                  (select json_agg(l.line order by l.id) from timeline_lines l
                    where l.entity = 'competition' and l.entity_id = c.id) as "timeline: _"
           from competitions c
           join organisations o on o.id = c.organisation_id
           join tracks t on t.id = c.track_id
           left join applications a on a.id = c.application_id
           where c.id = $1
             and (($2::text is not null and o.path <@ $2::text::ltree)
                  or ($3::bigint is not null and exists (
                        select 1 from event_judges j join competition_events e on e.id = j.event_id
                        where e.competition_id = c.id and j.user_id = $3)))"#,
        id,
        viewer.scope,
        viewer.judge,
    )
    .fetch_optional(db)
    .await
}

/// The filters of the list, as its query string carries them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub year: Option<i32>,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub tier: Option<i16>,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub track: Option<i64>,
    #[serde(default)]
    pub status: String,
    /// `frontier`, or `first` for tracks first opened in the competition's year.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub q: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
}

impl ListQuery {
    /// The query string of these filters (without the page), for the pager's links.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(year) = self.year {
            pairs.push(("year", year.to_string()));
        }
        if let Some(tier) = self.tier {
            pairs.push(("tier", tier.to_string()));
        }
        if let Some(track) = self.track {
            pairs.push(("track", track.to_string()));
        }
        for (name, value) in [
            ("status", &self.status),
            ("kind", &self.kind),
            ("q", &self.q),
        ] {
            if !value.is_empty() {
                pairs.push((name, value.clone()));
            }
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    pub fn tier_is(&self, tier: &i16) -> bool {
        self.tier == Some(*tier)
    }

    pub fn track_is(&self, id: &i64) -> bool {
        self.track == Some(*id)
    }

    fn pattern(&self) -> Option<String> {
        let search = crate::web::input::clean_text(&self.q);
        (!search.is_empty()).then(|| format!("%{}%", crate::db::escape_like(&search)))
    }

    fn status(&self) -> Option<&str> {
        Status::parse(&self.status).map(Status::code)
    }
}

#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: i64,
    pub year: i32,
    pub tier: i16,
    pub title: String,
    pub organisation_name: String,
    pub track_name: String,
    pub frontier: bool,
    pub first_opened: bool,
    pub starts_on: time::Date,
    pub status: Status,
    pub events: i64,
}

/// A page of the competitions `viewer` sees that match `query`, newest first, and how many match.
pub async fn list(
    db: &sqlx::PgPool,
    viewer: &Viewer,
    query: &ListQuery,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<ListRow>, i64)> {
    let pattern = query.pattern();
    let rows = sqlx::query_as!(
        ListRow,
        r#"select c.id, c.year, c.tier, c.title, o.name as organisation_name, t.name as track_name,
                  t.frontier, (t.first_year = c.year) as "first_opened!", c.starts_on,
                  c.status as "status: Status",
                  (select count(*) from competition_events e where e.competition_id = c.id) as "events!"
           from competitions c
           join organisations o on o.id = c.organisation_id
           join tracks t on t.id = c.track_id
           where (($1::text is not null and o.path <@ $1::text::ltree)
                  or ($2::bigint is not null and exists (
                        select 1 from event_judges j join competition_events e on e.id = j.event_id
                        where e.competition_id = c.id and j.user_id = $2)))
             and ($3::integer is null or c.year = $3)
             and ($4::smallint is null or c.tier = $4)
             and ($5::bigint is null or c.track_id = $5)
             and ($6::text is null or c.status = $6)
             and ($7::text = '' or ($7 = 'frontier' and t.frontier) or ($7 = 'first' and t.first_year = c.year))
             and ($8::text is null or c.title like $8 or o.name like $8)
           order by c.starts_on desc, c.id desc
           limit $9 offset $10"#,
        viewer.scope,
        viewer.judge,
        query.year,
        query.tier,
        query.track,
        query.status(),
        query.kind,
        pattern,
        limit,
        offset,
    )
    .fetch_all(db)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!"
           from competitions c
           join organisations o on o.id = c.organisation_id
           join tracks t on t.id = c.track_id
           where (($1::text is not null and o.path <@ $1::text::ltree)
                  or ($2::bigint is not null and exists (
                        select 1 from event_judges j join competition_events e on e.id = j.event_id
                        where e.competition_id = c.id and j.user_id = $2)))
             and ($3::integer is null or c.year = $3)
             and ($4::smallint is null or c.tier = $4)
             and ($5::bigint is null or c.track_id = $5)
             and ($6::text is null or c.status = $6)
             and ($7::text = '' or ($7 = 'frontier' and t.frontier) or ($7 = 'first' and t.first_year = c.year))
             and ($8::text is null or c.title like $8 or o.name like $8)"#,
        viewer.scope,
        viewer.judge,
        query.year,
        query.tier,
        query.track,
        query.status(),
        query.kind,
        pattern,
    )
    .fetch_one(db)
    .await?;
    Ok((rows, total))
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    organisation_id: i64,
    fields: &Fields,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into competitions (year, tier, organisation_id, co_organisers, track_id, title,
                                   has_preliminary, has_final, starts_on, ends_on,
                                   registration_opens_on, registration_closes_on, venue,
                                   anonymous_marking, application_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         returning id",
        fields.year(),
        fields.tier,
        organisation_id,
        fields.co_organisers,
        fields.track_id,
        fields.title,
        fields.has_preliminary,
        fields.has_final,
        fields.starts_on,
        fields.ends_on,
        fields.registration_opens_on,
        fields.registration_closes_on,
        fields.venue,
        fields.anonymous_marking,
        fields.application_id,
    )
    .fetch_one(db)
    .await
}

/// Changes the fields of a competition that has not started (its tier, organisation and
/// application stay as created).
pub async fn update(db: impl PgExecutor<'_>, id: i64, fields: &Fields) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update competitions
            set year = $2, co_organisers = $3, track_id = $4, title = $5, has_preliminary = $6,
                has_final = $7, starts_on = $8, ends_on = $9, registration_opens_on = $10,
                registration_closes_on = $11, venue = $12, anonymous_marking = $13
          where id = $1 and status in ('planned', 'registration_open', 'registration_closed')",
        id,
        fields.year(),
        fields.co_organisers,
        fields.track_id,
        fields.title,
        fields.has_preliminary,
        fields.has_final,
        fields.starts_on,
        fields.ends_on,
        fields.registration_opens_on,
        fields.registration_closes_on,
        fields.venue,
        fields.anonymous_marking,
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Moves a competition from `from` to `to`; false when it was no longer in `from`.
pub async fn step(
    db: impl PgExecutor<'_>,
    id: i64,
    from: Status,
    to: Status,
) -> sqlx::Result<bool> {
    let moved = sqlx::query!(
        "update competitions set status = $3 where id = $1 and status = $2",
        id,
        from.code(),
        to.code()
    )
    .execute(db)
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// The competition held on an application, for the application's page.
pub async fn for_application(
    db: impl PgExecutor<'_>,
    application_id: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    let row = sqlx::query!(
        "select id, title from competitions where application_id = $1",
        application_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (row.id, row.title)))
}
