//! HTTP plumbing the REST API and the admin share: the async boundary,
//! body and query parsing, who is calling, errors, routing and sessions.

pub(crate) mod blocking;
pub(crate) mod body;
pub(crate) mod body_cache;
pub(crate) mod client;
pub(crate) mod conditional;
pub(crate) mod csrf_field;
pub(crate) mod error;
pub(crate) mod event_path;
pub(crate) mod fields;
pub(crate) mod identity;
pub(crate) mod json;
pub(crate) mod kept;
pub(crate) mod origin_check;
pub(crate) mod query;
pub(crate) mod routes;
pub(crate) mod security_headers;
pub(crate) mod session_store;
pub(crate) mod values;
