//! A collective case (集体争议): workers added to a case after the first, each with their own
//! claim. The case's claim is their total, kept in the same transaction as each addition; a
//! worker is on a case once, whether they are a member or not.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use sqlx::PgExecutor;

use super::CaseHandler;
use super::model::claim_field;
use super::page::page;
use super::queries::Case;
use super::routes::find;
use super::steps::finish;
use super::views::StepForms;
use crate::error::AppResult;
use crate::members::worker::{self, SealedWorker};
use crate::money::Money;
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::workflow::{ALREADY_DONE, Line, Refused};

/// A further worker as typed: who (as at intake) and their own claim.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct WorkerForm {
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    pub worker_name: String,
    #[serde(default)]
    pub worker_id_number: String,
    #[serde(default)]
    pub worker_phone: String,
    #[serde(default)]
    pub claimed: String,
}

/// A worker of a case as stored: the first (from the case's row) or a further one.
#[derive(Debug, Clone)]
pub struct CaseWorker {
    pub member_id: Option<i64>,
    pub name: String,
    pub id_cipher: Option<Vec<u8>>,
    pub phone_cipher: Option<Vec<u8>>,
    pub claimed: Money,
}

/// Every worker of a case, the first one first.
pub async fn list(db: impl PgExecutor<'_>, case: &Case) -> sqlx::Result<Vec<CaseWorker>> {
    let first = CaseWorker {
        member_id: case.member_id,
        name: case.worker_name.clone(),
        id_cipher: case.worker_id_cipher.clone(),
        phone_cipher: case.worker_phone_cipher.clone(),
        claimed: case.worker_claimed,
    };
    let further = sqlx::query_as!(
        CaseWorker,
        r#"select member_id, worker_name as name, worker_id_cipher as id_cipher,
                  worker_phone_cipher as phone_cipher, claimed as "claimed: Money"
           from dispute_case_workers where case_id = $1 order by id"#,
        case.id
    )
    .fetch_all(db)
    .await?;
    Ok(std::iter::once(first).chain(further).collect())
}

/// Whether the worker is on the case already (as its first worker or a further one).
async fn is_on_case(
    db: impl PgExecutor<'_>,
    case_id: i64,
    worker: &SealedWorker,
) -> sqlx::Result<bool> {
    let index = worker.id_number.as_ref().map(|(_, index)| index.clone());
    sqlx::query_scalar!(
        r#"select exists(select 1 from dispute_cases
                         where id = $1 and (member_id = $2 or worker_id_index = $3))
               or exists(select 1 from dispute_case_workers
                         where case_id = $1 and (member_id = $2 or worker_id_index = $3)) as "on!""#,
        case_id,
        worker.member_id,
        index
    )
    .fetch_one(db)
    .await
}

/// Adds the worker and their claim to the case's total; `false` when they were added meanwhile.
pub(super) async fn insert(
    tx: &mut sqlx::PgConnection,
    case_id: i64,
    worker: &SealedWorker,
    claimed: Money,
    added_by: i64,
) -> sqlx::Result<bool> {
    let (id_cipher, id_index) = worker.id_number.clone().unzip();
    let added = sqlx::query!(
        "insert into dispute_case_workers (case_id, member_id, worker_name, worker_id_cipher,
                worker_id_index, worker_phone_cipher, claimed, added_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict do nothing",
        case_id,
        worker.member_id,
        worker.name,
        id_cipher,
        id_index,
        worker.phone.clone(),
        claimed.fen(),
        added_by
    )
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "update dispute_cases set claimed = claimed + $2 where id = $1",
        case_id,
        claimed.fen()
    )
    .execute(&mut *tx)
    .await?;
    Ok(true)
}

pub async fn create_worker(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    Form(form): Form<WorkerForm>,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    let back = format!("/disputes/{id}");
    if !case.status.is_open() {
        return Err(Refused("dispute.refused.closed").conflict(back));
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let worker = worker::check(
        &mut errors,
        &form.member,
        &form.worker_name,
        &form.worker_id_number,
        &form.worker_phone,
    );
    let claimed = claim_field(&mut errors, &form.claimed);
    let sealed = match &worker {
        Some(worker) => worker::resolve(&state, &user.scope, worker, &mut errors).await?,
        None => None,
    };
    if let Some(sealed) = &sealed
        && is_on_case(&state.db, id, sealed).await?
    {
        let field = if sealed.member_id.is_some() {
            "member"
        } else {
            "worker_id_number"
        };
        errors.add(field, "dispute.error.worker_twice");
    }
    let (Some(sealed), Some(claimed), true) = (sealed, claimed, errors.is_empty()) else {
        let forms = StepForms {
            worker: form,
            failed: "worker",
            ..StepForms::default()
        };
        return page(&state, ctx, &user, case, (forms, errors)).await;
    };
    let mut tx = state.db.begin().await?;
    let open = super::queries::find_for_update(&mut *tx, id).await?;
    if !open.is_some_and(|status| status.is_open())
        || !insert(&mut tx, id, &sealed, claimed, user.id).await?
    {
        return Err(ALREADY_DONE.conflict(back));
    }
    let comment = format!("{} {claimed}", sealed.name);
    let line = Line::event("dispute_case", id, case.organisation_id, "worker_added")
        .with_comment(&comment)
        .with_detail(serde_json::json!({
            "member_id": sealed.member_id, "claimed": claimed.fen(),
            "total": (case.claimed + claimed).fen(),
        }));
    finish(tx, &ctx, &user, line, "dispute.flash.worker_added").await
}
