//! Adding the workers a campaign reached: a member picked from a search or named by a scanned
//! member number, someone who is not a member typed with their protected data, or a whole file.
//! Each worker counts once per campaign: a second entry is refused with the first one's date.

use std::collections::HashMap;

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::{IntoResponse, Response};

use super::from_file::{self, Check, RECIPIENT_COLUMNS};
use super::model::{SignOffForm, Way};
use super::queries::{self, Campaign, NewRecipient};
use super::routes::{ShowQuery, find, page};
use super::views::{FileReport, PageParts, WorkerForm};
use crate::access::{CurrentUser, Scope, Staff};
use crate::error::AppResult;
use crate::members::queries::MemberRow;
use crate::members::search::{ListFilter, Sort, read_search};
use crate::members::worker::{self, SealedWorker, Worker};
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line};

/// The members of the campaign's subtree that a search names (a name, a member number, an ID
/// number or a phone, read as the member list reads its search box), at most twenty.
pub async fn find_members(
    state: &AppState,
    campaign: &Campaign,
    text: &str,
) -> AppResult<Vec<MemberRow>> {
    let path = campaign.organisation_path.clone();
    let filter = ListFilter {
        scope: Scope::of(path),
        organisation_path: None,
        search: read_search(&state.pii, text),
        occupation: None,
        status: Some("active".into()),
        channel: None,
        joined_from: None,
        joined_to: None,
    };
    Ok(crate::members::search::list(&state.db, &filter, Sort::Name, 20, 0).await?)
}

