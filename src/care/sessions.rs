//! Training and counselling sessions of a campaign: staff hold them; whoever attends is one of
//! the campaign's workers reached (once, however many sessions). A counselling session is the
//! counsellor's: who came and the notes (sealed) are shown to them alone; everyone else who
//! reads the campaign sees that it happened and how long it took.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{SessionForm, SessionKind, Way};
use super::queries::{self, Campaign, NewRecipient};
use super::routes::{ShowQuery, find, page};
use super::session_queries::{self as sq, Session};
use super::views::{PageParts, SessionTemplate, WorkerForm};
use crate::access::{CurrentUser, Role, Scope, Staff};
use crate::error::{AppError, AppResult};
use crate::members::worker;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line, Refused};

/// The accounts that may counsel for the campaign, as its page offers them.
pub async fn counsellors_for(
    state: &AppState,
    user: &CurrentUser,
    campaign: &Campaign,
) -> AppResult<Vec<(i64, String)>> {
    let path = campaign.organisation_path.clone();
    Ok(sq::counsellors(&state.db, &path, &user.scope).await?)
}

/// `POST /care/{id}/sessions`: a session held, by staff of the campaign's subtree.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<SessionForm>,
) -> AppResult<Response> {
    let campaign = find(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let today = crate::joining::queries::today(&state.db).await?;
    let counsellors = counsellors_for(&state, &user, &campaign).await?;
    let days = (campaign.starts_on, campaign.ends_on);
    let Some(valid) = form.check(&mut errors, (days, today), &counsellors) else {
        let parts = PageParts {
            errors,
            session: form,
            failed: Some("session"),
            ..PageParts::default()
        };
        let page = page(&state, ctx, &user, campaign, ShowQuery::default(), parts).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    if !super::funding::lock_unsettled(&mut tx, id).await? {
        return Err(super::funding::SETTLED.conflict(format!("/care/{id}")));
    }
    let session = sq::insert(&mut tx, id, &valid, user.id).await?;
    let detail = serde_json::json!({
        "session_id": session,
        "kind": valid.kind.code(),
        "held_on": valid.held_on.to_string(),
        "minutes": valid.minutes,
    });
    let line = Line::event(
        "care_campaign",
        id,
        campaign.organisation_id,
        "session_held",
    )
    .with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("care.flash.session_saved"),
        &format!("/care/{id}/sessions/{session}"),
    ))
}

