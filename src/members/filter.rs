//! The member list's query string: what the user typed into the search box and the filters, read
//! into a [`ListFilter`] (shared by the list, its counts and the exports).

use serde::Deserialize;

use super::model::{CHANNELS, IdNumber, MemberStatus, OCCUPATIONS, Phone};
use super::queries::{ListFilter, Search, Sort};
use crate::access::CurrentUser;
use crate::error::AppResult;
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
        let organisation_path = match self.org.trim() {
            "" => None,
            code => match org_queries::find_by_code_in_scope(
                &state.db,
                &code.to_uppercase(),
                &user.scope,
            )
            .await?
            {
                Some(org) => Some(org.path),
                None => {
                    errors.add("org", "user.error.organisation");
                    // An unknown organisation matches nothing, rather than everything.
                    Some("0".to_string())
                }
            },
        };
        let mut date = |field: &'static str, text: &str| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let parsed = crate::web::dates::parse_date(text);
            if parsed.is_none() {
                errors.add(field, "audit.error.date");
            }
            parsed
        };
        let joined_from = date("from", &self.from);
        let joined_to = date("to", &self.to);
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
    let text = text.trim();
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
