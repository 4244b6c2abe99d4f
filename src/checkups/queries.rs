//! Check-ups, readings and alerts in SQL. Every read takes the health worker's scope through the
//! hut's organisation; closing an alert is an `update … where status = 'open' returning`.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use super::model::Indicator;
use crate::access::Scope;

/// The huts, corners and vans of the subtree: id and name.
pub async fn places_in(db: impl PgExecutor<'_>, scope: &Scope) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        "select s.id, s.name from stations s join organisations o on o.id = s.organisation_id
         where s.kind in ('health_hut', 'health_corner', 'mobile') and s.status = 'open'
           and o.path <@ $1::text::ltree
         order by s.kind, s.code",
        scope.path()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// The normal ranges, by indicator.
pub async fn ranges(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Vec<(Indicator, Option<i64>, Option<i64>)>> {
    let rows =
        sqlx::query!(r#"select indicator as "indicator: Indicator", low, high from health_ranges"#)
            .fetch_all(db)
            .await?;
    let mut ranges: Vec<_> = rows
        .into_iter()
        .map(|r| (r.indicator, r.low, r.high))
        .collect();
    ranges.sort_by_key(|(i, _, _)| Indicator::ALL.iter().position(|a| a == i));
    Ok(ranges)
}

pub async fn set_range(
    tx: &mut PgConnection,
    indicator: Indicator,
    (low, high): (Option<i64>, Option<i64>),
) -> sqlx::Result<()> {
    sqlx::query!(
        "update health_ranges set low = $2, high = $3 where indicator = $1",
        indicator.code(),
        low,
        high
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Records a check-up and its readings, and raises an alert for each value outside its range;
/// the check-up's id and how many alerts.
pub async fn record(
    tx: &mut PgConnection,
    (member_id, station_id): (i64, i64),
    taken_at: OffsetDateTime,
    readings: &[(Indicator, i64)],
    user_id: Option<i64>,
) -> sqlx::Result<(i64, i64)> {
    let id = sqlx::query_scalar!(
        "insert into health_checkups (member_id, station_id, taken_at, recorded_by)
         values ($1, $2, $3, $4) returning id",
        member_id,
        station_id,
        taken_at,
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let codes: Vec<&str> = readings.iter().map(|(i, _)| i.code()).collect();
    let values: Vec<i64> = readings.iter().map(|(_, v)| *v).collect();
    let alerts = sqlx::query_scalar!(
        r#"with readings as (
               insert into health_readings (checkup_id, indicator, value)
               select $1, * from unnest($2::text[], $3::bigint[])
               returning indicator, value
           ), raised as (
               insert into health_alerts (checkup_id, indicator, value, low, high)
               select $1, r.indicator, r.value, g.low, g.high
               from readings r join health_ranges g on g.indicator = r.indicator
               where r.value < g.low or r.value > g.high
               returning 1
           )
           select count(*) as "count!" from raised"#,
        id,
        &codes as &[&str],
        &values
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok((id, alerts))
}

/// An open alert as the follow-up list shows it.
#[derive(Debug, Clone)]
pub struct Alert {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub station_name: String,
    pub taken_at: OffsetDateTime,
    pub indicator: Indicator,
    pub value: i64,
    pub low: Option<i64>,
    pub high: Option<i64>,
}

pub async fn open_alerts(db: impl PgExecutor<'_>, scope: &Scope) -> sqlx::Result<Vec<Alert>> {
    sqlx::query_as!(
        Alert,
        r#"select a.id, c.member_id, m.name as member_name, s.name as station_name, c.taken_at,
                  a.indicator as "indicator: Indicator", a.value, a.low, a.high
           from health_alerts a
           join health_checkups c on c.id = a.checkup_id
           join stations s on s.id = c.station_id
           join organisations o on o.id = s.organisation_id
           join members m on m.id = c.member_id
           where a.status = 'open' and o.path <@ $1::text::ltree
           order by c.taken_at, a.id
           limit 500"#,
        scope.path()
    )
    .fetch_all(db)
    .await
}

/// Closes an open alert of the subtree with its follow-up; the hut's organisation, or `None`
/// when it is not open (or not the user's to close).
pub async fn close_alert(
    tx: &mut PgConnection,
    (id, scope): (i64, &Scope),
    (advice, referred, next_check): (&str, bool, Option<time::Date>),
    user_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "update health_alerts a set status = 'closed', advice = $3, referred = $4,
             next_check = $5, closed_by = $6, closed_at = now()
         from health_checkups c, stations s, organisations o
         where a.id = $1 and a.status = 'open' and c.id = a.checkup_id and s.id = c.station_id
           and o.id = s.organisation_id and o.path <@ $2::text::ltree
         returning s.organisation_id",
        id,
        scope.path(),
        advice,
        referred,
        next_check,
        user_id
    )
    .fetch_optional(&mut *tx)
    .await
}

/// A member's check-ups at the huts of the subtree, oldest first, each with its readings and
/// which of them raised an alert.
#[derive(Debug, Clone)]
pub struct Checkup {
    pub taken_at: OffsetDateTime,
    pub station_name: String,
    pub readings: Vec<(Indicator, i64, bool)>,
}

pub async fn series(
    db: impl PgExecutor<'_>,
    member_id: i64,
    scope: &Scope,
) -> sqlx::Result<Vec<Checkup>> {
    let rows = sqlx::query!(
        r#"select c.id, c.taken_at, s.name as station_name,
                  r.indicator as "indicator: Indicator", r.value,
                  exists (select 1 from health_alerts a
                          where a.checkup_id = c.id and a.indicator = r.indicator) as "alert!"
           from health_checkups c
           join stations s on s.id = c.station_id
           join organisations o on o.id = s.organisation_id
           join health_readings r on r.checkup_id = c.id
           where c.member_id = $1 and o.path <@ $2::text::ltree
           order by c.taken_at, c.id"#,
        member_id,
        scope.path()
    )
    .fetch_all(db)
    .await?;
    let mut checkups: Vec<(i64, Checkup)> = Vec::new();
    for row in rows {
        if checkups.last().is_none_or(|(id, _)| *id != row.id) {
            checkups.push((
                row.id,
                Checkup {
                    taken_at: row.taken_at,
                    station_name: row.station_name,
                    readings: Vec::new(),
                },
            ));
        }
        if let Some((_, checkup)) = checkups.last_mut() {
            checkup.readings.push((row.indicator, row.value, row.alert));
        }
    }
    Ok(checkups.into_iter().map(|(_, c)| c).collect())
}

/// Recent check-ups of the subtree, for the health worker's page: when, where, who, how many
/// readings and alerts (no values).
pub async fn recent(
    db: impl PgExecutor<'_>,
    scope: &Scope,
) -> sqlx::Result<Vec<(OffsetDateTime, String, i64, String, i64, i64)>> {
    let rows = sqlx::query!(
        r#"select c.taken_at, s.name as station_name, c.member_id, m.name as member_name,
                  (select count(*) from health_readings r where r.checkup_id = c.id) as "readings!",
                  (select count(*) from health_alerts a where a.checkup_id = c.id) as "alerts!"
           from health_checkups c
           join stations s on s.id = c.station_id
           join organisations o on o.id = s.organisation_id
           join members m on m.id = c.member_id
           where o.path <@ $1::text::ltree
           order by c.taken_at desc, c.id desc limit 30"#,
        scope.path()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.taken_at,
                r.station_name,
                r.member_id,
                r.member_name,
                r.readings,
                r.alerts,
            )
        })
        .collect())
}

/// A member found by member number or ID number (its blind index): id and name.
pub async fn find_member(
    db: impl PgExecutor<'_>,
    member_no: &str,
    id_index: &[u8],
) -> sqlx::Result<Option<(i64, String)>> {
    let row = sqlx::query!(
        "select id, name from members where member_no = $1 or id_number_index = $2 limit 1",
        member_no,
        id_index
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.name)))
}

pub async fn member_name(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("select name from members where id = $1", id)
        .fetch_optional(db)
        .await
}
