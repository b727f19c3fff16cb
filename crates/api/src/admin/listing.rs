//! List pages: query parameters, sortable headers, search, filters, the
//! date drill-down and pagination.

use std::collections::BTreeSet;

use actix_web::HttpRequest;
use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};

/// Rows per list page (Django's default `list_per_page`).
pub(crate) const PER_PAGE: i64 = 100;

/// A list page's query parameters.
#[derive(Clone)]
pub(crate) struct Params {
    base: String,
    pairs: Vec<(String, String)>,
}

impl Params {
    pub(crate) fn of(req: &HttpRequest) -> Self {
        Self {
            base: req.path().to_owned(),
            pairs: serde_urlencoded::from_str(req.query_string()).unwrap_or_default(),
        }
    }

    /// A parameter's value, unless absent or empty.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// An integer parameter.
    pub(crate) fn number<T: std::str::FromStr>(&self, key: &str) -> Option<T> {
        self.get(key).and_then(|v| v.trim().parse().ok())
    }

    /// The 1-based page number.
    pub(crate) fn page(&self) -> i64 {
        self.number::<i64>("p").filter(|p| *p >= 1).unwrap_or(1)
    }

    /// This page's URL with some parameters set (`Some`) or removed (`None`);
    /// any change but the page itself goes back to page 1.
    pub(crate) fn with(&self, changes: &[(&str, Option<String>)]) -> String {
        let resets_page = changes.iter().all(|(k, _)| *k != "p");
        let mut pairs: Vec<(String, String)> = self
            .pairs
            .iter()
            .filter(|(k, _)| {
                let replaced = changes.iter().any(|(c, _)| c == k);
                let stale_page = resets_page && k == "p";
                !(replaced || stale_page)
            })
            .cloned()
            .collect();
        for (key, value) in changes {
            if let Some(value) = value {
                pairs.push(((*key).to_owned(), value.clone()));
            }
        }
        if pairs.is_empty() {
            return self.base.clone();
        }
        format!(
            "{}?{}",
            self.base,
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    /// The date range the drill-down selects (`year`, `month`, `day`).
    pub(crate) fn date_range(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let (Some(year), month, day) = (
            self.number::<i32>("year"),
            self.number::<u32>("month"),
            self.number::<u32>("day"),
        ) else {
            return (None, None);
        };
        let range = match (month, day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(year, m, d).map(|date| (date, date)),
            (Some(m), None) => NaiveDate::from_ymd_opt(year, m, 1).and_then(|first| {
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, m + 1, 1)
                };
                next.and_then(|n| n.pred_opt()).map(|last| (first, last))
            }),
            _ => NaiveDate::from_ymd_opt(year, 1, 1).zip(NaiveDate::from_ymd_opt(year, 12, 31)),
        };
        range.map_or((None, None), |(from, to)| (Some(from), Some(to)))
    }

    /// The sort key (`o`) if it is one of `allowed`, with its direction.
    pub(crate) fn order<'a>(&self, allowed: &[&'a str]) -> Option<(&'a str, bool)> {
        let raw = self.get("o")?;
        let (descending, name) = raw.strip_prefix('-').map_or((false, raw), |n| (true, n));
        allowed
            .iter()
            .find(|a| **a == name)
            .map(|a| (*a, descending))
    }
}

/// A column header; sortable ones link to sort by them, toggling direction.
pub(crate) fn header(
    params: &Params,
    label: &str,
    key: Option<&str>,
    current: Option<(&str, bool)>,
) -> Markup {
    let Some(key) = key else {
        return html! { th scope="col" { (label) } };
    };
    let (sorted, descending) = match current {
        Some((k, d)) if k == key => (true, d),
        _ => (false, false),
    };
    let next = if sorted && !descending {
        format!("-{key}")
    } else {
        key.to_owned()
    };
    let aria = if !sorted {
        "none"
    } else if descending {
        "descending"
    } else {
        "ascending"
    };
    html! {
        th scope="col" aria-sort=(aria) {
            a href=(params.with(&[("o", Some(next))])) {
                (label)
                @if sorted { span.sort aria-hidden="true" { @if descending { " ▼" } @else { " ▲" } } }
            }
        }
    }
}

