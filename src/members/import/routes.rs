//! Handlers of member imports: the template, the upload form, the preview of an upload with every
//! row's problems, and its confirmation (which queues the import job).

use axum::extract::multipart::MultipartError;
use std::collections::HashMap;

use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::check::{Upload, check_file, recheck};
use super::files::{self, FileProblem};
use super::queries;
use crate::access::{Reader, Staff};
use crate::error::{AppError, AppResult};
use crate::jobs;
use crate::members::views::{ImportTemplate, PreviewTemplate, SampleRow};
use crate::orgs::picker;
use crate::orgs::queries as org_queries;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;
use crate::web::paging::{self, PageRequest, Pager};
use crate::web::{Ctx, attachment};

/// Problems listed on the preview (the count says how many there are in all).
const SHOWN_PROBLEMS: usize = 200;

pub async fn template(ctx: Ctx, Reader(_): Reader) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                attachment(ctx.t("import.file_name.template")),
            ),
        ],
        files::template_csv(),
    )
        .into_response()
}

/// The template as an .xlsx with drop-down lists (the link offered first).
pub async fn template_xlsx(ctx: Ctx, Reader(_): Reader) -> AppResult<Response> {
    let bytes = super::template::template_xlsx().map_err(AppError::internal)?;
    let name = ctx.t("import.file_name.template_xlsx");
    Ok(crate::web::export::download(XLSX, name, bytes))
}

/// The media type of .xlsx files.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
) -> AppResult<ImportTemplate> {
    let errors = FieldErrors::new(ctx.locale);
    Ok(ImportTemplate {
        ctx,
        errors,
        organisation_code: String::new(),
        channel: "import".into(),
        file_problem: None,
        organisation_choices: org_queries::list_choices_in_scope(&state.db, &user.scope).await?,
    })
}

