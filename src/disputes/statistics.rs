//! Dispute statistics (维权统计) for those who read cases: the cases of the user's subtree taken in
//! over a period by kind, status, month and branch, with the amounts claimed, agreed and recovered,
//! the share mediated, the rounds and days a closed case took; today's overdue cases and letters
//! and the collective contracts in force. Charts with their tables, each line a link to the cases
//! it counts, and the same tables as an .xlsx workbook.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;

use super::CaseReader;
use super::stats_queries::{self as q, Breakdowns, Figures, Line, Today};
use crate::error::AppResult;
use crate::state::AppState;
use crate::statistics::views::share;
use crate::web::Ctx;
use crate::web::charts::{BarChart, summary};
use crate::web::export::{self, Cell, Table};
use crate::web::forms::FieldErrors;

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "disputes/statistics.html")]
pub struct StatisticsTemplate {
    pub ctx: Ctx,
    pub query: PeriodQuery,
    pub errors: FieldErrors,
    pub data: Breakdowns,
    pub today: Today,
    pub charts: Vec<BarChart>,
    /// The period as the drill-down links carry it (`&from=…&to=…`, or nothing).
    pub period: String,
}

impl StatisticsTemplate {
    pub fn mediated_share(&self) -> String {
        share(self.data.total.mediated, self.data.total.closed)
    }

    pub fn average_rounds(&self) -> String {
        tenths(self.data.total.rounds_closed, self.data.total.closed)
    }

    pub fn average_days(&self) -> String {
        tenths(self.data.total.days_closed, self.data.total.closed)
    }

    /// The cases of the period.
    pub fn cases_link(&self) -> String {
        format!("/disputes?{}", self.period.trim_start_matches('&'))
    }

    /// The amounts by kind, branch and month: each table's heading and its labelled lines.
    pub fn tables(&self) -> Vec<(String, Vec<(String, &Line)>)> {
        ["kind", "branch", "month"]
            .into_iter()
            .map(|dimension| {
                let heading = self
                    .ctx
                    .locale
                    .t_dyn(&format!("dispute.stats.by_{dimension}"));
                let lines = lines(&self.data, dimension)
                    .iter()
                    .map(|line| (label(&self.ctx, dimension, line), line))
                    .collect();
                (heading, lines)
            })
            .collect()
    }

    pub fn line_share(&self, figures: &Figures) -> String {
        share(figures.mediated, figures.closed)
    }
}

/// `part / whole` to one decimal, rounded half up; a dash for none.
fn tenths(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".into();
    }
    let tenths = (part * 10 + whole / 2) / whole;
    format!("{}.{}", tenths / 10, tenths % 10)
}

fn label(ctx: &Ctx, dimension: &str, line: &Line) -> String {
    match dimension {
        "kind" => ctx.tr("dispute.kind.", &line.key),
        "status" => ctx.tr("dispute.status.", &line.key),
        "branch" => line.name.clone(),
        _ => line.key.clone(),
    }
}

/// The list of cases a line counts.
fn href(dimension: &str, line: &Line, period: &str) -> String {
    match dimension {
        "kind" => format!("/disputes?kind={}{period}", line.key),
        "status" => format!("/disputes?status={}{period}", line.key),
        "branch" => format!("/disputes?org={}{period}", line.key),
        _ => crate::tallies::month_bounds(&line.key)
            .map(|(first, last)| format!("/disputes?from={first}&to={last}"))
            .unwrap_or_else(|| "/disputes".into()),
    }
}

async fn load(
    state: &AppState,
    ctx: Ctx,
    user: &crate::access::CurrentUser,
    query: PeriodQuery,
) -> AppResult<StatisticsTemplate> {
    let mut errors = FieldErrors::new(ctx.locale);
    let from = errors.optional_date("from", &query.from);
    let to = errors.optional_date("to", &query.to);
    let path = user.scope.path();
    let data = q::breakdowns(&state.db, path, (from, to)).await?;
    let today = q::today(&state.db, path).await?;
    let period: String = [("from", from), ("to", to)]
        .iter()
        .filter_map(|(name, day)| day.map(|day| format!("&{name}={day}")))
        .collect();
    let charts = ["kind", "status", "month", "branch"]
        .into_iter()
        .map(|dimension| chart(&ctx, dimension, &data, &period))
        .collect();
    Ok(StatisticsTemplate {
        ctx,
        query,
        errors,
        data,
        today,
        charts,
        period,
    })
}

