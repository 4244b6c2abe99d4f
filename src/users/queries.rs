//! SQL of staff accounts, as administrators manage them.

use sqlx::PgExecutor;

use crate::access::Scope;

pub struct NewUser<'a> {
    pub organisation_id: i64,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub roles: Vec<String>,
    pub must_change_password: bool,
}

pub async fn insert_user(db: impl PgExecutor<'_>, user: &NewUser<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"insert into users
             (organisation_id, username, display_name, password_hash, roles, must_change_password)
           values ($1, $2, $3, $4, $5, $6)
           returning id"#,
        user.organisation_id,
        user.username,
        user.display_name,
        user.password_hash,
        &user.roles,
        user.must_change_password
    )
    .fetch_one(db)
    .await
}

pub async fn find_id_by_username(
    db: impl PgExecutor<'_>,
    username: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select id from users where username = $1", username)
        .fetch_optional(db)
        .await
}

/// Makes an existing account an enabled administrator with a new password (the command line's reset).
pub async fn reset_admin(
    db: impl PgExecutor<'_>,
    user_id: i64,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update users
           set password_hash = $2, disabled_at = null, must_change_password = false,
               roles = case when 'admin' = any(roles) then roles else roles || '{admin}'::text[] end
           where id = $1"#,
        user_id,
        password_hash
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An account as the administration pages show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub organisation_code: String,
    pub organisation_path: String,
    pub must_change_password: bool,
    pub disabled: bool,
}

/// One page of the accounts in scope, by organisation then username; `search` (may be empty) is
/// part of a username, a name or an organisation's name.
pub async fn list_in_scope(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    search: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Account>> {
    let pattern = format!("%{}%", crate::db::escape_like(search));
    sqlx::query_as!(
        Account,
        r#"select u.id, u.username, u.display_name, u.roles, u.organisation_id,
                  o.name as organisation_name, o.code as organisation_code,
                  o.path::text as "organisation_path!", u.must_change_password,
                  u.disabled_at is not null as "disabled!"
           from users u join organisations o on o.id = u.organisation_id
           where o.path <@ $1::text::ltree
             and ($2 = '' or u.username ilike $3 or u.display_name ilike $3 or o.name ilike $3
                  or o.code ilike $3)
           order by o.path, u.username
           limit $4 offset $5"#,
        scope.path(),
        search,
        pattern,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

/// How many accounts `list_in_scope` finds in all.
pub async fn count_in_scope(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    search: &str,
) -> sqlx::Result<i64> {
    let pattern = format!("%{}%", crate::db::escape_like(search));
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from users u join organisations o on o.id = u.organisation_id
           where o.path <@ $1::text::ltree
             and ($2 = '' or u.username ilike $3 or u.display_name ilike $3 or o.name ilike $3
                  or o.code ilike $3)"#,
        scope.path(),
        search,
        pattern
    )
    .fetch_one(db)
    .await
}

pub async fn find_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Account>> {
    sqlx::query_as!(
        Account,
        r#"select u.id, u.username, u.display_name, u.roles, u.organisation_id,
                  o.name as organisation_name, o.code as organisation_code,
                  o.path::text as "organisation_path!", u.must_change_password,
                  u.disabled_at is not null as "disabled!"
           from users u join organisations o on o.id = u.organisation_id
           where u.id = $1 and o.path <@ $2::text::ltree"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

pub async fn update_account(
    db: impl PgExecutor<'_>,
    id: i64,
    display_name: &str,
    organisation_id: i64,
    roles: &[String],
) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set display_name = $2, organisation_id = $3, roles = $4 where id = $1",
        id,
        display_name,
        organisation_id,
        roles
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Disables or enables an account; returns false when it already was so.
pub async fn set_disabled(db: impl PgExecutor<'_>, id: i64, disabled: bool) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update users set disabled_at = case when $2 then now() else null end
           where id = $1 and (disabled_at is not null) <> $2"#,
        id,
        disabled
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The active accounts holding `role` at the organisation at `path`, above it, or in `scope`
/// (the mediators a case may be assigned to, the counsellors of a campaign), labelled with their
/// organisation, in tree order.
pub async fn role_holders(
    db: impl PgExecutor<'_>,
    role: crate::access::Role,
    path: &str,
    scope: &Scope,
) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        r#"select u.id, u.display_name || '（' || o.name || '）' as "label!"
           from users u join organisations o on o.id = u.organisation_id
           where $1 = any(u.roles) and u.disabled_at is null
             and (o.path @> $2::text::ltree or o.path <@ $3::text::ltree)
           order by o.path, u.display_name"#,
        role.code(),
        path,
        scope.path()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.label)).collect())
}
