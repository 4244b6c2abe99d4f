//! Care totals (关爱统计): the workers the campaigns of the user's subtree reached and what they
//! were given, by kind of campaign, district (the union one level below the user's), year and
//! campaign, narrowed to a year or a kind. Charts with their tables, each bar a link to what it
//! counts, and the same tables as an .xlsx workbook.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;

use super::model::Kind;
use crate::access::{CurrentUser, Reader};
use crate::error::AppResult;
use crate::money::Money;
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::charts::{BarChart, summary};
use crate::web::export::{self, Cell, Table};

/// The campaigns shown on the page; the workbook lists them all.
const CAMPAIGNS_SHOWN: usize = 20;

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TotalsQuery {
    #[serde(default, deserialize_with = "crate::web::forms::blank_as_none")]
    pub year: Option<i32>,
    #[serde(default)]
    pub kind: String,
}

impl TotalsQuery {
    /// The query string of these totals with one parameter set.
    pub fn with(&self, name: &str, value: &str) -> String {
        let year = self.year.map(|y| y.to_string()).unwrap_or_default();
        let pairs = [("year", year.as_str()), ("kind", self.kind.as_str())]
            .into_iter()
            .map(|(key, current)| (key, if key == name { value } else { current }))
            .filter(|(_, value)| !value.is_empty())
            .collect::<Vec<_>>();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    pub fn year_text(&self) -> String {
        self.year.map(|y| y.to_string()).unwrap_or_default()
    }
}

/// One campaign's figures, as the totals add them up.
#[derive(Debug, Clone)]
pub struct CampaignLine {
    pub id: i64,
    pub title: String,
    pub kind: Kind,
    pub year: i32,
    pub district: String,
    pub reached: i64,
    pub spent: Money,
}

/// A line of a breakdown: its key (for the link), label, workers reached and value given.
#[derive(Debug, Clone)]
pub struct Line {
    pub key: String,
    pub label: String,
    pub reached: i64,
    pub spent: Money,
}

#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub reached: i64,
    pub spent: Money,
    pub campaigns: Vec<CampaignLine>,
    pub kinds: Vec<Line>,
    pub districts: Vec<Line>,
    pub years: Vec<Line>,
}

/// The campaigns of the subtree at `path` (one year, one kind, or all), most reached first. A
/// campaign's district is the union one level below the asker's that it lies under.
async fn campaigns(
    db: &sqlx::PgPool,
    path: &str,
    (year, kind): (Option<i32>, Option<Kind>),
) -> sqlx::Result<Vec<CampaignLine>> {
    let rows = sqlx::query!(
        r#"select c.id, c.title, c.kind as "kind: Kind",
                  extract(year from c.starts_on)::int as "year!",
                  coalesce(d.name, o.name) as "district!", c.reached::bigint as "reached!",
                  c.spent as "spent: Money"
           from care_campaigns c
           join organisations o on o.id = c.organisation_id
           left join organisations d
                  on nlevel(o.path) > nlevel($1::text::ltree)
                 and d.path = subpath(o.path, 0, nlevel($1::text::ltree) + 1)
           where o.path <@ $1::text::ltree
             and ($2::int is null or extract(year from c.starts_on)::int = $2)
             and ($3::text is null or c.kind = $3)
           order by c.reached desc, c.id"#,
        path,
        year,
        kind.map(Kind::code)
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CampaignLine {
            id: r.id,
            title: r.title,
            kind: r.kind,
            year: r.year,
            district: r.district,
            reached: r.reached,
            spent: r.spent,
        })
        .collect())
}

/// Adds the campaigns up by `key`, largest reach first (years in order).
fn breakdown(
    campaigns: &[CampaignLine],
    key: impl Fn(&CampaignLine) -> (String, String),
) -> Vec<Line> {
    let mut sums: BTreeMap<String, Line> = BTreeMap::new();
    for campaign in campaigns {
        let (key, label) = key(campaign);
        let line = sums.entry(key.clone()).or_insert(Line {
            key,
            label,
            reached: 0,
            spent: Money::ZERO,
        });
        line.reached += campaign.reached;
        line.spent = Money::from_fen(line.spent.fen() + campaign.spent.fen());
    }
    sums.into_values().collect()
}

pub fn add_up(ctx: &Ctx, campaigns: Vec<CampaignLine>) -> Totals {
    let mut kinds = breakdown(&campaigns, |c| {
        (c.kind.code().into(), ctx.tr("care.kind.", c.kind.code()))
    });
    kinds.sort_by_key(|line| std::cmp::Reverse(line.reached));
    let mut districts = breakdown(&campaigns, |c| (c.district.clone(), c.district.clone()));
    districts.sort_by_key(|line| std::cmp::Reverse(line.reached));
    let years = breakdown(&campaigns, |c| (c.year.to_string(), c.year.to_string()));
    Totals {
        reached: campaigns.iter().map(|c| c.reached).sum(),
        spent: Money::from_fen(campaigns.iter().map(|c| c.spent.fen()).sum()),
        kinds,
        districts,
        years,
        campaigns,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "care/totals.html")]
