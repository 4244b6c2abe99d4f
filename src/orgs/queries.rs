//! SQL of the organisation tree. Every read takes the caller's scope (an ltree path) and sees only
//! that subtree.

use sqlx::PgExecutor;

use super::model::{Candidate, OrgStatus, choose_named};
use crate::access::Scope;

/// The fields a new organisation is made of.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewOrganisation {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub code: String,
    pub region: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
}

pub async fn insert_organisation(
    db: impl PgExecutor<'_>,
    org: &NewOrganisation,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"insert into organisations
             (parent_id, kind, name, code, region, contact_person, contact_phone, address)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           returning id"#,
        org.parent_id,
        org.kind,
        org.name,
        org.code,
        org.region,
        org.contact_person,
        org.contact_phone,
        org.address
    )
    .fetch_one(db)
    .await
}

pub async fn find_root_id(db: impl PgExecutor<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select id from organisations where parent_id is null order by id limit 1")
        .fetch_optional(db)
        .await
}

pub async fn find_id_by_code(db: impl PgExecutor<'_>, code: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select id from organisations where code = $1", code)
        .fetch_optional(db)
        .await
}

pub async fn count_all(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"select count(*) as "count!" from organisations"#)
        .fetch_one(db)
        .await
}

/// One organisation as its page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Organisation {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub kind: String,
    pub name: String,
    pub code: String,
    pub region: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
    pub status: OrgStatus,
}

impl Organisation {
    /// The one character its documents are numbered with (甘劳调〔2026〕3号): the first of its
    /// region, else of its name.
    pub fn document_mark(&self) -> String {
        self.region
            .chars()
            .chain(self.name.chars())
            .take(1)
            .collect()
    }
}

