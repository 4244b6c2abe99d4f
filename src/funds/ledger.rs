//! The ledger: every movement of a fund's money as an append-only row. Posting a row moves its
//! account's balances in the same statement (the table's trigger), and the account's check refuses
//! a balance below zero, so a grant past what is left fails however many are made at once.

use sqlx::{PgConnection, PgExecutor};

use super::model::EntryKind;
use crate::access::Actor;
use crate::money::Money;
use crate::workflow::Refused;

/// A grant or a move larger than what the account has left.
pub const NOT_ENOUGH_LEFT: Refused = Refused("fund.error.not_enough_left");

/// What a commitment, release or disbursement pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Application(i64),
    CareCampaign(i64),
}

impl Purpose {
    fn application(self) -> Option<i64> {
        match self {
            Self::Application(id) => Some(id),
            Self::CareCampaign(_) => None,
        }
    }

    fn care_campaign(self) -> Option<i64> {
        match self {
            Self::CareCampaign(id) => Some(id),
            Self::Application(_) => None,
        }
    }
}

/// One movement: what it does to each of the account's balances.
#[derive(Debug, Clone)]
pub struct Movement<'a> {
    pub fund_id: i64,
    pub account_id: i64,
    pub kind: EntryKind,
    pub appropriated: Money,
    pub committed: Money,
    pub disbursed: Money,
    pub purpose: Option<Purpose>,
    pub reverses_id: Option<i64>,
    pub memo: &'a str,
}

impl<'a> Movement<'a> {
    fn new(fund_id: i64, account_id: i64, kind: EntryKind) -> Self {
        Self {
            fund_id,
            account_id,
            kind,
            appropriated: Money::ZERO,
            committed: Money::ZERO,
            disbursed: Money::ZERO,
            purpose: None,
            reverses_id: None,
            memo: "",
        }
    }

    /// Money into an account (the pool, or an allocation's side of a move).
    pub fn appropriation(fund_id: i64, account_id: i64, amount: Money) -> Self {
        Self {
            appropriated: amount,
            ..Self::new(fund_id, account_id, EntryKind::Appropriation)
        }
    }

    /// One side of a move between the pool and an allocation (`amount` negative on the side it
    /// leaves).
    pub fn allocation(fund_id: i64, account_id: i64, amount: Money) -> Self {
        Self {
            appropriated: amount,
            ..Self::new(fund_id, account_id, EntryKind::Allocation)
        }
    }

    pub fn commitment(fund_id: i64, account_id: i64, purpose: Purpose, amount: Money) -> Self {
        Self {
            committed: amount,
            purpose: Some(purpose),
            ..Self::new(fund_id, account_id, EntryKind::Commitment)
        }
    }

    pub fn release(fund_id: i64, account_id: i64, purpose: Purpose, amount: Money) -> Self {
        Self {
            committed: -amount,
            purpose: Some(purpose),
            ..Self::new(fund_id, account_id, EntryKind::Release)
        }
    }

    pub fn disbursement(fund_id: i64, account_id: i64, purpose: Purpose, amount: Money) -> Self {
        Self {
            committed: -amount,
            disbursed: amount,
            purpose: Some(purpose),
            ..Self::new(fund_id, account_id, EntryKind::Disbursement)
        }
    }

    pub fn with_memo(mut self, memo: &'a str) -> Self {
        self.memo = memo;
        self
    }
}

/// A correction: the reversal of row `entry` of `fund_id`, if it is money put into the pool by
/// hand and not reversed yet; `Ok(None)` when it is not such a row, `Ok(Some(Err(…)))` when the
/// pool no longer holds it (it was allocated or granted meanwhile).
pub async fn reverse(
    conn: &mut PgConnection,
    actor: &Actor,
    fund_id: i64,
    entry: i64,
    memo: &str,
) -> sqlx::Result<Option<Result<i64, Refused>>> {
    let original = sqlx::query!(
        r#"select account_id, appropriated from ledger_entries e
           where e.id = $1 and e.fund_id = $2 and e.kind = 'appropriation' and e.application_id is null
             and not exists (select 1 from ledger_entries c where c.reverses_id = e.id)
           for update"#,
        entry,
        fund_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(original) = original else {
        return Ok(None);
    };
    let movement = Movement {
        appropriated: -Money::from_fen(original.appropriated),
        reverses_id: Some(entry),
        memo,
        ..Movement::new(fund_id, original.account_id, EntryKind::Correction)
    };
    post(conn, actor, &movement).await.map(Some)
}

/// Posts `movement`; `Ok(Err(NOT_ENOUGH_LEFT))` when the account has not enough left (the
/// transaction is then spoilt: the caller rolls it back by returning the refusal).
pub async fn post(
    conn: &mut PgConnection,
    actor: &Actor,
    movement: &Movement<'_>,
) -> sqlx::Result<Result<i64, Refused>> {
    let inserted = sqlx::query_scalar!(
        r#"insert into ledger_entries (fund_id, account_id, kind, appropriated, committed,
                                       disbursed, application_id, care_campaign_id, reverses_id,
                                       actor_id, actor_name, memo)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id"#,
        movement.fund_id,
        movement.account_id,
        movement.kind as EntryKind,
        movement.appropriated.fen(),
        movement.committed.fen(),
        movement.disbursed.fen(),
        movement.purpose.and_then(Purpose::application),
        movement.purpose.and_then(Purpose::care_campaign),
        movement.reverses_id,
        actor.user_id,
        actor.name,
        movement.memo,
    )
    .fetch_one(conn)
    .await;
    match inserted {
        Ok(id) => Ok(Ok(id)),
        Err(error)
            if error.as_database_error().is_some_and(|e| {
                matches!(
                    e.constraint(),
                    Some("fund_accounts_available" | "fund_accounts_not_negative")
                )
            }) =>
        {
            Ok(Err(NOT_ENOUGH_LEFT))
        }
        Err(error) => Err(error),
    }
}

