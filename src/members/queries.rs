//! SQL of members. Reads take the caller's scope (an ltree path) and see only that subtree.

use sqlx::{PgExecutor, Postgres, QueryBuilder};

use super::model::{MemberStatus, ValidMember};
use crate::access::Scope;
use crate::pii::Pii;

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
                  m.status as "status: MemberStatus"
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

/// What the list is filtered by; the search text has been read already into one of its kinds.
#[derive(Debug, Clone)]
pub struct ListFilter {
    pub scope: Scope,
    pub organisation_path: Option<String>,
    pub search: Search,
    pub occupation: Option<String>,
    pub status: Option<String>,
    pub channel: Option<String>,
    pub joined_from: Option<time::Date>,
    pub joined_to: Option<time::Date>,
}

/// How the search box was understood.
#[derive(Debug, Default, Clone)]
pub enum Search {
    #[default]
    None,
    IdNumber(Vec<u8>),
    Phone(Vec<u8>),
    MemberNo(String),
    /// One character: a surname, as a prefix.
    NamePrefix(String),
    /// Two characters anywhere in the name (the bigram index).
    NamePair(String),
    /// Three or more characters anywhere in the name (the trigram index).
    NameContains(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    JoinDate,
    Name,
    MemberNo,
}

fn push_filters(query: &mut QueryBuilder<'_, Postgres>, filter: &ListFilter) {
    query.push(" where true");
    if !filter.scope.is_whole_tree() {
        query
            .push(" and m.organisation_id in (select id from organisations where path <@ ")
            .push_bind(filter.scope.path().to_string())
            .push("::text::ltree)");
    }
    if let Some(path) = &filter.organisation_path {
        query
            .push(" and m.organisation_id in (select id from organisations where path <@ ")
            .push_bind(path.clone())
            .push("::text::ltree)");
    }
    match &filter.search {
        Search::None => {}
        Search::IdNumber(index) => {
            query
                .push(" and m.id_number_index = ")
                .push_bind(index.clone());
        }
        Search::Phone(index) => {
            query.push(" and m.phone_index = ").push_bind(index.clone());
        }
        Search::MemberNo(no) => {
            query.push(" and m.member_no = ").push_bind(no.clone());
        }
        Search::NamePrefix(text) => {
            query
                .push(" and m.name collate \"C\" like ")
                .push_bind(format!("{}%", escape_like(text)));
        }
        Search::NamePair(text) => {
            query
                .push(" and m.name_pieces @> array[")
                .push_bind(text.clone())
                .push("]::text[]");
        }
        Search::NameContains(text) => {
            query
                .push(" and m.name like ")
                .push_bind(format!("%{}%", escape_like(text)));
        }
    }
    for (column, value) in [
        ("m.occupation", &filter.occupation),
        ("m.status", &filter.status),
        ("m.join_channel", &filter.channel),
    ] {
        if let Some(value) = value {
            query
                .push(format!(" and {column} = "))
                .push_bind(value.clone());
        }
    }
    if let Some(from) = filter.joined_from {
        query.push(" and m.join_date >= ").push_bind(from);
    }
    if let Some(to) = filter.joined_to {
        query.push(" and m.join_date <= ").push_bind(to);
    }
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

const LIST_COLUMNS: &str = "select m.id, m.member_no, m.organisation_id, o.name as organisation_name, \
     o.code as organisation_code, m.name, m.gender, m.birth_date, m.id_number_masked, m.phone_masked, \
     m.employer, m.occupation, m.skill_level, m.join_date, m.join_channel, m.status \
     from members m join organisations o on o.id = m.organisation_id";

/// One page of the list (`limit` rows from `offset`).
pub async fn list(
    db: impl PgExecutor<'_>,
    filter: &ListFilter,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<MemberRow>> {
    let mut query = QueryBuilder::new(LIST_COLUMNS);
    push_filters(&mut query, filter);
    query.push(match sort {
        Sort::JoinDate => " order by m.join_date desc, m.id desc",
        Sort::Name => " order by m.name collate \"C\", m.id",
        Sort::MemberNo => " order by m.member_no",
    });
    query
        .push(" limit ")
        .push_bind(limit)
        .push(" offset ")
        .push_bind(offset);
    query.build_query_as().fetch_all(db).await
}

/// Members by occupation under the filter. Without a search or date filter the counters answer, and
/// for a surname (one character) the surname counters; otherwise the matching rows are counted.
pub async fn count_by_occupation(
    db: impl PgExecutor<'_>,
    filter: &ListFilter,
) -> sqlx::Result<Vec<(String, i64)>> {
    let counters_answer = filter.channel.is_none()
        && filter.joined_from.is_none()
        && filter.joined_to.is_none()
        && matches!(filter.search, Search::None | Search::NamePrefix(_));
    if !counters_answer {
        let mut query = QueryBuilder::new("select m.occupation, count(*) from members m");
        push_filters(&mut query, filter);
        query.push(" group by m.occupation");
        return query.build_query_as().fetch_all(db).await;
    }
    let mut query = QueryBuilder::new("select c.occupation, sum(c.n)::bigint from ");
    match &filter.search {
        Search::NamePrefix(surname) => {
            query
                .push("member_surname_counts c join organisations o on o.id = c.organisation_id where c.surname = ")
                .push_bind(surname.clone());
        }
        _ => {
            query.push(
                "member_counts c join organisations o on o.id = c.organisation_id where true",
            );
        }
    }
    query
        .push(" and o.path <@ ")
        .push_bind(
            filter
                .organisation_path
                .clone()
                .unwrap_or_else(|| filter.scope.path().to_string()),
        )
        .push("::text::ltree");
    if !filter.scope.is_whole_tree() && filter.organisation_path.is_some() {
        query
            .push(" and o.path <@ ")
            .push_bind(filter.scope.path().to_string())
            .push("::text::ltree");
    }
    for (column, value) in [
        ("c.occupation", &filter.occupation),
        ("c.status", &filter.status),
    ] {
        if let Some(value) = value {
            query
                .push(format!(" and {column} = "))
                .push_bind(value.clone());
        }
    }
    query.push(" group by c.occupation having sum(c.n) > 0");
    query.build_query_as().fetch_all(db).await
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

/// Many new members at once (one import chunk): returns how many were inserted. A row whose ID
/// number became a member meanwhile is skipped, not an error.
pub async fn insert_many(
    db: &mut sqlx::PgConnection,
    rows: &[NewMember<'_>],
    actor_name: &str,
) -> sqlx::Result<u64> {
    let column = |f: &dyn Fn(&NewMember<'_>) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let bytes =
        |f: &dyn Fn(&NewMember<'_>) -> Vec<u8>| rows.iter().map(f).collect::<Vec<Vec<u8>>>();
    let organisations: Vec<i64> = rows.iter().map(|r| r.organisation_id).collect();
    let births: Vec<time::Date> = rows.iter().map(|r| r.birth_date).collect();
    let joins: Vec<time::Date> = rows.iter().map(|r| r.join_date).collect();
    let skills: Vec<Option<String>> = rows
        .iter()
        .map(|r| r.skill_level.map(str::to_string))
        .collect();
    let inserted = sqlx::query!(
        r#"with added as (
             insert into members
               (organisation_id, member_no, name, gender, birth_date, id_number_cipher, id_number_index,
                id_number_masked, phone_cipher, phone_index, phone_masked, employer, occupation,
                skill_level, join_date, join_channel)
             select o, 'GH' || to_char(j, 'YYYY') || lpad(nextval('member_number_seq')::text, 7, '0'),
                    n, g, b, ic, ii, im, pc, pi, pm, e, oc, s, j, c
             from unnest($1::int8[], $2::text[], $3::text[], $4::date[], $5::bytea[], $6::bytea[],
                         $7::text[], $8::bytea[], $9::bytea[], $10::text[], $11::text[], $12::text[],
                         $13::text[], $14::date[], $15::text[])
                  as t(o, n, g, b, ic, ii, im, pc, pi, pm, e, oc, s, j, c)
             on conflict (id_number_index) do nothing
             returning id, organisation_id
           )
           insert into timeline (entity, entity_id, step, to_organisation_id, actor_name)
           select 'member', id, 'joined', organisation_id, $16 from added"#,
        &organisations,
        &column(&|r| r.name.to_string()),
        &column(&|r| r.gender.to_string()),
        &births,
        &bytes(&|r| r.id_number_cipher.clone()),
        &bytes(&|r| r.id_number_index.clone()),
        &column(&|r| r.id_number_masked.clone()),
        &bytes(&|r| r.phone_cipher.clone()),
        &bytes(&|r| r.phone_index.clone()),
        &column(&|r| r.phone_masked.clone()),
        &column(&|r| r.employer.to_string()),
        &column(&|r| r.occupation.to_string()),
        &skills as &[Option<String>],
        &joins,
        &column(&|r| r.join_channel.to_string()),
        actor_name
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected())
}

/// An uploaded file between preview and confirmation.
pub struct ImportRow {
    pub id: uuid::Uuid,
    pub organisation_id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub join_channel: String,
    pub payload_cipher: Option<Vec<u8>>,
    pub status: String,
    pub total_rows: i32,
    pub processed_rows: i32,
    pub imported_rows: i32,
    pub skipped_rows: i32,
}

/// An upload to keep until it is confirmed; the payload is already encrypted.
pub struct NewImport<'a> {
    pub id: uuid::Uuid,
    pub organisation_id: i64,
    pub user_id: i64,
    pub file_name: &'a str,
    pub join_channel: &'a str,
    pub payload: Vec<u8>,
    pub total_rows: i32,
}

pub async fn insert_import(db: impl PgExecutor<'_>, import: &NewImport<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into member_imports (id, organisation_id, user_id, file_name, join_channel, payload_cipher, total_rows)
           values ($1, $2, $3, $4, $5, $6, $7)"#,
        import.id,
        import.organisation_id,
        import.user_id,
        import.file_name,
        import.join_channel,
        import.payload,
        import.total_rows
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An upload of this user's (uploads are private to who made them).
pub async fn find_import(
    db: impl PgExecutor<'_>,
    id: uuid::Uuid,
    user_id: i64,
) -> sqlx::Result<Option<ImportRow>> {
    sqlx::query_as!(
        ImportRow,
        r#"select id, organisation_id, user_id, file_name, join_channel, payload_cipher, status, total_rows,
                  processed_rows, imported_rows, skipped_rows
           from member_imports where id = $1 and user_id = $2"#,
        id,
        user_id
    )
    .fetch_optional(db)
    .await
}

/// Starts an import; false if it was not waiting (a second click on "confirm").
pub async fn start_import(db: impl PgExecutor<'_>, id: uuid::Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update member_imports set status = 'running' where id = $1 and status = 'previewed'",
        id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_import_progress(
    db: impl PgExecutor<'_>,
    id: uuid::Uuid,
    processed: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update member_imports set processed_rows = $2 where id = $1",
        id,
        processed
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Ends an import: the file is forgotten either way (it holds ID numbers).
pub async fn finish_import(
    db: impl PgExecutor<'_>,
    id: uuid::Uuid,
    status: &str,
    imported: i32,
    skipped: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update member_imports
           set status = $2, imported_rows = $3, skipped_rows = $4, processed_rows = total_rows, payload_cipher = null
           where id = $1"#,
        id,
        status,
        imported,
        skipped
    )
    .execute(db)
    .await?;
    Ok(())
}
