//! SQL shared by the repositories: the one schema, the column types both
//! backends read and write (ids, dates, timestamps), SQL functions, the
//! search terms' patterns, and the literal first page of a listing.

pub(crate) mod dates;
pub(crate) mod functions;
pub(crate) mod literal_page;
pub(crate) mod page;
pub(crate) mod schema;
pub(crate) mod search;
pub(crate) mod types;
