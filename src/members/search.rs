//! The member list and its search: the query string as typed, read into a [`ListFilter`], and the
//! SQL of the list and its counts (shared by the list page and the exports).

use serde::Deserialize;

use super::model::{CHANNELS, IdNumber, MemberStatus, OCCUPATIONS, Phone};
use sqlx::{PgExecutor, Postgres, QueryBuilder};

use super::queries::MemberRow;
use crate::access::{CurrentUser, Scope};
use crate::error::AppResult;
use crate::orgs::picker;
use crate::orgs::queries as org_queries;
use crate::pii::Pii;
use crate::state::AppState;
use crate::web::forms::FieldErrors;

/// The list's query string, as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub org: String,
    /// One of the organisations offered when `org` matched several.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub org_choice: String,
    #[serde(default)]
    pub occupation: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<i64>,
}

impl ListQuery {
    /// Reads the query into a filter; what cannot be understood is named in `errors`.
    pub async fn to_filter(
        &self,
        state: &AppState,
        user: &CurrentUser,
        errors: &mut FieldErrors,
    ) -> AppResult<ListFilter> {
        let known = |value: &str, allowed: &[&str]| {
            let value = value.trim();
            allowed.contains(&value).then(|| value.to_string())
        };
        let typed = picker::typed_or_picked(&self.org, &self.org_choice);
        let organisation_path = if typed.is_empty() {
            None
        } else {
            let field = (&mut *errors, "org");
            match picker::pick(&state.db, typed, &user.scope, user.organisation_id, field).await? {
                Some(id) => org_queries::find_in_scope(&state.db, id, &user.scope)
                    .await?
                    .map(|org| org.path),
                // An organisation that cannot be told matches nothing, rather than everything.
                None => Some("0".to_string()),
            }
        };
        let joined_from = errors.optional_date("from", &self.from);
        let joined_to = errors.optional_date("to", &self.to);
        Ok(ListFilter {
            scope: user.scope.clone(),
            organisation_path,
            search: read_search(&state.pii, &self.q),
            occupation: known(&self.occupation, &OCCUPATIONS),
            status: MemberStatus::parse(self.status.trim()).map(|status| status.code().to_string()),
            channel: known(&self.channel, &CHANNELS),
            joined_from,
            joined_to,
        })
    }

    /// The chosen order; without a choice, a name search lists by name (the index's own order),
    /// anything else the latest joined first.
    pub fn sort(&self, search: &Search) -> Sort {
        match self.sort.as_str() {
            "name" => Sort::Name,
            "member_no" => Sort::MemberNo,
            "join_date" => Sort::JoinDate,
            _ if matches!(
                search,
                Search::NamePrefix(_) | Search::NamePair(_) | Search::NameContains(_)
            ) =>
            {
                Sort::Name
            }
            _ => Sort::JoinDate,
        }
    }

    /// This query with another page (or sort), for links.
    /// Whether any filter narrows the list (the page then offers to clear them).
    pub fn is_filtered(&self) -> bool {
        [
            &self.q,
            &self.org,
            &self.occupation,
            &self.status,
            &self.channel,
            &self.from,
            &self.to,
        ]
        .iter()
        .any(|value| !value.trim().is_empty())
    }

    pub fn with(&self, page: Option<i64>, sort: Option<&str>) -> String {
        let mut next = self.clone();
        next.page = page;
        if let Some(sort) = sort {
            next.sort = sort.to_string();
        }
        serde_urlencoded::to_string(&next).unwrap_or_default()
    }
}

/// What the search box holds: an ID number, a phone, a member number, or (part of) a name.
pub fn read_search(pii: &Pii, text: &str) -> Search {
    let text = &crate::web::input::clean_text(text);
    if text.is_empty() {
        return Search::None;
    }
    if let Ok(id) = IdNumber::parse(text) {
        return Search::IdNumber(pii.index(id.as_str()));
    }
    if let Some(phone) = Phone::parse(text) {
        return Search::Phone(pii.index(phone.as_str()));
    }
    let upper = text.to_uppercase();
    if upper.starts_with("GH") && upper.len() > 2 && upper[2..].bytes().all(|b| b.is_ascii_digit())
    {
        return Search::MemberNo(upper);
    }
    let name = super::model::clean_name(text);
    match name.chars().count() {
        1 => Search::NamePrefix(name),
        2 => Search::NamePair(name),
        _ => Search::NameContains(name),
    }
}

