//! Paging, the one rule every listing pages by.

/// LIMIT and OFFSET for a page, or `None` for "everything". SQLite accepts
/// OFFSET only after a LIMIT, so an offset without a limit gets the largest one.
pub(crate) fn page_bounds(limit: Option<i64>, offset: i64) -> Option<(i64, i64)> {
    match (limit, offset) {
        (None, 0) => None,
        (limit, offset) => Some((limit.unwrap_or(i64::MAX), offset)),
    }
}
