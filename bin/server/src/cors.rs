//! CORS, for browser apps on other origins: `CORS_ALLOWED_ORIGINS` lists
//! them (none by default: no CORS headers at all). Credentials are not
//! allowed across origins, so such an app authenticates with Bearer tokens
//! and a session cookie never rides along on a cross-site request.

use std::str::FromStr;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{Condition, Next};
use actix_web::{web, Error};

/// How long a browser may keep a preflight's answer, in seconds.
const PREFLIGHT_MAX_AGE: usize = 3600;

/// A list of origins, each `scheme://host[:port]`: those allowed to call
/// the API from a browser (`CORS_ALLOWED_ORIGINS`), or trusted besides this
/// site for session logins and writes (`CSRF_TRUSTED_ORIGINS`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

impl FromStr for AllowedOrigins {
    type Err = String;

    /// A comma-separated list; blank items are skipped and a trailing
    /// slash is dropped (`https://app.example.com/` is the same origin).
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        let mut origins = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let origin = item.trim_end_matches('/');
            let rest = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                .ok_or_else(|| format!("{item}: an origin starts with https:// or http://"))?;
            let plain = |c: char| c.is_ascii_alphanumeric() || "-.:[]".contains(c);
            // A port must be a number: actix-cors refuses the origin at
            // startup otherwise, with a far less clear message.
            let port_ok = rest.ends_with(']')
                || rest
                    .rsplit_once(':')
                    .is_none_or(|(_, port)| port.parse::<u16>().is_ok());
            if rest.is_empty() || !rest.chars().all(plain) || !port_ok {
                return Err(format!(
                    "{item}: an origin is a scheme and a host (and port), as in https://app.example.com"
                ));
            }
            origins.push(origin.to_ascii_lowercase());
        }
        Ok(Self(origins))
    }
}

impl AllowedOrigins {
    /// The origins, each `scheme://host[:port]` in lower case.
    pub fn to_vec(&self) -> Vec<String> {
        self.0.clone()
    }

    /// Whether `origin` (an `Origin` header's value) is listed.
    pub fn contains(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }

    /// The CORS middleware, doing nothing when no origin is listed.
    pub fn middleware(&self) -> Condition<Cors> {
        let mut cors = Cors::default()
            .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
            .allowed_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::IF_MATCH,
                header::IF_NONE_MATCH,
            ])
            .max_age(PREFLIGHT_MAX_AGE);
        for origin in &self.0 {
            cors = cors.allowed_origin(origin);
        }
        Condition::new(!self.0.is_empty(), cors)
    }
}

/// A preflight from an origin not listed is left to the API as a plain
/// `OPTIONS` (answered without CORS headers, as django-cors-headers does)
/// instead of actix-cors's plain-text 400. Wrap it outside the CORS
/// middleware, with the [`AllowedOrigins`] in the app data.
pub async fn unlisted_preflights_pass(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let listed = match (
        req.headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok()),
        req.app_data::<web::Data<AllowedOrigins>>(),
    ) {
        (Some(origin), Some(allowed)) => allowed.contains(origin),
        _ => true,
    };
    if !listed {
        req.headers_mut()
            .remove(header::ACCESS_CONTROL_REQUEST_METHOD);
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_to_plain_origins() {
        let parsed: AllowedOrigins = " https://App.example.com/, ,http://localhost:5173"
            .parse()
            .expect("valid");
        assert_eq!(
            parsed,
            AllowedOrigins(vec![
                "https://app.example.com".to_owned(),
                "http://localhost:5173".to_owned()
            ])
        );
        assert!(parsed.contains("https://app.example.com"));
        assert!(!parsed.contains("https://evil.example.com"));
        assert_eq!("".parse::<AllowedOrigins>(), Ok(AllowedOrigins::default()));
        for bad in [
            "app.example.com",
            "https://app.example.com/path",
            "*",
            "http://a:b",
        ] {
            assert!(bad.parse::<AllowedOrigins>().is_err(), "{bad}");
        }
    }
}
