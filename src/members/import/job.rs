//! The import job: a confirmed upload's rows written in one transaction, with progress the preview
//! page shows. A crash half-way leaves nothing written; the job is taken up again, and rows whose
//! ID number became a member meanwhile are skipped, so nobody is added twice.

use super::check::{Upload, check_file};
use super::queries;
use crate::access::{Actor, Scope};
use crate::audit::{self, Change};
use crate::jobs::{Job, JobFuture};
use crate::members::queries::NewMember;
use crate::state::AppState;

/// The job kind, as the queue names it.
pub const JOB: &str = "member_import";
/// Rows inserted per statement: large enough to be fast, small enough to show progress.
const CHUNK: usize = 2_000;
/// How long an upload waits at its preview before it (and the ID numbers it holds) is dropped.
const PREVIEW_KEPT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

fn import_id(job: &Job) -> Result<uuid::Uuid, crate::BoxError> {
    let id = job.payload["import"].as_str().unwrap_or_default();
    Ok(uuid::Uuid::parse_str(id)?)
}

pub fn run_job(state: AppState, job: Job) -> JobFuture {
    Box::pin(async move { run(&state, import_id(&job)?).await })
}

/// A job that failed for good marks its import failed and forgets the file.
pub fn job_failed(state: AppState, job: Job) -> JobFuture {
    Box::pin(async move {
        queries::finish_import(&state.db, import_id(&job)?, "failed", 0, 0).await?;
        Ok(())
    })
}

/// Drops uploads left at their preview: their sealed ID numbers are not kept longer than needed.
pub fn expire_previews(state: AppState) -> JobFuture {
    Box::pin(async move {
        let expired = queries::expire_previews(&state.db, PREVIEW_KEPT).await?;
        if expired > 0 {
            tracing::info!(expired, "dropped member uploads left at their preview");
        }
        Ok(())
    })
}

async fn run(state: &AppState, id: uuid::Uuid) -> Result<(), crate::BoxError> {
    let Some(import) = queries::find_running(&state.db, id).await? else {
        return Ok(()); // finished meanwhile: nothing to do
    };
    let payload = import.payload_cipher.clone().unwrap_or_default();
    let bytes = state.pii.decrypt_bytes(&payload)?;
    let scope = Scope::of(import.uploader_scope.clone());
    let upload = Upload {
        scope: &scope,
        default_organisation: import.organisation_id,
        channel: &import.join_channel,
    };
    let checked = check_file(state, &upload, bytes)
        .await?
        .map_err(|problem| format!("{problem:?}"))?;
    if !checked.problems.is_empty() {
        // Confirm is offered only without problems; a file that has some now (an organisation
        // closed meanwhile) fails at once rather than retrying.
        queries::finish_import(&state.db, id, "failed", 0, 0).await?;
        return Ok(());
    }
    let actor = Actor {
        user_id: Some(import.user_id),
        name: import.uploader_name.clone(),
        ip: None,
    };
    let mut tx = state.db.begin().await?;
    let mut imported = 0u64;
    for (done, chunk) in checked.valid.chunks(CHUNK).enumerate() {
        let records: Vec<_> = chunk
            .iter()
            .map(|(member, organisation)| NewMember::sealed(&state.pii, *organisation, member))
            .collect();
        imported += queries::insert_many(&mut tx, &records, &actor).await?;
        let processed = ((done + 1) * CHUNK).min(checked.valid.len()) + checked.already_members;
        let processed = i32::try_from(processed).unwrap_or(i32::MAX);
        queries::set_import_progress(&state.db, id, processed).await?;
    }
    let imported = i32::try_from(imported).unwrap_or(i32::MAX);
    let skipped = i32::try_from(checked.total).unwrap_or(i32::MAX) - imported;
    audit::record(
        &mut *tx,
        &actor,
        Change {
            entity: "member_import",
            entity_id: id.to_string(),
            action: "import",
            organisation_id: Some(import.organisation_id),
            before: None,
            after: Some(serde_json::json!({
                "file": import.file_name, "rows": checked.total, "imported": imported,
                "skipped": skipped, "channel": import.join_channel,
            })),
        },
    )
    .await?;
    queries::finish_import(&mut *tx, id, "done", imported, skipped).await?;
    tx.commit().await?;
    Ok(())
}
