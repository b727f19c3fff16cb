//! A list page's query parameters: search, filters, sort, drill-down, page.

use actix_web::HttpRequest;
use chrono::NaiveDate;

/// A list page's query parameters.
#[derive(Clone)]
pub(crate) struct Params {
    base: String,
    pairs: Vec<(String, String)>,
}

impl Params {
    /// The parameters of this request.
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

    /// A parameter parsed, if present and valid.
    pub(crate) fn number<T: std::str::FromStr>(&self, key: &str) -> Option<T> {
        self.get(key).and_then(|v| v.trim().parse().ok())
    }

    /// This page's URL, every parameter kept.
    pub(crate) fn current(&self) -> String {
        if self.pairs.is_empty() {
            return self.base.clone();
        }
        format!(
            "{}?{}",
            self.base,
            serde_urlencoded::to_string(&self.pairs).unwrap_or_default()
        )
    }

    /// Every parameter, in order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
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
}
