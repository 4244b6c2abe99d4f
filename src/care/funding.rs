//! A campaign paid from a fund draws on it as an application does. Saving the campaign commits
//! its budget on the fund's account for its union (an allocation to it or a union above it,
//! else the pool), so the fund's dashboard counts it as committed; settling the campaign (结算)
//! pays what the workers were given and releases the rest. A settled campaign takes no more
//! workers: its figures are what the fund paid.

use axum::extract::{Path, State};
use axum::response::Response;
use sqlx::PgConnection;

use super::queries::Campaign;
use super::routes::find;
use crate::access::{Actor, Staff};
use crate::error::AppResult;
use crate::funds::ledger::{self, Movement, Purpose};
use crate::money::Money;
use crate::state::AppState;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line, Refused};

/// A change to a campaign already settled.
pub const SETTLED: Refused = Refused("care.refused.settled");

/// Locks the campaign for a change of its workers or its money (changes to one campaign queue
/// up, and a settlement waits for a file being added); false once it is settled.
pub async fn lock_unsettled(tx: &mut PgConnection, id: i64) -> sqlx::Result<bool> {
    let found = sqlx::query_scalar!(
        "select id from care_campaigns where id = $1 and settled_on is null for no key update",
        id
    )
    .fetch_optional(tx)
    .await?;
    Ok(found.is_some())
}

/// What the campaign has committed and not yet paid or released, per fund and account.
async fn commitments(tx: &mut PgConnection, id: i64) -> sqlx::Result<Vec<(i64, i64, Money)>> {
    let rows = sqlx::query!(
        r#"select fund_id, account_id, sum(committed)::bigint as "committed!"
           from ledger_entries where care_campaign_id = $1
           group by fund_id, account_id having sum(committed) <> 0 order by account_id"#,
        id
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.fund_id, r.account_id, Money::from_fen(r.committed)))
        .collect())
}

/// Brings what the campaign holds of a fund to its budget: nothing without a fund, else the
/// budget on the fund's account for the campaign's union `organisation_id`. What was committed elsewhere or of
/// another amount is released first. `Ok(Err(NOT_ENOUGH_LEFT))` when the fund has not enough
/// left (the transaction is then spoilt).
pub async fn commit_budget(
    tx: &mut PgConnection,
    actor: &Actor,
    (id, memo): (i64, &str),
    (fund_id, budget): (Option<i64>, Money),
    organisation_id: i64,
) -> sqlx::Result<Result<(), Refused>> {
    let target = match fund_id {
        Some(fund) if !budget.is_zero() => {
            let path = sqlx::query_scalar!(
                r#"select path::text as "path!" from organisations where id = $1"#,
                organisation_id
            )
            .fetch_one(&mut *tx)
            .await?;
            let account = crate::funds::queries::account_for(&mut *tx, fund, None, &path).await?;
            Some((fund, account, budget))
        }
        _ => None,
    };
    let held = commitments(tx, id).await?;
    if held.as_slice() == target.as_slice() {
        return Ok(Ok(()));
    }
    let purpose = Purpose::CareCampaign(id);
    for (fund, account, amount) in held {
        let release = Movement::release(fund, account, purpose, amount).with_memo(memo);
        if let Err(refused) = ledger::post(tx, actor, &release).await? {
            return Ok(Err(refused));
        }
    }
    if let Some((fund, account, amount)) = target {
        let commitment = Movement::commitment(fund, account, purpose, amount).with_memo(memo);
        return ledger::post(tx, actor, &commitment)
            .await
            .map(|r| r.map(drop));
    }
    Ok(Ok(()))
}

/// Pays what the workers were given from the fund (committing first what was given beyond the
/// budget) and releases the rest; a campaign without a fund is only closed.
async fn pay_from_fund(
    tx: &mut PgConnection,
    actor: &Actor,
    campaign: &Campaign,
) -> sqlx::Result<Result<(), Refused>> {
    let spent = campaign.spent;
    let purpose = Purpose::CareCampaign(campaign.id);
    let memo = campaign.title.as_str();
    let Some(fund) = campaign.fund_id else {
        return Ok(Ok(()));
    };
    let held = commitments(tx, campaign.id).await?;
    let (account, committed) = match held.first() {
        Some(&(_, account, committed)) => (account, committed),
        None => {
            let path = &campaign.organisation_path;
            let account = crate::funds::queries::account_for(&mut *tx, fund, None, path).await?;
            (account, Money::ZERO)
        }
    };
    let mut movements = Vec::new();
    if spent > committed {
        movements.push(Movement::commitment(
            fund,
            account,
            purpose,
            spent - committed,
        ));
    }
    if !spent.is_zero() {
        movements.push(Movement::disbursement(fund, account, purpose, spent));
    }
    if committed > spent {
        movements.push(Movement::release(fund, account, purpose, committed - spent));
    }
    for movement in movements {
        if let Err(refused) = ledger::post(tx, actor, &movement.with_memo(memo)).await? {
            return Ok(Err(refused));
        }
    }
    Ok(Ok(()))
}

/// Settles the campaign (locked by the caller): pays what was given from its fund and marks it
/// settled today, with its timeline line and audit record.
pub async fn settle(
    tx: &mut PgConnection,
    actor: &Actor,
    campaign: &Campaign,
) -> sqlx::Result<Result<(), Refused>> {
    if let Err(refused) = pay_from_fund(tx, actor, campaign).await? {
        return Ok(Err(refused));
    }
    let today = crate::joining::queries::today(&mut *tx).await?;
    sqlx::query!(
        "update care_campaigns set settled_on = $2 where id = $1",
        campaign.id,
        today
    )
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({
        "spent_fen": campaign.spent.fen(), "budget_fen": campaign.budget.fen(),
        "fund_id": campaign.fund_id, "reached": campaign.reached,
    });
    let line = Line::event(
        "care_campaign",
        campaign.id,
        campaign.organisation_id,
        "settled",
    )
    .with_detail(detail);
    workflow::record(tx, actor, &line).await?;
    Ok(Ok(()))
}

/// `POST /care/{id}/settlement`: the campaign settled today, its spending paid from its fund.
pub async fn create_settlement(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let back = format!("/care/{id}");
    find(&state, &user, id).await?;
    let mut tx = state.db.begin().await?;
    if !lock_unsettled(&mut tx, id).await? {
        return Err(SETTLED.conflict(back));
    }
    // Read under the lock: no worker is added meanwhile.
    let campaign = super::queries::find_in_scope(&mut *tx, id, &user.scope)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    if let Err(refused) = settle(&mut tx, &ctx.actor(&user), &campaign).await? {
        return Err(refused.conflict(back));
    }
    tx.commit().await?;
    let done = match campaign.fund_id {
        Some(_) => "care.flash.settled",
        None => "care.flash.settled_own",
    };
    Ok(redirect_with(Flash::success(done), &back))
}
