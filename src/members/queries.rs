//! SQL of members. Reads take the caller's scope (an ltree path) and see only that subtree.

use sqlx::PgExecutor;
use sqlx::types::Json;

use super::model::{MemberStatus, ValidMember};
use crate::access::Scope;
use crate::pii::Pii;
use crate::workflow::{Timeline, TimelineEntry};

/// A member as the pages show it: personal data masked, the sealed values beside for those allowed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub member_no: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub organisation_code: String,
    pub name: String,
    pub gender: String,
    pub birth_date: time::Date,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub employer: String,
    pub occupation: String,
    pub skill_level: Option<String>,
    pub join_date: time::Date,
    pub join_channel: String,
    pub status: MemberStatus,
    /// Read with the member on its own page; lists leave it out.
    #[sqlx(default)]
    pub timeline: Timeline,
}

/// The sealed personal data of one member (shown only to those who may, and then audited).
pub struct Sealed {
    pub id_number_cipher: Vec<u8>,
    pub phone_cipher: Vec<u8>,
}

/// A new member's values, personal data already sealed.
pub struct NewMember<'a> {
    pub organisation_id: i64,
    pub name: &'a str,
    pub gender: &'a str,
    pub birth_date: time::Date,
    pub id_number_cipher: Vec<u8>,
    pub id_number_index: Vec<u8>,
    pub id_number_masked: String,
    pub phone_cipher: Vec<u8>,
    pub phone_index: Vec<u8>,
    pub phone_masked: String,
    pub employer: &'a str,
    pub occupation: &'a str,
    pub skill_level: Option<&'a str>,
    pub join_date: time::Date,
    pub join_channel: &'a str,
}

impl<'a> NewMember<'a> {
    /// A valid member's values with the personal data sealed for storing.
    pub fn sealed(pii: &Pii, organisation_id: i64, valid: &'a ValidMember) -> Self {
        let id = &valid.id_number;
        Self {
            organisation_id,
            name: &valid.name,
            gender: id.gender(),
            birth_date: id.birth_date().unwrap_or(valid.join_date),
            id_number_cipher: pii.encrypt(id.as_str()),
            id_number_index: pii.index(id.as_str()),
            id_number_masked: id.masked(),
            phone_cipher: pii.encrypt(valid.phone.as_str()),
            phone_index: pii.index(valid.phone.as_str()),
            phone_masked: valid.phone.masked(),
            employer: &valid.employer,
            occupation: valid.occupation,
            skill_level: valid.skill_level,
            join_date: valid.join_date,
            join_channel: valid.join_channel,
        }
    }
}

