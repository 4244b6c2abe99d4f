//! Batch joining and import (upload, preview with every row's problems, confirm, progress) and the
//! exports of the filtered list as .xlsx and CSV.

use std::collections::{HashMap, HashSet};

use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::files::{self, FileProblem, RowProblem};
use super::filter::ListQuery;
use super::model::ValidMember;
use super::queries::{self, Sort};
use super::views::{ImportTemplate, PreviewTemplate, SampleRow};
use crate::access::Staff;
use crate::access::{CurrentUser, Role};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::orgs::model::{Candidate, choose_named};
use crate::orgs::queries as org_queries;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, attachment};

/// Rows inserted per statement: large enough to be fast, small enough to show progress.
const CHUNK: usize = 2_000;
/// Problems listed on the preview (the count says how many there are in all).
const SHOWN_PROBLEMS: usize = 200;
const EXPORT_LIMIT: i64 = 200_000;

pub async fn template(ctx: Ctx, _user: CurrentUser) -> Response {
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

/// A file checked against the rules and the database.
pub struct Checked {
    pub total: usize,
    /// Rows to insert, each with its organisation.
    pub valid: Vec<(ValidMember, i64)>,
    pub problems: Vec<RowProblem>,
    /// Rows whose ID number is already a member: skipped, so that uploading a file twice adds nobody twice.
    pub already_members: usize,
}

async fn check_file(
    state: &AppState,
    user: &CurrentUser,
    default_organisation: i64,
    channel: &str,
    bytes: &[u8],
    ctx: &Ctx,
) -> AppResult<Result<Checked, FileProblem>> {
    let rows = match files::read(bytes) {
        Ok(rows) => rows,
        Err(problem) => return Ok(Err(problem)),
    };
    // The organisation column holds a code or, as staff more often write it, the union's name.
    let in_scope = org_queries::list_codes_in_scope(&state.db, &user.scope).await?;
    let mut by_code: HashMap<&str, Candidate<'_>> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<Candidate<'_>>> = HashMap::new();
    for (code, name, id, status) in &in_scope {
        let candidate = Candidate {
            id: *id,
            code,
            status: *status,
        };
        by_code.insert(code, candidate);
        by_name.entry(name).or_default().push(candidate);
    }
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    for row in &rows {
        match files::check_row(row, ctx.locale, channel) {
            Err(row_problems) => problems.extend(row_problems),
            Ok((member, code)) => {
                let organisation = if code.is_empty() {
                    Ok(default_organisation)
                } else {
                    let candidates: Vec<Candidate<'_>> = by_code
                        .get(code.to_uppercase().as_str())
                        .into_iter()
                        .chain(by_name.get(code.as_str()).into_iter().flatten())
                        .copied()
                        .collect();
                    choose_named(&code, &candidates)
                };
                let index = state.pii.index(member.id_number.as_str());
                let problem = match (&organisation, seen.get(&index)) {
                    (Err(message), _) => Some(RowProblem {
                        line: row.line,
                        field: "organisation_code",
                        message,
                        value: code.clone(),
                    }),
                    (_, Some(first)) => Some(RowProblem {
                        line: row.line,
                        field: "id_number",
                        message: "import.error.duplicate_in_file",
                        value: format!("{} ({first})", member.id_number.masked()),
                    }),
                    _ => None,
                };
                seen.entry(index).or_insert(row.line);
                match (problem, organisation) {
                    (Some(problem), _) => problems.push(problem),
                    (None, Ok(organisation)) => valid.push((member, organisation)),
                    (None, Err(_)) => {}
                }
            }
        }
    }
    let indexes: Vec<Vec<u8>> = valid
        .iter()
        .map(|(member, _)| state.pii.index(member.id_number.as_str()))
        .collect();
    let mut existing: HashSet<Vec<u8>> = HashSet::new();
    for chunk in indexes.chunks(10_000) {
        existing.extend(queries::existing_id_indexes(&state.db, chunk).await?);
    }
    let before = valid.len();
    let valid: Vec<_> = valid
        .into_iter()
        .zip(indexes)
        .filter(|(_, index)| !existing.contains(index))
        .map(|(row, _)| row)
        .collect();
    Ok(Ok(Checked {
        total: rows.len(),
        already_members: before - valid.len(),
        valid,
        problems,
    }))
}

/// Receives the upload, checks it, keeps it (encrypted) and shows the preview.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    request: Request,
) -> AppResult<Response> {
    // Who is asking comes first; only then is the body read as an upload.
    let Ok(mut multipart) = Multipart::from_request(request, &state).await else {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add("file", "import.error.no_file");
        let page = ImportTemplate {
            ctx,
            errors,
            organisation_code: String::new(),
            channel: "import".into(),
            file_problem: None,
            organisation_choices: Vec::new(),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let (mut file_name, mut bytes, mut organisation_code, mut channel) = (
        String::new(),
        Vec::new(),
        String::new(),
        "import".to_string(),
    );
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::internal("a broken upload"))?
    {
        match field.name() {
            Some("file") => {
                file_name = field.file_name().unwrap_or("members.csv").to_string();
                bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::internal("a broken upload"))?
                    .to_vec();
            }
            Some("organisation_code") => {
                organisation_code = field.text().await.unwrap_or_default().trim().to_string()
            }
            Some("channel") => channel = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
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
    let Some(organisation_id) = errors.check(
        "organisation_code",
        org_queries::resolve_named(
            &state.db,
            &organisation_code,
            &user.scope,
            user.organisation_id,
        )
        .await?,
    ) else {
        return Ok(refuse(ctx, errors, None, organisation_code, channel));
    };
    if bytes.is_empty() {
        errors.add("file", "import.error.no_file");
        return Ok(refuse(ctx, errors, None, organisation_code, channel));
    }
    let checked = match check_file(&state, &user, organisation_id, &channel, &bytes, &ctx).await? {
        Ok(checked) => checked,
        Err(problem) => {
            errors.add("file", problem.key());
            let column = match problem {
                FileProblem::MissingColumn(field) => files::COLUMNS
                    .iter()
                    .find(|(_, f)| *f == field)
                    .map(|(name, _)| *name),
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
    Ok(axum::response::Redirect::to(&format!("/members/import/{id}")).into_response())
}

/// The preview of an upload, its progress while it runs, or its result.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<uuid::Uuid>,
) -> AppResult<PreviewTemplate> {
    let import = queries::find_import(&state.db, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut page = PreviewTemplate::new(ctx, &import);
    if import.status == "previewed"
        && let Some(payload) = &import.payload_cipher
    {
        let bytes = state
            .pii
            .decrypt_bytes(payload)
            .map_err(AppError::internal)?;
        if let Ok(checked) = check_file(
            &state,
            &user,
            import.organisation_id,
            &import.join_channel,
            &bytes,
            &page.ctx,
        )
        .await?
        {
            page.problem_count = checked.problems.len();
            page.problems = checked.problems.into_iter().take(SHOWN_PROBLEMS).collect();
            page.valid_count = checked.valid.len();
            page.already_members = checked.already_members;
            page.sample = checked
                .valid
                .iter()
                .take(10)
                .map(|(member, _)| SampleRow {
                    name: member.name.clone(),
                    id_number: member.id_number.masked(),
                    phone: member.phone.masked(),
                    occupation: member.occupation,
                    join_date: member.join_date.to_string(),
                })
                .collect();
        }
    }
    Ok(page)
}

/// Confirms an upload without problems: the import runs in the background, all rows in one
/// transaction, and the page shows its progress.
pub async fn create_run(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<uuid::Uuid>,
) -> AppResult<Response> {
    let import = queries::find_import(&state.db, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if queries::start_import(&state.db, id).await? {
        let payload = import.payload_cipher.clone().unwrap_or_default();
        tokio::spawn(async move {
            let outcome = run(&state, &ctx, &user, &import, &payload).await;
            if let Err(error) = outcome {
                tracing::error!(%error, import = %id, "member import failed; nothing was saved");
                let _ = queries::finish_import(&state.db, id, "failed", 0, 0).await;
            }
        });
    }
    Ok(axum::response::Redirect::to(&format!("/members/import/{id}")).into_response())
}

async fn run(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    import: &queries::ImportRow,
    payload: &[u8],
) -> AppResult<()> {
    let bytes = state
        .pii
        .decrypt_bytes(payload)
        .map_err(AppError::internal)?;
    let checked = check_file(
        state,
        user,
        import.organisation_id,
        &import.join_channel,
        &bytes,
        ctx,
    )
    .await?
    .map_err(|problem| AppError::internal(format!("{problem:?}")))?;
    if !checked.problems.is_empty() {
        return Err(AppError::internal(
            "the file has problems; confirm is only offered without them",
        ));
    }
    let mut tx = state.db.begin().await?;
    let mut imported = 0u64;
    for (done, chunk) in checked.valid.chunks(CHUNK).enumerate() {
        let records: Vec<_> = chunk
            .iter()
            .map(|(member, organisation)| {
                queries::NewMember::sealed(&state.pii, *organisation, member)
            })
            .collect();
        imported += queries::insert_many(&mut tx, &records, &user.username).await?;
        let processed = ((done + 1) * CHUNK).min(checked.valid.len()) + checked.already_members;
        queries::set_import_progress(
            &state.db,
            import.id,
            i32::try_from(processed).unwrap_or(i32::MAX),
        )
        .await?;
    }
    let imported = i32::try_from(imported).unwrap_or(i32::MAX);
    let skipped = i32::try_from(checked.total).unwrap_or(i32::MAX) - imported;
    audit::record(
        &mut *tx,
        &ctx.actor(user),
        Change {
            entity: "member_import",
            entity_id: import.id.to_string(),
            action: "import",
            organisation_id: Some(import.organisation_id),
            before: None,
            after: Some(serde_json::json!({
                "file": import.file_name, "rows": checked.total, "imported": imported, "skipped": skipped,
                "channel": import.join_channel,
            })),
        },
    )
    .await?;
    queries::finish_import(&mut *tx, import.id, "done", imported, skipped).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(flatten)]
    list: ListQuery,
    /// Staff may ask for the full ID numbers and phones; such an export is audited.
    #[serde(default)]
    full: Option<String>,
}

const EXPORT_COLUMNS: [&str; 13] = [
    "member.field.member_no",
    "member.field.name",
    "member.field.gender",
    "member.field.birth_date",
    "member.field.id_number",
    "member.field.phone",
    "member.field.employer",
    "member.field.occupation",
    "member.field.skill_level",
    "member.field.join_date",
    "member.field.join_channel",
    "account.organisation",
    "org.field.status",
];

/// The filtered list as rows of text, full or masked as the user may see them.
async fn export_rows(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    query: &ExportQuery,
) -> AppResult<Vec<[String; 13]>> {
    let mut errors = FieldErrors::new(ctx.locale);
    let filter = query.list.to_filter(state, user, &mut errors).await?;
    let members = queries::list(&state.db, &filter, Sort::MemberNo, EXPORT_LIMIT, 0).await?;
    let full = query.full.is_some() && user.can(Role::Staff);
    let mut clear: HashMap<i64, (String, String)> = HashMap::new();
    if full {
        let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
        for (id, id_cipher, phone_cipher) in queries::find_sealed_many(&state.db, &ids).await? {
            let id_number = state.pii.decrypt(&id_cipher).map_err(AppError::internal)?;
            let phone = state
                .pii
                .decrypt(&phone_cipher)
                .map_err(AppError::internal)?;
            clear.insert(id, (id_number, phone));
        }
    }
    audit::record(
        &state.db,
        &ctx.actor(user),
        Change {
            entity: "member",
            entity_id: "export".into(),
            action: if full { "export_full" } else { "export" },
            organisation_id: Some(user.organisation_id),
            before: None,
            after: Some(
                serde_json::json!({ "rows": members.len(), "query": query.list.with(None, None) }),
            ),
        },
    )
    .await?;
    Ok(members
        .into_iter()
        .map(|m| {
            let (id_number, phone) = clear
                .remove(&m.id)
                .unwrap_or((m.id_number_masked.clone(), m.phone_masked.clone()));
            [
                m.member_no,
                m.name,
                ctx.tr("member.gender.", &m.gender),
                m.birth_date.to_string(),
                id_number,
                phone,
                m.employer,
                ctx.tr("member.occupation.", &m.occupation),
                m.skill_level
                    .map(|level| ctx.tr("member.skill.", &level))
                    .unwrap_or_default(),
                m.join_date.to_string(),
                ctx.tr("member.channel.", &m.join_channel),
                m.organisation_name,
                ctx.tr("member.status.", m.status.code()),
            ]
        })
        .collect())
}

pub async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(query): Query<ExportQuery>,
) -> AppResult<Response> {
    let rows = export_rows(&state, &ctx, &user, &query).await?;
    let mut csv = String::from("\u{feff}");
    let line = |fields: Vec<String>| {
        fields
            .iter()
            .map(|f| crate::audit::routes::csv_field(f))
            .collect::<Vec<_>>()
            .join(",")
            + "\r\n"
    };
    csv.push_str(&line(
        EXPORT_COLUMNS
            .iter()
            .map(|key| ctx.t(key).to_string())
            .collect(),
    ));
    for row in rows {
        csv.push_str(&line(row.to_vec()));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                attachment(&format!("{}.csv", ctx.t("member.file_name.export"))),
            ),
        ],
        csv,
    )
        .into_response())
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(query): Query<ExportQuery>,
) -> AppResult<Response> {
    let rows = export_rows(&state, &ctx, &user, &query).await?;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (column, key) in EXPORT_COLUMNS.iter().enumerate() {
        let column = u16::try_from(column).unwrap_or(0);
        sheet
            .write_string_with_format(0, column, ctx.t(key), &bold)
            .map_err(AppError::internal)?;
        sheet
            .set_column_width(column, if column == 4 { 22 } else { 14 })
            .map_err(AppError::internal)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (column, value) in row.iter().enumerate() {
            // Everything as text: Excel must not turn an ID number into 2.10211E+17.
            sheet
                .write_string(line, u16::try_from(column).unwrap_or(0), value)
                .map_err(AppError::internal)?;
        }
    }
    let bytes = workbook.save_to_buffer().map_err(AppError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                attachment(&format!("{}.xlsx", ctx.t("member.file_name.export"))),
            ),
        ],
        bytes,
    )
        .into_response())
}
