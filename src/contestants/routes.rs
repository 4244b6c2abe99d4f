//! Handlers of an event's page: show (with the registration search), the rules' update, and
//! registering, withdrawing and seating contestants. Each change locks the competition's row in
//! one transaction with its audit record, so numbers and the one-event rule hold when two clerks
//! register at once.

use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{Ineligible, RulesForm, check_team_name};
use super::queries::{self as q, EventHead};
use super::views::{EventForms, EventTemplate, Found, PanelJudge};
use super::{judge_queries, model, registration};
use crate::access::{CurrentUser, Role, Scope, Staff};
use crate::audit::{self, Change};
use crate::competitions::model::Status;
use crate::competitions::queries::{Competition, Viewer};
use crate::competitions::routes::{find, find_to_change};
use crate::error::{AppError, AppResult};
use crate::members::search::{ListFilter, Sort, read_search};
use crate::state::AppState;
use crate::web::forms::Ticked;
use crate::web::input::check_reason;
use crate::web::{Ctx, Flash, redirect_with, saved};
use crate::workflow::Refused;

pub fn back(id: i64, event: i64) -> String {
    format!("/competitions/{id}/events/{event}")
}

/// The panel may change until marking is finished.
pub fn panel_may_change(status: Status) -> bool {
    matches!(
        status,
        Status::Planned
            | Status::RegistrationOpen
            | Status::RegistrationClosed
            | Status::InProgress
    )
}

/// The event of a competition the user may see (a judge only the events they judge); 404 else.
pub async fn find_event(
    state: &AppState,
    user: &CurrentUser,
    competition: &Competition,
    event: i64,
) -> AppResult<EventHead> {
    let head = q::find_event(&state.db, competition.id, event)
        .await?
        .ok_or(AppError::NotFound)?;
    if !Viewer::of(user).sees_whole(&competition.organisation_path) {
        let judges = judge_queries::judges(&state.db, head.id).await?;
        if !judges.iter().any(|j| j.user_id == user.id) {
            return Err(AppError::NotFound);
        }
    }
    Ok(head)
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    q: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path((id, event)): Path<(i64, i64)>,
    Query(query): Query<ShowQuery>,
) -> AppResult<Response> {
    let competition = find(&state, &user, id).await?;
    let event = find_event(&state, &user, &competition, event).await?;
    let mut forms = EventForms::new(ctx.locale, RulesForm::from_rules(&event.rules));
    forms.q = query.q;
    page(
        &state,
        ctx,
        &user,
        (competition, event),
        forms,
        StatusCode::OK,
    )
    .await
}

/// The event's page; `status` is 422 when one of its forms comes back with its problems.
pub async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    (competition, event): (Competition, EventHead),
    forms: EventForms,
    status: StatusCode,
) -> AppResult<Response> {
    let can_change = user.can(Role::Staff) && user.scope.holds(&competition.organisation_path);
    let contestants = q::contestants(&state.db, event.id).await?;
    let judges = judge_queries::judges(&state.db, event.id).await?;
    let panel: Vec<PanelJudge> = judges
        .into_iter()
        .map(|judge| {
            let conflicts = contestants
                .iter()
                .filter(|c| c.registered)
                .filter(|c| {
                    model::conflicts(
                        (&judge.organisation_path, &judge.employer),
                        &competition.organisation_path,
                        (&c.organisation_path, &c.employer),
                    )
                })
                .count();
            PanelJudge { judge, conflicts }
        })
        .collect();
    let pool = if can_change {
        judge_queries::pool(&state.db, event.id, &competition.organisation_path).await?
    } else {
        Vec::new()
    };
    let searching = can_change
        && competition.status == Status::RegistrationOpen
        && !crate::web::input::clean_text(&forms.q).is_empty();
    let found = if searching {
        Some(search(state, user, &competition, &event, &forms.q).await?)
    } else {
        None
    };
    let show_names = !competition.anonymous_marking
        || Viewer::of(user).sees_whole(&competition.organisation_path);
    let mut items = crate::marks::queries::items_of_event(&state.db, event.id).await?;
    if !Viewer::of(user).sees_whole(&competition.organisation_path) {
        // A judge sees the sheets they mark.
        let me = panel
            .iter()
            .find(|p: &&PanelJudge| p.judge.user_id == user.id);
        items.retain(|(item, ..)| me.is_some_and(|p| p.judge.marks(*item)));
    }
    let page = EventTemplate {
        items,
        ctx,
        competition,
        event,
        panel,
        pool,
        contestants,
        found,
        forms,
        can_change,
        show_names,
    };
    Ok((status, page).into_response())
}

