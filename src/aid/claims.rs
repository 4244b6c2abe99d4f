//! Claims: the list (open ones by their deadline, with days left and the late flagged), a claim
//! filed for an enrolled member, and a claim's page with the steps its state allows.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{Channel, ClaimForm, channel};
use super::queries::{self, Claim, ClaimFilter, NewClaim};
use super::routes::find_plan;
use super::views::{ClaimFormTemplate, ClaimTemplate, ClaimsQuery, ClaimsTemplate, StepForms};
use crate::access::{CurrentUser, Reader, Role, Scope, Staff};
use crate::error::{AppError, AppResult};
use crate::members::worker;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::paging::{PageRequest, Pager};
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<ClaimsQuery>,
) -> AppResult<ClaimsTemplate> {
    let request = PageRequest::new(query.page);
    let open = query.all.is_none();
    let channel = Channel::parse(query.channel.trim());
    let page = (request.limit(), request.offset());
    let filter = ClaimFilter {
        open,
        channel,
        ..ClaimFilter::default()
    };
    let mut claims = queries::claims(&state.db, &user.scope, filter, page).await?;
    let link = query.to_query();
    let pager = Pager::numbered(request, &mut claims, |page| {
        format!("/aid/claims?{link}&page={page}")
    });
    Ok(ClaimsTemplate {
        ctx,
        query,
        claims,
        pager,
    })
}

/// The latest claims of one plan, for its page.
pub async fn of_plan(state: &AppState, user: &CurrentUser, plan_id: i64) -> AppResult<Vec<Claim>> {
    let filter = ClaimFilter {
        plan_id: Some(plan_id),
        ..ClaimFilter::default()
    };
    Ok(queries::claims(&state.db, &user.scope, filter, (20, 0)).await?)
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<ClaimFormTemplate> {
    let plan = find_plan(&state, &user, id).await?;
    let today = crate::joining::queries::today(&state.db).await?;
    Ok(ClaimFormTemplate {
        errors: FieldErrors::new(ctx.locale),
        ctx,
        plan,
        form: ClaimForm {
            event_on: today.to_string(),
            ..ClaimForm::default()
        },
    })
}

/// `POST /aid/{id}/claims`: a claim of a member enrolled in the plan. Its channel and deadline
/// are decided here: the fast channel's in working days from today, the normal one's in days.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<ClaimForm>,
) -> AppResult<Response> {
    let plan = find_plan(&state, &user, id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let today = crate::joining::queries::today(&state.db).await?;
    let valid = form.check(&mut errors, today);
    let path = plan.organisation_path.clone();
    let member = match form.member.trim() {
        "" => None,
        key => worker::find_member(&state, &Scope::of(path), key).await?,
    };
    if member.is_none() && !form.member.trim().is_empty() {
        errors.add("member", "worker.error.member_unknown");
    }
    let enrolment = match &member {
        Some(member) => queries::enrolment(&state.db, id, member.id).await?,
        None => None,
    };
    if member.is_some() && enrolment.is_none() {
        errors.add("member", "aid.error.not_enrolled");
    }
    if let Some(valid) = &valid {
        if valid.event_on < plan.starts_on || valid.event_on > plan.ends_on {
            errors.add("event_on", "aid.error.event_outside");
        }
        let benefit = plan.benefit(valid.event_kind);
        if valid.claimed > benefit {
            errors.add_filled(
                "claimed",
                "aid.error.above_benefit",
                [("benefit", benefit.to_string())],
            );
        }
    }
    let (Some(valid), Some((enrolment_id, _)), true) = (valid, enrolment, errors.is_empty()) else {
        let page = ClaimFormTemplate {
            ctx,
            plan,
            form,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let channel = channel(valid.claimed, valid.documents_complete, plan.fast_limit);
    let due_on = due_on(&state, channel, today, &plan).await?;
    let mut tx = state.db.begin().await?;
    let new = NewClaim {
        enrolment_id,
        organisation_id: plan.organisation_id,
        claim: &valid,
        channel,
        filed_on: today,
        due_on,
    };
    let claim = queries::insert_claim(&mut tx, &new, user.id).await?;
    let detail = serde_json::json!({
        "plan_id": id,
        "event_kind": valid.event_kind.code(),
        "claimed_fen": valid.claimed.fen(),
        "channel": channel.code(),
        "due_on": due_on.to_string(),
    });
    let line = Line::event("aid_claim", claim, plan.organisation_id, "filed").with_detail(detail);
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("aid.flash.filed"),
        &format!("/aid/claims/{claim}"),
    ))
}

/// The day a claim of `channel` filed (or completed) `from` must be settled by.
pub async fn due_on(
    state: &AppState,
    channel: Channel,
    from: time::Date,
    plan: &queries::Plan,
) -> AppResult<time::Date> {
    Ok(match channel {
        Channel::Fast => {
            let days = u32::try_from(plan.fast_working_days).unwrap_or(3);
            crate::calendar::working_days_after(&state.db, from, days).await?
        }
        Channel::Normal => from + time::Duration::days(i64::from(plan.normal_days)),
    })
}

pub async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Claim> {
    queries::find_claim(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<ClaimTemplate> {
    let claim = find(&state, &user, id).await?;
    claim_page(&state, ctx, &user, claim, StepForms::default()).await
}

pub async fn claim_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    claim: Claim,
    forms: StepForms,
) -> AppResult<ClaimTemplate> {
    let plan = find_plan(state, user, claim.plan_id).await?;
    let timeline = crate::workflow::timeline(&state.db, "aid_claim", claim.id).await?;
    let documents = crate::attachments::list(&state.db, super::documents::OWNER, claim.id).await?;
    Ok(ClaimTemplate {
        documents,
        benefit: plan.benefit(claim.event_kind),
        decides: user.can(Role::Reviewer),
        handles: user.can(Role::Staff),
        ctx,
        claim,
        timeline,
        forms,
    })
}
