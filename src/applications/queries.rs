//! Applications in SQL: found within the caller's scope (outside it an application does not
//! exist), saved, and moved from one state to the next by conditional updates.

use sqlx::PgExecutor;

use super::model::{Fields, Status};
use crate::access::Scope;
use crate::money::Money;
use crate::workflow::Timeline;

/// An application as its page shows it, with its timeline.
#[derive(Debug, Clone)]
pub struct Application {
    pub id: i64,
    pub number: Option<String>,
    pub fund_id: i64,
    pub fund_name: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub organisation_path: String,
    pub organisation_code: String,
    pub tier: i16,
    pub track_id: i64,
    pub track_name: String,
    pub title: String,
    pub planned_start: time::Date,
    pub planned_end: time::Date,
    pub venue: String,
    pub expected_contestants: i32,
    pub expected_companies: i32,
    pub contact_name: String,
    pub contact_phone: String,
    pub budget: Vec<i64>,
    pub budget_total: Money,
    pub requested: Money,
    pub status: Status,
    pub reviewer_name: Option<String>,
    pub recommended_by: Option<i64>,
    pub recommended_by_name: Option<String>,
    pub recommended: Option<Money>,
    pub granted: Option<Money>,
    pub account_id: Option<i64>,
    pub disbursed: Option<Money>,
    pub returned_snapshot: Option<sqlx::types::Json<Fields>>,
    pub return_note: String,
    pub submitted_at: Option<time::OffsetDateTime>,
    pub report_due_on: Option<time::Date>,
    pub actual_start: Option<time::Date>,
    pub actual_end: Option<time::Date>,
    pub actual_contestants: Option<i32>,
    pub actual_companies: Option<i32>,
    pub winners: String,
    pub spent: Vec<Option<i64>>,
    pub spent_total: Option<Money>,
    pub timeline: Timeline,
}

impl Application {
    /// The fields as the form and the comparison with a returned version read them.
    pub fn fields(&self) -> Fields {
        let mut budget = [Money::ZERO; 6];
        for (slot, fen) in budget.iter_mut().zip(&self.budget) {
            *slot = Money::from_fen(*fen);
        }
        Fields {
            fund_id: self.fund_id,
            tier: self.tier,
            track_id: self.track_id,
            title: self.title.clone(),
            planned_start: self.planned_start,
            planned_end: self.planned_end,
            venue: self.venue.clone(),
            expected_contestants: self.expected_contestants,
            expected_companies: self.expected_companies,
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            budget,
            requested: self.requested,
        }
    }

    pub fn budget_line(&self, n: usize) -> Money {
        Money::from_fen(self.budget.get(n).copied().unwrap_or_default())
    }

    pub fn spent_line(&self, n: usize) -> Option<Money> {
        self.spent.get(n).copied().flatten().map(Money::from_fen)
    }

    /// Its number and title, as a notice names it.
    pub fn number_and_title(&self) -> String {
        match &self.number {
            Some(number) => format!("{number} {}", self.title),
            None => self.title.clone(),
        }
    }

    /// The name to show: its number once it has one, else its title.
    pub fn label(&self) -> String {
        self.number.clone().unwrap_or_else(|| self.title.clone())
    }
}

