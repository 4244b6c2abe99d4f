//! Service totals (服务统计): what the stations of the user's subtree gave over a period, by kind
//! of service, district, month and station, narrowed to a district, a kind of station or a kind
//! of service. Charts with their tables, each bar a link to the totals it counts, and the same
//! tables as an .xlsx workbook.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;

use super::model::{Kind, Service};
use super::totals_queries::{self as q, Line, Selection, Totals};
use crate::access::Reader;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::charts::{BarChart, summary};
use crate::web::export::{self, Cell, Table};
use crate::web::forms::FieldErrors;

/// The stations shown on the page; the workbook lists them all.
const STATIONS_SHOWN: usize = 20;

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TotalsQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub district: Option<i64>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub service: String,
}

impl TotalsQuery {
    /// The query string of these totals with one parameter set (or none: `("", "")`).
    pub fn with(&self, name: &str, value: &str) -> String {
        let district = self.district.map(|id| id.to_string()).unwrap_or_default();
        let pairs = [
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("district", district.as_str()),
            ("kind", self.kind.as_str()),
            ("service", self.service.as_str()),
        ]
        .into_iter()
        .map(|(key, current)| (key, if key == name { value } else { current }))
        .filter(|(_, value)| !value.is_empty())
        .collect::<Vec<_>>();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stations/totals.html")]
pub struct TotalsTemplate {
    pub ctx: Ctx,
    pub query: TotalsQuery,
    pub errors: FieldErrors,
    pub totals: Totals,
    pub charts: Vec<BarChart>,
    pub districts: Vec<(i64, String)>,
    /// This year and last, as `(label, from, to)`.
    pub years: Vec<(i32, String, String)>,
}

impl TotalsTemplate {
    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    pub fn services(&self) -> &'static [Service] {
        Service::ALL
    }

    pub fn picked_district(&self, id: &i64) -> bool {
        self.query.district == Some(*id)
    }

    pub fn top_stations(&self) -> &[Line] {
        let shown = self.totals.by_station.len().min(STATIONS_SHOWN);
        &self.totals.by_station[..shown]
    }

    pub fn export_link(&self) -> String {
        format!("/stations/totals.xlsx?{}", self.query.with("", ""))
    }
}

/// The most characters of a station's name a chart's label shows, so that it fits left of its
/// bar; the bar leads to the station, and the workbook lists the whole name with the code.
const LABEL_CHARS: usize = 12;

fn label(ctx: &Ctx, dimension: &str, line: &Line) -> String {
    match dimension {
        "service" => ctx.tr("station.service.", &line.key),
        "month" => line.key.clone(),
        "station" if line.name.chars().count() > LABEL_CHARS => {
            let short: String = line.name.chars().take(LABEL_CHARS - 1).collect();
            format!("{short}…")
        }
        _ => line.name.clone(),
    }
}

/// The totals a bar counts: these narrowed to its service, district or month, or its station.
fn href(query: &TotalsQuery, dimension: &str, line: &Line) -> String {
    let narrowed = match dimension {
        "service" => query.with("service", &line.key),
        "district" => query.with("district", &line.key),
        "station" => return format!("/stations/{}", line.key),
        _ => match crate::tallies::month_bounds(&line.key) {
            Some((first, last)) => {
                let from = TotalsQuery {
                    from: first.to_string(),
                    ..query.clone()
                };
                from.with("to", &last.to_string())
            }
            None => query.with("", ""),
        },
    };
    format!("/stations/totals?{narrowed}")
}

fn lines<'a>(totals: &'a Totals, dimension: &str) -> &'a [Line] {
    match dimension {
        "service" => &totals.services,
        "district" => &totals.districts,
        "month" => &totals.months,
        _ => &totals.by_station[..totals.by_station.len().min(STATIONS_SHOWN)],
    }
}

fn chart(ctx: &Ctx, query: &TotalsQuery, dimension: &'static str, totals: &Totals) -> BarChart {
    let points: Vec<(String, i64, String, String)> = lines(totals, dimension)
        .iter()
        .map(|line| {
            let shown = ctx.tf("station.totals.count", [("count", line.count.to_string())]);
            (
                label(ctx, dimension, line),
                line.count,
                shown,
                href(query, dimension, line),
            )
        })
        .collect();
    let title = ctx.locale.t_dyn(&format!("station.totals.by_{dimension}"));
    let summary = summary(ctx, &points, &title);
    let heading = ctx.t("station.totals.services").to_string();
    BarChart::new(format!("by-{dimension}"), title, summary, heading, points)
}

