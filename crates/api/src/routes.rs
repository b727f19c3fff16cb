//! Resources served with and without the trailing slash, with DRF's answers
//! to OPTIONS and to methods a resource does not serve.

use actix_web::http::header;
use actix_web::{guard, web, HttpRequest, HttpResponse, Resource, Route};
use serde_json::json;

use crate::ApiError;

/// A resource at `path` (relative to its scope; canonical form ends in `/`) that also answers
/// without the trailing slash, refusing methods outside `allow` with 405.
pub(crate) fn resource(path: &str, name: &'static str, allow: &'static str) -> Resource {
    let bare = path.trim_end_matches('/');
    web::resource([bare.to_owned(), format!("{bare}/")])
        .route(
            web::route()
                .guard(guard::Options())
                .to(move || options(name, allow)),
        )
        .default_service(web::to(move |req: HttpRequest| async move {
            Err::<HttpResponse, _>(ApiError::MethodNotAllowed {
                method: req.method().to_string(),
                allow,
            })
        }))
}

/// A route for GET and HEAD.
pub(crate) fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// DRF's metadata answer to OPTIONS.
async fn options(name: &'static str, allow: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ALLOW, allow))
        .json(json!({
            "name": name,
            "description": "",
            "renders": ["application/json"],
            "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
        }))
}

/// The JSON 404 for paths no route serves.
pub(crate) async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("Not found."))
}
