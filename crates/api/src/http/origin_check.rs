//! Django's origin check against cross-site requests: a browser says where
//! the page that sent an unsafe request came from (`Origin`, else
//! `Referer`). A session login, or a write authenticated by the session,
//! from another site than this one or `CSRF_TRUSTED_ORIGINS` is refused, so
//! a foreign page can neither log a victim into an account of its choosing
//! nor act with their session. Requests naming no origin at all (scripts,
//! mobile apps) pass; session writes still need the CSRF token.

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::http::client;
use crate::state::state_of;

/// Why the request is refused (after `CSRF Failed: `), if it is.
pub(crate) fn cross_site_reason(req: &HttpRequest) -> Option<String> {
    let text = |name| {
        req.headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    if let Some(origin) = text(header::ORIGIN) {
        return (!trusted(req, &origin)).then(|| {
            format!("Origin checking failed - {origin} does not match any trusted origins.")
        });
    }
    let referer = text(header::REFERER)?;
    match origin_of(&referer) {
        None => Some("Referer checking failed - Referer is malformed.".to_owned()),
        Some(origin) if trusted(req, &origin) => None,
        Some(_) => Some(format!(
            "Referer checking failed - {referer} does not match any trusted origins."
        )),
    }
}

/// Whether `origin` is this site (as the request addressed it, over HTTPS
/// too when cookies are HTTPS-only, or `SITE_URL`) or a trusted origin.
fn trusted(req: &HttpRequest, origin: &str) -> bool {
    let own = client::origin(req);
    let same = |other: &str| other.eq_ignore_ascii_case(origin);
    if same(&own) {
        return true;
    }
    let Ok(state) = state_of(req) else {
        return false;
    };
    let config = &state.config;
    (config.secure_cookies && same(&own.replacen("http://", "https://", 1)))
        || config
            .public_url
            .as_deref()
            .and_then(origin_of)
            .is_some_and(|site| same(&site))
        || config.csrf_trusted_origins.iter().any(|t| same(t))
}

/// `scheme://host[:port]` of an absolute URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let valid_scheme = !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric());
    (valid_scheme && !authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn origins_of_urls() {
        assert_eq!(
            origin_of("https://app.example.com:8443/login/?next=/").as_deref(),
            Some("https://app.example.com:8443")
        );
        assert_eq!(origin_of("/relative"), None);
        assert_eq!(origin_of("https:///x"), None);
    }

    #[test]
    fn same_site_and_originless_requests_pass() {
        let req = |headers: &[(&str, &str)]| {
            let mut builder = TestRequest::post().insert_header(("Host", "events.test"));
            for (name, value) in headers {
                builder = builder.insert_header((*name, *value));
            }
            builder.to_http_request()
        };
        assert_eq!(cross_site_reason(&req(&[])), None);
        assert_eq!(
            cross_site_reason(&req(&[("Origin", "http://events.test")])),
            None
        );
        assert_eq!(
            cross_site_reason(&req(&[("Origin", "https://evil.test")])).as_deref(),
            Some("Origin checking failed - https://evil.test does not match any trusted origins.")
        );
        assert_eq!(
            cross_site_reason(&req(&[("Referer", "http://events.test/admin/")])),
            None
        );
        assert!(cross_site_reason(&req(&[("Referer", "https://evil.test/x")])).is_some());
        assert!(cross_site_reason(&req(&[("Referer", "nonsense")])).is_some());
    }
}