/// Inserts a member with a fresh member number (GH + year of joining + 7 digits).
pub async fn insert_member(
    db: impl PgExecutor<'_>,
    m: &NewMember<'_>,
) -> sqlx::Result<(i64, String)> {
    let row = sqlx::query!(
        r#"insert into members
             (organisation_id, member_no, name, gender, birth_date, id_number_cipher, id_number_index,
              id_number_masked, phone_cipher, phone_index, phone_masked, employer, occupation,
              skill_level, join_date, join_channel)
           values ($1, 'GH' || to_char($14::date, 'YYYY') || lpad(nextval('member_number_seq')::text, 7, '0'),
                   $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           returning id, member_no"#,
        m.organisation_id,
        m.name,
        m.gender,
        m.birth_date,
        m.id_number_cipher,
        m.id_number_index,
        m.id_number_masked,
        m.phone_cipher,
        m.phone_index,
        m.phone_masked,
        m.employer,
        m.occupation,
        m.skill_level,
        m.join_date,
        m.join_channel
    )
    .fetch_one(db)
    .await?;
    Ok((row.id, row.member_no))
}

/// A member in the caller's scope, with the member's timeline.
pub async fn find_in_scope(
    db: impl PgExecutor<'_>,
    id: i64,
    scope: &Scope,
) -> sqlx::Result<Option<MemberRow>> {
    sqlx::query_as!(
        MemberRow,
        r#"select m.id, m.member_no, m.organisation_id, o.name as organisation_name, o.code as organisation_code,
                  m.name, m.gender, m.birth_date, m.id_number_masked, m.phone_masked, m.employer,
                  m.occupation, m.skill_level, m.join_date, m.join_channel,
                  m.status as "status: MemberStatus",
                  (select json_agg(line order by id) from timeline_lines
                   where entity = 'member' and entity_id = m.id) as "timeline?: Json<Vec<TimelineEntry>>"
           from members m join organisations o on o.id = m.organisation_id
           where m.id = $1 and o.path <@ $2::text::ltree"#,
        id,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

pub async fn find_sealed(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Sealed> {
    sqlx::query_as!(
        Sealed,
        "select id_number_cipher, phone_cipher from members where id = $1",
        id
    )
    .fetch_one(db)
    .await
}

/// The member holding an ID number, with whether the caller's scope reaches them.
pub struct Holder {
    pub id: i64,
    pub member_no: String,
    pub visible: bool,
}

pub async fn find_holder_of_id_number(
    db: impl PgExecutor<'_>,
    index: &[u8],
    scope: &Scope,
) -> sqlx::Result<Option<Holder>> {
    sqlx::query_as!(
        Holder,
        r#"select m.id, m.member_no, (o.path <@ $2::text::ltree) as "visible!"
           from members m join organisations o on o.id = m.organisation_id
           where m.id_number_index = $1"#,
        index,
        scope.path()
    )
    .fetch_optional(db)
    .await
}

pub async fn update_member(
    db: impl PgExecutor<'_>,
    id: i64,
    m: &NewMember<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update members set name = $2, gender = $3, birth_date = $4, id_number_cipher = $5,
                  id_number_index = $6, id_number_masked = $7, phone_cipher = $8, phone_index = $9,
                  phone_masked = $10, employer = $11, occupation = $12, skill_level = $13, join_date = $14
           where id = $1"#,
        id,
        m.name,
        m.gender,
        m.birth_date,
        m.id_number_cipher,
        m.id_number_index,
        m.id_number_masked,
        m.phone_cipher,
        m.phone_index,
        m.phone_masked,
        m.employer,
        m.occupation,
        m.skill_level,
        m.join_date
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Moves a member from `from` to `to`; false when they are no longer at `from` (a second click).
pub async fn move_to(db: impl PgExecutor<'_>, id: i64, from: i64, to: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update members set organisation_id = $3 where id = $1 and organisation_id = $2",
        id,
        from,
        to
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Applies a step's change of status if the member still stands at `from`; false when not (a
/// second click, a stale page, someone else first).
pub async fn update_status(
    db: impl PgExecutor<'_>,
    id: i64,
    from: MemberStatus,
    to: MemberStatus,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update members set status = $3 where id = $1 and status = $2",
        id,
        from.code(),
        to.code()
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The sealed personal data of several members, for an unmasked export.
pub async fn find_sealed_many(
    db: impl PgExecutor<'_>,
    ids: &[i64],
) -> sqlx::Result<Vec<(i64, Vec<u8>, Vec<u8>)>> {
    let rows = sqlx::query!(
        "select id, id_number_cipher, phone_cipher from members where id = any($1)",
        ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.id_number_cipher, row.phone_cipher))
        .collect())
}

/// Which of these ID-number indexes already belong to members.
pub async fn existing_id_indexes(
    db: impl PgExecutor<'_>,
    indexes: &[Vec<u8>],
) -> sqlx::Result<Vec<Vec<u8>>> {
    sqlx::query_scalar!(
        "select id_number_index from members where id_number_index = any($1)",
        indexes
    )
    .fetch_all(db)
    .await
}

/// A member a file or a form names, with what they may be named by (member number, ID number).
#[derive(Debug, Clone)]
pub struct Keyed {
    pub id: i64,
    pub member_no: String,
    pub name: String,
    pub id_number_index: Vec<u8>,
    pub id_number_masked: String,
}

/// The members under `scope_path` whose ID number's index or member number is among those given.
pub async fn members_by_keys(
    db: impl PgExecutor<'_>,
    scope_path: &str,
    id_indexes: &[Vec<u8>],
    member_nos: &[String],
) -> sqlx::Result<Vec<Keyed>> {
    sqlx::query_as!(
        Keyed,
        r#"select m.id, m.member_no, m.name, m.id_number_index, m.id_number_masked
           from members m join organisations o on o.id = m.organisation_id
           where (m.id_number_index = any($2) or m.member_no = any($3))
             and o.path <@ $1::text::ltree"#,
        scope_path,
        id_indexes,
        member_nos
    )
    .fetch_all(db)
    .await
}