/// Members in the user's scope matching the search, with whether each may enter the event. The
/// text may hold several names, member numbers or ID numbers (a team's, say), apart by spaces or
/// commas; each finds up to 20.
async fn search(
    state: &AppState,
    user: &CurrentUser,
    competition: &Competition,
    event: &EventHead,
    text: &str,
) -> AppResult<Vec<Found>> {
    let mut members: Vec<crate::members::queries::MemberRow> = Vec::new();
    for term in model::search_terms(text) {
        let filter = ListFilter {
            scope: user.scope.clone(),
            organisation_path: None,
            search: read_search(&state.pii, &term),
            occupation: None,
            status: None,
            channel: None,
            joined_from: None,
            joined_to: None,
        };
        let found = crate::members::search::list(&state.db, &filter, Sort::Name, 20, 0).await?;
        for member in found {
            if !members.iter().any(|m| m.id == member.id) {
                members.push(member);
            }
        }
    }
    let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    let facts = q::candidates(&state.db, competition.id, &ids, user.scope.path()).await?;
    Ok(members
        .into_iter()
        .map(|member| {
            let refusal = facts
                .iter()
                .find(|(id, ..)| *id == member.id)
                .and_then(|(.., who)| event.rules.refusal(who, event.id, competition.starts_on));
            Found { member, refusal }
        })
        .collect())
}

async fn come_back(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    (competition, event): (Competition, EventHead),
    forms: EventForms,
) -> AppResult<Response> {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    page(state, ctx, user, (competition, event), forms, status).await
}

/// Writes an audit record of a change to the event's registration.
pub async fn audit(
    tx: &mut sqlx::PgConnection,
    (ctx, user): (&Ctx, &CurrentUser),
    organisation_id: i64,
    (entity, entity_id, action): (&'static str, i64, &'static str),
    (before, after): (Option<serde_json::Value>, Option<serde_json::Value>),
) -> sqlx::Result<()> {
    let change = Change {
        entity,
        entity_id: entity_id.to_string(),
        action,
        organisation_id: Some(organisation_id),
        before,
        after,
    };
    audit::record(tx, &ctx.actor(user), change).await
}

