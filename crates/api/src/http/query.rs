//! Query parameters, DRF's `ordering` syntax and its limit/offset pagination.

use std::collections::BTreeMap;

use actix_web::HttpRequest;
use chrono::{Datelike, NaiveDate};

use store::events::{EventOrder, EventSortField};

use crate::http::fields::FieldErrors;

/// The largest `limit` honoured.
const MAX_LIMIT: i64 = 1000;

/// A request's query parameters.
pub(crate) struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub(crate) fn of(req: &HttpRequest) -> Self {
        // A malformed query string carries no usable parameters.
        Self(serde_urlencoded::from_str(req.query_string()).unwrap_or_default())
    }

    /// The last value of `key`, as Django's `QueryDict.get` gives it.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key`, unless absent or empty (django-filter skips those).
    pub(crate) fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).map(str::trim).filter(|v| !v.is_empty())
    }

    /// A date filter in any of Django's default `DATE_INPUT_FORMATS`; a
    /// bad date is recorded as "Enter a valid date.".
    pub(crate) fn date(&self, key: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
        const FORMATS: [&str; 11] = [
            "%Y-%m-%d",
            "%m/%d/%Y",
            "%m/%d/%y",
            "%b %d %Y",
            "%b %d, %Y",
            "%d %b %Y",
            "%d %b, %Y",
            "%B %d %Y",
            "%B %d, %Y",
            "%d %B %Y",
            "%d %B, %Y",
        ];
        let raw = self.non_empty(key)?;
        // Python's %Y takes exactly four digits; chrono's takes fewer, so a
        // two-digit year must fall through to the %y formats.
        let parsed = FORMATS.iter().find_map(|format| {
            NaiveDate::parse_from_str(raw, format)
                .ok()
                .filter(|date| !format.contains("%Y") || date.year() >= 1000)
        });
        if parsed.is_none() {
            errors.add(key, "Enter a valid date.");
        }
        parsed
    }
}

/// The page a listing asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pagination {
    pub limit: i64,
    pub offset: i64,
}

impl Pagination {
    /// DRF's `LimitOffsetPagination`: a positive `limit` (capped), else the
    /// configured page size; `None` means an unpaginated bare array.
    pub(crate) fn of(params: &QueryParams, page_size: Option<u32>) -> Option<Self> {
        let requested = params
            .get("limit")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|limit| *limit > 0);
        let limit = requested.or(page_size.map(i64::from))?.min(MAX_LIMIT);
        let offset = params
            .get("offset")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|offset| *offset >= 0)
            .unwrap_or(0);
        Some(Self { limit, offset })
    }

    /// The `next` and `previous` links for a page of `count` items.
    pub(crate) fn links(&self, req: &HttpRequest, count: i64) -> (Option<String>, Option<String>) {
        let next_offset = self.offset.saturating_add(self.limit);
        let next = (next_offset < count).then(|| page_url(req, self.limit, Some(next_offset)));
        let previous = (self.offset > 0).then(|| {
            let offset = self.offset - self.limit;
            page_url(req, self.limit, (offset > 0).then_some(offset))
        });
        (next, previous)
    }
}

/// The request's absolute URL with `limit` and `offset` replaced (no
/// `offset` for the first page), parameters sorted as DRF sorts them.
fn page_url(req: &HttpRequest, limit: i64, offset: Option<i64>) -> String {
    let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, value) in QueryParams::of(req).0 {
        params.entry(key).or_default().push(value);
    }
    params.insert("limit".to_owned(), vec![limit.to_string()]);
    match offset {
        Some(offset) => params.insert("offset".to_owned(), vec![offset.to_string()]),
        None => params.remove("offset"),
    };
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .flat_map(|(key, values)| values.iter().map(move |v| (key.as_str(), v.as_str())))
        .collect();
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    format!("{}{}?{query}", crate::http::client::origin(req), req.path())
}

/// Reads DRF's `ordering` parameter (`date`, `-date`, `name`, `-name`,
/// comma-separated); unknown fields are ignored, as DRF's `OrderingFilter`
/// ignores them.
pub(crate) fn event_ordering(raw: &str) -> Vec<EventOrder> {
    raw.split(',')
        .filter_map(|key| {
            let key = key.trim();
            let (descending, name) = match key.strip_prefix('-') {
                Some(name) => (true, name),
                None => (false, key),
            };
            let field = match name {
                "date" => EventSortField::Date,
                "name" => EventSortField::Name,
                _ => return None,
            };
            Some(EventOrder { field, descending })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn params(query: &str) -> QueryParams {
        QueryParams::of(&TestRequest::with_uri(&format!("/api/events/?{query}")).to_http_request())
    }

    #[test]
    fn limit_and_offset_follow_drf() {
        assert_eq!(Pagination::of(&params(""), None), None);
        assert_eq!(Pagination::of(&params("limit=abc"), None), None);
        assert_eq!(
            Pagination::of(&params("limit=0"), Some(20)),
            Some(Pagination {
                limit: 20,
                offset: 0
            })
        );
        assert_eq!(
            Pagination::of(&params("limit=5000&offset=-3"), None),
            Some(Pagination {
                limit: 1000,
                offset: 0
            })
        );
        assert_eq!(
            Pagination::of(&params("limit=10&offset=30"), None),
            Some(Pagination {
                limit: 10,
                offset: 30
            })
        );
    }

    #[test]
    fn date_filters_accept_djangos_input_formats() {
        let expected = NaiveDate::from_ymd_opt(2030, 1, 15);
        for raw in [
            "2030-01-15",
            "01/15/2030",
            "01/15/30",
            "Jan 15 2030",
            "15 January, 2030",
        ] {
            let mut errors = FieldErrors::default();
            let query = format!(
                "date={}",
                raw.replace(' ', "+")
                    .replace(',', "%2C")
                    .replace('/', "%2F")
            );
            assert_eq!(params(&query).date("date", &mut errors), expected, "{raw}");
            assert!(errors.is_empty());
        }
        let mut errors = FieldErrors::default();
        assert_eq!(params("date=2030-13-01").date("date", &mut errors), None);
        assert!(!errors.is_empty());
    }

    #[test]
    fn huge_offsets_do_not_overflow() {
        let req = TestRequest::with_uri("/api/events/?limit=10&offset=9223372036854775807")
            .to_http_request();
        let page = Pagination::of(&params("limit=10&offset=9223372036854775807"), None)
            .expect("paginated");
        assert_eq!(page.links(&req, 5).0, None);
    }

    #[test]
    fn links_keep_other_parameters_sorted() {
        let req = TestRequest::with_uri("/api/events/?search=rust+conf&limit=10&offset=10")
            .insert_header(("host", "example.com"))
            .to_http_request();
        let page = Pagination {
            limit: 10,
            offset: 10,
        };
        let (next, previous) = page.links(&req, 25);
        assert_eq!(
            next.as_deref(),
            Some("http://example.com/api/events/?limit=10&offset=20&search=rust+conf")
        );
        assert_eq!(
            previous.as_deref(),
            Some("http://example.com/api/events/?limit=10&search=rust+conf")
        );
        let (next, _) = Pagination {
            limit: 10,
            offset: 20,
        }
        .links(&req, 25);
        assert_eq!(next, None);
    }

    #[test]
    fn ordering_reads_known_fields_and_skips_the_rest() {
        assert_eq!(
            event_ordering("-date, name,bogus,-,"),
            vec![
                EventOrder::descending(EventSortField::Date),
                EventOrder::ascending(EventSortField::Name),
            ]
        );
        assert!(event_ordering("").is_empty());
    }
}
