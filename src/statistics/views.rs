//! The statistics page: a year by tier and by track with its shares of frontier and first-opened
//! competitions, the years side by side, and each recurring competition's series, drawn as
//! charts with their tables; the same tables as an .xlsx workbook.

use askama::Template;
use askama_web::WebTemplate;

use super::queries::{Edition, TierLine, TrackLine, YearLine};
use crate::web::Ctx;
use crate::web::charts::{BarChart, summary};
use crate::web::export::{Cell, Table};

/// `part` of `whole` as a percentage to one decimal, rounded half up (`42.0%`).
pub fn share(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

pub struct Series {
    pub name: String,
    pub editions: Vec<Edition>,
    pub chart: BarChart,
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics/show.html")]
pub struct StatisticsTemplate {
    pub ctx: Ctx,
    pub year: i32,
    pub years: Vec<YearLine>,
    pub tiers: Vec<TierLine>,
    pub tracks: Vec<TrackLine>,
    pub charts: Vec<BarChart>,
    pub series: Vec<Series>,
}

impl StatisticsTemplate {
    pub fn total(&self) -> i64 {
        self.tiers.iter().map(|t| t.competitions).sum()
    }

    pub fn frontier_share(&self) -> String {
        share(self.tiers.iter().map(|t| t.frontier).sum(), self.total())
    }

    pub fn first_opened_share(&self) -> String {
        share(
            self.tiers.iter().map(|t| t.first_opened).sum(),
            self.total(),
        )
    }

    /// The selected year's line of the year table.
    pub fn this_year(&self) -> Option<&YearLine> {
        self.years.iter().find(|y| y.year == self.year)
    }
}

fn count(ctx: &Ctx, n: i64) -> String {
    ctx.tf("stats.count", [("count", n.to_string())])
}

fn chart(
    ctx: &Ctx,
    id: impl Into<String>,
    title: String,
    heading: &'static str,
    data: Vec<(String, i64, String, String)>,
) -> BarChart {
    let summary = summary(ctx, &data, &title);
    BarChart::new(id, title, summary, ctx.t(heading).to_string(), data)
}

/// The year's charts: competitions by tier, by track, and over the years.
pub fn charts(
    ctx: &Ctx,
    year: i32,
    tiers: &[TierLine],
    tracks: &[TrackLine],
    years: &[YearLine],
) -> Vec<BarChart> {
    let by_tier = tiers
        .iter()
        .map(|t| {
            let label = ctx.tr("competition.tier.", &t.tier.to_string());
            let href = format!("/competitions?year={year}&tier={}", t.tier);
            (label, t.competitions, count(ctx, t.competitions), href)
        })
        .collect();
    let by_track = tracks
        .iter()
        .take(20)
        .map(|t| {
            let href = format!("/competitions?year={year}&track={}", t.track_id);
            (
                t.name.clone(),
                t.competitions,
                count(ctx, t.competitions),
                href,
            )
        })
        .collect();
    let by_year = years
        .iter()
        .map(|y| {
            let href = format!("/competitions/statistics?year={}", y.year);
            (
                y.year.to_string(),
                y.competitions,
                count(ctx, y.competitions),
                href,
            )
        })
        .collect();
    let title = |key: &'static str| ctx.tf(key, [("year", year.to_string())]);
    vec![
        chart(
            ctx,
            "by-tier",
            title("stats.chart.tier"),
            "stats.competitions",
            by_tier,
        ),
        chart(
            ctx,
            "by-track",
            title("stats.chart.track"),
            "stats.competitions",
            by_track,
        ),
        chart(
            ctx,
            "by-year",
            ctx.t("stats.chart.years").to_string(),
            "stats.competitions",
            by_year,
        ),
    ]
}

/// A recurring competition's workers per year, as a chart.
pub fn series(ctx: &Ctx, name: String, editions: Vec<Edition>, id: String) -> Series {
    let data = editions
        .iter()
        .map(|e| {
            let shown = ctx.tf("stats.workers_count", [("count", e.workers.to_string())]);
            (
                e.year.to_string(),
                e.workers,
                shown,
                format!("/competitions/{}", e.competition_id),
            )
        })
        .collect();
    let title = ctx.tf("stats.chart.series", [("series", name.clone())]);
    let chart = chart(ctx, id, title, "stats.workers", data);
    Series {
        name,
        editions,
        chart,
    }
}

/// The page's tables for the .xlsx export, a sheet each, numbers as numbers.
pub fn tables(ctx: &Ctx, page: &StatisticsTemplate) -> Vec<Table> {
    let t = |key: &'static str| ctx.t(key).to_string();
    let mut tiers = Table::new(
        ctx.tf("stats.sheet.tiers", [("year", page.year.to_string())]),
        vec![
            t("stats.tier"),
            t("stats.competitions"),
            t("stats.frontier"),
            t("stats.first_opened"),
        ],
    );
    for line in &page.tiers {
        tiers.rows.push(vec![
            ctx.tr("competition.tier.", &line.tier.to_string()).into(),
            Cell::Integer(line.competitions),
            Cell::Integer(line.frontier),
            Cell::Integer(line.first_opened),
        ]);
    }
    let mut tracks = Table::new(
        ctx.tf("stats.sheet.tracks", [("year", page.year.to_string())]),
        vec![
            t("track.field.name"),
            t("track.field.sector"),
            t("stats.frontier"),
            t("stats.first_opened"),
            t("stats.competitions"),
        ],
    );
    let yes = |flag: bool| Cell::from(if flag { t("stats.yes") } else { String::new() });
    for line in &page.tracks {
        tracks.rows.push(vec![
            line.name.clone().into(),
            line.sector.clone().into(),
            yes(line.frontier),
            yes(line.first_opened),
            Cell::Integer(line.competitions),
        ]);
    }
    let mut years = Table::new(
        t("stats.sheet.years"),
        vec![
            t("stats.year"),
            t("stats.competitions"),
            t("stats.contestants"),
            t("stats.teams"),
            t("stats.companies"),
            t("stats.declared_workers"),
        ],
    );
    for line in &page.years {
        years.rows.push(vec![
            Cell::Integer(i64::from(line.year)),
            Cell::Integer(line.competitions),
            Cell::Integer(line.contestants),
            Cell::Integer(line.teams),
            Cell::Integer(line.companies),
            Cell::Integer(line.declared_workers),
        ]);
    }
    let mut series = Table::new(
        t("stats.sheet.series"),
        vec![
            t("stats.series"),
            t("stats.year"),
            t("competition.field.title"),
            t("stats.companies"),
            t("stats.workers"),
        ],
    );
    for s in &page.series {
        for e in &s.editions {
            series.rows.push(vec![
                s.name.clone().into(),
                Cell::Integer(i64::from(e.year)),
                e.title.clone().into(),
                e.companies.map_or(Cell::Empty, Cell::Integer),
                Cell::Integer(e.workers),
            ]);
        }
    }
    vec![tiers, tracks, years, series]
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics/participation.html")]
pub struct ParticipationTemplate {
    pub ctx: Ctx,
    pub competition: crate::competitions::queries::Competition,
    pub form: super::routes::ParticipationForm,
    pub errors: crate::web::forms::FieldErrors,
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn shares_are_rounded_half_up_to_a_tenth_of_a_percent() {
        assert_eq!(share(42, 100), "42.0%");
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(2, 3), "66.7%");
        assert_eq!(share(0, 0), "—");
    }
}