/// `POST /care/{id}/recipients`: one worker and their sign-off. `member_id` comes from a pick
/// in the search, `member` from the scanner or the keyboard, the other fields for someone who
/// is not a member.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<WorkerForm>,
) -> AppResult<Response> {
    let campaign = find(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let today = crate::joining::queries::today(&state.db).await?;
    let sign_off = form
        .sign_off
        .check(&mut errors, (campaign.starts_on, campaign.ends_on), today);
    let path = campaign.organisation_path.clone();
    let campaign_scope = Scope::of(path);
    let (typed, way) = match form.member_id {
        Some(member) => (
            Some(Worker::Member(member_number(&state, member).await?)),
            Way::Picked,
        ),
        None if !form.member.trim().is_empty() => (
            worker::check(&mut errors, &form.member, "", "", ""),
            Way::Scanned,
        ),
        None => (
            worker::check(
                &mut errors,
                "",
                &form.worker_name,
                &form.worker_id_number,
                &form.worker_phone,
            ),
            Way::Outsider,
        ),
    };
    let sealed = match &typed {
        Some(typed) => worker::resolve(&state, &campaign_scope, typed, &mut errors).await?,
        None => None,
    };
    let field = if way == Way::Outsider {
        "worker_id_number"
    } else {
        "member"
    };
    if let Some(sealed) = &sealed
        && let Some((day, _)) = first_entry(&state, campaign.id, sealed).await?
    {
        errors.add_filled(
            field,
            "care.error.already_reached",
            [("date", day.to_string())],
        );
    }
    let (Some(sealed), Some(sign_off), true) = (sealed, sign_off, errors.is_empty()) else {
        let parts = PageParts {
            errors,
            worker: form.clone(),
            sign_off: form.sign_off,
            failed: Some(if way == Way::Outsider {
                "outsider"
            } else {
                "member"
            }),
            ..PageParts::default()
        };
        let page = page(&state, ctx, &user, campaign, ShowQuery::default(), parts).await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let row = NewRecipient {
        worker: sealed,
        given_on: sign_off.given_on,
        given: sign_off.given,
        value: sign_off.value,
        way,
    };
    let added = add(&state, &ctx, &user, &campaign, &[row]).await?;
    let flash = if added == 1 {
        Flash::success("care.flash.reached")
    } else {
        // Another clerk entered the same worker between the check and the insert.
        Flash::error("care.flash.reached_meanwhile")
    };
    Ok(redirect_with(flash, &format!("/care/{id}")))
}

/// The number of a member picked from the search, to find them again within the campaign.
async fn member_number(state: &AppState, member_id: i64) -> AppResult<String> {
    let number = sqlx::query_scalar!("select member_no from members where id = $1", member_id)
        .fetch_optional(&state.db)
        .await?;
    Ok(number.unwrap_or_default())
}

/// The day and name of the worker's entry on the campaign, if they have one.
async fn first_entry(
    state: &AppState,
    campaign_id: i64,
    worker: &SealedWorker,
) -> AppResult<Option<(time::Date, String)>> {
    let found = queries::already_reached(
        &state.db,
        campaign_id,
        std::slice::from_ref(&worker.person_index),
    )
    .await?;
    Ok(found.into_iter().next().map(|(_, day, name)| (day, name)))
}

/// One transaction: the workers, the campaign's reach (its trigger), one timeline line and audit
/// record for the lot.
async fn add(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    campaign: &Campaign,
    rows: &[NewRecipient],
) -> AppResult<u64> {
    let mut tx = state.db.begin().await?;
    if !super::funding::lock_unsettled(&mut tx, campaign.id).await? {
        return Err(super::funding::SETTLED.conflict(format!("/care/{}", campaign.id)));
    }
    let added = queries::insert_recipients(&mut tx, campaign.id, user.id, rows).await?;
    let detail = if rows.len() == 1 {
        serde_json::json!({ "name": rows[0].worker.name, "way": rows[0].way.code(),
                            "member_id": rows[0].worker.member_id })
    } else {
        serde_json::json!({ "lines": rows.len(), "added": added })
    };
    let line = Line::event(
        "care_campaign",
        campaign.id,
        campaign.organisation_id,
        "reached",
    )
    .with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(user), &line).await?;
    tx.commit().await?;
    Ok(added)
}

/// `POST /care/{id}/recipients/{recipient}/deletion`: a worker entered by mistake taken off.
pub async fn create_deletion(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, recipient)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let campaign = find(&state, &user, id).await?;
    if super::session_queries::attended_any(&state.db, recipient).await? {
        let back = format!("/care/{id}");
        return Err(crate::workflow::Refused("care.refused.attended_stays").conflict(back));
    }
    let mut tx = state.db.begin().await?;
    if !super::funding::lock_unsettled(&mut tx, id).await? {
        return Err(super::funding::SETTLED.conflict(format!("/care/{}", id)));
    }
    // Taken off already (a second click, another clerk): the campaign says so, unchanged.
    let Some(name) = queries::delete_recipient(&mut tx, campaign.id, recipient).await? else {
        let flash = Flash::error("care.flash.not_on_campaign");
        return Ok(redirect_with(flash, &format!("/care/{id}")));
    };
    let line = Line::event(
        "care_campaign",
        id,
        campaign.organisation_id,
        "recipient_removed",
    )
    .with_detail(serde_json::json!({ "name": name }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("care.flash.removed"),
        &format!("/care/{id}"),
    ))
}

/// `GET /care/{id}/recipients/template.csv`: the file to fill in, UTF-8 with a BOM.
pub async fn template(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let campaign = find(&state, &user, id).await?;
    let fields = [
        "name",
        "member_no",
        "id_number",
        "phone",
        "given_on",
        "given",
        "value",
    ];
    let header: Vec<&str> = fields
        .iter()
        .filter_map(|f| RECIPIENT_COLUMNS.heading(f))
        .collect();
    let body = format!("\u{feff}{}\r\n", header.join(",")).into_bytes();
    let name = format!(
        "{}-{}.csv",
        ctx.t("care.file.template_name"),
        campaign.title
    );
    Ok(crate::web::export::download(
        "text/csv; charset=utf-8",
        &name,
        body,
    ))
}

/// The upload form: the file, the sign-off its lines default to, and whether to add the good
/// lines when some have problems.
async fn read_upload(
    request: Request,
    state: &AppState,
) -> Result<(Vec<u8>, SignOffForm, bool), &'static str> {
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|_| "import.error.no_file")?;
    let (mut bytes, mut sign_off, mut skip) = (Vec::new(), SignOffForm::default(), false);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| "import.error.broken_upload")?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            bytes = field
                .bytes()
                .await
                .map_err(|_| "import.error.broken_upload")?
                .to_vec();
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|_| "import.error.broken_upload")?;
        match name.as_str() {
            "given_on" => sign_off.given_on = text,
            "given" => sign_off.given = text,
            "value" => sign_off.value = text,
            "skip_problems" => skip = !text.is_empty(),
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err("import.error.no_file");
    }
    Ok((bytes, sign_off, skip))
}