/// A ledger row as the fund's page lists it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub kind: EntryKind,
    pub account_id: i64,
    pub appropriated: Money,
    pub committed: Money,
    pub disbursed: Money,
    pub application_id: Option<i64>,
    pub application_number: Option<String>,
    pub care_campaign_id: Option<i64>,
    pub care_campaign_title: Option<String>,
    pub reverses_id: Option<i64>,
    /// A later correction reverses this row.
    pub reversed: bool,
    pub actor_name: String,
    pub memo: String,
    pub occurred_at: time::OffsetDateTime,
}

impl Entry {
    /// Whether the fund's page offers to reverse it: money put into the pool by hand, not yet
    /// reversed (grants are undone through their application's steps).
    pub fn reversible(&self) -> bool {
        self.kind == EntryKind::Appropriation
            && self.application_id.is_none()
            && self.care_campaign_id.is_none()
            && !self.reversed
    }

    /// The application or care campaign the row is about, as its link shows it.
    pub fn link(&self) -> Option<(String, &str)> {
        match (self.application_id, self.care_campaign_id) {
            (Some(id), _) => Some((
                format!("/applications/{id}"),
                self.application_number.as_deref()?,
            )),
            (_, Some(id)) => Some((format!("/care/{id}"), self.care_campaign_title.as_deref()?)),
            _ => None,
        }
    }
}

/// A page of the fund's ledger, newest first, before row `before`.
pub async fn list_entries(
    db: impl PgExecutor<'_>,
    fund_id: i64,
    before: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        r#"select e.id, e.kind as "kind: EntryKind", e.account_id,
                  e.appropriated as "appropriated: Money", e.committed as "committed: Money",
                  e.disbursed as "disbursed: Money", e.application_id,
                  a.number as "application_number?", e.care_campaign_id,
                  cc.title as "care_campaign_title?", e.reverses_id,
                  exists (select 1 from ledger_entries c where c.reverses_id = e.id) as "reversed!",
                  e.actor_name, e.memo, e.occurred_at
           from ledger_entries e left join applications a on a.id = e.application_id
           left join care_campaigns cc on cc.id = e.care_campaign_id
           where e.fund_id = $1 and e.id < coalesce($2, 9223372036854775807)
           order by e.id desc limit $3"#,
        fund_id,
        before,
        limit
    )
    .fetch_all(db)
    .await
}

/// An account whose stored balances differ from the sum of its ledger rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub fund_id: i64,
    pub account_id: i64,
    pub stored: (i64, i64, i64),
    pub from_ledger: (i64, i64, i64),
}

/// Recomputes every balance from the ledger and returns the accounts that differ (none when the
/// books agree to the fen).
pub async fn check(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Difference>> {
    let rows = sqlx::query!(
        r#"select a.fund_id, a.id, a.appropriated, a.committed, a.disbursed,
                  coalesce(sum(e.appropriated), 0)::bigint as "l_appropriated!",
                  coalesce(sum(e.committed), 0)::bigint as "l_committed!",
                  coalesce(sum(e.disbursed), 0)::bigint as "l_disbursed!"
           from fund_accounts a left join ledger_entries e on e.account_id = a.id
           group by a.id
           having a.appropriated <> coalesce(sum(e.appropriated), 0)
               or a.committed <> coalesce(sum(e.committed), 0)
               or a.disbursed <> coalesce(sum(e.disbursed), 0)
           order by a.id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Difference {
            fund_id: row.fund_id,
            account_id: row.id,
            stored: (row.appropriated, row.committed, row.disbursed),
            from_ledger: (row.l_appropriated, row.l_committed, row.l_disbursed),
        })
        .collect())
}
