//! SQL of staff accounts, as administrators manage them.

use sqlx::PgExecutor;

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
