//! Service totals in SQL: the services given at the stations of a subtree over a period, from the
//! monthly tallies (and, for a period's partial first and last months, the records), grouped at
//! once by kind of service, month and station; the districts add up their stations.

use sqlx::PgExecutor;
use time::Date;

use super::model::{Kind, Service};
use crate::tallies::Period;

/// Which services are added up.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub district_id: Option<i64>,
    /// Only stations of this kind.
    pub station_kind: Option<Kind>,
    /// Only this kind of service.
    pub service: Option<Service>,
}

/// One line of a breakdown: the group's key (a service, a district's id, a month `2026-03`, a
/// station's id), its name and code where it has them, and the services counted.
#[derive(Debug, Clone)]
pub struct Line {
    pub key: String,
    pub name: String,
    /// A station's code (blank for the other lines).
    pub code: String,
    pub count: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub count: i64,
    /// The stations that gave any of them.
    pub stations: i64,
    pub services: Vec<Line>,
    pub districts: Vec<Line>,
    pub months: Vec<Line>,
    /// The stations, most services first.
    pub by_station: Vec<Line>,
}

/// The services given at the stations of the subtree at `path` that `selection` picks.
pub async fn totals(
    db: impl PgExecutor<'_>,
    path: &str,
    selection: &Selection,
) -> sqlx::Result<Totals> {
    let period = Period::split(selection.from, selection.to);
    let rows = sqlx::query!(
        r#"with picked as (
               select s.id, s.district_id
               from stations s
               where s.organisation_id in (select id from organisations where path <@ $1::text::ltree)
                 and ($2::bigint is null or s.district_id = $2)
                 and ($3::text is null or s.kind = $3)
           ), facts as (
               select t.station_id, t.month, t.kind, t.count
               from station_service_tallies t
               where t.station_id in (select id from picked)
                 and ($4::date is null or t.month >= $4) and ($5::date is null or t.month < $5)
                 and not $10 and ($11::text is null or t.kind = $11)
               union all
               select v.station_id, date_trunc('month', v.day)::date, v.kind, v.count::bigint
               from station_services v
               where v.station_id in (select id from picked)
                 and (v.day between $6 and $7 or v.day between $8 and $9)
                 and ($11::text is null or v.kind = $11)
           ), grouped as (
               select case when grouping(f.kind) = 0 then 'service'
                           when grouping(f.month) = 0 then 'month'
                           when grouping(f.station_id) = 0 then 'station'
                           else 'total' end as dimension,
                      f.kind, f.month, f.station_id, sum(f.count) as count
               from facts f
               group by grouping sets ((f.kind), (f.month), (f.station_id), ())
           )
           select g.dimension as "dimension!",
                  coalesce(g.kind, to_char(g.month, 'YYYY-MM'), g.station_id::text, '') as "key!",
                  coalesce(s.name, '') as "name!", coalesce(s.code, '') as "code!",
                  s.district_id as "district_id?", d.name as "district_name?",
                  coalesce(g.count, 0)::bigint as "count!"
           from grouped g
           left join stations s on s.id = g.station_id
           left join districts d on d.id = s.district_id
           order by g.dimension, g.month, g.count desc, 2"#,
        path,
        selection.district_id,
        selection.station_kind.map(Kind::code),
        period.whole.0,
        period.whole.1,
        period.head.map(|(first, _)| first),
        period.head.map(|(_, last)| last),
        period.tail.map(|(first, _)| first),
        period.tail.map(|(_, last)| last),
        period.no_whole_month,
        selection.service.map(Service::code),
    )
    .fetch_all(db)
    .await?;
    let mut out = Totals::default();
    // The districts add up their stations' lines.
    let mut districts: Vec<Line> = Vec::new();
    for row in rows {
        if let (Some(id), Some(name)) = (row.district_id, &row.district_name) {
            let key = id.to_string();
            match districts.iter_mut().find(|line| line.key == key) {
                Some(line) => line.count += row.count,
                None => districts.push(Line {
                    key,
                    name: name.clone(),
                    code: String::new(),
                    count: row.count,
                }),
            }
        }
        let line = Line {
            key: row.key,
            name: row.name,
            code: row.code,
            count: row.count,
        };
        match row.dimension.as_str() {
            "service" => out.services.push(line),
            "month" => out.months.push(line),
            "station" => out.by_station.push(line),
            _ => out.count = line.count,
        }
    }
    districts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out.districts = districts;
    out.stations = out.by_station.len() as i64;
    Ok(out)
}
