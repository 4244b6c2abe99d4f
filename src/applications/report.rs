//! The final report after the contest: actual dates, contestants, companies, winners and
//! spending by budget line (receipts attached on the application's page).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{Status, Step, line_amount, transition};
use super::routes::find;
use super::step_queries::{self as q, Report};
use super::views::{ReportForm, ReportTemplate};
use crate::access::Staff;
use crate::error::AppResult;
use crate::money::Money;
use crate::notices::{self, Notice, Recipients};
use crate::state::AppState;
use crate::web::dates::parse_date;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, ALREADY_DONE, Line};

pub async fn new_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    if application.status != Status::Approved {
        return Err(crate::workflow::Refused("application.refused.step")
            .conflict(format!("/applications/{id}")));
    }
    let form = ReportForm {
        actual_start: application.planned_start.to_string(),
        actual_end: application.planned_end.to_string(),
        ..ReportForm::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    Ok(ReportTemplate {
        ctx,
        application,
        form,
        errors,
    }
    .into_response())
}

fn read(form: &ReportForm, errors: &mut FieldErrors) -> Option<Report> {
    let start = parse_date(&form.actual_start);
    if start.is_none() {
        errors.add("actual_start", "fund.error.date");
    }
    let end = parse_date(&form.actual_end);
    match (start, end) {
        (_, None) => errors.add("actual_end", "fund.error.date"),
        (Some(s), Some(e)) if e < s => errors.add("actual_end", "application.error.dates_reversed"),
        _ => {}
    }
    let count = |errors: &mut FieldErrors, field, text: &str| {
        let n = text
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|n| (0..=1_000_000).contains(n));
        if n.is_none() {
            errors.add(field, "application.error.count");
        }
        n.unwrap_or_default()
    };
    let contestants = count(errors, "contestants", &form.contestants);
    let companies = count(errors, "companies", &form.companies);
    let winners = clean_text(&form.winners);
    if winners.chars().count() > 4000 {
        errors.add("winners", "application.error.long");
    }
    let mut spent = [Money::ZERO; 6];
    for (slot, (field, text)) in spent.iter_mut().zip(form.spent_texts()) {
        *slot = line_amount(errors, field, text);
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Report {
        actual_start: start?,
        actual_end: end?,
        contestants,
        companies,
        winners,
        spent,
    })
}

pub async fn create_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    let application = find(&state, &user, id).await?;
    let back = format!("/applications/{id}");
    let to = transition(application.status, Step::Report).map_err(|r| r.conflict(&back))?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(report) = read(&form, &mut errors) else {
        let page = ReportTemplate {
            ctx,
            application,
            form,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let actor = ctx.actor(&user);
    let mut tx = state.db.begin().await?;
    if !q::file_report(&mut tx, id, &report).await? {
        return Err(ALREADY_DONE.conflict(back));
    }
    let line = Line::change(
        "application",
        id,
        application.organisation_id,
        "reported",
        application.status.code(),
        to.code(),
    )
    .with_detail(serde_json::json!({
        "contestants": report.contestants, "companies": report.companies,
        "spent": report.spent_total().to_string(),
    }));
    workflow::record(&mut tx, &actor, &line).await?;
    let notice = Notice {
        entity: "application",
        entity_id: id,
        link: back.clone(),
        message: "notice.application.reported",
        subject: application.number_and_title(),
    };
    notices::send(
        &mut tx,
        &actor,
        Recipients::ReviewersOver(&application.organisation_path),
        &notice,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(
        Flash::success("application.flash.reported"),
        &back,
    ))
}
