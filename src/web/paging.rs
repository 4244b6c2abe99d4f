//! One way to page a list. Lists people browse (members, accounts) have numbered pages
//! (`?page=N`); long trails read newest first (the audit trail, ledgers) page by key
//! (`?before=ID`), which stays fast however deep one goes. Either way the query fetches one row
//! more than a page, so the pager knows whether there is a next page without counting, and the
//! `_pager.html` partial draws the links.
//!
//! A module's list uses it in three lines: `let request = PageRequest::new(query.page);`, its
//! query with `request.limit()` and `request.offset()`, then `Pager::counted(request, &mut rows,
//! total, |page| link)` (the total from `count(*) over ()` in the same query, or a count query),
//! which shows how many there are and links the pages around; `Pager::numbered` when no count is
//! at hand. The template has a `pager` field and `{% include "_pager.html" %}`.

/// Rows on one page.
pub const PAGE_SIZE: i64 = 50;
/// Deeper than this, a search narrows better than paging.
const LAST_PAGE: i64 = 10_000;

/// The numbered page a visitor asked for.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub number: i64,
}

impl PageRequest {
    /// Page 1 when absent; out-of-range numbers are brought into range rather than refused.
    pub fn new(number: Option<i64>) -> Self {
        Self {
            number: number.unwrap_or(1).clamp(1, LAST_PAGE),
        }
    }

    /// Rows to fetch: a page and one more, which tells whether a next page exists.
    pub fn limit(self) -> i64 {
        PAGE_SIZE + 1
    }

    pub fn offset(self) -> i64 {
        (self.number - 1) * PAGE_SIZE
    }
}

/// How many rows a list holds: counted exactly, or known to be more than a cap (a narrowed list
/// counts its rows only so far, since counting every match costs what reading them would).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowCount {
    Exact(i64),
    MoreThan(i64),
}

impl RowCount {
    /// The count of a query that stopped at `cap + 1` rows.
    pub fn capped(counted: i64, cap: i64) -> Self {
        if counted > cap {
            Self::MoreThan(cap)
        } else {
            Self::Exact(counted)
        }
    }
}

/// "1234", or "1000+" past the cap.
impl std::fmt::Display for RowCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exact(n) => write!(f, "{n}"),
            Self::MoreThan(n) => write!(f, "{n}+"),
        }
    }
}

/// The links to a page's neighbours.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// The page's number, for numbered pages.
    pub number: Option<i64>,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The catalogue key of the next link ("next page", or "older records" for a trail).
    pub next_key: &'static str,
    /// Where the list knows how many rows it has: that count, the number of pages, and links to
    /// the pages around this one (number, link; `None` for a gap).
    pub total: Option<i64>,
    pub pages: Option<i64>,
    pub nearby: Vec<(i64, Option<String>)>,
}

impl Pager {
    /// Cuts `rows` (fetched with `request.limit()`) to one page; `link(n)` is the URL of page n.
    pub fn numbered<T>(
        request: PageRequest,
        rows: &mut Vec<T>,
        link: impl Fn(i64) -> String,
    ) -> Self {
        let has_next = rows.len() as i64 > PAGE_SIZE;
        rows.truncate(PAGE_SIZE as usize);
        Self {
            number: Some(request.number),
            previous: (request.number > 1).then(|| link(request.number - 1)),
            next: has_next.then(|| link(request.number + 1)),
            next_key: "pager.next",
            ..Self::default()
        }
    }