/// The organisation `id`, if it lies within `scope` (otherwise it does not exist for this caller).
pub async fn find_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as!(
        Organisation,
        r#"select id, parent_id, path::text as "path!", kind, name, code, region, contact_person,
                  contact_phone, address, status as "status: OrgStatus"
           from organisations where id = $1 and path <@ $2::text::ltree"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

/// The same, found by code.
pub async fn find_by_code_in_scope(
    db: impl PgExecutor<'_>,
    code: &str,
    scope: &Scope,
) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as!(
        Organisation,
        r#"select id, parent_id, path::text as "path!", kind, name, code, region, contact_person,
                  contact_phone, address, status as "status: OrgStatus"
           from organisations where code = $1 and path <@ $2::text::ltree"#,
        code,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

/// The organisations in scope whose code (any case) or full name is `text`, a code match first;
/// at most three, enough to tell a unique name from a shared one.
pub async fn find_by_code_or_name_in_scope(
    db: impl PgExecutor<'_>,
    text: &str,
    scope: &Scope,
) -> sqlx::Result<Vec<Organisation>> {
    sqlx::query_as!(
        Organisation,
        r#"select id, parent_id, path::text as "path!", kind, name, code, region, contact_person,
                  contact_phone, address, status as "status: OrgStatus"
           from organisations
           where (code = upper($1) or name = $1) and path <@ $2::text::ltree
           order by code = upper($1) desc, id
           limit 3"#,
        text,
        scope.path()
    )
    .fetch_all(db)
    .await
}

/// The organisation a form field names by code or full name within `scope`, by the one rule of
/// [`choose_named`](super::model::choose_named); an empty field means `default_id` (the user's own).
/// `Err` is the message to show beside the field.
pub async fn resolve_named(
    db: impl PgExecutor<'_>,
    text: &str,
    scope: &Scope,
    default_id: i64,
) -> sqlx::Result<Result<i64, &'static str>> {
    let text = text.trim();
    let found = if text.is_empty() {
        find_in_scope(db, default_id, scope)
            .await?
            .into_iter()
            .collect()
    } else {
        find_by_code_or_name_in_scope(db, text, scope).await?
    };
    let candidates: Vec<Candidate<'_>> = found
        .iter()
        .map(|org| Candidate {
            id: org.id,
            code: &org.code,
            status: org.status,
        })
        .collect();
    Ok(choose_named(text, &candidates))
}

/// Open organisations in scope whose name holds `text`, or whose code does (any case); the
/// shortest names first, so the likeliest is on top.
pub async fn find_containing_in_scope(
    db: impl PgExecutor<'_>,
    text: &str,
    scope: &Scope,
    limit: i64,
) -> sqlx::Result<Vec<Organisation>> {
    sqlx::query_as!(
        Organisation,
        r#"select id, parent_id, path::text as "path!", kind, name, code, region, contact_person,
                  contact_phone, address, status as "status: OrgStatus"
           from organisations
           where path <@ $2::text::ltree and status = 'active'
             and (strpos(name, $1) > 0 or strpos(code, upper($1)) > 0)
           order by length(name), path
           limit $3"#,
        text,
        scope.path(),
        limit
    )
    .fetch_all(db)
    .await
}

/// An organisation offered in a form's list of suggestions.
#[derive(Debug, Clone)]
pub struct OrgChoice {
    pub code: String,
    pub name: String,
}

/// Open organisations in scope, in tree order, for a form's suggestions (a browser datalist);
/// capped, since a city's whole tree would make every form heavy: typing a code or a name still works.
pub async fn list_choices_in_scope(
    db: impl PgExecutor<'_>,
    scope: &Scope,
) -> sqlx::Result<Vec<OrgChoice>> {
    sqlx::query_as!(
        OrgChoice,
        r#"select code, name from organisations
           where path <@ $1::text::ltree and status = 'active'
           order by path
           limit 500"#,
        scope.path()
    )
    .fetch_all(db)
    .await
}

/// Locks an organisation's row for the rest of the transaction (moves and closures).
pub async fn lock_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as!(
        Organisation,
        r#"select id, parent_id, path::text as "path!", kind, name, code, region, contact_person,
                  contact_phone, address, status as "status: OrgStatus"
           from organisations where id = $1 and path <@ $2::text::ltree
           for update"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

/// A node of the tree page, with its counts.
#[derive(Debug, Clone)]
pub struct TreeRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub depth: i32,
    pub kind: String,
    pub name: String,
    pub code: String,
    pub status: OrgStatus,
    pub child_count: i64,
    pub account_count: i64,
    /// Active members of this organisation itself (not below it).
    pub member_count: i64,
}

/// The subtree under `root_path`, `levels` deep, with direct-child and account counts.
pub async fn list_tree(
    db: impl PgExecutor<'_>,
    root_path: &str,
    levels: i32,
) -> sqlx::Result<Vec<TreeRow>> {
    sqlx::query_as!(
        TreeRow,
        r#"select o.id, o.parent_id, (nlevel(o.path) - nlevel($1::text::ltree)) as "depth!",
                  o.kind, o.name, o.code, o.status as "status: OrgStatus",
                  (select count(*) from organisations c where c.parent_id = o.id) as "child_count!",
                  (select count(*) from users u where u.organisation_id = o.id) as "account_count!",
                  (select coalesce(sum(c.n), 0)::bigint from member_counts c
                    where c.organisation_id = o.id and c.status = 'active') as "member_count!"
           from organisations o
           where o.path <@ $1::text::ltree and nlevel(o.path) <= nlevel($1::text::ltree) + $2
           order by o.path"#,
        root_path,
        levels
    )
    .fetch_all(db)
    .await
}

/// Organisations in scope whose name or code contains `query`, with the names above them.
pub struct SearchRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind: String,
    pub status: OrgStatus,
    pub ancestors: String,
}

pub async fn search(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    query: &str,
) -> sqlx::Result<Vec<SearchRow>> {
    sqlx::query_as!(
        SearchRow,
        r#"select o.id, o.name, o.code, o.kind, o.status as "status: OrgStatus",
                  coalesce((select string_agg(a.name, ' / ' order by nlevel(a.path))
                            from organisations a
                            where a.path @> o.path and a.id <> o.id), '') as "ancestors!"
           from organisations o
           where o.path <@ $1::text::ltree
             and (o.name like '%' || $2 || '%' or o.code ilike $2 || '%')
           order by o.path
           limit 100"#,
        scope.path(),
        crate::db::escape_like(query)
    )
    .fetch_all(db)
    .await
}