/// What the list is filtered by; the search text has been read already into one of its kinds.
#[derive(Debug, Clone)]
pub struct ListFilter {
    pub scope: Scope,
    pub organisation_path: Option<String>,
    pub search: Search,
    pub occupation: Option<String>,
    pub status: Option<String>,
    pub channel: Option<String>,
    pub joined_from: Option<time::Date>,
    pub joined_to: Option<time::Date>,
}

impl Search {
    /// Whether a cached (generic) plan serves: a surname is searched as a range of the name index,
    /// which any plan can use; the name pieces and trigram searches are planned for their value
    /// (sent unprepared), since how selective they are decides the plan.
    pub fn plan_is_cached(&self) -> bool {
        match self {
            Self::NamePrefix(text) => prefix_range(text).is_some(),
            Self::NamePair(_) | Self::NameContains(_) => false,
            _ => true,
        }
    }
}

/// The names starting with `prefix`, as a range in the "C" collation (byte order, which for UTF-8
/// is code point order): from the prefix to the prefix with its last character's successor.
fn prefix_range(prefix: &str) -> Option<(String, String)> {
    let last = prefix.chars().next_back()?;
    let next = char::from_u32(u32::from(last) + 1)?;
    let mut below = prefix[..prefix.len() - last.len_utf8()].to_string();
    below.push(next);
    Some((prefix.to_string(), below))
}