fn lines<'a>(data: &'a Breakdowns, dimension: &str) -> &'a [Line] {
    match dimension {
        "kind" => &data.kinds,
        "status" => &data.statuses,
        "month" => &data.months,
        _ => &data.branches,
    }
}

/// Cases by one dimension, each bar a link to them.
fn chart(ctx: &Ctx, dimension: &'static str, data: &Breakdowns, period: &str) -> BarChart {
    let points: Vec<(String, i64, String, String)> = lines(data, dimension)
        .iter()
        .map(|line| {
            let shown = ctx.tf(
                "dispute.stats.cases_count",
                [("count", line.figures.cases.to_string())],
            );
            (
                label(ctx, dimension, line),
                line.figures.cases,
                shown,
                href(dimension, line, period),
            )
        })
        .collect();
    let title = ctx.locale.t_dyn(&format!("dispute.stats.by_{dimension}"));
    let summary = summary(ctx, &points, &title);
    let heading = ctx.t("dispute.stats.cases").to_string();
    BarChart::new(format!("by-{dimension}"), title, summary, heading, points)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseReader(user): CaseReader,
    Query(query): Query<PeriodQuery>,
) -> AppResult<StatisticsTemplate> {
    load(&state, ctx, &user, query).await
}

/// The statistics as an .xlsx workbook: the figures, then a sheet per breakdown.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    CaseReader(user): CaseReader,
    Query(query): Query<PeriodQuery>,
) -> AppResult<Response> {
    let page = load(&state, ctx.clone(), &user, query).await?;
    let t = |key: &str| ctx.locale.t_dyn(key);
    let mut figures = Table::new(
        t("dispute.stats.sheet.figures"),
        vec![t("chart.item"), t("dispute.stats.value")],
    );
    let total = &page.data.total;
    let text_rows = [
        ("dispute.stats.mediated_share", page.mediated_share()),
        ("dispute.stats.average_rounds", page.average_rounds()),
        ("dispute.stats.average_days", page.average_days()),
    ];
    for (key, value) in [
        ("dispute.stats.cases", total.cases),
        ("dispute.stats.closed", total.closed),
        ("dispute.stats.mediated", total.mediated),
        ("dispute.stats.overdue_cases", page.today.overdue_cases),
        ("dispute.stats.overdue_letters", page.today.overdue_letters),
        ("dispute.stats.contracts", page.today.contracts_in_force),
        ("dispute.stats.enterprises", page.today.enterprises_covered),
        ("dispute.stats.workers", page.today.workers_covered),
    ] {
        figures.rows.push(vec![t(key).into(), Cell::Integer(value)]);
    }
    for (key, value) in [
        ("dispute.stats.claimed", total.claimed),
        ("dispute.stats.agreed", total.agreed),
        ("dispute.stats.recovered", total.recovered),
    ] {
        figures
            .rows
            .push(vec![t(key).into(), Cell::Yuan(value.fen())]);
    }
    for (key, value) in text_rows {
        figures.rows.push(vec![t(key).into(), value.into()]);
    }
    let mut tables = vec![figures];
    for dimension in ["kind", "status", "month", "branch"] {
        let mut table = Table::new(
            t(&format!("dispute.stats.by_{dimension}")),
            [
                "chart.item",
                "dispute.stats.cases",
                "dispute.stats.closed",
                "dispute.stats.mediated",
                "dispute.stats.claimed",
                "dispute.stats.agreed",
                "dispute.stats.recovered",
            ]
            .into_iter()
            .map(t)
            .collect(),
        );
        for line in lines(&page.data, dimension) {
            let f = &line.figures;
            table.rows.push(vec![
                label(&ctx, dimension, line).into(),
                Cell::Integer(f.cases),
                Cell::Integer(f.closed),
                Cell::Integer(f.mediated),
                Cell::Yuan(f.claimed.fen()),
                Cell::Yuan(f.agreed.fen()),
                Cell::Yuan(f.recovered.fen()),
            ]);
        }
        tables.push(table);
    }
    let name = format!("{}.xlsx", ctx.t("dispute.stats.title"));
    export::xlsx_workbook(name, tables).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_are_rounded_to_a_tenth() {
        assert_eq!(tenths(7, 2), "3.5");
        assert_eq!(tenths(10, 3), "3.3");
        assert_eq!(tenths(1, 0), "—");
    }
}