    /// Numbered pages of a list whose row count is known: the count, the last page, and links to
    /// the first, the last and the two pages either side of this one.
    pub fn counted<T>(
        request: PageRequest,
        rows: &mut Vec<T>,
        total: i64,
        link: impl Fn(i64) -> String,
    ) -> Self {
        let mut pager = Self::numbered(request, rows, &link);
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).clamp(1, LAST_PAGE);
        let current = request.number;
        let mut nearby = Vec::new();
        let mut last_shown = 0;
        for page in 1..=pages {
            if page == 1 || page == pages || (page - current).abs() <= 2 {
                if page > last_shown + 1 {
                    nearby.push((0, None));
                }
                nearby.push((page, (page != current).then(|| link(page))));
                last_shown = page;
            }
        }
        pager.total = Some(total);
        pager.pages = Some(pages);
        pager.nearby = nearby;
        pager
    }

    /// Numbered pages with a count where there is one: `counted`, or `numbered` past a cap.
    pub fn for_count<T>(
        request: PageRequest,
        rows: &mut Vec<T>,
        count: RowCount,
        link: impl Fn(i64) -> String,
    ) -> Self {
        match count {
            RowCount::Exact(total) => Self::counted(request, rows, total, link),
            RowCount::MoreThan(_) => Self::numbered(request, rows, link),
        }
    }

    /// Cuts `rows` (newest first, fetched with `PAGE_SIZE + 1`) to one page; `link(key)` is the URL
    /// of the rows after the one whose `key` is given.
    pub fn keyset<T>(
        rows: &mut Vec<T>,
        key: impl Fn(&T) -> i64,
        link: impl Fn(i64) -> String,
    ) -> Self {
        let has_next = rows.len() as i64 > PAGE_SIZE;
        rows.truncate(PAGE_SIZE as usize);
        Self {
            number: None,
            previous: None,
            next: rows.last().filter(|_| has_next).map(|last| link(key(last))),
            next_key: "pager.older",
            ..Self::default()
        }
    }

    /// Whether there is anything to draw (a single page needs no pager, but a count is shown).
    pub fn is_needed(&self) -> bool {
        self.previous.is_some() || self.next.is_some() || self.total.is_some()
    }
}

/// `path?query` from name–value pairs, for the links of a pager.
pub fn link(path: &str, pairs: &[(&str, &str)]) -> String {
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_page_and_one_more_row_links_the_next_page() {
        let mut rows: Vec<i64> = (0..=PAGE_SIZE).collect();
        let pager = Pager::numbered(PageRequest::new(Some(2)), &mut rows, |n| {
            format!("?page={n}")
        });
        assert_eq!(rows.len() as i64, PAGE_SIZE);
        assert_eq!(pager.previous.as_deref(), Some("?page=1"));
        assert_eq!(pager.next.as_deref(), Some("?page=3"));
    }

    #[test]
    fn the_last_page_has_no_next_and_the_first_no_previous() {
        let mut rows = vec![1, 2, 3];
        let pager = Pager::numbered(PageRequest::new(None), &mut rows, |n| n.to_string());
        assert!(!pager.is_needed());
        assert_eq!(rows, vec![1, 2, 3]);
        assert_eq!(PageRequest::new(Some(-4)).offset(), 0);
        assert_eq!(PageRequest::new(Some(i64::MAX)).number, LAST_PAGE);
    }

    #[test]
    fn a_counted_list_links_its_first_last_and_nearby_pages() {
        let mut rows: Vec<i64> = (0..=PAGE_SIZE).collect();
        let pager = Pager::counted(PageRequest::new(Some(6)), &mut rows, 1_000, |n| {
            n.to_string()
        });
        assert_eq!(pager.pages, Some(20));
        let numbers: Vec<i64> = pager.nearby.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [1, 0, 4, 5, 6, 7, 8, 0, 20]);
        assert!(
            pager
                .nearby
                .iter()
                .find(|(n, _)| *n == 6)
                .unwrap()
                .1
                .is_none(),
            "this page"
        );
        let mut few = vec![1];
        let one = Pager::counted(PageRequest::new(None), &mut few, 1, |n| n.to_string());
        assert_eq!(one.nearby.len(), 1);
    }

    #[test]
    fn a_trail_pages_by_the_last_key_shown() {
        let mut rows: Vec<i64> = (0..=PAGE_SIZE).rev().collect();
        assert_eq!(RowCount::capped(1_001, 1_000).to_string(), "1000+");
        assert_eq!(RowCount::capped(1_000, 1_000), RowCount::Exact(1_000));
        let pager = Pager::keyset(&mut rows, |id| *id, |id| format!("?before={id}"));
        assert_eq!(pager.next.as_deref(), Some("?before=1"));
        let mut rows = vec![5, 4];
        assert!(
            Pager::keyset(&mut rows, |id| *id, |id| id.to_string())
                .next
                .is_none()
        );
    }
}