/// A session and its campaign, for a reader of the campaign's subtree or its own counsellor
/// (who may hold no other role); whether the user is that counsellor.
async fn open(
    state: &AppState,
    user: &CurrentUser,
    (id, session_id): (i64, i64),
) -> AppResult<(Campaign, Session, bool)> {
    let campaign = queries::find_in_scope(&state.db, id, &Scope::everywhere())
        .await?
        .ok_or(AppError::NotFound)?;
    let session = sq::find(&state.db, id, session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let counsels = session.counsellor_id == Some(user.id);
    if !counsels {
        if !user.reads_union_records() {
            return Err(AppError::Forbidden);
        }
        find(state, user, id).await?;
    }
    Ok((campaign, session, counsels))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<SessionTemplate> {
    let (campaign, session, counsels) = open(&state, &user, ids).await?;
    let errors = FieldErrors::new(ctx.locale);
    session_page(
        &state,
        ctx,
        &user,
        (campaign, session, counsels),
        errors,
        WorkerForm::default(),
    )
    .await
}

async fn session_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    (campaign, session, counsels): (Campaign, Session, bool),
    errors: FieldErrors,
    typed: WorkerForm,
) -> AppResult<SessionTemplate> {
    let training = session.kind == SessionKind::Training;
    let attendees = if training || counsels {
        Some(sq::attendees(&state.db, session.id).await?)
    } else {
        None
    };
    let notes = match sq::notes(&state.db, session.id).await? {
        Some(sealed) if counsels => Some(state.pii.decrypt(&sealed).map_err(AppError::internal)?),
        _ => None,
    };
    Ok(SessionTemplate {
        can_record: if training {
            user.can(Role::Staff)
        } else {
            counsels
        },
        reads_campaigns: user.reads_union_records(),
        ctx,
        campaign,
        session,
        counsels,
        attendees,
        notes,
        errors,
        typed,
    })
}

/// `POST /care/{id}/sessions/{session}/attendance`: a worker who came (a member by number or ID
/// number, or someone who is not a member), put on the campaign if they are not on it yet.
/// Staff record a training's; a counselling session's, its counsellor.
pub async fn create_attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, session_id)): Path<(i64, i64)>,
    Form(form): Form<WorkerForm>,
) -> AppResult<Response> {
    let (campaign, session, counsels) = open(&state, &user, (id, session_id)).await?;
    let allowed = match session.kind {
        SessionKind::Training => user.can(Role::Staff),
        SessionKind::Counselling => counsels,
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let typed = worker::check(
        &mut errors,
        &form.member,
        &form.worker_name,
        &form.worker_id_number,
        &form.worker_phone,
    );
    let path = campaign.organisation_path.clone();
    let sealed = match &typed {
        Some(typed) => worker::resolve(&state, &Scope::of(path), typed, &mut errors).await?,
        None => None,
    };
    let Some(sealed) = sealed.filter(|_| errors.is_empty()) else {
        let page = (campaign, session, counsels);
        let page = session_page(&state, ctx, &user, page, errors, form).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let back = format!("/care/{id}/sessions/{session_id}");
    let mut tx = state.db.begin().await?;
    if !super::funding::lock_unsettled(&mut tx, id).await? {
        return Err(super::funding::SETTLED.conflict(format!("/care/{id}")));
    }
    let recipient = match sq::recipient_of(&mut *tx, id, &sealed.person_index).await? {
        Some(recipient) => recipient,
        None => {
            let given = match session.kind {
                SessionKind::Training => session.topic.clone(),
                SessionKind::Counselling => String::new(),
            };
            let way = if sealed.member_id.is_some() {
                Way::Scanned
            } else {
                Way::Outsider
            };
            let row = NewRecipient {
                worker: sealed,
                given_on: session.held_on,
                given,
                value: crate::money::Money::ZERO,
                way,
            };
            queries::insert_recipients(&mut tx, id, user.id, std::slice::from_ref(&row)).await?;
            sq::recipient_of(&mut *tx, id, &row.worker.person_index)
                .await?
                .ok_or_else(|| Refused("care.flash.reached_meanwhile").conflict(back.clone()))?
        }
    };
    if !sq::attend(&mut tx, session_id, recipient, user.id).await? {
        return Err(Refused("care.refused.attended").conflict(back));
    }
    // The audit trail says that someone attended, not who: a counselling session's attendance
    // is its counsellor's to know.
    let line = Line::event("care_campaign", id, campaign.organisation_id, "attended")
        .with_detail(serde_json::json!({ "session_id": session_id }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success("care.flash.attended"), &back))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NotesForm {
    #[serde(default)]
    pub notes: String,
}

/// `POST /care/{id}/sessions/{session}/notes`: the counsellor's notes, sealed; nobody else may
/// write or read them.
pub async fn create_notes(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, session_id)): Path<(i64, i64)>,
    Form(form): Form<NotesForm>,
) -> AppResult<Response> {
    let (campaign, session, counsels) = open(&state, &user, (id, session_id)).await?;
    if !counsels || session.kind != SessionKind::Counselling {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let notes = errors.text("notes", &form.notes, 5_000);
    if !errors.is_empty() {
        let page = (campaign, session, counsels);
        let mut page =
            session_page(&state, ctx, &user, page, errors, WorkerForm::default()).await?;
        page.notes = Some(notes);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    sq::set_notes(&mut tx, session_id, &state.pii.encrypt(&notes)).await?;
    let line = Line::event(
        "care_campaign",
        id,
        campaign.organisation_id,
        "notes_written",
    )
    .with_detail(serde_json::json!({ "session_id": session_id }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("care.flash.notes_saved"),
        &format!("/care/{id}/sessions/{session_id}"),
    ))
}
