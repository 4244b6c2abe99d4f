//! Mutual-aid plans, enrolments and claims in SQL. Every read takes the asker's scope; a claim's
//! steps are `update … where status = … returning`, so two clicks cannot both win.

use sqlx::{PgConnection, PgExecutor};
use time::Date;

use super::model::{Channel, EventKind, Status, ValidClaim, ValidPlan};
use crate::access::Scope;
use crate::money::Money;

/// A plan as its list and page show it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub id: i64,
    pub organisation_id: i64,
    /// The subtree whose members the plan may enrol.
    pub organisation_path: String,
    pub organisation_name: String,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub cover: String,
    pub premium: Money,
    pub benefit_accident_medical: Money,
    pub benefit_hospital_stay: Money,
    pub benefit_disability: Money,
    pub benefit_death: Money,
    pub fast_limit: Money,
    pub fast_working_days: i32,
    pub normal_days: i32,
    pub enrolled: i32,
}

impl Plan {
    /// The most a claim for `kind` is paid.
    pub fn benefit(&self, kind: EventKind) -> Money {
        match kind {
            EventKind::AccidentMedical => self.benefit_accident_medical,
            EventKind::HospitalStay => self.benefit_hospital_stay,
            EventKind::Disability => self.benefit_disability,
            EventKind::Death => self.benefit_death,
        }
    }

    /// What the union pays for the members enrolled.
    pub fn premiums(&self) -> Money {
        Money::from_fen(self.premium.fen() * i64::from(self.enrolled))
    }
}

/// The plans of `scope`, newest first; only the one with `id` when given.
pub async fn plans(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    id: Option<i64>,
) -> sqlx::Result<Vec<Plan>> {
    sqlx::query_as!(
        Plan,
        r#"select p.id, p.organisation_id, o.path::text as "organisation_path!",
                  o.name as organisation_name, p.title, p.starts_on,
                  p.ends_on, p.cover, p.premium as "premium: Money",
                  p.benefit_accident_medical as "benefit_accident_medical: Money",
                  p.benefit_hospital_stay as "benefit_hospital_stay: Money",
                  p.benefit_disability as "benefit_disability: Money",
                  p.benefit_death as "benefit_death: Money", p.fast_limit as "fast_limit: Money",
                  p.fast_working_days, p.normal_days, p.enrolled
           from aid_plans p join organisations o on o.id = p.organisation_id
           where o.path <@ $1::text::ltree and ($2::bigint is null or p.id = $2)
           order by p.starts_on desc, p.id desc"#,
        scope.path(),
        id
    )
    .fetch_all(db)
    .await
}

pub async fn find_plan(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Plan>> {
    Ok(plans(db, scope, Some(id)).await?.pop())
}

pub async fn insert_plan(tx: &mut PgConnection, plan: &ValidPlan, by: i64) -> sqlx::Result<i64> {
    let [accident, hospital, disability, death] = plan.benefits.map(Money::fen);
    sqlx::query_scalar!(
        "insert into aid_plans (organisation_id, title, starts_on, ends_on, cover, premium,
                                benefit_accident_medical, benefit_hospital_stay,
                                benefit_disability, benefit_death, fast_limit,
                                fast_working_days, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id",
        plan.organisation_id,
        plan.title,
        plan.starts_on,
        plan.ends_on,
        plan.cover,
        plan.premium.fen(),
        accident,
        hospital,
        disability,
        death,
        plan.fast_limit.fen(),
        plan.fast_working_days,
        by
    )
    .fetch_one(tx)
    .await
}

/// Enrols the members not enrolled yet in one statement; how many were.
pub async fn enrol(
    tx: &mut PgConnection,
    plan_id: i64,
    members: &[i64],
    (on, by): (Date, i64),
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into aid_enrolments (plan_id, member_id, enrolled_on, enrolled_by)
         select $1, member, $3, $4 from unnest($2::bigint[]) as member
         on conflict on constraint aid_enrolments_once do nothing",
        plan_id,
        members,
        on,
        by
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// A member's enrolment in the plan: its id, the member's name.
pub async fn enrolment(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    member_id: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    let row = sqlx::query!(
        "select e.id, m.name from aid_enrolments e join members m on m.id = e.member_id
         where e.plan_id = $1 and e.member_id = $2",
        plan_id,
        member_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.name)))
}

/// A claim as lists and its page show it.
#[derive(Debug, Clone)]
pub struct Claim {
    pub id: i64,
    pub number: String,
    pub plan_id: i64,
    pub plan_title: String,
    pub organisation_id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub member_no: String,
    pub event_kind: EventKind,
    pub event_on: Date,
    pub facts: String,
    pub claimed: Money,
    pub documents_complete: bool,
    pub channel: Channel,
    pub status: Status,
    pub filed_on: Date,
    pub due_on: Date,
    pub requested: String,
    pub approved: Option<Money>,
    pub decline_reason: String,
    pub decided_on: Option<Date>,
    pub paid_on: Option<Date>,
    pub paid: Option<Money>,
    /// Days left to the deadline (negative past it), while the claim is open.
    pub days_left: Option<i32>,
}

impl Claim {
    pub fn is_late(&self) -> bool {
        self.days_left.is_some_and(|d| d < 0)
    }
}

/// Which claims a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimFilter {
    /// Only those still to be decided or paid, nearest deadline first (else newest first).
    pub open: bool,
    pub channel: Option<Channel>,
    pub plan_id: Option<i64>,
    pub id: Option<i64>,
}