pub struct TotalsTemplate {
    pub ctx: Ctx,
    pub query: TotalsQuery,
    pub totals: Totals,
    pub charts: Vec<BarChart>,
    pub this_year: i32,
}

impl TotalsTemplate {
    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    pub fn export_link(&self) -> String {
        format!("/care/totals.xlsx?{}", self.query.with("", ""))
    }
}

fn chart(ctx: &Ctx, query: &TotalsQuery, dimension: &'static str, totals: &Totals) -> BarChart {
    let lines: Vec<Line> = match dimension {
        "kind" => totals.kinds.clone(),
        "district" => totals.districts.clone(),
        "year" => totals.years.clone(),
        _ => totals
            .campaigns
            .iter()
            .take(CAMPAIGNS_SHOWN)
            .map(|c| Line {
                key: c.id.to_string(),
                label: c.title.chars().take(12).collect(),
                reached: c.reached,
                spent: c.spent,
            })
            .collect(),
    };
    let points: Vec<(String, i64, String, String)> = lines
        .into_iter()
        .map(|line| {
            let shown = ctx.tf("care.totals.people", [("count", line.reached.to_string())]);
            let href = match dimension {
                "kind" => format!("/care/totals?{}", query.with("kind", &line.key)),
                "year" => format!("/care/totals?{}", query.with("year", &line.key)),
                "campaign" => format!("/care/{}", line.key),
                _ => format!("/care?{}", query.with("", "")),
            };
            (line.label, line.reached, shown, href)
        })
        .collect();
    let title = ctx.locale.t_dyn(&format!("care.totals.by_{dimension}"));
    let summary = summary(ctx, &points, &title);
    let heading = ctx.t("care.field.reached").to_string();
    BarChart::new(format!("by-{dimension}"), title, summary, heading, points)
}

async fn load(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    query: TotalsQuery,
) -> AppResult<TotalsTemplate> {
    let kind = Kind::parse(&query.kind);
    let year = query.year.filter(|y| (2000..=2100).contains(y));
    let campaigns = campaigns(&state.db, user.scope.path(), (year, kind)).await?;
    let totals = add_up(&ctx, campaigns);
    let charts = ["kind", "district", "year", "campaign"]
        .into_iter()
        .map(|dimension| chart(&ctx, &query, dimension, &totals))
        .collect();
    Ok(TotalsTemplate {
        this_year: crate::joining::queries::today(&state.db).await?.year(),
        ctx,
        query,
        totals,
        charts,
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

/// The totals as an .xlsx workbook: a sheet per breakdown with the value given, and every campaign.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Query(query): Query<TotalsQuery>,
) -> AppResult<Response> {
    let page = load(&state, ctx.clone(), &user, query).await?;
    let t = |key: &str| ctx.locale.t_dyn(key);
    let heads = || {
        vec![
            t("chart.item"),
            t("care.field.reached"),
            t("care.field.spent"),
        ]
    };
    let mut tables = Vec::new();
    for (dimension, lines) in [
        ("kind", &page.totals.kinds),
        ("district", &page.totals.districts),
        ("year", &page.totals.years),
    ] {
        let mut table = Table::new(t(&format!("care.totals.by_{dimension}")), heads());
        for line in lines {
            table.rows.push(vec![
                line.label.clone().into(),
                Cell::Integer(line.reached),
                Cell::Yuan(line.spent.fen()),
            ]);
        }
        tables.push(table);
    }
    let mut campaigns = Table::new(
        t("care.totals.by_campaign"),
        vec![
            t("care.field.title"),
            t("care.field.kind"),
            t("care.totals.district"),
            t("care.filter.year"),
            t("care.field.reached"),
            t("care.field.spent"),
        ],
    );
    for c in &page.totals.campaigns {
        campaigns.rows.push(vec![
            c.title.clone().into(),
            ctx.tr("care.kind.", c.kind.code()).into(),
            c.district.clone().into(),
            Cell::Integer(i64::from(c.year)),
            Cell::Integer(c.reached),
            Cell::Yuan(c.spent.fen()),
        ]);
    }
    tables.push(campaigns);
    let name = format!("{}.xlsx", ctx.t("care.totals.title"));
    export::xlsx_workbook(name, tables).await
}
