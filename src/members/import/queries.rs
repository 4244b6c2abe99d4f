//! SQL of member imports: the upload between preview and confirmation, and the rows it adds.

use sqlx::PgExecutor;

use crate::access::Actor;

use crate::members::queries::NewMember;

/// Many new members at once (one import chunk): returns how many were inserted. A row whose ID
/// number became a member meanwhile is skipped, not an error.
pub async fn insert_many(
    db: &mut sqlx::PgConnection,
    rows: &[NewMember<'_>],
    actor: &Actor,
) -> sqlx::Result<u64> {
    let column = |f: &dyn Fn(&NewMember<'_>) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let bytes =
        |f: &dyn Fn(&NewMember<'_>) -> Vec<u8>| rows.iter().map(f).collect::<Vec<Vec<u8>>>();
    let organisations: Vec<i64> = rows.iter().map(|r| r.organisation_id).collect();
    let births: Vec<time::Date> = rows.iter().map(|r| r.birth_date).collect();
    let joins: Vec<time::Date> = rows.iter().map(|r| r.join_date).collect();
    let skills: Vec<Option<String>> = rows
        .iter()
        .map(|r| r.skill_level.map(str::to_string))
        .collect();
    let inserted = sqlx::query!(
        r#"with added as (
             insert into members
               (organisation_id, member_no, name, gender, birth_date, id_number_cipher, id_number_index,
                id_number_masked, phone_cipher, phone_index, phone_masked, employer, occupation,
                skill_level, join_date, join_channel)
             select o, 'GH' || to_char(j, 'YYYY') || lpad(nextval('member_number_seq')::text, 7, '0'),
                    n, g, b, ic, ii, im, pc, pi, pm, e, oc, s, j, c
             from unnest($1::int8[], $2::text[], $3::text[], $4::date[], $5::bytea[], $6::bytea[],
                         $7::text[], $8::bytea[], $9::bytea[], $10::text[], $11::text[], $12::text[],
                         $13::text[], $14::date[], $15::text[])
                  as t(o, n, g, b, ic, ii, im, pc, pi, pm, e, oc, s, j, c)
             on conflict (id_number_index) do nothing
             returning id, organisation_id
           )
           insert into timeline (entity, entity_id, step, to_organisation_id, actor_id, actor_name)
           select 'member', id, 'joined', organisation_id, $16, $17 from added"#,
        &organisations,
        &column(&|r| r.name.to_string()),
        &column(&|r| r.gender.to_string()),
        &births,
        &bytes(&|r| r.id_number_cipher.clone()),
        &bytes(&|r| r.id_number_index.clone()),
        &column(&|r| r.id_number_masked.clone()),
        &bytes(&|r| r.phone_cipher.clone()),
        &bytes(&|r| r.phone_index.clone()),
        &column(&|r| r.phone_masked.clone()),
        &column(&|r| r.employer.to_string()),
        &column(&|r| r.occupation.to_string()),
        &skills as &[Option<String>],
        &joins,
        &column(&|r| r.join_channel.to_string()),
        actor.user_id,
        actor.name
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected())
}

/// An uploaded file between preview and confirmation.
pub struct ImportRow {
    pub id: uuid::Uuid,
    pub organisation_id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub join_channel: String,
    pub payload_cipher: Option<Vec<u8>>,
    pub status: String,
    pub total_rows: i32,
    pub processed_rows: i32,
    pub imported_rows: i32,
    pub skipped_rows: i32,
}

/// An upload to keep until it is confirmed; the payload is already encrypted.
pub struct NewImport<'a> {
    pub id: uuid::Uuid,
    pub organisation_id: i64,
    pub user_id: i64,
    pub file_name: &'a str,
    pub join_channel: &'a str,
    pub payload: Vec<u8>,
    pub total_rows: i32,
}

pub async fn insert_import(db: impl PgExecutor<'_>, import: &NewImport<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into member_imports (id, organisation_id, user_id, file_name, join_channel, payload_cipher, total_rows)
           values ($1, $2, $3, $4, $5, $6, $7)"#,
        import.id,
        import.organisation_id,
        import.user_id,
        import.file_name,
        import.join_channel,
        import.payload,
        import.total_rows
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An upload of this user's (uploads are private to who made them).
pub async fn find_import(
    db: impl PgExecutor<'_>,
    id: uuid::Uuid,
    user_id: i64,
) -> sqlx::Result<Option<ImportRow>> {
    sqlx::query_as!(
        ImportRow,
        r#"select id, organisation_id, user_id, file_name, join_channel, payload_cipher, status, total_rows,
                  processed_rows, imported_rows, skipped_rows
           from member_imports where id = $1 and user_id = $2"#,
        id,
        user_id
    )
    .fetch_optional(db)
    .await
}

/// Starts an import; false if it was not waiting (a second click on "confirm").
pub async fn start_import(db: impl PgExecutor<'_>, id: uuid::Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update member_imports set status = 'running' where id = $1 and status = 'previewed'",
        id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_import_progress(
    db: impl PgExecutor<'_>,
    id: uuid::Uuid,
    processed: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update member_imports set processed_rows = $2 where id = $1",
        id,
        processed
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Ends an import: the file is forgotten either way (it holds ID numbers).
pub async fn finish_import(
    db: impl PgExecutor<'_>,
    id: uuid::Uuid,
    status: &str,
    imported: i32,
    skipped: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update member_imports
           set status = $2, imported_rows = $3, skipped_rows = $4, processed_rows = total_rows, payload_cipher = null
           where id = $1"#,
        id,
        status,
        imported,
        skipped
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records the job that runs a confirmed import.
pub async fn set_import_job(db: impl PgExecutor<'_>, id: uuid::Uuid, job: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update member_imports set job_id = $2 where id = $1",
        id,
        job
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A confirmed import as its job needs it: the upload, and who made it (their name for the
/// timeline, their organisation's path as the scope of the rows).
pub struct RunningImport {
    pub organisation_id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub join_channel: String,
    pub payload_cipher: Option<Vec<u8>>,
    pub uploader_name: String,
    pub uploader_scope: String,
}

pub async fn find_running(
    db: impl PgExecutor<'_>,
    id: uuid::Uuid,
) -> sqlx::Result<Option<RunningImport>> {
    sqlx::query_as!(
        RunningImport,
        r#"select i.organisation_id, i.user_id, i.file_name, i.join_channel, i.payload_cipher,
                  u.username as uploader_name, o.path::text as "uploader_scope!"
           from member_imports i
           join users u on u.id = i.user_id
           join organisations o on o.id = u.organisation_id
           where i.id = $1 and i.status = 'running'"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// Uploads left at their preview for longer than `age`: marked expired and their files dropped.
pub async fn expire_previews(
    db: impl PgExecutor<'_>,
    age: std::time::Duration,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        r#"update member_imports set status = 'expired', payload_cipher = null
           where status = 'previewed' and created_at < now() - make_interval(secs => $1)"#,
        age.as_secs_f64()
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
