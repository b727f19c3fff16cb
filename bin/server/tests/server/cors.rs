//! CORS from `CORS_ALLOWED_ORIGINS`: listed origins get the headers,
//! others none, and without the setting nobody does.

use store::testing::TestDb;

use crate::helpers::{run, Reply, TestApp};

const APP: &str = "https://app.example.com";
const EVIL: &str = "https://evil.example.com";

async fn preflight(app: &TestApp, origin: &str) -> Reply {
    app.request("OPTIONS", "/api/events/")
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
        .await
}

fn cors_headers(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .keys()
        .map(|name| name.as_str().to_owned())
        .filter(|name| name.starts_with("access-control-"))
        .collect()
}

#[test]
fn listed_origins_get_cors_headers_and_others_none() {
    let db = TestDb::sqlite();
    run(async {
        let app = TestApp::spawn_with_args(
            &db,
            &[
                "--cors-allowed-origins",
                "https://app.example.com/, http://localhost:5173",
            ],
        );
        let allowed = preflight(&app, APP).await;
        assert_eq!(allowed.status, 200, "{}", allowed.text());
        assert_eq!(
            allowed.header("access-control-allow-origin").as_deref(),
            Some(APP)
        );
        let methods = allowed
            .header("access-control-allow-methods")
            .unwrap_or_default();
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            assert!(methods.contains(method), "{method} in {methods}");
        }
        let headers = allowed
            .header("access-control-allow-headers")
            .unwrap_or_default()
            .to_ascii_lowercase();
        for header in ["authorization", "content-type"] {
            assert!(headers.contains(header), "{header} in {headers}");
        }
        assert_eq!(
            allowed.header("access-control-max-age").as_deref(),
            Some("3600")
        );
        assert_eq!(allowed.header("access-control-allow-credentials"), None);

        let listed = app
            .request("GET", "/api/events/")
            .header("Origin", APP)
            .send()
            .await;
        assert_eq!(listed.status, 200);
        assert_eq!(
            listed.header("access-control-allow-origin").as_deref(),
            Some(APP)
        );
        assert!(listed.header("vary").unwrap_or_default().contains("Origin"));

        let refused = preflight(&app, EVIL).await;
        assert_eq!(cors_headers(&refused), Vec::<String>::new());
        assert_eq!(refused.status, 200, "the API's own OPTIONS answer");
        assert_eq!(refused.json()["name"], "Event List");
        let unlisted = app
            .request("GET", "/api/events/")
            .header("Origin", EVIL)
            .send()
            .await;
        assert_eq!(unlisted.status, 200);
        assert_eq!(cors_headers(&unlisted), Vec::<String>::new());

        let without = TestApp::spawn(&db);
        assert_eq!(
            cors_headers(&preflight(&without, APP).await),
            Vec::<String>::new()
        );
    });
}
