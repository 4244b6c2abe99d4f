//! Care campaigns and the workers they reached, in SQL. Every read takes the asker's scope; a
//! worker is on a campaign once (the `care_recipients_once` constraint decides between two clerks).

use sqlx::{PgConnection, PgExecutor, Postgres, QueryBuilder};
use time::Date;

use super::model::{Kind, ValidCampaign, Way};
use crate::access::Scope;
use crate::members::worker::SealedWorker;
use crate::money::Money;

/// A campaign in a list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub kind: Kind,
    pub title: String,
    pub organisation_name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub reached: i32,
    pub spent: Money,
    pub budget: Money,
}

#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kind: Option<Kind>,
    /// Campaigns running at some time in this year.
    pub year: Option<i32>,
    /// Part of the title.
    pub pattern: Option<String>,
}

fn push_filters(query: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filters: &Filters) {
    query.push(" where true");
    if !scope.is_whole_tree() {
        query
            .push(" and c.organisation_id in (select id from organisations where path <@ ")
            .push_bind(scope.path().to_string())
            .push("::text::ltree)");
    }
    if let Some(kind) = filters.kind {
        query.push(" and c.kind = ").push_bind(kind.code());
    }
    if let Some(year) = filters.year {
        query
            .push(" and c.starts_on <= make_date(")
            .push_bind(year)
            .push(", 12, 31) and c.ends_on >= make_date(")
            .push_bind(year)
            .push(", 1, 1)");
    }
    if let Some(pattern) = &filters.pattern {
        query.push(" and c.title like ").push_bind(pattern.clone());
    }
}

/// A page of the campaigns in `scope`, newest first, and how many there are.
pub async fn list(
    db: &sqlx::PgPool,
    scope: &Scope,
    filters: &Filters,
    (limit, offset): (i64, i64),
) -> sqlx::Result<(Vec<CampaignRow>, i64)> {
    let mut query = QueryBuilder::new(
        "select c.id, c.kind, c.title, o.name as organisation_name, c.starts_on, c.ends_on,
                c.reached, c.spent, c.budget
         from care_campaigns c join organisations o on o.id = c.organisation_id",
    );
    push_filters(&mut query, scope, filters);
    query
        .push(" order by c.starts_on desc, c.id desc limit ")
        .push_bind(limit)
        .push(" offset ")
        .push_bind(offset);
    let rows = query.build_query_as().fetch_all(db).await?;
    let mut count = QueryBuilder::new("select count(*) from care_campaigns c");
    push_filters(&mut count, scope, filters);
    let total: i64 = count.build_query_scalar().fetch_one(db).await?;
    Ok((rows, total))
}

/// A campaign as its page shows it.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub id: i64,
    pub organisation_id: i64,
    /// The subtree whose members the campaign reaches.
    pub organisation_path: String,
    pub organisation_code: String,
    pub organisation_name: String,
    pub kind: Kind,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub goods: String,
    pub unit_value: Money,
    pub budget: Money,
    pub fund_id: Option<i64>,
    pub fund_name: Option<String>,
    pub reached: i32,
    pub spent: Money,
    pub settled_on: Option<Date>,
}

impl Campaign {
    /// Spent beyond the budget (a campaign with no budget set has none to exceed).
    pub fn is_over_budget(&self) -> bool {
        !self.budget.is_zero() && self.spent > self.budget
    }
}