pub async fn update_rules(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let head = find_event(&state, &user, &competition, event).await?;
    let form = RulesForm::from_pairs(&pairs);
    let mut forms = EventForms::new(ctx.locale, form.clone());
    forms.failed = "rules";
    let typed = (
        form.organisation.as_str(),
        form.organisation_choice.as_str(),
    );
    let organisation = if picked_text_is_blank(typed) {
        None
    } else {
        let field = (&mut forms.errors, "organisation");
        match crate::orgs::picker::pick_for_form(&state.db, typed, &user, field).await? {
            Some(org) if !Scope::of(&competition.organisation_path).holds(&org.path) => {
                forms
                    .errors
                    .add("organisation", "contestant.error.outside_organiser");
                None
            }
            picked => picked,
        }
    };
    let checked = form.check(&mut forms.errors);
    let Some(checked) = checked.filter(|_| forms.errors.is_empty()) else {
        return come_back(&state, ctx, &user, (competition, head), forms).await;
    };
    let mut tx = state.db.begin().await?;
    match crate::competitions::event_queries::lock_editable(&mut *tx, id).await? {
        Some(true) => {}
        Some(false) => {
            return Err(Refused("contestant.refused.rules_fixed").conflict(back(id, event)));
        }
        None => return Err(AppError::NotFound),
    }
    let organisation_id = organisation.as_ref().map(|org| org.id);
    q::update_rules(&mut *tx, event, organisation_id, &checked).await?;
    let after = serde_json::json!({ "eligible_organisation_id": organisation_id,
        "occupations": checked.occupations, "skill_levels": checked.skill_levels,
        "min_age": checked.min_age, "max_age": checked.max_age,
        "one_event_only": checked.one_event_only });
    let what = ("competition_event", event, "update_rules");
    audit(
        &mut tx,
        (&ctx, &user),
        competition.organisation_id,
        what,
        (None, Some(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(saved(&format!("{}#rules", back(id, event))))
}

fn picked_text_is_blank((typed, picked): (&str, &str)) -> bool {
    crate::orgs::picker::typed_or_picked(typed, picked).is_empty()
}

/// Registers the ticked members: each one alone, or, for a team event, together as one team
/// with its leader. All of them or none.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let head = find_event(&state, &user, &competition, event).await?;
    let mut forms = EventForms::new(ctx.locale, RulesForm::from_rules(&head.rules));
    forms.failed = "register";
    let ticked = Ticked::read_all(&body);
    forms.q = ticked.text("q").to_string();
    forms.ticked = ticked.ids.clone();
    forms.leader = ticked.text("leader").to_string();
    forms.team_name = ticked.text("team_name").to_string();
    if ticked.ids.is_empty() {
        forms.errors.add("ticked", "contestant.error.none_ticked");
    }
    let team = if head.is_team() {
        if !ticked.ids.is_empty() && ticked.ids.len() != head.team_size as usize {
            forms.errors.add("ticked", "contestant.error.team_size");
        }
        let leader = forms
            .leader
            .parse::<i64>()
            .ok()
            .filter(|l| ticked.ids.contains(l));
        if leader.is_none() && !ticked.ids.is_empty() {
            forms.errors.add("leader", "contestant.error.leader");
        }
        let name = forms
            .errors
            .check("team_name", check_team_name(&forms.team_name));
        name.zip(leader)
    } else {
        None
    };
    if !forms.errors.is_empty() {
        return come_back(&state, ctx, &user, (competition, head), forms).await;
    }
    let mut tx = state.db.begin().await?;
    let here = back(id, event);
    registration::lock_open(&mut tx, id, event).await?;
    let facts = q::candidates(&mut *tx, id, &ticked.ids, user.scope.path()).await?;
    if facts.len() != ticked.ids.len() {
        return Err(AppError::NotFound);
    }
    forms.refusals = facts
        .iter()
        .filter_map(|(_, name, _, _, who)| {
            let refusal: Option<Ineligible> = head.rules.refusal(who, event, competition.starts_on);
            refusal.map(|r| (name.clone(), r))
        })
        .collect();
    if !forms.refusals.is_empty() {
        drop(tx);
        forms.errors.add("ticked", "contestant.error.ineligible");
        return come_back(&state, ctx, &user, (competition, head), forms).await;
    }
    let team_id = match &team {
        Some((name, _)) => {
            let inserted = q::insert_team(&mut *tx, event, name).await;
            let unique = crate::web::forms::Unique {
                constraint: "event_teams_name",
                field: "team_name",
                key: "contestant.error.team_name_taken",
            };
            match forms.errors.on_constraint(inserted, &unique)? {
                Some(team_id) => Some(team_id),
                None => {
                    drop(tx);
                    return come_back(&state, ctx, &user, (competition, head), forms).await;
                }
            }
        }
        None => None,
    };
    let leader = team.as_ref().map(|(_, leader)| *leader);
    let members: Vec<&registration::Fact> = facts.iter().collect();
    let team = team_id.zip(leader);
    let pair = (&competition, &head);
    registration::register(&mut tx, (&ctx, &user), pair, &members, team).await?;
    tx.commit().await?;
    let flash =
        Flash::success("contestant.flash.registered").with_count("count", facts.len() as u64);
    Ok(redirect_with(flash, &format!("{here}#contestants")))
}

#[derive(Debug, Default, Deserialize)]
pub struct WithdrawalForm {
    #[serde(default)]
    reason: String,
}

/// Withdraws a contestant (for a team event, the whole team) with a reason.
pub async fn create_withdrawal(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, contestant)): Path<(i64, i64)>,
    Form(form): Form<WithdrawalForm>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    let event = q::event_of_contestant(&state.db, id, contestant)
        .await?
        .ok_or(AppError::NotFound)?;
    let head = find_event(&state, &user, &competition, event).await?;
    let mut forms = EventForms::new(ctx.locale, RulesForm::from_rules(&head.rules));
    forms.failed = "withdraw";
    forms.withdrawing = contestant;
    let Some(reason) = forms.errors.check(
        "reason",
        check_reason(
            &form.reason,
            [
                "contestant.error.reason_missing",
                "contestant.error.reason_long",
            ],
        ),
    ) else {
        forms.reason = form.reason;
        return come_back(&state, ctx, &user, (competition, head), forms).await;
    };
    let mut tx = state.db.begin().await?;
    let here = back(id, event);
    let status = q::lock_for_registration(&mut *tx, id)
        .await?
        .map(|(s, _)| s);
    let open = [
        Status::RegistrationOpen,
        Status::RegistrationClosed,
        Status::InProgress,
    ];
    if !open.iter().any(|s| status.as_deref() == Some(s.code())) {
        return Err(Refused("contestant.refused.withdrawal_closed").conflict(here));
    }
    let numbers = q::withdraw(&mut tx, id, contestant, &reason).await?;
    if numbers.is_empty() {
        return Err(Refused("contestant.refused.already_withdrawn").conflict(here));
    }
    let after = serde_json::json!({ "numbers": numbers, "reason": reason });
    let what = ("contestant", contestant, "withdraw");
    audit(
        &mut tx,
        (&ctx, &user),
        competition.organisation_id,
        what,
        (None, Some(after)),
    )
    .await?;
    tx.commit().await?;
    let flash =
        Flash::success("contestant.flash.withdrawn").with_count("count", numbers.len() as u64);
    Ok(redirect_with(flash, &format!("{here}#contestants")))
}

/// Draws the exam seats of the event, once registration has closed.
pub async fn create_seating(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path((id, event)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let competition = find_to_change(&state, &user, id).await?;
    find_event(&state, &user, &competition, event).await?;
    let mut tx = state.db.begin().await?;
    let here = back(id, event);
    let status = q::lock_for_registration(&mut *tx, id)
        .await?
        .map(|(s, _)| s);
    if status.as_deref() != Some(Status::RegistrationClosed.code()) {
        return Err(Refused("contestant.refused.seating_closed").conflict(here));
    }
    let seated = q::draw_seats(&mut tx, event).await?;
    let after = serde_json::json!({ "seated": seated });
    let what = ("competition_event", event, "draw_seats");
    audit(
        &mut tx,
        (&ctx, &user),
        competition.organisation_id,
        what,
        (None, Some(after)),
    )
    .await?;
    tx.commit().await?;
    let flash = Flash::success("contestant.flash.seated").with_count("count", seated);
    Ok(redirect_with(flash, &format!("{here}#contestants")))
}