/// `POST /care/{id}/recipients/file`: every line of a file checked; the workers added in one
/// transaction when no line has a problem (or the clerk asked to add the good ones anyway),
/// the lines naming a worker already reached left out and listed.
pub async fn create_from_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    request: Request,
) -> AppResult<Response> {
    let campaign = find(&state, &user, id).await?;
    let refused = |parts: PageParts| async {
        let page = page(
            &state,
            ctx.clone(),
            &user,
            campaign.clone(),
            ShowQuery::default(),
            parts,
        );
        Ok::<_, crate::error::AppError>(
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page.await?).into_response(),
        )
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let (bytes, sign_off_form, skip) = match read_upload(request, &state).await {
        Ok(upload) => upload,
        Err(key) => {
            errors.add("file", key);
            return refused(PageParts {
                errors,
                failed: Some("file"),
                ..PageParts::default()
            })
            .await;
        }
    };
    let today = crate::joining::queries::today(&state.db).await?;
    let campaign_days = (campaign.starts_on, campaign.ends_on);
    let Some(defaults) = sign_off_form.check(&mut errors, campaign_days, today) else {
        let parts = PageParts {
            errors,
            sign_off: sign_off_form,
            failed: Some("file"),
            ..PageParts::default()
        };
        return refused(parts).await;
    };
    let rows = match from_file::read(bytes).await? {
        Ok(rows) => rows,
        Err(problem) => {
            let column = match problem {
                crate::web::roster::FileProblem::MissingColumn(field) => {
                    RECIPIENT_COLUMNS.heading(field)
                }
                _ => None,
            };
            let message = match column {
                Some(column) => format!("{}：{column}", ctx.t(problem.key())),
                None => ctx.t(problem.key()).to_string(),
            };
            let report = FileReport {
                refused: Some(message),
                ..FileReport::default()
            };
            let parts = PageParts {
                errors,
                sign_off: sign_off_form,
                failed: Some("file"),
                file: Some(report),
                ..PageParts::default()
            };
            return refused(parts).await;
        }
    };
    let check = Check {
        ctx: &ctx,
        pii: &state.pii,
        defaults: &defaults,
        campaign: campaign_days,
        today,
    };
    let keys = from_file::keys(&check, &rows);
    let path = campaign.organisation_path.clone();
    let members =
        crate::members::queries::members_by_keys(&state.db, &path, &keys.indexes, &keys.numbers)
            .await?;
    let mut people: Vec<Vec<u8>> = keys.indexes.clone();
    people.extend(members.iter().map(|m| m.id_number_index.clone()));
    let reached: HashMap<Vec<u8>, time::Date> =
        queries::already_reached(&state.db, campaign.id, &people)
            .await?
            .into_iter()
            .map(|(index, day, _)| (index, day))
            .collect();
    let checked = from_file::decide(&check, keys, &members, &reached);
    let blocked = !checked.problems.is_empty() && !skip;
    let added = if blocked || checked.to_add.is_empty() {
        0
    } else {
        add(&state, &ctx, &user, &campaign, &checked.to_add).await?
    };
    let report = FileReport::of(checked, added, blocked);
    if blocked {
        let parts = PageParts {
            errors,
            sign_off: sign_off_form,
            failed: Some("file"),
            file: Some(report),
            ..PageParts::default()
        };
        return refused(parts).await;
    }
    // The campaign's figures changed: read them again for the page.
    let campaign = find(&state, &user, id).await?;
    let parts = PageParts {
        errors,
        file: Some(report),
        ..PageParts::default()
    };
    Ok(
        page(&state, ctx, &user, campaign, ShowQuery::default(), parts)
            .await?
            .into_response(),
    )
}
