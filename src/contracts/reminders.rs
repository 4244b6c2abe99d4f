//! Expiry reminders: 90 and 30 days before a filed contract's term ends (and it is not renewed),
//! the staff of the union that signed it get a notice to start bargaining the next one. The
//! housekeeping task runs every hour; each reminder is marked sent in the same transaction as its
//! notices, so it goes out once however many instances run.

use sqlx::PgConnection;

use crate::access::Actor;
use crate::jobs::JobFuture;
use crate::notices::{self, Notice, Recipients};
use crate::state::AppState;

/// Sends the reminders that are due today; the housekeeping task of `app::jobs`.
pub fn remind_expiring(state: AppState) -> JobFuture {
    Box::pin(async move {
        let mut tx = state.db.begin().await?;
        let sent = send_due(&mut tx).await?;
        tx.commit().await?;
        if sent > 0 {
            tracing::info!(sent, "collective contracts: expiry reminders sent");
        }
        Ok(())
    })
}

/// Marks and sends every reminder due: the 30-day one where 30 days or fewer are left (the 90-day
/// one is then marked too: one notice, the nearer), else the 90-day one. Returns how many
/// contracts were reminded.
pub async fn send_due(tx: &mut PgConnection) -> sqlx::Result<usize> {
    let due = sqlx::query!(
        r#"update collective_contracts c
           set reminded_30_on = case when c.ends_on - t.day <= 30 then t.day else c.reminded_30_on end,
               reminded_90_on = coalesce(c.reminded_90_on, t.day)
           from (select (now() at time zone 'Asia/Shanghai')::date as day) t
           where c.status = 'filed' and c.ends_on >= t.day and c.ends_on - t.day <= 90
             and (c.reminded_90_on is null or (c.ends_on - t.day <= 30 and c.reminded_30_on is null))
             and not exists (select 1 from collective_contracts n where n.renews_id = c.id)
           returning c.id, c.organisation_id, c.title, (c.ends_on - t.day <= 30) as "near!""#
    )
    .fetch_all(&mut *tx)
    .await?;
    let actor = Actor::system("reminders");
    for contract in &due {
        let notice = Notice {
            entity: "collective_contract",
            entity_id: contract.id,
            link: format!("/contracts/{}", contract.id),
            message: if contract.near {
                "notice.contract.expiring_30"
            } else {
                "notice.contract.expiring_90"
            },
            subject: contract.title.clone(),
        };
        notices::send(
            &mut *tx,
            &actor,
            Recipients::StaffOf(contract.organisation_id),
            &notice,
        )
        .await?;
    }
    Ok(due.len())
}
