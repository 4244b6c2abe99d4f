//! Attachments, the same for every module: PDF, JPEG or PNG files of up to 10 MB, recognised by
//! their content (never their name), kept in PostgreSQL so that a backup holds them, and served
//! only through the record that owns them, as downloads. The owner's handler checks who may see
//! the record; these functions take the owner's name and id, so a file of another record is not
//! found.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgExecutor};

use crate::access::Actor;
use crate::error::{AppError, AppResult};
use crate::web::input::clean_text;
use crate::web::{Flash, redirect_with};

/// The largest file taken.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The file's type read from its first bytes, or why it is refused (a catalogue key).
pub fn content_type(bytes: &[u8]) -> Result<&'static str, &'static str> {
    if bytes.is_empty() {
        return Err("attachment.error.empty");
    }
    if bytes.len() > MAX_BYTES {
        return Err("attachment.error.too_large");
    }
    if bytes.starts_with(b"%PDF-") {
        Ok("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else {
        Err("attachment.error.kind")
    }
}

/// A file as a record's page lists it (by whom: the uploader's name as people know them).
#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: i64,
    pub purpose: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub uploader_name: String,
    pub created_at: time::OffsetDateTime,
}

impl Attachment {
    /// The size as people read it: `850 KB`, `2.4 MB`.
    pub fn size(&self) -> String {
        let bytes = i64::from(self.size_bytes);
        if bytes < 1024 * 1024 {
            format!("{} KB", (bytes + 1023) / 1024)
        } else {
            format!(
                "{}.{} MB",
                bytes / (1024 * 1024),
                bytes % (1024 * 1024) * 10 / (1024 * 1024)
            )
        }
    }
}

pub async fn list(
    db: impl PgExecutor<'_>,
    owner_entity: &str,
    owner_id: i64,
) -> sqlx::Result<Vec<Attachment>> {
    sqlx::query_as!(
        Attachment,
        r#"select a.id, a.purpose, a.file_name, a.content_type, a.size_bytes,
                  coalesce(u.display_name, a.uploader_name) as "uploader_name!", a.created_at
           from attachments a left join users u on u.id = a.uploaded_by
           where a.owner_entity = $1 and a.owner_id = $2 and a.deleted_at is null
           order by a.id"#,
        owner_entity,
        owner_id
    )
    .fetch_all(db)
    .await
}

/// An upload as read from a multipart form: the file, and what it is for.
#[derive(Debug, Default)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub purpose: String,
}

/// Reads the `file` and `purpose` fields of a multipart form, refusing a file past the limit
/// while it streams in (a catalogue key for beside the field).
pub async fn read_upload(multipart: &mut Multipart) -> Result<Upload, &'static str> {
    let mut upload = Upload::default();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| "import.error.broken_upload")?
    {
        match field.name() {
            Some("file") => {
                upload.file_name = clean_text(field.file_name().unwrap_or_default());
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|_| "import.error.broken_upload")?
                {
                    if upload.bytes.len() + chunk.len() > MAX_BYTES {
                        return Err("attachment.error.too_large");
                    }
                    upload.bytes.extend_from_slice(&chunk);
                }
            }
            Some("purpose") => {
                upload.purpose = clean_text(
                    &field
                        .text()
                        .await
                        .map_err(|_| "import.error.broken_upload")?,
                )
            }
            _ => {}
        }
    }
    if upload.file_name.is_empty() && upload.bytes.is_empty() {
        return Err("import.error.no_file");
    }
    Ok(upload)
}

