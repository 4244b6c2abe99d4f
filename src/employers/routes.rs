//! The register's pages: the list (search by name or credit code), an employer's page, and the
//! form that registers or corrects one.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{EmployerForm, Kind};
use super::queries::{self, Employer};
use crate::access::{CurrentUser, Reader, Role, Staff};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::{FieldErrors, Unique};
use crate::web::paging::{PageRequest, Pager};
use crate::web::{Ctx, saved};

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "employers/index.html")]
pub struct IndexTemplate {
    ctx: Ctx,
    query: ListQuery,
    employers: Vec<Employer>,
    total: i64,
    pager: Pager,
    can_add: bool,
}

impl IndexTemplate {
    fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "employers/show.html")]
pub struct ShowTemplate {
    ctx: Ctx,
    employer: Employer,
    can_change: bool,
    /// The dispute cases naming it in the user's subtree, for those who read cases.
    cases: Option<i64>,
}

impl ShowTemplate {
    fn cases_link(&self) -> String {
        format!("/disputes?employer={}", self.employer.id)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "employers/form.html")]
pub struct FormTemplate {
    ctx: Ctx,
    /// The employer being corrected; none for a new one.
    employer: Option<Employer>,
    form: EmployerForm,
    errors: FieldErrors,
}

impl FormTemplate {
    fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    fn action(&self) -> String {
        match &self.employer {
            Some(employer) => format!("/employers/{}", employer.id),
            None => "/employers".into(),
        }
    }
}

const UNIQUE_CODE: Unique = Unique {
    constraint: "employers_credit_code_key",
    field: "credit_code",
    key: "employer.error.credit_code_taken",
};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let request = PageRequest::new(query.page);
    let search = crate::web::input::clean_text(query.q.trim());
    let pattern =
        (!search.is_empty()).then(|| format!("%{}%", crate::db::escape_like(search.trim())));
    let kind = Kind::parse(&query.kind);
    let page = (request.limit(), request.offset());
    let (mut employers, total) =
        queries::list(&state.db, &user.scope, pattern.as_deref(), kind, page).await?;
    let filters =
        serde_urlencoded::to_string([("q", &query.q), ("kind", &query.kind)]).unwrap_or_default();
    let pager = Pager::counted(request, &mut employers, total, |page| {
        format!("/employers?{filters}&page={page}")
    });
    Ok(IndexTemplate {
        ctx,
        query,
        employers,
        total,
        pager,
        can_add: user.can(Role::Staff),
    })
}

async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Employer> {
    queries::find_visible(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

/// The employer, if `user` may change it: kept inside their subtree (an employer kept above it
/// is read, not changed).
async fn find_to_change(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Employer> {
    let employer = find(state, user, id).await?;
    if user.scope.holds(&employer.organisation_path) {
        Ok(employer)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<ShowTemplate> {
    let employer = find(&state, &user, id).await?;
    let can_change = user.can(Role::Staff) && user.scope.holds(&employer.organisation_path);
    let cases = if crate::disputes::reads_cases(&user) {
        let count = crate::disputes::queries::count_for_employer(&state.db, id, &user.scope);
        Some(count.await?)
    } else {
        None
    };
    Ok(ShowTemplate {
        ctx,
        employer,
        can_change,
        cases,
    })
}

pub async fn new(ctx: Ctx, Staff(_): Staff) -> FormTemplate {
    FormTemplate {
        errors: FieldErrors::new(ctx.locale),
        ctx,
        employer: None,
        form: EmployerForm::default(),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<FormTemplate> {
    let employer = find_to_change(&state, &user, id).await?;
    Ok(FormTemplate {
        errors: FieldErrors::new(ctx.locale),
        form: EmployerForm::of(&employer),
        ctx,
        employer: Some(employer),
    })
}

/// Registers an employer, kept by the user's own organisation.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Form(form): Form<EmployerForm>,
) -> AppResult<Response> {
    save(state, ctx, user, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<EmployerForm>,
) -> AppResult<Response> {
    let employer = find_to_change(&state, &user, id).await?;
    save(state, ctx, user, Some(employer), form).await
}

/// Checks the form and writes it with its audit record in one transaction; a refused form is
/// shown again with what was typed and every problem beside its field.
async fn save(
    state: AppState,
    ctx: Ctx,
    user: CurrentUser,
    employer: Option<Employer>,
    form: EmployerForm,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    if let Some(valid) = form.check(&mut errors) {
        let mut tx = state.db.begin().await?;
        let written = match &employer {
            Some(old) => queries::update(&mut *tx, old.id, &valid)
                .await
                .map(|done| done.then_some(old.id)),
            None => queries::insert(&mut *tx, user.organisation_id, &valid)
                .await
                .map(Some),
        };
        let organisation_id = employer
            .as_ref()
            .map_or(user.organisation_id, |e| e.organisation_id);
        if let Some(written) = errors.on_constraint(written, &UNIQUE_CODE)? {
            let id = written.ok_or(AppError::NotFound)?;
            audit::record(
                &mut *tx,
                &ctx.actor(&user),
                Change {
                    entity: "employer",
                    entity_id: id.to_string(),
                    action: if employer.is_some() { "update" } else { "create" },
                    organisation_id: Some(organisation_id),
                    before: employer.as_ref().map(|old| {
                        serde_json::json!({ "name": old.name, "credit_code": old.credit_code })
                    }),
                    after: serde_json::to_value(&valid).ok(),
                },
            )
            .await?;
            tx.commit().await?;
            return Ok(saved(&format!("/employers/{id}")));
        }
    }
    let page = FormTemplate {
        ctx,
        employer,
        form,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
