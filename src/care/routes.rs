//! The list of campaigns, a new campaign and its edit, and a campaign's page with the workers it
//! reached.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::funding;
use super::model::{CampaignForm, Kind, SignOffForm, ValidCampaign};
use super::queries::{self, Campaign, Filters};
use super::views::{CampaignTemplate, FormTemplate, IndexTemplate, ListQuery, PageParts};
use crate::access::{CurrentUser, Reader, Role, Staff};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::paging::{PageRequest, Pager, RowCount};
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line, Refused};

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<ListQuery>,
) -> AppResult<IndexTemplate> {
    let request = PageRequest::new(query.page);
    let search = crate::web::input::clean_text(query.q.trim());
    let filters = Filters {
        kind: Kind::parse(&query.kind),
        year: query.year.filter(|y| (2000..=2100).contains(y)),
        pattern: (!search.is_empty()).then(|| format!("%{}%", crate::db::escape_like(&search))),
    };
    let page = (request.limit(), request.offset());
    let (mut campaigns, total) = queries::list(&state.db, &user.scope, &filters, page).await?;
    let link = query.to_query();
    let pager = Pager::counted(request, &mut campaigns, total, |page| {
        format!("/care?{link}&page={page}")
    });
    Ok(IndexTemplate {
        ctx,
        query,
        campaigns,
        total,
        pager,
        can_run: user.can(Role::Staff),
    })
}

async fn form_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    editing: Option<(i64, String)>,
    form: CampaignForm,
    errors: FieldErrors,
) -> AppResult<FormTemplate> {
    Ok(FormTemplate {
        ctx,
        editing,
        form,
        errors,
        organisations: crate::orgs::queries::list_choices_in_scope(&state.db, &user.scope).await?,
        funds: queries::funds(&state.db, &user.scope).await?,
    })
}

pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
) -> AppResult<FormTemplate> {
    let own =
        crate::orgs::queries::find_in_scope(&state.db, user.organisation_id, &user.scope).await?;
    let today = crate::joining::queries::today(&state.db).await?;
    let form = CampaignForm {
        organisation: own.map(|o| o.code).unwrap_or_default(),
        kind: Kind::CarePackage.code().into(),
        starts_on: today.to_string(),
        ends_on: today.to_string(),
        ..CampaignForm::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    form_page(&state, ctx, &user, None, form, errors).await
}

/// Reads and checks the form against the user's subtree and its funds.
async fn check(
    state: &AppState,
    user: &CurrentUser,
    form: &CampaignForm,
    errors: &mut FieldErrors,
) -> AppResult<Option<ValidCampaign>> {
    let organisation = crate::orgs::queries::find_by_code_in_scope(
        &state.db,
        form.organisation.trim(),
        &user.scope,
    )
    .await?;
    let fund = match form.fund.trim() {
        "" => Some(None),
        text => {
            let funds = queries::funds(&state.db, &user.scope).await?;
            let id = text.parse::<i64>().ok();
            id.filter(|id| funds.iter().any(|(f, _)| f == id)).map(Some)
        }
    };
    Ok(form.check(errors, organisation.map(|o| o.id), fund))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Form(form): Form<CampaignForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(valid) = check(&state, &user, &form, &mut errors).await? else {
        let page = form_page(&state, ctx, &user, None, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let id = match save(&state, &ctx, &user, None, &valid).await? {
        Ok(id) => id,
        Err(refused) => return refused_form(&state, (ctx, &user), None, form, refused).await,
    };
    Ok(redirect_with(
        Flash::success("care.flash.saved"),
        &format!("/care/{id}"),
    ))
}

/// One transaction: the campaign (new, or `id` rewritten), its budget committed on its fund,
/// its timeline line and audit record. Refused when the fund has not enough left or the
/// campaign was settled meanwhile.
async fn save(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    id: Option<i64>,
    valid: &ValidCampaign,
) -> AppResult<Result<i64, Refused>> {
    let mut tx = state.db.begin().await?;
    let (id, step) = match id {
        Some(id) => {
            if !queries::update(&mut tx, id, valid).await? {
                return Ok(Err(funding::SETTLED));
            }
            (id, "edited")
        }
        None => (queries::insert(&mut tx, valid, user.id).await?, "created"),
    };
    let actor = ctx.actor(user);
    let money = (valid.fund_id, valid.budget);
    let held = (id, valid.title.as_str());
    if let Err(refused) =
        funding::commit_budget(&mut tx, &actor, held, money, valid.organisation_id).await?
    {
        return Ok(Err(refused));
    }
    let detail = serde_json::json!({
        "kind": valid.kind.code(),
        "title": valid.title,
        "starts_on": valid.starts_on.to_string(),
        "ends_on": valid.ends_on.to_string(),
        "goods": valid.goods,
        "unit_value_fen": valid.unit_value.fen(),
        "budget_fen": valid.budget.fen(),
        "fund_id": valid.fund_id,
    });
    let line = Line::event("care_campaign", id, valid.organisation_id, step).with_detail(detail);
    workflow::record(&mut tx, &actor, &line).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// The form again with why it was not saved: the fund short of the budget, beside the budget.
async fn refused_form(
    state: &AppState,
    (ctx, user): (Ctx, &CurrentUser),
    editing: Option<(i64, String)>,
    form: CampaignForm,
    refused: Refused,
) -> AppResult<Response> {
    if refused == funding::SETTLED {
        let back = editing
            .map(|(id, _)| format!("/care/{id}"))
            .unwrap_or_default();
        return Err(refused.conflict(back));
    }
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add("budget", "care.error.fund_short");
    let page = form_page(state, ctx, user, editing, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn find(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Campaign> {
    queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)
}

/// The page's query: a page of the workers, a name narrowing them, a member search to pick from.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ShowQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub page: Option<i64>,
    /// The id just above the page, for the pages of all the workers (read along the index).
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub before: Option<i64>,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub find: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> AppResult<CampaignTemplate> {
    let campaign = find(&state, &user, id).await?;
    let parts = PageParts {
        errors: FieldErrors::new(ctx.locale),
        ..PageParts::default()
    };
    page(&state, ctx, &user, campaign, query, parts).await
}

/// Past this many, a name search of a campaign's workers says "more than".
const NAMED_CAP: i64 = 200;

/// The campaign's page: its figures, a page of its workers, and (for staff) the forms to add
/// more, with what `parts` carries back from a refused form or a file.
pub async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    campaign: Campaign,
    query: ShowQuery,
    mut parts: PageParts,
) -> AppResult<CampaignTemplate> {
    // A counselling campaign's names are its counsellors' to know: none are read, and a name
    // searched is not answered (its count would say whether that worker was counselled).
    let show_names = campaign.kind != Kind::Counselling;
    let name = crate::web::input::clean_text(query.q.trim());
    let base = format!("/care/{}", campaign.id);
    let (recipients, total, pager) = if !show_names {
        let reached = RowCount::Exact(i64::from(campaign.reached));
        (Vec::new(), reached, Pager::default())
    } else if name.is_empty() {
        let limit = crate::web::paging::PAGE_SIZE + 1;
        let mut rows = queries::recipients(&state.db, campaign.id, query.before, limit).await?;
        let pager = Pager::keyset(&mut rows, |r| r.id, |id| format!("{base}?before={id}"));
        (rows, RowCount::Exact(i64::from(campaign.reached)), pager)
    } else {
        let request = PageRequest::new(query.page);
        let search = queries::NameSearch::new(&name);
        let (limit, offset) = (request.limit(), request.offset());
        let reach = (NAMED_CAP + 1).max(offset + limit);
        let (mut rows, matched) =
            queries::recipients_named(&state.db, campaign.id, &search, (limit, offset, reach))
                .await?;
        let total = RowCount::capped(matched, NAMED_CAP);
        let link = serde_urlencoded::to_string([("q", name.as_str())]).unwrap_or_default();
        let pager = Pager::for_count(request, &mut rows, total, |page| {
            format!("{base}?{link}&page={page}")
        });
        (rows, total, pager)
    };
    // A settled campaign is as it was paid: nobody changes it any more.
    let can_run = user.can(Role::Staff) && campaign.settled_on.is_none();
    let today = crate::joining::queries::today(&state.db).await?;
    if parts.sign_off.given_on.is_empty() {
        parts.sign_off = SignOffForm {
            given_on: today
                .clamp(campaign.starts_on, campaign.ends_on)
                .to_string(),
            given: campaign.goods.clone(),
            value: campaign.unit_value.input(),
        };
    }
    let found = if can_run && !query.find.trim().is_empty() {
        super::recipients::find_members(state, &campaign, &query.find).await?
    } else {
        Vec::new()
    };
    let sessions = super::session_queries::list(&state.db, campaign.id).await?;
    let counsellors = if can_run {
        super::sessions::counsellors_for(state, user, &campaign).await?
    } else {
        Vec::new()
    };
    if parts.session.held_on.is_empty() {
        parts.session.held_on = parts.sign_off.given_on.clone();
        parts.session.kind = match campaign.kind {
            Kind::Counselling => "counselling".into(),
            _ => "training".into(),
        };
    }
    Ok(CampaignTemplate {
        show_names,
        sessions,
        counsellors,
        ctx,
        campaign,
        recipients,
        total,
        pager,
        query,
        found,
        can_run,
        parts,
    })
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<FormTemplate> {
    let campaign = find(&state, &user, id).await?;
    if campaign.settled_on.is_some() {
        return Err(funding::SETTLED.conflict(format!("/care/{id}")));
    }
    let form = CampaignForm {
        organisation: campaign.organisation_code.clone(),
        kind: campaign.kind.code().into(),
        title: campaign.title.clone(),
        starts_on: campaign.starts_on.to_string(),
        ends_on: campaign.ends_on.to_string(),
        goods: campaign.goods.clone(),
        unit_value: campaign.unit_value.input(),
        budget: campaign.budget.input(),
        fund: campaign.fund_id.map(|f| f.to_string()).unwrap_or_default(),
    };
    let errors = FieldErrors::new(ctx.locale);
    form_page(&state, ctx, &user, Some((id, campaign.title)), form, errors).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<CampaignForm>,
) -> AppResult<Response> {
    let campaign = find(&state, &user, id).await?;
    if campaign.settled_on.is_some() {
        return Err(funding::SETTLED.conflict(format!("/care/{id}")));
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let valid = check(&state, &user, &form, &mut errors).await?;
    // The workers already signed off must stay inside the campaign's dates.
    if let Some(valid) = &valid
        && let Some((first, last)) = queries::given_between(&state.db, id).await?
    {
        if valid.starts_on > first {
            errors.add("starts_on", "care.error.dates_leave_out");
        }
        if valid.ends_on < last {
            errors.add("ends_on", "care.error.dates_leave_out");
        }
    }
    let (Some(valid), true) = (valid, errors.is_empty()) else {
        let editing = Some((id, campaign.title));
        let page = form_page(&state, ctx, &user, editing, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if let Err(refused) = save(&state, &ctx, &user, Some(id), &valid).await? {
        let editing = Some((id, campaign.title));
        return refused_form(&state, (ctx, &user), editing, form, refused).await;
    }
    Ok(redirect_with(
        Flash::success("care.flash.saved"),
        &format!("/care/{id}"),
    ))
}
