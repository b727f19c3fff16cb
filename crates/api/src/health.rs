//! Liveness and readiness probes.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::{with_conn, ApiError, ApiState};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

/// 200 while the process serves requests.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// 200 when the database answers a query, 503 otherwise.
async fn readyz(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    with_conn(&state.pool, store::check_health).await?;
    Ok(HttpResponse::Ok().json(json!({ "status": "ok" })))
}