async fn load(
    state: &AppState,
    ctx: Ctx,
    user: &crate::access::CurrentUser,
    query: TotalsQuery,
) -> AppResult<TotalsTemplate> {
    let mut errors = FieldErrors::new(ctx.locale);
    let from = errors.optional_date("from", &query.from);
    let to = errors.optional_date("to", &query.to);
    let selection = Selection {
        from,
        to,
        district_id: query.district,
        station_kind: Kind::parse(&query.kind),
        service: Service::parse(&query.service),
    };
    let totals = q::totals(&state.db, user.scope.path(), &selection).await?;
    let charts = ["service", "district", "month", "station"]
        .into_iter()
        .map(|dimension| chart(&ctx, &query, dimension, &totals))
        .collect();
    let year = crate::joining::queries::today(&state.db).await?.year();
    let years = [year, year - 1]
        .into_iter()
        .map(|year| (year, format!("{year}-01-01"), format!("{year}-12-31")))
        .collect();
    Ok(TotalsTemplate {
        ctx,
        query,
        errors,
        totals,
        charts,
        districts: super::queries::districts(state).await?,
        years,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<TotalsQuery>,
) -> AppResult<TotalsTemplate> {
    load(&state, ctx, &user, query).await
}

/// The totals as an .xlsx workbook: the figures, then a sheet per breakdown with every station.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<TotalsQuery>,
) -> AppResult<Response> {
    let page = load(&state, ctx.clone(), &user, query).await?;
    let t = |key: &str| ctx.locale.t_dyn(key);
    let mut figures = Table::new(
        t("station.totals.sheet.figures"),
        vec![t("chart.item"), t("station.totals.value")],
    );
    for (key, value) in [
        ("station.totals.services", page.totals.count),
        ("station.totals.stations", page.totals.stations),
    ] {
        figures.rows.push(vec![t(key).into(), Cell::Integer(value)]);
    }
    for (key, value) in [
        ("station.totals.from", &page.query.from),
        ("station.totals.to", &page.query.to),
    ] {
        figures.rows.push(vec![t(key).into(), value.clone().into()]);
    }
    let mut tables = vec![figures];
    for dimension in ["service", "district", "month"] {
        let mut table = Table::new(
            t(&format!("station.totals.by_{dimension}")),
            vec![t("chart.item"), t("station.totals.services")],
        );
        for line in lines(&page.totals, dimension) {
            table.rows.push(vec![
                label(&ctx, dimension, line).into(),
                Cell::Integer(line.count),
            ]);
        }
        tables.push(table);
    }
    let mut stations = Table::new(
        t("station.totals.by_station"),
        vec![
            t("station.field.code"),
            t("station.field.name"),
            t("station.totals.services"),
        ],
    );
    for line in &page.totals.by_station {
        stations.rows.push(vec![
            line.code.clone().into(),
            line.name.clone().into(),
            Cell::Integer(line.count),
        ]);
    }
    tables.push(stations);
    let name = format!("{}.xlsx", ctx.t("station.totals.title"));
    export::xlsx_workbook(name, tables).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_narrows_the_totals_and_keeps_the_rest_of_the_query() {
        let query = TotalsQuery {
            from: "2026-01-01".into(),
            district: Some(3),
            ..TotalsQuery::default()
        };
        let water = Line {
            key: "water".into(),
            name: String::new(),
            code: String::new(),
            count: 5,
        };
        assert_eq!(
            href(&query, "service", &water),
            "/stations/totals?from=2026-01-01&district=3&service=water"
        );
        let march = Line {
            key: "2026-02".into(),
            ..water.clone()
        };
        assert_eq!(
            href(&query, "month", &march),
            "/stations/totals?from=2026-02-01&to=2026-02-28&district=3"
        );
        let station = Line {
            key: "42".into(),
            ..water
        };
        assert_eq!(href(&query, "station", &station), "/stations/42");
    }
}