/// The search box.
pub(crate) fn search_box(params: &Params, label: &str) -> Markup {
    html! {
        form.search method="get" role="search" {
            label for="searchbar" { (label) }
            input type="search" id="searchbar" name="q" value=(params.get("q").unwrap_or_default());
            @for (key, value) in &params.pairs {
                @if key != "q" && key != "p" { input type="hidden" name=(key) value=(value); }
            }
            button type="submit" { "Search" }
        }
    }
}

/// A filter in the sidebar: "All" and one link per choice.
pub(crate) fn filter(
    params: &Params,
    title: &str,
    key: &str,
    choices: &[(String, String)],
) -> Markup {
    let current = params.get(key);
    html! {
        section.filter aria-label=(format!("Filter by {title}")) {
            h3 { "By " (title) }
            ul {
                li.(if current.is_none() { "selected" } else { "" }) {
                    a href=(params.with(&[(key, None)])) aria-current=[current.is_none().then_some("true")] { "All" }
                }
                @for (value, label) in choices {
                    @let selected = current == Some(value.as_str());
                    li.(if selected { "selected" } else { "" }) {
                        a href=(params.with(&[(key, Some(value.clone()))])) aria-current=[selected.then_some("true")] { (label) }
                    }
                }
            }
        }
    }
}

/// Django's `date_hierarchy`: years, then a year's months, then a month's days.
pub(crate) fn date_hierarchy(params: &Params, dates: &[NaiveDate]) -> Markup {
    let year = params.number::<i32>("year");
    let month = params.number::<u32>("month");
    let clear = params.with(&[("year", None), ("month", None), ("day", None)]);
    let links: Vec<(String, String)> = match (year, month) {
        (None, _) => dates
            .iter()
            .map(|d| d.year())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|y| {
                (
                    y.to_string(),
                    params.with(&[
                        ("year", Some(y.to_string())),
                        ("month", None),
                        ("day", None),
                    ]),
                )
            })
            .collect(),
        (Some(y), None) => dates
            .iter()
            .filter(|d| d.year() == y)
            .map(|d| d.month())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|m| {
                (
                    month_name(y, m),
                    params.with(&[("month", Some(m.to_string())), ("day", None)]),
                )
            })
            .collect(),
        (Some(y), Some(m)) => dates
            .iter()
            .filter(|d| d.year() == y && d.month() == m)
            .map(|d| d.day())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|day| {
                (
                    format!("{} {day}", month_name(y, m)),
                    params.with(&[("day", Some(day.to_string()))]),
                )
            })
            .collect(),
    };
    html! {
        nav.date-hierarchy aria-label="Dates" {
            @if year.is_some() { a href=(clear) { "‹ All dates" } " " }
            @if let (Some(y), Some(_)) = (year, month) { a href=(params.with(&[("month", None), ("day", None)])) { "‹ " (y) } " " }
            @for (label, href) in &links { a href=(href) { (label) } " " }
        }
    }
}

fn month_name(year: i32, month: u32) -> String {
    NaiveDate::from_ymd_opt(year, month, 1)
        .map_or_else(|| month.to_string(), |d| d.format("%B %Y").to_string())
}

/// "N items" and links to the other pages.
pub(crate) fn pagination(params: &Params, total: i64, noun: &str) -> Markup {
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let current = params.page().min(pages);
    html! {
        nav.paginator aria-label="Pages" {
            @if pages > 1 {
                @for page in 1..=pages {
                    @if page == current { span aria-current="page" { (page) } }
                    @else if page <= 3 || page > pages - 3 || (page - current).abs() <= 2 {
                        a href=(params.with(&[("p", Some(page.to_string()))])) { (page) }
                    }
                    @else if page == 4 || page == pages - 3 { span { "…" } }
                    " "
                }
            }
            span.count { (total) " " (if total == 1 { noun.trim_end_matches('s') } else { noun }) }
        }
    }
}

/// The offset of the current page.
pub(crate) fn offset(params: &Params) -> i64 {
    (params.page() - 1).saturating_mul(PER_PAGE)
}
