//! After an agreement: its payment schedule and the payments made. The amount recovered is what
//! was paid; an instalment past its day and not covered by the payments flags the agreement.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use sqlx::PgExecutor;
use time::Date;

use super::CaseHandler;
use super::model::Status;
use super::page::page;
use super::routes::find;
use super::views::StepForms;
use crate::error::AppResult;
use crate::money::Money;
use crate::state::AppState;
use crate::web::dates::parse_date;
use crate::web::forms::FieldErrors;
use crate::web::{Ctx, Flash, redirect_with};
use crate::workflow::{self, Line, Refused};

/// A day and an amount: an instalment of the schedule, or a payment made.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub amount: String,
}

/// The schedule and the payments of an agreement, as its page shows them.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub instalments: Vec<(Date, Money)>,
    pub payments: Vec<(Date, Money)>,
}

impl Ledger {
    pub fn paid(&self) -> Money {
        self.payments.iter().map(|(_, amount)| *amount).sum()
    }

    pub fn scheduled(&self) -> Money {
        self.instalments.iter().map(|(_, amount)| *amount).sum()
    }

    /// What should have been paid by `today` and was not: zero when the payments keep up.
    pub fn late(&self, today: Date) -> Money {
        let due: Money = self
            .instalments
            .iter()
            .filter(|(day, _)| *day < today)
            .map(|(_, amount)| *amount)
            .sum();
        if due > self.paid() {
            due - self.paid()
        } else {
            Money::ZERO
        }
    }
}

pub async fn ledger(db: &sqlx::PgPool, case_id: i64) -> sqlx::Result<Ledger> {
    let instalments = sqlx::query!(
        r#"select due_on, amount as "amount: Money" from dispute_instalments
           where case_id = $1 order by due_on, id"#,
        case_id
    )
    .fetch_all(db)
    .await?;
    let payments = sqlx::query!(
        r#"select paid_on, amount as "amount: Money" from dispute_payments
           where case_id = $1 order by paid_on, id"#,
        case_id
    )
    .fetch_all(db)
    .await?;
    Ok(Ledger {
        instalments: instalments
            .into_iter()
            .map(|r| (r.due_on, r.amount))
            .collect(),
        payments: payments
            .into_iter()
            .map(|r| (r.paid_on, r.amount))
            .collect(),
    })
}

pub async fn insert_instalment(
    db: impl PgExecutor<'_>,
    case_id: i64,
    due_on: Date,
    amount: Money,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into dispute_instalments (case_id, due_on, amount) values ($1, $2, $3)",
        case_id,
        due_on,
        amount.fen()
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_payment(
    db: impl PgExecutor<'_>,
    case_id: i64,
    paid_on: Date,
    amount: Money,
    recorded_by: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into dispute_payments (case_id, paid_on, amount, recorded_by) values ($1, $2, $3, $4)",
        case_id,
        paid_on,
        amount.fen(),
        recorded_by
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Locks the case and reads what its agreement holds: agreed, scheduled and paid so far.
async fn lock_totals(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<(Money, Money, Money)> {
    let row = sqlx::query!(
        r#"select c.agreed as "agreed!: Money",
                  (select coalesce(sum(amount), 0) from dispute_instalments where case_id = c.id)::bigint as "scheduled!: Money",
                  (select coalesce(sum(amount), 0) from dispute_payments where case_id = c.id)::bigint as "paid!: Money"
           from dispute_cases c where c.id = $1 and c.status = 'mediated' for update of c"#,
        id
    )
    .fetch_one(db)
    .await?;
    Ok((row.agreed, row.scheduled, row.paid))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    Instalment,
    Payment,
}

pub async fn create_instalment(
    state: State<AppState>,
    ctx: Ctx,
    handler: CaseHandler,
    id: Path<i64>,
    Form(form): Form<PaymentForm>,
) -> AppResult<Response> {
    add(state, ctx, handler, id, form, Entry::Instalment).await
}

pub async fn create_payment(
    state: State<AppState>,
    ctx: Ctx,
    handler: CaseHandler,
    id: Path<i64>,
    Form(form): Form<PaymentForm>,
) -> AppResult<Response> {
    add(state, ctx, handler, id, form, Entry::Payment).await
}

/// Adds an instalment or a payment; neither the schedule nor the payments may pass the amount
/// agreed, and a payment is not dated before the agreement or after today.
async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseHandler(user): CaseHandler,
    Path(id): Path<i64>,
    form: PaymentForm,
    entry: Entry,
) -> AppResult<Response> {
    let case = find(&state, &user, id).await?;
    let back = format!("/disputes/{id}");
    let (Status::Mediated, Some(closed_on)) = (case.status, case.closed_on) else {
        return Err(Refused("dispute.refused.not_agreed").conflict(back));
    };
    let today = crate::joining::queries::today(&state.db).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let day = parse_date(&form.day);
    match day {
        None => errors.add("day", "dispute.error.date"),
        Some(day) if day < closed_on => errors.add("day", "dispute.error.before_agreement"),
        Some(day) if entry == Entry::Payment && day > today => {
            errors.add("day", "dispute.error.future")
        }
        _ => {}
    }
    let amount = Money::parse(&form.amount)
        .map_err(|key| errors.add("amount", key))
        .ok()
        .filter(|amount| !amount.is_zero());
    if amount.is_none() && errors.get("amount").is_none() {
        errors.add("amount", "money.error.empty");
    }
    let mut tx = state.db.begin().await?;
    let (agreed, scheduled, paid) = lock_totals(&mut *tx, id).await?;
    let so_far = if entry == Entry::Instalment {
        scheduled
    } else {
        paid
    };
    if amount.is_some_and(|amount| so_far + amount > agreed) {
        errors.add("amount", "dispute.error.past_agreed");
    }
    let (Some(day), Some(amount), true) = (day, amount, errors.is_empty()) else {
        drop(tx);
        let (instalment, payment) = match entry {
            Entry::Instalment => (form, PaymentForm::default()),
            Entry::Payment => (PaymentForm::default(), form),
        };
        let failed = if entry == Entry::Instalment {
            "instalment"
        } else {
            "payment"
        };
        let forms = StepForms {
            instalment,
            payment,
            failed,
            ..StepForms::default()
        };
        return page(&state, ctx, &user, case, (forms, errors)).await;
    };
    let (step, flash) = if entry == Entry::Instalment {
        insert_instalment(&mut *tx, id, day, amount).await?;
        ("instalment", "dispute.flash.instalment")
    } else {
        insert_payment(&mut *tx, id, day, amount, user.id).await?;
        ("payment", "dispute.flash.payment")
    };
    let comment = format!("{day} {amount}");
    let line = Line::event("dispute_case", id, case.organisation_id, step)
        .with_comment(&comment)
        .with_detail(serde_json::json!({ "day": day.to_string(), "amount": amount.fen() }));
    workflow::record(&mut tx, &ctx.actor(&user), &line).await?;
    tx.commit().await?;
    Ok(redirect_with(Flash::success(flash), &back))
}
