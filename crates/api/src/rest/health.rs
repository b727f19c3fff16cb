//! Liveness and readiness probes.

use crate::rest::representations::HealthBody;
use actix_web::{web, HttpResponse};

use crate::http::routes::get;
use crate::{with_conn, ApiError, ApiState};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    // Probes answer without authentication, so a broken cookie can't fail them.
    cfg.service(
        web::resource("/healthz")
            .route(get().to(healthz))
            .default_service(web::to(|req: actix_web::HttpRequest| async move {
                Err::<HttpResponse, _>(ApiError::MethodNotAllowed {
                    method: req.method().to_string(),
                    allow: "GET, HEAD",
                })
            })),
    )
    .service(
        web::resource("/readyz")
            .route(get().to(readyz))
            .default_service(web::to(|req: actix_web::HttpRequest| async move {
                Err::<HttpResponse, _>(ApiError::MethodNotAllowed {
                    method: req.method().to_string(),
                    allow: "GET, HEAD",
                })
            })),
    );
}

/// 200 while the process serves requests.
#[utoipa::path(
    get, path = "/healthz", tag = "health", operation_id = "healthz_retrieve",
    responses((status = 200, description = "The process serves requests", body = HealthBody))
)]
pub(crate) async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthBody {
        status: "ok".to_owned(),
    })
}

/// 200 when the database answers a query, 503 otherwise.
#[utoipa::path(
    get, path = "/readyz", tag = "health", operation_id = "readyz_retrieve",
    responses((status = 200, description = "The database answers", body = HealthBody))
)]
pub(crate) async fn readyz(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    with_conn(&state.pool, |conn| Ok(store::check_health(conn)?)).await?;
    Ok(HttpResponse::Ok().json(HealthBody {
        status: "ok".to_owned(),
    }))
}
