//! Charts drawn on the server as SVG inside the page, the same for every module: no JavaScript and
//! nothing loaded from outside, a title and a text alternative for screen readers, every bar a
//! link to what it counts, and the data beside it as a table (`templates/_bar_chart.html`). The
//! colours come from the layout's stylesheet, so charts print with the page.

/// One bar: what it is, how it reads, and the list behind it.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// The value as the page shows it (`123.46万元`, `12 份`).
    pub shown: String,
    pub href: String,
    /// Where the template draws it (computed by [`BarChart::new`]).
    pub y: i64,
    pub width: i64,
}

/// A horizontal bar chart.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Unique on the page (for the title's and description's ids).
    pub id: String,
    pub title: String,
    /// The text alternative: what the chart shows, in a sentence.
    pub summary: String,
    /// The heading of the data table's value column.
    pub value_heading: String,
    pub bars: Vec<Bar>,
}

/// The drawing's geometry, in SVG user units.
pub const LABEL_WIDTH: i64 = 200;
const BAR_AREA: i64 = 320;
const ROW: i64 = 30;

impl BarChart {
    /// A chart of `(label, value, shown, href)`; bars are scaled to the largest value.
    pub fn new(
        id: impl Into<String>,
        title: String,
        summary: String,
        value_heading: String,
        data: Vec<(String, i64, String, String)>,
    ) -> Self {
        let max = data
            .iter()
            .map(|(_, value, _, _)| *value)
            .max()
            .unwrap_or(0)
            .max(1);
        let bars = data
            .into_iter()
            .enumerate()
            .map(|(n, (label, value, shown, href))| Bar {
                label,
                width: (value.max(0) * BAR_AREA / max).max(i64::from(value > 0)),
                value,
                shown,
                href,
                y: n as i64 * ROW,
            })
            .collect();
        Self {
            id: id.into(),
            title,
            summary,
            value_heading,
            bars,
        }
    }

    pub fn height(&self) -> i64 {
        (self.bars.len() as i64 * ROW).max(ROW)
    }

    /// Where a bar's value is written: just past its end.
    pub fn value_x(bar: &Bar) -> i64 {
        LABEL_WIDTH + bar.width + 6
    }
}

/// The text alternative of a chart of `(label, value, shown, href)`: how many items, and the
/// largest.
pub fn summary(
    ctx: &crate::web::Ctx,
    data: &[(String, i64, String, String)],
    title: &str,
) -> String {
    let largest = data.iter().max_by_key(|(_, value, _, _)| *value);
    let (label, shown) = largest
        .map(|(label, _, shown, _)| (label.clone(), shown.clone()))
        .unwrap_or_default();
    ctx.tf(
        "chart.summary",
        [
            ("title", title.to_string()),
            ("count", data.len().to_string()),
            ("largest", label),
            ("value", shown),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_largest_and_a_small_one_stays_visible() {
        let chart = BarChart::new(
            "c",
            "t".into(),
            "s".into(),
            "v".into(),
            vec![
                ("a".into(), 1_000_000, "100".into(), "/a".into()),
                ("b".into(), 1, "0".into(), "/b".into()),
                ("c".into(), 0, "0".into(), "/c".into()),
            ],
        );
        let widths: Vec<i64> = chart.bars.iter().map(|bar| bar.width).collect();
        assert_eq!(widths, [BAR_AREA, 1, 0]);
        assert_eq!(chart.bars[2].y, 2 * ROW);
        assert_eq!(chart.height(), 3 * ROW);
    }
}