/// How the search box was understood.
#[derive(Debug, Default, Clone)]
pub enum Search {
    #[default]
    None,
    IdNumber(Vec<u8>),
    Phone(Vec<u8>),
    MemberNo(String),
    /// One character: a surname, as a prefix.
    NamePrefix(String),
    /// Two characters anywhere in the name (the bigram index).
    NamePair(String),
    /// Three or more characters anywhere in the name (the trigram index).
    NameContains(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    JoinDate,
    Name,
    MemberNo,
}

fn push_filters(query: &mut QueryBuilder<'_, Postgres>, filter: &ListFilter) {
    query.push(" where true");
    if !filter.scope.is_whole_tree() {
        query
            .push(" and m.organisation_id in (select id from organisations where path <@ ")
            .push_bind(filter.scope.path().to_string())
            .push("::text::ltree)");
    }
    if let Some(path) = &filter.organisation_path {
        query
            .push(" and m.organisation_id in (select id from organisations where path <@ ")
            .push_bind(path.clone())
            .push("::text::ltree)");
    }
    match &filter.search {
        Search::None => {}
        Search::IdNumber(index) => {
            query
                .push(" and m.id_number_index = ")
                .push_bind(index.clone());
        }
        Search::Phone(index) => {
            query.push(" and m.phone_index = ").push_bind(index.clone());
        }
        Search::MemberNo(no) => {
            query.push(" and m.member_no = ").push_bind(no.clone());
        }
        Search::NamePrefix(text) => match prefix_range(text) {
            // A range, unlike `like $1`, lets a cached plan use the name index.
            Some((from, below)) => {
                query
                    .push(" and m.name collate \"C\" >= ")
                    .push_bind(from)
                    .push(" and m.name collate \"C\" < ")
                    .push_bind(below);
            }
            None => {
                query
                    .push(" and m.name collate \"C\" like ")
                    .push_bind(format!("{}%", crate::db::escape_like(text)));
            }
        },
        Search::NamePair(text) => {
            query
                .push(" and m.name_pieces @> array[")
                .push_bind(text.clone())
                .push("]::text[]");
        }
        Search::NameContains(text) => {
            query
                .push(" and m.name like ")
                .push_bind(format!("%{}%", crate::db::escape_like(text)));
        }
    }
    for (column, value) in [
        ("m.occupation", &filter.occupation),
        ("m.status", &filter.status),
        ("m.join_channel", &filter.channel),
    ] {
        if let Some(value) = value {
            query
                .push(format!(" and {column} = "))
                .push_bind(value.clone());
        }
    }
    if let Some(from) = filter.joined_from {
        query.push(" and m.join_date >= ").push_bind(from);
    }
    if let Some(to) = filter.joined_to {
        query.push(" and m.join_date <= ").push_bind(to);
    }
}

const LIST_COLUMNS: &str = "select m.id, m.member_no, m.organisation_id, o.name as organisation_name, \
     o.code as organisation_code, m.name, m.gender, m.birth_date, m.id_number_masked, m.phone_masked, \
     m.employer, m.occupation, m.skill_level, m.join_date, m.join_channel, m.status \
     from members m join organisations o on o.id = m.organisation_id";

/// One page of the list (`limit` rows from `offset`).
pub async fn list(
    db: impl PgExecutor<'_>,
    filter: &ListFilter,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<MemberRow>> {
    let mut query = QueryBuilder::new(LIST_COLUMNS);
    push_filters(&mut query, filter);
    query.push(match sort {
        Sort::JoinDate => " order by m.join_date desc, m.id desc",
        Sort::Name => " order by m.name collate \"C\", m.id",
        Sort::MemberNo => " order by m.member_no",
    });
    query
        .push(" limit ")
        .push_bind(limit)
        .push(" offset ")
        .push_bind(offset);
    query
        .build_query_as()
        .persistent(filter.search.plan_is_cached())
        .fetch_all(db)
        .await
}

/// Members by occupation under the filter. Without a search or date filter the counters answer, and
/// for a surname (one character) the surname counters; otherwise the matching rows are counted.
pub async fn count_by_occupation(
    db: impl PgExecutor<'_>,
    filter: &ListFilter,
) -> sqlx::Result<Vec<(String, i64)>> {
    let counters_answer = filter.channel.is_none()
        && filter.joined_from.is_none()
        && filter.joined_to.is_none()
        && matches!(filter.search, Search::None | Search::NamePrefix(_));
    if !counters_answer {
        let mut query = QueryBuilder::new("select m.occupation, count(*) from members m");
        push_filters(&mut query, filter);
        query.push(" group by m.occupation");
        return query
            .build_query_as()
            .persistent(filter.search.plan_is_cached())
            .fetch_all(db)
            .await;
    }
    let mut query = QueryBuilder::new("select c.occupation, sum(c.n)::bigint from ");
    match &filter.search {
        Search::NamePrefix(surname) => {
            query
                .push("member_surname_counts c join organisations o on o.id = c.organisation_id where c.surname = ")
                .push_bind(surname.clone());
        }
        _ => {
            query.push(
                "member_counts c join organisations o on o.id = c.organisation_id where true",
            );
        }
    }
    query
        .push(" and o.path <@ ")
        .push_bind(
            filter
                .organisation_path
                .clone()
                .unwrap_or_else(|| filter.scope.path().to_string()),
        )
        .push("::text::ltree");
    if !filter.scope.is_whole_tree() && filter.organisation_path.is_some() {
        query
            .push(" and o.path <@ ")
            .push_bind(filter.scope.path().to_string())
            .push("::text::ltree");
    }
    for (column, value) in [
        ("c.occupation", &filter.occupation),
        ("c.status", &filter.status),
    ] {
        if let Some(value) = value {
            query
                .push(format!(" and {column} = "))
                .push_bind(value.clone());
        }
    }
    query.push(" group by c.occupation having sum(c.n) > 0");
    query
        .build_query_as()
        .persistent(filter.search.plan_is_cached())
        .fetch_all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::prefix_range;

    #[test]
    fn a_surname_is_the_range_up_to_the_next_character() {
        assert_eq!(prefix_range("王"), Some(("王".into(), "玌".into())));
        assert_eq!(prefix_range("欧阳"), Some(("欧阳".into(), "欧阴".into())));
        assert_eq!(prefix_range(""), None);
    }
}
