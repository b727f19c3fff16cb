//! Resources served with and without the trailing slash, with DRF's answers
//! to OPTIONS and to methods a resource does not serve.
//!
//! DRF authenticates and checks the view's permission before it looks at
//! the method, so a wrong method from an anonymous caller on a protected
//! resource is 401, not 405; the same holds here.

use actix_web::http::header;
use actix_web::{guard, web, FromRequest, HttpRequest, HttpResponse, Resource, Route};
use futures_util::future::LocalBoxFuture;
use serde_json::{json, Value};

use crate::{ApiError, Caller};

/// Who may use a resource, as its DRF view's authentication and permission
/// classes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// No authentication at all (simplejwt's token views).
    Unauthenticated,
    /// Anyone, after authentication (`AllowAny`).
    Anyone,
    /// Anyone may read; writing needs a user (`IsOrganizerOrReadOnly`'s view level).
    ReadOnlyForAnonymous,
    /// Only users (`IsAuthenticated`).
    Users,
}

impl Access {
    /// Authenticates the request as DRF's `initial()` would and applies the
    /// view-level permission.
    async fn check(self, req: &HttpRequest) -> Result<(), ApiError> {
        if self == Self::Unauthenticated {
            return Ok(());
        }
        let caller = Caller::extract(req).await?;
        let safe = auth::Method::parse(req.method().as_str()).is_some_and(auth::Method::is_safe);
        let needs_user = match self {
            Self::Users => true,
            Self::ReadOnlyForAnonymous => !safe,
            Self::Anyone | Self::Unauthenticated => false,
        };
        if needs_user && caller.user.is_none() {
            return Err(ApiError::NotAuthenticated);
        }
        Ok(())
    }
}

/// What DRF's metadata lists under `actions` for this caller: the fields
/// each write method (`POST`, `PUT`) takes, for the methods the caller may
/// use; `None` for none.
pub(crate) type Actions =
    fn(HttpRequest) -> LocalBoxFuture<'static, Result<Option<Value>, ApiError>>;

/// A resource at `path` (relative to its scope; canonical form ends in `/`)
/// that also answers without the trailing slash, refusing methods outside
/// `allow` with 405 once the caller passed `access`.
pub(crate) fn resource(
    path: &str,
    name: &'static str,
    allow: &'static str,
    access: Access,
) -> Resource {
    resource_with_actions(path, name, allow, access, None)
}

/// [`resource`], whose OPTIONS answer lists `actions` (DRF's metadata).
pub(crate) fn resource_with_actions(
    path: &str,
    name: &'static str,
    allow: &'static str,
    access: Access,
    actions: Option<Actions>,
) -> Resource {
    let bare = path.trim_end_matches('/');
    let patterns = if bare.is_empty() {
        vec!["/".to_owned()]
    } else {
        vec![bare.to_owned(), format!("{bare}/")]
    };
    web::resource(patterns)
        .route(
            web::route()
                .guard(guard::Options())
                .to(move |req: HttpRequest| async move {
                    access.check(&req).await?;
                    let listed = match actions {
                        Some(actions) => actions(req).await?,
                        None => None,
                    };
                    Ok::<_, ApiError>(options(name, allow, listed))
                }),
        )
        .default_service(web::to(move |req: HttpRequest| async move {
            access.check(&req).await?;
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
fn options(name: &'static str, allow: &'static str, actions: Option<Value>) -> HttpResponse {
    let mut body = json!({
        "name": name,
        "description": "",
        "renders": ["application/json"],
        "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
    });
    if let (Some(body), Some(actions)) = (body.as_object_mut(), actions) {
        body.insert("actions".to_owned(), actions);
    }
    HttpResponse::Ok()
        .insert_header((header::ALLOW, allow))
        .json(body)
}

/// The JSON 404 for paths no route serves.
pub(crate) async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("Not found."))
}
