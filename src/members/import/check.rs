//! Checking an uploaded roster: every row against the rules, the file's other rows and the members
//! on record. The preview shows the result; the import job checks again before it writes.

use std::collections::{HashMap, HashSet};

use super::files::{self, FileProblem, RowProblem};
use crate::access::Scope;
use crate::error::{AppError, AppResult};
use crate::members::model::ValidMember;
use crate::members::queries;
use crate::orgs::model::{Candidate, choose_named};
use crate::orgs::queries as org_queries;
use crate::state::AppState;
use crate::web::i18n::Locale;
use crate::web::sheet;

/// Where an upload's rows go unless a row names its own organisation.
pub struct Upload<'a> {
    /// The uploader's scope: a row may name only organisations in it.
    pub scope: &'a Scope,
    pub default_organisation: i64,
    /// `import` or `ceremony`.
    pub channel: &'a str,
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

/// Reads an upload (off the async threads: a large file takes seconds) and checks every row against
/// the rules, the file's other rows, and the members already on record.
pub async fn check_file(
    state: &AppState,
    upload: &Upload<'_>,
    bytes: Vec<u8>,
) -> AppResult<Result<Checked, FileProblem>> {
    let read = sheet::read_table_blocking(bytes, files::LIMITS)
        .await
        .map_err(AppError::internal)?;
    let rows = match files::rows_of(read) {
        Ok(rows) => rows,
        Err(problem) => return Ok(Err(problem)),
    };
    let (channel, default_organisation) = (upload.channel, upload.default_organisation);
    // The organisation column holds a code or, as staff more often write it, the union's name.
    let in_scope = org_queries::list_codes_in_scope(&state.db, upload.scope).await?;
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
        match files::check_row(row, Locale::default(), channel) {
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

/// An upload still at its preview, checked again as it stands now (the preview and the rows with
/// problems both show the file against today's members); `None` when there is nothing to check.
pub async fn recheck(
    state: &AppState,
    scope: &Scope,
    import: &super::queries::ImportRow,
) -> AppResult<Option<(Checked, Vec<u8>)>> {
    let Some(payload) = import
        .payload_cipher
        .as_ref()
        .filter(|_| import.status == "previewed")
    else {
        return Ok(None);
    };
    let bytes = state
        .pii
        .decrypt_bytes(payload)
        .map_err(AppError::internal)?;
    let upload = Upload {
        scope,
        default_organisation: import.organisation_id,
        channel: &import.join_channel,
    };
    Ok(check_file(state, &upload, bytes.clone())
        .await?
        .ok()
        .map(|checked| (checked, bytes)))
}
