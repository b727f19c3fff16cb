//! The parts of a list page: sortable headers, the search box, sidebar
//! filters, the date drill-down and pagination.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};

use super::changelog::ObjectType;
use super::fields::Choice;
use super::params::Params;

/// Rows per list page (Django's default `list_per_page`).
pub(crate) const PER_PAGE: i64 = 100;

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
            @for (key, value) in params.pairs() {
                @if key != "q" && key != "p" { input type="hidden" name=(key) value=(value); }
            }
            button type="submit" { "Search" }
        }
    }
}

/// A filter in the sidebar: "All" and one link per choice.
pub(crate) fn filter(params: &Params, title: &str, key: &str, choices: &[Choice]) -> Markup {
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
                    day_name(y, m, day),
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

/// "4 March 2031".
fn day_name(year: i32, month: u32, day: u32) -> String {
    NaiveDate::from_ymd_opt(year, month, day)
        .map_or_else(|| day.to_string(), |d| d.format("%-d %B %Y").to_string())
}

/// How many pages `total` rows fill (at least one).
pub(crate) fn page_count(total: i64) -> i64 {
    ((total + PER_PAGE - 1) / PER_PAGE).max(1)
}

/// "N items" and links to the other pages.
pub(crate) fn pagination(params: &Params, total: i64, object: ObjectType) -> Markup {
    let pages = page_count(total);
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
            span.count { (total) " " (if total == 1 { object.verbose() } else { object.verbose_plural() }) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_as_dates_and_pages_round_up() {
        assert_eq!(day_name(2031, 3, 4), "4 March 2031");
        assert_eq!(
            day_name(2031, 2, 30),
            "30",
            "an impossible day keeps its number"
        );
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(100), 1);
        assert_eq!(page_count(101), 2);
    }
}