/// Receives the upload, checks it, keeps it (encrypted) and shows the preview.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    request: Request,
) -> AppResult<Response> {
    // Who is asking comes first; only then is the body read as an upload. A body that is no
    // multipart, or is cut short or has the wrong boundary, is said beside the file, not a 500.
    let form = match Multipart::from_request(request, &state).await {
        Ok(mut multipart) => read_upload(&mut multipart)
            .await
            .map_err(|_| "import.error.broken_upload"),
        Err(_) => Err("import.error.no_file"),
    };
    let UploadForm {
        file_name,
        bytes,
        organisation_code,
        mut channel,
    } = match form {
        Ok(form) => form,
        Err(problem) => {
            let mut errors = FieldErrors::new(ctx.locale);
            errors.add("file", problem);
            let page = ImportTemplate {
                ctx,
                errors,
                organisation_code: String::new(),
                channel: "import".into(),
                file_problem: None,
                organisation_choices: org_queries::list_choices_in_scope(&state.db, &user.scope)
                    .await?,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if !matches!(channel.as_str(), "import" | "ceremony") {
        channel = "import".into();
    }
    let choices = org_queries::list_choices_in_scope(&state.db, &user.scope).await?;
    let refuse = |ctx: Ctx,
                  errors: FieldErrors,
                  problem: Option<&'static str>,
                  code: String,
                  channel: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ImportTemplate {
                ctx,
                errors,
                organisation_code: code,
                channel,
                file_problem: problem,
                organisation_choices: choices.clone(),
            },
        )
            .into_response()
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let field = (&mut errors, "organisation_code");
    let picked = picker::pick(
        &state.db,
        &organisation_code,
        &user.scope,
        user.organisation_id,
        field,
    );
    let Some(organisation_id) = picked.await? else {
        return Ok(refuse(ctx, errors, None, organisation_code, channel));
    };
    if bytes.is_empty() {
        errors.add("file", "import.error.no_file");
        return Ok(refuse(ctx, errors, None, organisation_code, channel));
    }
    let upload = Upload {
        scope: &user.scope,
        default_organisation: organisation_id,
        channel: &channel,
    };
    let checked = match check_file(&state, &upload, bytes.clone()).await? {
        Ok(checked) => checked,
        Err(problem) => {
            errors.add("file", problem.key());
            let column = match problem {
                FileProblem::MissingColumn(field) => files::MEMBER_COLUMNS.heading(field),
                _ => None,
            };
            return Ok(refuse(ctx, errors, column, organisation_code, channel));
        }
    };
    let id = uuid::Uuid::new_v4();
    let upload = queries::NewImport {
        id,
        organisation_id,
        user_id: user.id,
        file_name: &file_name,
        join_channel: &channel,
        payload: state.pii.encrypt_bytes(&bytes),
        total_rows: i32::try_from(checked.total).unwrap_or(i32::MAX),
    };
    queries::insert_import(&state.db, &upload).await?;
    Ok(Redirect::to(&format!("/members/import/{id}")).into_response())
}

/// What the upload form sends, its texts cleaned like every typed text (`web::input`).
struct UploadForm {
    file_name: String,
    bytes: Vec<u8>,
    organisation_code: String,
    channel: String,
}

async fn read_upload(multipart: &mut Multipart) -> Result<UploadForm, MultipartError> {
    let mut form = UploadForm {
        file_name: String::new(),
        bytes: Vec::new(),
        organisation_code: String::new(),
        channel: "import".into(),
    };
    let mut picked = String::new();
    while let Some(field) = multipart.next_field().await? {
        match field.name() {
            Some("file") => {
                form.file_name = clean_text(field.file_name().unwrap_or("members.csv"));
                form.bytes = field.bytes().await?.to_vec();
            }
            Some("organisation_code") => form.organisation_code = clean_text(&field.text().await?),
            Some("organisation_code_choice") => picked = clean_text(&field.text().await?),
            Some("channel") => form.channel = clean_text(&field.text().await?),
            _ => {}
        }
    }
    form.organisation_code = picker::typed_or_picked(&form.organisation_code, &picked).to_string();
    Ok(form)
}

#[derive(serde::Deserialize)]
pub struct PreviewQuery {
    page: Option<i64>,
}

/// The preview of an upload, its progress while it runs, or its result.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<uuid::Uuid>,
    Query(query): Query<PreviewQuery>,
) -> AppResult<PreviewTemplate> {
    let import = queries::find_import(&state.db, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut page = PreviewTemplate::new(ctx, &import);
    if let Some((checked, _)) = recheck(&state, &user.scope, &import).await? {
        page.problem_count = checked.problems.len();
        page.problems = checked.problems.into_iter().take(SHOWN_PROBLEMS).collect();
        page.valid_count = checked.valid.len();
        page.already_members = checked.already_members;
        let names: HashMap<i64, String> = org_queries::list_codes_in_scope(&state.db, &user.scope)
            .await?
            .into_iter()
            .map(|(_, name, id, _)| (id, name))
            .collect();
        let request = PageRequest::new(query.page);
        let mut sample: Vec<SampleRow> = checked
            .valid
            .iter()
            .skip(request.offset() as usize)
            .take(request.limit() as usize)
            .map(|(member, organisation)| SampleRow {
                name: member.name.clone(),
                id_number: member.id_number.masked(),
                phone: member.phone.masked(),
                occupation: member.occupation,
                join_date: member.join_date.to_string(),
                organisation_name: names.get(organisation).cloned().unwrap_or_default(),
            })
            .collect();
        let total = checked.valid.len() as i64;
        page.pager = Pager::counted(request, &mut sample, total, |number| {
            paging::link(
                &format!("/members/import/{id}"),
                &[("page", &number.to_string())],
            )
        });
        page.sample = sample;
    }
    Ok(page)
}

/// Confirms an upload: the import is queued as a job (all rows in one transaction) and the page
/// shows its progress. A second click finds it running and changes nothing.
pub async fn create_run(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<uuid::Uuid>,
) -> AppResult<Response> {
    queries::find_import(&state.db, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    if queries::start_import(&mut *tx, id).await? {
        let job = jobs::enqueue(
            &mut *tx,
            super::job::JOB,
            &serde_json::json!({ "import": id }),
        )
        .await?;
        queries::set_import_job(&mut *tx, id, job).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/members/import/{id}")).into_response())
}