/// Reads a record's upload form and checks it: the purpose one of `purposes`, the content a
/// PDF, JPEG or PNG. The upload and its type, or why it is refused (a catalogue key).
pub async fn receive<S: Send + Sync>(
    request: Request,
    state: &S,
    purposes: &[&str],
) -> Result<(Upload, &'static str), &'static str> {
    let upload = match Multipart::from_request(request, state).await {
        Ok(mut multipart) => read_upload(&mut multipart).await?,
        Err(_) => return Err("import.error.no_file"),
    };
    if !purposes.contains(&upload.purpose.as_str()) {
        return Err("attachment.error.purpose");
    }
    content_type(&upload.bytes).map(|kind| (upload, kind))
}

/// Keeps a checked file for its owner with the owner's audit record, in the caller's
/// transaction; returns the file's id.
pub async fn add(
    tx: &mut PgConnection,
    actor: &Actor,
    (owner, organisation_id): Owner,
    upload: &Upload,
    content_type: &str,
) -> sqlx::Result<i64> {
    let file_id = store(&mut *tx, actor, owner, upload, content_type).await?;
    crate::audit::record(
        &mut *tx,
        actor,
        crate::audit::Change {
            entity: owner.0,
            entity_id: owner.1.to_string(),
            action: "attachment_added",
            organisation_id: Some(organisation_id),
            before: None,
            after: Some(serde_json::json!({
                "attachment": file_id, "file_name": upload.file_name, "purpose": upload.purpose,
                "size": upload.bytes.len(),
            })),
        },
    )
    .await?;
    Ok(file_id)
}

/// Marks the owner's file deleted with the owner's audit record; `false` when it has no such file.
pub async fn remove(
    tx: &mut PgConnection,
    actor: &Actor,
    (owner, organisation_id): Owner,
    id: i64,
) -> sqlx::Result<bool> {
    if !delete(&mut *tx, owner, id).await? {
        return Ok(false);
    }
    crate::audit::record(
        &mut *tx,
        actor,
        crate::audit::Change {
            entity: owner.0,
            entity_id: owner.1.to_string(),
            action: "attachment_deleted",
            organisation_id: Some(organisation_id),
            before: Some(serde_json::json!({ "attachment": id })),
            after: None,
        },
    )
    .await?;
    Ok(true)
}

/// A record's file and the record it belongs to: `((entity, id), organisation)`.
pub type Owner = ((&'static str, i64), i64);

/// The end of every record's upload, once its handler has found the record and checked who
/// asks: the file kept with its audit record in one transaction, then back to the record.
pub async fn keep(
    db: &sqlx::PgPool,
    actor: &Actor,
    owner: Owner,
    (upload, content_type): (&Upload, &str),
    back: &str,
) -> AppResult<Response> {
    let mut tx = db.begin().await?;
    add(&mut tx, actor, owner, upload, content_type).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("attachment.flash.added"),
        back,
    ))
}

/// The end of every record's file removal: marked deleted with its audit record, then back to
/// the record; 404 when the record has no such file.
pub async fn discard(
    db: &sqlx::PgPool,
    actor: &Actor,
    owner: Owner,
    id: i64,
    back: &str,
) -> AppResult<Response> {
    let mut tx = db.begin().await?;
    if !remove(&mut tx, actor, owner, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(redirect_with(Flash::success("flash.saved"), back))
}

/// The record's file `id` as a download; 404 when the record has no such file.
pub async fn serve(db: impl PgExecutor<'_>, owner: (&str, i64), id: i64) -> AppResult<Response> {
    download(db, owner, id).await?.ok_or(AppError::NotFound)
}

/// Keeps a checked file for its owner; returns its id.
pub async fn store(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    (owner_entity, owner_id): (&str, i64),
    upload: &Upload,
    content_type: &str,
) -> sqlx::Result<i64> {
    let name: String = upload.file_name.chars().take(200).collect();
    let name = if name.is_empty() {
        "file".to_string()
    } else {
        name
    };
    sqlx::query_scalar!(
        r#"insert into attachments (owner_entity, owner_id, purpose, file_name, content_type,
                                    size_bytes, sha256, content, uploaded_by, uploader_name)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id"#,
        owner_entity,
        owner_id,
        upload.purpose,
        name,
        content_type,
        upload.bytes.len() as i32,
        Sha256::digest(&upload.bytes).to_vec(),
        upload.bytes,
        actor.user_id,
        actor.name,
    )
    .fetch_one(db)
    .await
}

/// Marks a file deleted (it stays for the audit trail's sake, but is no longer listed or served).
pub async fn delete(
    db: impl PgExecutor<'_>,
    (owner_entity, owner_id): (&str, i64),
    id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update attachments set deleted_at = now()
           where id = $1 and owner_entity = $2 and owner_id = $3 and deleted_at is null"#,
        id,
        owner_entity,
        owner_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The file `id` of the owner as a download, or `None` when the owner has no such file.
pub async fn download(
    db: impl PgExecutor<'_>,
    (owner_entity, owner_id): (&str, i64),
    id: i64,
) -> sqlx::Result<Option<Response>> {
    let file = sqlx::query!(
        r#"select file_name, content_type, content from attachments
           where id = $1 and owner_entity = $2 and owner_id = $3 and deleted_at is null"#,
        id,
        owner_entity,
        owner_id
    )
    .fetch_optional(db)
    .await?;
    Ok(file.map(|file| {
        (
            [
                (header::CONTENT_TYPE, file.content_type),
                (
                    header::CONTENT_DISPOSITION,
                    crate::web::attachment(&file.file_name),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            ],
            file.content,
        )
            .into_response()
    }))
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn files_are_known_by_their_content_not_their_name() {
        assert_eq!(content_type(b"%PDF-1.7\n"), Ok("application/pdf"));
        assert_eq!(content_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok("image/jpeg"));
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n...."), Ok("image/png"));
        assert_eq!(
            content_type(b"<html><script>"),
            Err("attachment.error.kind")
        );
        assert_eq!(content_type(b""), Err("attachment.error.empty"));
    }
}