/// Counts of what lies below an organisation, for its page.
pub struct SubtreeCounts {
    pub organisations: i64,
    pub active_children: i64,
    pub accounts: i64,
    /// Active members of the organisation and everything below it.
    pub members: i64,
}

pub async fn subtree_counts(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<SubtreeCounts> {
    sqlx::query_as!(
        SubtreeCounts,
        r#"with me as (select path from organisations where id = $1)
           select
             (select count(*) from organisations o, me where o.path <@ me.path) - 1 as "organisations!",
             (select count(*) from organisations where parent_id = $1 and status = 'active') as "active_children!",
             (select count(*) from users u join organisations o on o.id = u.organisation_id, me
               where o.path <@ me.path) as "accounts!",
             (select coalesce(sum(c.n), 0)::bigint from member_counts c
                join organisations o on o.id = c.organisation_id, me
               where o.path <@ me.path and c.status = 'active') as "members!""#,
        id
    )
    .fetch_one(db)
    .await
}

/// The chain from the caller's scope root down to (not including) the organisation, for breadcrumbs.
pub struct Crumb {
    pub id: i64,
    pub name: String,
}

pub async fn list_ancestors_in_scope(
    db: impl PgExecutor<'_>,
    path: &str,
    scope: &Scope,
) -> sqlx::Result<Vec<Crumb>> {
    sqlx::query_as!(
        Crumb,
        r#"select id, name from organisations
           where path @> $1::text::ltree and path <> $1::text::ltree and path <@ $2::text::ltree
           order by nlevel(path)"#,
        path,
        scope.path()
    )
    .fetch_all(db)
    .await
}

pub async fn update_details(
    db: impl PgExecutor<'_>,
    id: i64,
    org: &NewOrganisation,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update organisations
           set kind = $2, name = $3, code = $4, region = $5, contact_person = $6,
               contact_phone = $7, address = $8
           where id = $1"#,
        id,
        org.kind,
        org.name,
        org.code,
        org.region,
        org.contact_person,
        org.contact_phone,
        org.address
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Moves the subtree at `old_path` under the parent at `new_parent_path`, in one statement: every
/// path below is rewritten with the new prefix.
pub async fn move_subtree(
    db: impl PgExecutor<'_>,
    id: i64,
    old_path: &str,
    new_parent_id: i64,
    new_parent_path: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        r#"update organisations
           set path = $3::text::ltree || subpath(path, nlevel($2::text::ltree) - 1),
               parent_id = case when id = $1 then $4 else parent_id end
           where path <@ $2::text::ltree"#,
        id,
        old_path,
        new_parent_path,
        new_parent_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Applies a step's change of status if the organisation still stands at `from`; false when not
/// (a double click, say). Closing stamps the day; reopening clears it.
pub async fn update_status(
    db: impl PgExecutor<'_>,
    id: i64,
    from: OrgStatus,
    to: OrgStatus,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update organisations
           set status = $3, closed_at = case when $3 = 'closed' then now() end
           where id = $1 and status = $2"#,
        id,
        from.code(),
        to.code()
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the organisation's parent is closed (a closed parent must reopen first).
pub async fn parent_is_closed(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from organisations o join organisations p on p.id = o.parent_id
                          where o.id = $1 and p.status = 'closed') as "closed!""#,
        id
    )
    .fetch_one(db)
    .await
}

/// Every organisation in scope as (code, name, id, status), for matching a file's column.
pub async fn list_codes_in_scope(
    db: impl PgExecutor<'_>,
    scope: &Scope,
) -> sqlx::Result<Vec<(String, String, i64, OrgStatus)>> {
    let rows = sqlx::query!(
        r#"select code, name, id, status as "status: OrgStatus" from organisations
           where path <@ $1::text::ltree"#,
        scope.path()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.code, row.name, row.id, row.status))
        .collect())
}

/// An organisation's name (a parent shown beside its child, whatever the viewer's scope).
pub async fn find_name(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("select name from organisations where id = $1", id)
        .fetch_optional(db)
        .await
}

/// Serialises tree moves for the rest of the transaction: two concurrent moves could otherwise
/// build a cycle between them.
pub async fn lock_tree_for_move(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query!("select pg_advisory_xact_lock(hashtext('organisations.move'))")
        .execute(db)
        .await?;
    Ok(())
}
