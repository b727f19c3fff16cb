//! `/api/schema/` (the OpenAPI document, generated from the handlers'
//! annotations) and `/api/docs/` (Swagger UI, served from the binary).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::{
    accounts, attendance, calendar, event_list, events, health, me, representations, tokens,
};

mod conventions;

use crate::http::routes::{get, resource, Access};
use conventions::Conventions;

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Events API",
        description = "Events, attendance and accounts; compatible with the Django REST Framework version.\n\nEvery error body is JSON. A method a path does not serve answers 405 `{\"detail\": \"Method \\\"X\\\" not allowed.\"}` with an `Allow` header; an unknown path answers 404 `{\"detail\": \"Not found.\"}`.",
    ),
    servers((url = "/", description = "The server that serves this document")),
    paths(
        event_list::list, events::create, events::retrieve, events::update,
        events::partial_update, events::destroy,
        attendance::change_status, attendance::list,
        accounts::register, accounts::login, accounts::logout, me::me,
        me::update_me, me::unsubscribe,
        calendar::event_calendar, calendar::feed, calendar::rotate,
        tokens::obtain, tokens::refresh, tokens::verify, tokens::blacklist,
        health::healthz, health::readyz,
    ),
    components(schemas(
        representations::UserBody, representations::MeBody, representations::EventBody,
        representations::EventDetailBody, representations::AttendanceBody,
        representations::EventPlanBody, representations::CountsBody, representations::SeatsBody,
        representations::TokenPairBody, representations::AccessBody,
        representations::DetailBody, representations::FieldErrorsBody,
        representations::AuthErrorBody,
    )),
    modifiers(&SecuritySchemes, &Conventions),
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "jwt",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("sessionid"))),
        );
    }
}

const SCHEMA_PATH: &str = "/api/schema/";

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource(SCHEMA_PATH, "Schema", "GET, HEAD, OPTIONS", Access::Anyone)
            .route(get().to(schema)),
    )
    // Like every path, the docs answer without their slash too, with no redirect.
    .service(web::resource("/api/docs").route(get().to(docs_without_slash)))
    .service(web::resource("/api/docs/swagger-initializer.js").route(get().to(initializer)))
    .service(SwaggerUi::new("/api/docs/{_:.*}").config(Config::from(SCHEMA_PATH)));
}

/// Swagger UI's page for `/api/docs`: its assets are named relative to the
/// page, so the page says where they are (`<base href="/api/docs/">`).
async fn docs_without_slash() -> HttpResponse {
    static PAGE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let page = PAGE.get_or_init(|| {
        let config = std::sync::Arc::new(Config::from(SCHEMA_PATH));
        match utoipa_swagger_ui::serve("index.html", config) {
            Ok(Some(file)) if !file.gzpipped => {
                let html = String::from_utf8_lossy(&file.bytes).into_owned();
                Some(html.replacen("<head>", "<head>\n    <base href=\"/api/docs/\">", 1))
            }
            _ => None,
        }
    });
    match page {
        Some(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html.clone()),
        // Not expected with the vendored assets; the slashed page still works.
        None => HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, "/api/docs/"))
            .finish(),
    }
}

/// Sends the `csrftoken` cookie's value as `X-CSRFToken`, so "Try it out"
/// works for a browser logged in with a session (the admin's, say).
const CSRF_INTERCEPTOR: &str = r#"function withCsrfToken(request) {
  var found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (found) {
    request.headers["X-CSRFToken"] = decodeURIComponent(found[1]);
  }
  return request;
}
"#;

/// Swagger UI's start-up script, with the CSRF interceptor in its options.
async fn initializer() -> Result<HttpResponse, crate::ApiError> {
    static SCRIPT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let script = SCRIPT.get_or_init(|| {
        let config = std::sync::Arc::new(Config::from(SCHEMA_PATH));
        let file = utoipa_swagger_ui::serve("swagger-initializer.js", config).ok()??;
        let original = String::from_utf8_lossy(&file.bytes).into_owned();
        let anchor = "SwaggerUIBundle({";
        original.contains(anchor).then(|| {
            let options = format!("{anchor}\n    requestInterceptor: withCsrfToken,");
            format!(
                "{CSRF_INTERCEPTOR}{}",
                original.replacen(anchor, &options, 1)
            )
        })
    });
    match script {
        Some(script) => Ok(HttpResponse::Ok()
            .content_type("text/javascript; charset=utf-8")
            .body(script.clone())),
        // Only if Swagger UI's vendored script changed shape.
        None => Err(crate::ApiError::Internal(
            "Swagger UI's initializer has no SwaggerUIBundle call".to_owned(),
        )),
    }
}

/// The OpenAPI document, built once.
async fn schema() -> HttpResponse {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = DOCUMENT.get_or_init(|| ApiDoc::openapi().to_json().unwrap_or_default());
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body.as_str())
}
