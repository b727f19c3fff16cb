//! What the request says about the client and the address it used, trusting
//! forwarded headers only when the server is configured to sit behind
//! proxies (DRF's `NUM_PROXIES`, Django's `USE_X_FORWARDED_HOST`).

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::state::state_of;

fn trusted_proxies(req: &HttpRequest) -> usize {
    state_of(req).map_or(0, |state| state.config.trusted_proxies)
}

/// The client's address: the peer, or with `n` trusted proxies the `n`th
/// address from the right of `X-Forwarded-For`.
pub fn address(req: &HttpRequest) -> String {
    let proxies = trusted_proxies(req);
    if proxies > 0 {
        let forwarded: Vec<&str> = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if !forwarded.is_empty() {
            return forwarded[forwarded.len() - proxies.min(forwarded.len())].to_owned();
        }
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default()
}

/// `scheme://host` as the client addressed the server.
pub(crate) fn origin(req: &HttpRequest) -> String {
    if trusted_proxies(req) > 0 {
        let info = req.connection_info();
        return format!("{}://{}", info.scheme(), info.host());
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}