pub async fn find_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<Campaign>> {
    sqlx::query_as!(
        Campaign,
        r#"select c.id, c.organisation_id, o.path::text as "organisation_path!",
                  o.code as organisation_code,
                  o.name as organisation_name, c.kind as "kind: Kind", c.title, c.starts_on,
                  c.ends_on, c.goods, c.unit_value as "unit_value: Money",
                  c.budget as "budget: Money", c.fund_id, f.name as "fund_name?", c.reached,
                  c.spent as "spent: Money", c.settled_on
           from care_campaigns c
           join organisations o on o.id = c.organisation_id
           left join funds f on f.id = c.fund_id
           where c.id = $1 and o.path <@ $2::text::ltree"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

pub async fn insert(
    tx: &mut PgConnection,
    campaign: &ValidCampaign,
    created_by: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into care_campaigns (organisation_id, kind, title, starts_on, ends_on, goods,
                                     unit_value, budget, fund_id, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
        campaign.organisation_id,
        campaign.kind.code(),
        campaign.title,
        campaign.starts_on,
        campaign.ends_on,
        campaign.goods,
        campaign.unit_value.fen(),
        campaign.budget.fen(),
        campaign.fund_id,
        created_by
    )
    .fetch_one(tx)
    .await
}

/// Rewrites a campaign not yet settled; false when it was settled meanwhile.
pub async fn update(
    tx: &mut PgConnection,
    id: i64,
    campaign: &ValidCampaign,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update care_campaigns set organisation_id = $2, kind = $3, title = $4, starts_on = $5,
                ends_on = $6, goods = $7, unit_value = $8, budget = $9, fund_id = $10
         where id = $1 and settled_on is null",
        id,
        campaign.organisation_id,
        campaign.kind.code(),
        campaign.title,
        campaign.starts_on,
        campaign.ends_on,
        campaign.goods,
        campaign.unit_value.fen(),
        campaign.budget.fen(),
        campaign.fund_id
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The funds a campaign may draw on, newest year first: those of the organisations in `scope`
/// and of the unions above it (a district's campaign may be paid from the city's fund, drawn on
/// the district's allocation where it has one).
pub async fn funds(db: impl PgExecutor<'_>, scope: &Scope) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        "select f.id, f.year, f.name from funds f join organisations o on o.id = f.organisation_id
         where o.path <@ $1::text::ltree or o.path @> $1::text::ltree
         order by f.year desc, f.name",
        scope.path()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, format!("{} {}", r.year, r.name)))
        .collect())
}

/// A worker reached, as the campaign's list shows them.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub id: i64,
    pub member_id: Option<i64>,
    pub member_no: Option<String>,
    pub name: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub given_on: Date,
    pub given: String,
    pub value: Money,
    pub way: Way,
    pub recorded_by: Option<String>,
}

/// A page of the campaign's workers, the latest entered first, from just before `before` (an
/// id of the page above): read along the campaign's index, however deep the page.
pub async fn recipients(
    db: impl PgExecutor<'_>,
    campaign_id: i64,
    before: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<Recipient>> {
    sqlx::query_as!(
        Recipient,
        r#"select r.id, r.member_id, m.member_no as "member_no?", r.name, r.id_masked,
                  r.phone_masked, r.given_on, r.given, r.value as "value: Money",
                  r.added_by_way as "way: Way", u.display_name as "recorded_by?"
           from care_recipients r
           left join members m on m.id = r.member_id
           left join users u on u.id = r.recorded_by
           where r.campaign_id = $1 and ($2::bigint is null or r.id < $2)
           order by r.id desc limit $3"#,
        campaign_id,
        before,
        limit
    )
    .fetch_all(db)
    .await
}

/// A name searched among the campaign's workers: `%name%`, and its two-character pieces (empty
/// for one character) for the names' index.
pub struct NameSearch {
    pub pattern: String,
    pub pieces: Vec<String>,
}

impl NameSearch {
    pub fn new(name: &str) -> Self {
        let chars: Vec<char> = name.chars().collect();
        let mut pieces: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
        pieces.sort();
        pieces.dedup();
        Self {
            pattern: format!("%{}%", crate::db::escape_like(name)),
            pieces,
        }
    }
}

/// A page of the campaign's workers whose name holds the text searched, latest first, and how
/// many match up to `reach` (one statement: the matches' ids are read once, through the names'
/// index, and only the page's rows are joined).
pub async fn recipients_named(
    db: impl PgExecutor<'_>,
    campaign_id: i64,
    search: &NameSearch,
    (limit, offset, reach): (i64, i64, i64),
) -> sqlx::Result<(Vec<Recipient>, i64)> {
    let rows = sqlx::query!(
        r#"with matched as (
               select r.id from care_recipients r
               where r.campaign_id = $1 and r.name like $2
                 and (cardinality($3::text[]) = 0 or name_bigrams(r.name) @> $3)
               order by r.id desc limit $6)
           select (select count(*) from matched) as "matched!", r.id, r.member_id,
                  m.member_no as "member_no?", r.name, r.id_masked, r.phone_masked, r.given_on,
                  r.given, r.value as "value: Money", r.added_by_way as "way: Way",
                  u.display_name as "recorded_by?"
           from (select id from matched order by id desc limit $4 offset $5) as page
           join care_recipients r on r.id = page.id
           left join members m on m.id = r.member_id
           left join users u on u.id = r.recorded_by
           order by r.id desc"#,
        campaign_id,
        search.pattern,
        &search.pieces,
        limit,
        offset,
        reach
    )
    .fetch_all(db)
    .await?;
    let matched = rows.first().map_or(0, |row| row.matched);
    let recipients = rows
        .into_iter()
        .map(|r| Recipient {
            id: r.id,
            member_id: r.member_id,
            member_no: r.member_no,
            name: r.name,
            id_masked: r.id_masked,
            phone_masked: r.phone_masked,
            given_on: r.given_on,
            given: r.given,
            value: r.value,
            way: r.way,
            recorded_by: r.recorded_by,
        })
        .collect();
    Ok((recipients, matched))
}

