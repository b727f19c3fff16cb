//! What every operation shares, added to the document from the rules the
//! server follows rather than repeated on each handler:
//! - an operation that declares no security reads no credentials
//!   (`security: []`);
//! - one that accepts a bearer token answers a refused token with 401;
//! - one that accepts a session answers an unsafe request without the CSRF
//!   token with 403;
//! - one with a body reads it as JSON, form or multipart (`read_fields`), so
//!   it can answer 400 (field errors, or `detail` for a body that does not
//!   parse), 413 and 415;
//! - every one but `/healthz` needs the database, so it can answer 503;
//! - every response has a description;
//! - an operation open to anonymous callers that also reads credentials
//!   (`security((), ("jwt" = []), ..)` on its handler) is listed with
//!   `security: []` once its 401 and 403 are in: openapi-python-client reads
//!   any non-empty list as "credentials required" and would refuse
//!   anonymous calls.

use actix_web::http::StatusCode;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::schema::OneOfBuilder;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder, Schema};
use utoipa::Modify;

/// Adds the shared responses, security and body notes to every operation.
pub(crate) struct Conventions;

/// Where the body formats are said, since the document offers JSON only
/// (generated clients handle one media type per body best).
const OTHER_MEDIA_TYPES: &str = "Sent as JSON; `application/x-www-form-urlencoded` and \
    `multipart/form-data` bodies with the same fields are accepted too.";

impl Modify for Conventions {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, operation) in operations(item) {
                apply(path, method, operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("patch", &mut item.patch),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_mut().map(|op| (method, op)))
}

fn apply(path: &str, method: &str, operation: &mut Operation) {
    let (schemes, anonymous) = security_schemes(operation);
    let responses = &mut operation.responses.responses;
    if schemes.iter().any(|scheme| scheme == "jwt") {
        let description = description_of(responses.get("401"))
            .unwrap_or("Credentials are needed and missing, or were sent and refused");
        let response = json_response(description, reference("AuthErrorBody"));
        responses.insert("401".to_owned(), RefOr::T(response));
    }
    if method != "get" && schemes.iter().any(|scheme| scheme == "session") {
        add_if_absent(
            responses,
            403,
            "A session caller's CSRF check failed",
            reference("DetailBody"),
        );
    }
    if let Some(body) = operation.request_body.as_mut() {
        if let RefOr::T(body) = body {
            describe_media_types(body);
        }
        let malformed = OneOfBuilder::new()
            // `detail` first: a client trying each in turn would read any
            // object as field errors.
            .item(reference("DetailBody"))
            .item(reference("FieldErrorsBody"))
            .build();
        let description = description_of(responses.get("400")).unwrap_or(
            "Field errors (`{\"field\": [\"message\"]}`), or `detail` for a body that cannot be parsed",
        );
        let response = json_response(description, RefOr::T(Schema::OneOf(malformed)));
        responses.insert("400".to_owned(), RefOr::T(response));
        add_if_absent(
            responses,
            413,
            "The body is over the size limit",
            reference("DetailBody"),
        );
        add_if_absent(
            responses,
            415,
            "The body's media type is not one the API reads",
            reference("DetailBody"),
        );
    }
    if path != "/healthz" {
        add_if_absent(
            responses,
            503,
            "The database is unavailable",
            reference("DetailBody"),
        );
    }
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(response) = response {
            if response.description.is_empty() {
                response.description = canonical_reason(status).to_owned();
            }
        }
    }
    // An operation declaring no security reads no credentials; one open to
    // anonymous callers is listed so too (see the module's note).
    if anonymous || operation.security.is_none() {
        operation.security = Some(Vec::new());
    }
}

/// The scheme names an operation accepts, and whether it is open to
/// anonymous callers.
fn security_schemes(operation: &Operation) -> (Vec<String>, bool) {
    let requirements: Vec<serde_json::Map<String, serde_json::Value>> = operation
        .security
        .iter()
        .flatten()
        .filter_map(|requirement| serde_json::to_value(requirement).ok())
        .filter_map(|requirement| requirement.as_object().cloned())
        .collect();
    let anonymous = requirements.iter().any(serde_json::Map::is_empty);
    let schemes = requirements
        .into_iter()
        .flat_map(|r| r.into_iter().map(|(name, _)| name));
    (schemes.collect(), anonymous)
}

fn describe_media_types(body: &mut RequestBody) {
    body.description = Some(match body.description.take() {
        Some(own) if !own.is_empty() => format!("{own}\n\n{OTHER_MEDIA_TYPES}"),
        _ => OTHER_MEDIA_TYPES.to_owned(),
    });
}

fn add_if_absent(
    responses: &mut std::collections::BTreeMap<String, RefOr<Response>>,
    status: u16,
    description: &str,
    schema: RefOr<Schema>,
) {
    responses
        .entry(status.to_string())
        .or_insert_with(|| RefOr::T(json_response(description, schema)));
}

fn description_of(response: Option<&RefOr<Response>>) -> Option<&str> {
    match response {
        Some(RefOr::T(response)) if !response.description.is_empty() => {
            Some(response.description.as_str())
        }
        _ => None,
    }
}

fn json_response(description: &str, schema: RefOr<Schema>) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", Content::new(Some(schema)))
        .build()
}

fn reference(schema: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(schema))
}

fn canonical_reason(status: &str) -> &'static str {
    status
        .parse::<u16>()
        .ok()
        .and_then(|code| StatusCode::from_u16(code).ok())
        .and_then(|code| code.canonical_reason())
        .unwrap_or("Response")
}
