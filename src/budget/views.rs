//! The dashboard page: its figures, charts and tables, built once for the page and the export.

use askama::Template;
use askama_web::WebTemplate;

use super::queries::{Figures, Group, Pending};
use crate::applications::model::Status;
use crate::funds::queries::Fund;
use crate::web::Ctx;
use crate::web::charts::BarChart;
use crate::web::export::{Cell, Table};

#[derive(Template, WebTemplate)]
#[template(path = "budget/show.html")]
pub struct DashboardTemplate {
    pub ctx: Ctx,
    pub funds: Vec<Fund>,
    pub fund: Option<Fund>,
    pub figures: Figures,
    pub groups: Vec<Group>,
    pub slowest: Vec<Pending>,
    pub charts: Vec<BarChart>,
}

/// The groups of one dimension, in the order the dashboard shows them.
pub fn of<'a>(groups: &'a [Group], dimension: &str) -> Vec<&'a Group> {
    let mut found: Vec<&Group> = groups
        .iter()
        .filter(|group| group.dimension == dimension && !group.key.is_empty())
        .collect();
    if dimension == "status" {
        // In the order of an application's life, not of the alphabet.
        let place = |code: &str| Status::ALL.iter().position(|s| s.code() == code);
        found.sort_by_key(|group| place(&group.key));
    }
    found
}

impl DashboardTemplate {
    pub fn fund_id(&self) -> i64 {
        self.fund.as_ref().map_or(0, |fund| fund.id)
    }

    /// The applications list behind a figure: this fund, and `filter` (`tier=2`, `org=5` …).
    pub fn drill(&self, filter: &str) -> String {
        let fund = self.fund_id();
        if filter.is_empty() {
            format!("/applications?fund={fund}")
        } else {
            format!("/applications?fund={fund}&{filter}")
        }
    }

    pub fn tiers(&self) -> Vec<&Group> {
        of(&self.groups, "tier")
    }

    /// How a group's key reads.
    pub fn label(&self, group: &Group) -> String {
        label(&self.ctx, group)
    }

    pub fn filter(&self, group: &Group) -> String {
        self.drill(&filter(group))
    }
}

pub fn label(ctx: &Ctx, group: &Group) -> String {
    match group.dimension.as_str() {
        "tier" => ctx.tr("application.tier.", &group.key),
        "district" => group.name.clone().unwrap_or_else(|| group.key.clone()),
        "kind" => ctx.tr("budget.kind.", &group.key),
        "status" => ctx.tr("application.status.", &group.key),
        _ => group.key.clone(),
    }
}

/// The list filter of a group (`tier=2`, `org=5`, `kind=frontier`, `status=approved`, `month=…`).
pub fn filter(group: &Group) -> String {
    let name = match group.dimension.as_str() {
        "district" => "org",
        "month" => "month",
        "kind" => "kind",
        "status" => "status",
        _ => "tier",
    };
    format!("{name}={}", group.key)
}

/// The dashboard's charts: money by tier, by district, by kind of track; applications by status
/// and by month.
pub fn charts(ctx: &Ctx, fund: i64, groups: &[Group]) -> Vec<BarChart> {
    let link = |group: &Group| format!("/applications?fund={fund}&{}", filter(group));
    let money = |id: &'static str, title: &'static str, dimension: &str| {
        let data: Vec<_> = of(groups, dimension)
            .into_iter()
            .map(|g| (label(ctx, g), g.granted().fen(), g.granted().wan(), link(g)))
            .collect();
        let summary = crate::web::charts::summary(ctx, &data, ctx.t(title));
        BarChart::new(
            id,
            ctx.t(title).to_string(),
            summary,
            ctx.t("budget.granted").to_string(),
            data,
        )
    };
    let count = |id: &'static str, title: &'static str, dimension: &str| {
        let data: Vec<_> = of(groups, dimension)
            .into_iter()
            .map(|g| {
                let shown = ctx.tf(
                    "application.index.count",
                    [("count", g.applications.to_string())],
                );
                (label(ctx, g), g.applications, shown, link(g))
            })
            .collect();
        let summary = crate::web::charts::summary(ctx, &data, ctx.t(title));
        BarChart::new(
            id,
            ctx.t(title).to_string(),
            summary,
            ctx.t("budget.applications").to_string(),
            data,
        )
    };
    vec![
        money("by-tier", "budget.chart.tier", "tier"),
        money("by-district", "budget.chart.district", "district"),
        money("by-kind", "budget.chart.kind", "kind"),
        count("by-status", "budget.chart.status", "status"),
        count("by-month", "budget.chart.month", "month"),
    ]
}

/// The dashboard's tables for the .xlsx export: one sheet each, numbers as numbers.
pub fn tables(ctx: &Ctx, figures: &Figures, groups: &[Group]) -> Vec<Table> {
    let t = |key: &'static str| ctx.t(key).to_string();
    let mut overview = Table::new(
        t("budget.sheet.overview"),
        vec![t("chart.item"), t("budget.amount")],
    );
    for (key, money) in [
        ("budget.total", figures.total),
        ("budget.committed", figures.committed),
        ("budget.disbursed", figures.disbursed),
        ("budget.available", figures.available()),
        ("budget.care_committed", figures.care_committed),
        ("budget.care_disbursed", figures.care_disbursed),
    ] {
        overview
            .rows
            .push(vec![t(key).into(), Cell::Yuan(money.fen())]);
    }
    let mut sheets = vec![overview];
    for (dimension, sheet) in [
        ("tier", "budget.chart.tier"),
        ("district", "budget.chart.district"),
        ("kind", "budget.chart.kind"),
        ("status", "budget.chart.status"),
        ("month", "budget.chart.month"),
    ] {
        let mut table = Table::new(
            t(sheet),
            vec![
                t("chart.item"),
                t("budget.applications"),
                t("application.field.requested"),
                t("budget.committed"),
                t("budget.disbursed"),
                t("budget.expected_contestants"),
                t("budget.actual_contestants"),
                t("budget.reported_granted"),
                t("budget.reported_spent"),
            ],
        );
        for g in of(groups, dimension) {
            table.rows.push(vec![
                label(ctx, g).into(),
                Cell::Integer(g.applications),
                Cell::Yuan(g.requested.fen()),
                Cell::Yuan(g.committed.fen()),
                Cell::Yuan(g.disbursed.fen()),
                Cell::Integer(g.expected_contestants),
                Cell::Integer(g.actual_contestants),
                Cell::Yuan(g.reported_granted.fen()),
                Cell::Yuan(g.reported_spent.fen()),
            ]);
        }
        sheets.push(table);
    }
    sheets
}