/// The claims of `scope` that `filter` picks.
pub async fn claims(
    db: impl PgExecutor<'_>,
    scope: &Scope,
    filter: ClaimFilter,
    (limit, offset): (i64, i64),
) -> sqlx::Result<Vec<Claim>> {
    sqlx::query_as!(
        Claim,
        r#"select c.id, c.number, p.id as plan_id, p.title as plan_title, c.organisation_id,
                  m.id as member_id, m.name as member_name, m.member_no,
                  c.event_kind as "event_kind: EventKind", c.event_on, c.facts,
                  c.claimed as "claimed: Money", c.documents_complete,
                  c.channel as "channel: Channel", c.status as "status: Status", c.filed_on,
                  c.due_on, c.requested, c.approved as "approved: Money", c.decline_reason,
                  c.decided_on, c.paid_on, c.paid as "paid: Money",
                  case when c.status in ('filed', 'documents_requested', 'approved')
                       then c.due_on - (now() at time zone 'Asia/Shanghai')::date end
                      as "days_left: i32"
           from aid_claims c
           join organisations o on o.id = c.organisation_id
           join aid_enrolments e on e.id = c.enrolment_id
           join aid_plans p on p.id = e.plan_id
           join members m on m.id = e.member_id
           where o.path <@ $1::text::ltree
             and (not $2 or c.status in ('filed', 'documents_requested', 'approved'))
             and ($3::text is null or c.channel = $3)
             and ($4::bigint is null or p.id = $4)
             and ($5::bigint is null or c.id = $5)
           order by case when $2 then c.due_on end, c.filed_on desc, c.id desc
           limit $6 offset $7"#,
        scope.path(),
        filter.open,
        filter.channel.map(Channel::code),
        filter.plan_id,
        filter.id,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

pub async fn find_claim(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Claim>> {
    let filter = ClaimFilter {
        id: Some(id),
        ..ClaimFilter::default()
    };
    Ok(claims(db, scope, filter, (1, 0)).await?.pop())
}

/// A claim to file: its enrolment, organisation, channel and deadline decided by the route.
pub struct NewClaim<'a> {
    pub enrolment_id: i64,
    pub organisation_id: i64,
    pub claim: &'a ValidClaim,
    pub channel: Channel,
    pub filed_on: Date,
    pub due_on: Date,
}

pub async fn insert_claim(tx: &mut PgConnection, new: &NewClaim<'_>, by: i64) -> sqlx::Result<i64> {
    let year = new.filed_on.year();
    sqlx::query_scalar!(
        "insert into aid_claims (number, enrolment_id, organisation_id, event_kind, event_on,
                                 facts, claimed, documents_complete, channel, filed_on, due_on,
                                 created_by)
         values ('互助理赔〔' || $1::int || '〕' || lpad(nextval('aid_claim_number_seq')::text, 4, '0') || '号',
                 $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         returning id",
        year,
        new.enrolment_id,
        new.organisation_id,
        new.claim.event_kind.code(),
        new.claim.event_on,
        new.claim.facts,
        new.claim.claimed.fen(),
        new.claim.documents_complete,
        new.channel.code(),
        new.filed_on,
        new.due_on,
        by
    )
    .fetch_one(tx)
    .await
}

/// Documents asked for: filed → documents requested. False when it was not filed any more.
pub async fn request_documents(tx: &mut PgConnection, id: i64, what: &str) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update aid_claims set status = 'documents_requested', requested = $2
         where id = $1 and status = 'filed' returning id",
        id,
        what
    )
    .fetch_optional(tx)
    .await?;
    Ok(done.is_some())
}

/// The documents came: back to filed, complete, with the deadline it now has.
pub async fn documents_received(
    tx: &mut PgConnection,
    id: i64,
    (channel, due_on): (Channel, Date),
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update aid_claims set status = 'filed', documents_complete = true, channel = $2, due_on = $3
         where id = $1 and status = 'documents_requested' returning id",
        id,
        channel.code(),
        due_on
    )
    .fetch_optional(tx)
    .await?;
    Ok(done.is_some())
}

pub async fn approve(
    tx: &mut PgConnection,
    id: i64,
    (amount, on): (Money, Date),
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update aid_claims set status = 'approved', approved = $2, decided_on = $3
         where id = $1 and status = 'filed' returning id",
        id,
        amount.fen(),
        on
    )
    .fetch_optional(tx)
    .await?;
    Ok(done.is_some())
}

pub async fn decline(
    tx: &mut PgConnection,
    id: i64,
    (reason, on): (&str, Date),
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update aid_claims set status = 'declined', decline_reason = $2, decided_on = $3
         where id = $1 and status in ('filed', 'documents_requested') returning id",
        id,
        reason,
        on
    )
    .fetch_optional(tx)
    .await?;
    Ok(done.is_some())
}

pub async fn pay(tx: &mut PgConnection, id: i64, on: Date) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update aid_claims set status = 'paid', paid = approved, paid_on = $2
         where id = $1 and status = 'approved' returning id",
        id,
        on
    )
    .fetch_optional(tx)
    .await?;
    Ok(done.is_some())
}

/// Per channel: claims paid, their average days from filing to payment in tenths of a day, and
/// those paid after their deadline.
pub async fn times_to_pay(
    db: impl PgExecutor<'_>,
    scope: &Scope,
) -> sqlx::Result<Vec<(Channel, i64, i64, i64)>> {
    let rows = sqlx::query!(
        r#"select c.channel as "channel: Channel", count(*) as "paid!",
                  round(avg(c.paid_on - c.filed_on) * 10)::bigint as "tenths!",
                  count(*) filter (where c.paid_on > c.due_on) as "late!"
           from aid_claims c join organisations o on o.id = c.organisation_id
           where o.path <@ $1::text::ltree and c.status = 'paid'
           group by c.channel order by c.channel"#,
        scope.path()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.channel, r.paid, r.tenths, r.late))
        .collect())
}