/// The entries already on the campaign for these people: (person index, day given, name).
pub async fn already_reached(
    db: impl PgExecutor<'_>,
    campaign_id: i64,
    people: &[Vec<u8>],
) -> sqlx::Result<Vec<(Vec<u8>, Date, String)>> {
    let rows = sqlx::query!(
        "select person_index, given_on, name from care_recipients
         where campaign_id = $1 and person_index = any($2)",
        campaign_id,
        people
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.person_index, r.given_on, r.name))
        .collect())
}

/// A worker to add, with their sign-off.
#[derive(Debug)]
pub struct NewRecipient {
    pub worker: SealedWorker,
    pub given_on: Date,
    pub given: String,
    pub value: Money,
    pub way: Way,
}

/// Adds the workers in one statement (a file of 100,000 is one statement, and one update of the
/// campaign's reach by its trigger). A worker already on the campaign (entered by another clerk
/// since the check) is left out: the count of rows added says how many were.
pub async fn insert_recipients(
    tx: &mut PgConnection,
    campaign_id: i64,
    recorded_by: i64,
    rows: &[NewRecipient],
) -> sqlx::Result<u64> {
    let mut members = Vec::with_capacity(rows.len());
    let (mut names, mut people, mut masked) = (Vec::new(), Vec::new(), Vec::new());
    let (mut id_ciphers, mut phone_ciphers, mut phones) = (Vec::new(), Vec::new(), Vec::new());
    let (mut days, mut given, mut values, mut ways) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let worker = &row.worker;
        members.push(worker.member_id);
        names.push(worker.name.clone());
        people.push(worker.person_index.clone());
        masked.push(worker.id_masked.clone());
        id_ciphers.push(worker.id_number.as_ref().map(|(cipher, _)| cipher.clone()));
        phone_ciphers.push(worker.phone.clone());
        phones.push(worker.phone_masked.clone());
        days.push(row.given_on);
        given.push(row.given.clone());
        values.push(row.value.fen());
        ways.push(row.way.code());
    }
    let done = sqlx::query!(
        "insert into care_recipients (campaign_id, member_id, name, person_index, id_masked,
                                      id_cipher, phone_cipher, phone_masked, given_on, given,
                                      value, added_by_way, recorded_by)
         select $1, * , $12 from unnest($2::bigint[], $3::text[], $4::bytea[], $5::text[],
                                        $6::bytea[], $7::bytea[], $8::text[], $9::date[],
                                        $10::text[], $11::bigint[], $13::text[])
             as r(member_id, name, person_index, id_masked, id_cipher, phone_cipher,
                  phone_masked, given_on, given, value, way)
         on conflict on constraint care_recipients_once do nothing",
        campaign_id,
        &members as &[Option<i64>],
        &names,
        &people,
        &masked,
        &id_ciphers as &[Option<Vec<u8>>],
        &phone_ciphers as &[Option<Vec<u8>>],
        &phones,
        &days,
        &given,
        &values,
        recorded_by,
        &ways as &[&str]
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// Takes a worker off the campaign (entered by mistake); their name, for the audit record.
pub async fn delete_recipient(
    tx: &mut PgConnection,
    campaign_id: i64,
    id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "delete from care_recipients where id = $1 and campaign_id = $2 returning name",
        id,
        campaign_id
    )
    .fetch_optional(tx)
    .await
}

/// The first and last day a worker of the campaign was given something, if any was.
pub async fn given_between(
    db: impl PgExecutor<'_>,
    campaign_id: i64,
) -> sqlx::Result<Option<(Date, Date)>> {
    let row = sqlx::query!(
        "select min(given_on) as first, max(given_on) as last from care_recipients
         where campaign_id = $1",
        campaign_id
    )
    .fetch_one(db)
    .await?;
    Ok(row.first.zip(row.last))
}