/// The application `id`, if its organisation lies in `scope`.
pub async fn find_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Application>> {
    sqlx::query_as!(
        Application,
        r#"select a.id, a.number, a.fund_id, f.name as fund_name, a.organisation_id,
                  o.name as organisation_name, o.path::text as "organisation_path!",
                  o.code as organisation_code, a.tier, a.track_id, t.name as track_name, a.title,
                  a.planned_start, a.planned_end, a.venue, a.expected_contestants,
                  a.expected_companies, a.contact_name, a.contact_phone,
                  array[a.budget_venue, a.budget_materials, a.budget_prizes, a.budget_judges,
                        a.budget_training, a.budget_other] as "budget!",
                  a.budget_total as "budget_total!: Money", a.requested as "requested: Money",
                  a.status as "status: Status", r.display_name as "reviewer_name?",
                  a.recommended_by, rb.display_name as "recommended_by_name?",
                  a.recommended as "recommended: Money", a.granted as "granted: Money",
                  a.account_id, a.disbursed as "disbursed: Money",
                  a.returned_snapshot as "returned_snapshot: sqlx::types::Json<Fields>",
                  a.return_note, a.submitted_at, a.report_due_on, a.actual_start, a.actual_end,
                  a.actual_contestants, a.actual_companies, a.winners,
                  array[a.spent_venue, a.spent_materials, a.spent_prizes, a.spent_judges,
                        a.spent_training, a.spent_other] as "spent!: Vec<Option<i64>>",
                  a.spent_total as "spent_total: Money",
                  (select json_agg(l.line order by l.id) from timeline_lines l
                    where l.entity = 'application' and l.entity_id = a.id) as "timeline: _"
           from applications a
           join organisations o on o.id = a.organisation_id
           join funds f on f.id = a.fund_id
           join tracks t on t.id = a.track_id
           left join users r on r.id = a.reviewer_id
           left join users rb on rb.id = a.recommended_by
           where a.id = $1 and o.path <@ $2::text::ltree"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

/// Saves a new draft; returns its id.
pub async fn insert(
    db: impl PgExecutor<'_>,
    organisation_id: i64,
    fields: &Fields,
    created_by: Option<i64>,
) -> sqlx::Result<i64> {
    let b = fields.budget.map(Money::fen);
    sqlx::query_scalar!(
        r#"insert into applications (fund_id, organisation_id, tier, track_id, title, planned_start,
                                     planned_end, venue, expected_contestants, expected_companies,
                                     contact_name, contact_phone, budget_venue, budget_materials,
                                     budget_prizes, budget_judges, budget_training, budget_other,
                                     requested, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                   $19, $20)
           returning id"#,
        fields.fund_id,
        organisation_id,
        fields.tier,
        fields.track_id,
        fields.title,
        fields.planned_start,
        fields.planned_end,
        fields.venue,
        fields.expected_contestants,
        fields.expected_companies,
        fields.contact_name,
        fields.contact_phone,
        b[0],
        b[1],
        b[2],
        b[3],
        b[4],
        b[5],
        fields.requested.fen(),
        created_by,
    )
    .fetch_one(db)
    .await
}

/// Saves the applicant's changes while the application is still theirs to change (a draft or
/// returned); false when it no longer is.
pub async fn update_fields(
    db: impl PgExecutor<'_>,
    id: i64,
    organisation_id: i64,
    fields: &Fields,
) -> sqlx::Result<bool> {
    let b = fields.budget.map(Money::fen);
    let done = sqlx::query!(
        r#"update applications
              set fund_id = $2, organisation_id = $3, tier = $4, track_id = $5, title = $6,
                  planned_start = $7, planned_end = $8, venue = $9, expected_contestants = $10,
                  expected_companies = $11, contact_name = $12, contact_phone = $13,
                  budget_venue = $14, budget_materials = $15, budget_prizes = $16,
                  budget_judges = $17, budget_training = $18, budget_other = $19, requested = $20
            where id = $1 and status in ('draft', 'returned')"#,
        id,
        fields.fund_id,
        organisation_id,
        fields.tier,
        fields.track_id,
        fields.title,
        fields.planned_start,
        fields.planned_end,
        fields.venue,
        fields.expected_contestants,
        fields.expected_companies,
        fields.contact_name,
        fields.contact_phone,
        b[0],
        b[1],
        b[2],
        b[3],
        b[4],
        b[5],
        fields.requested.fen(),
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves the application from `from` to `to` if it still stands at `from`; false otherwise (a
/// second click, another reviewer first).
pub async fn update_status(
    db: impl PgExecutor<'_>,
    id: i64,
    from: Status,
    to: Status,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update applications set status = $3 where id = $1 and status = $2",
        id,
        from as Status,
        to as Status
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
