//! The dashboard and its export. Managers and auditors (and administrators) read it; a manager
//! of a district sees their district's applications and allocations.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::queries;
use super::views::{self, DashboardTemplate};
use crate::access::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::funds::queries::{self as fund_queries, Fund};
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::export;

#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    fund: Option<i64>,
}

/// Who reads budgets: managers, auditors (who read everything) and administrators.
fn reader(user: CurrentUser) -> AppResult<CurrentUser> {
    if user.can(Role::Manager) || user.can(Role::Auditor) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The fund asked for, else the newest the user may see; `None` when there is none.
async fn pick_fund(
    state: &AppState,
    user: &CurrentUser,
    asked: Option<i64>,
) -> AppResult<(Vec<Fund>, Option<Fund>)> {
    let funds = fund_queries::list_visible(&state.db, &user.scope).await?;
    let fund = match asked {
        Some(id) => Some(
            funds
                .iter()
                .find(|f| f.id == id)
                .cloned()
                .ok_or(AppError::NotFound)?,
        ),
        None => funds.first().cloned(),
    };
    Ok((funds, fund))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(query): Query<DashboardQuery>,
) -> AppResult<DashboardTemplate> {
    let user = reader(user)?;
    let (funds, fund) = pick_fund(&state, &user, query.fund).await?;
    let (figures, groups, slowest) = match &fund {
        None => Default::default(),
        Some(fund) => (
            queries::figures(&state.db, fund.id, &user.scope, fund.owned).await?,
            queries::groups(&state.db, fund.id, &user.scope).await?,
            queries::slowest(&state.db, fund.id, &user.scope, 10).await?,
        ),
    };
    let charts = views::charts(&ctx, fund.as_ref().map_or(0, |f| f.id), &groups);
    Ok(DashboardTemplate {
        ctx,
        funds,
        fund,
        figures,
        groups,
        slowest,
        charts,
    })
}

/// The dashboard's tables as one workbook, a sheet each.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(query): Query<DashboardQuery>,
) -> AppResult<Response> {
    let user = reader(user)?;
    let (_, fund) = pick_fund(&state, &user, query.fund).await?;
    let fund = fund.ok_or(AppError::NotFound)?;
    let figures = queries::figures(&state.db, fund.id, &user.scope, fund.owned).await?;
    let groups = queries::groups(&state.db, fund.id, &user.scope).await?;
    let tables = views::tables(&ctx, &figures, &groups);
    let name = format!("{}-{}.xlsx", ctx.t("budget.title"), fund.name);
    export::xlsx_workbook(name, tables).await
}
