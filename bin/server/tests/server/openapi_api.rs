//! `/api/schema/` and `/api/docs/`.

use serde_json::Value;
use store::testing::TestDb;

use crate::helpers::{run, TestApp};

/// Every (method, path) the application serves, as the document names them.
const ROUTES: [(&str, &str); 18] = [
    ("get", "/api/events/"),
    ("post", "/api/events/"),
    ("get", "/api/events/{id}/"),
    ("put", "/api/events/{id}/"),
    ("patch", "/api/events/{id}/"),
    ("delete", "/api/events/{id}/"),
    ("post", "/api/events/{id}/change_attendee_status/"),
    ("get", "/api/events/{id}/attendances/"),
    ("post", "/api/auth/register/"),
    ("post", "/api/auth/login/"),
    ("post", "/api/auth/logout/"),
    ("get", "/api/auth/me/"),
    ("post", "/api/token/"),
    ("post", "/api/token/refresh/"),
    ("post", "/api/token/verify/"),
    ("post", "/api/token/blacklist/"),
    ("get", "/healthz"),
    ("get", "/readyz"),
];

fn schema_is_openapi_3_and_lists_every_route(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        for path in ["/api/schema/", "/api/schema"] {
            let reply = app.get(path).await;
            assert_eq!(reply.status, 200, "{path}");
            let doc: Value = reply.json();
            assert!(
                doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
                "{}",
                doc["openapi"]
            );
            for (method, route) in ROUTES {
                assert!(
                    doc["paths"][route][method].is_object(),
                    "{method} {route} is documented"
                );
            }
            for schema in [
                "EventBody",
                "EventDetailBody",
                "AttendanceBody",
                "MeBody",
                "DetailBody",
                "FieldErrorsBody",
            ] {
                assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
            }
            assert!(doc["components"]["securitySchemes"]["jwt"].is_object());
            // The seats and the waitlist are in the document too.
            let schemas = &doc["components"]["schemas"];
            for (schema, property) in [
                ("EventPlanBody", "capacity"),
                ("EventPlanBody", "starts_at"),
                ("EventDetailBody", "seats"),
                ("EventDetailBody", "counts"),
                ("AttendanceBody", "waitlist_position"),
                ("AttendanceBody", "guests"),
                ("SeatsBody", "left"),
            ] {
                // A flattened body is an `allOf`: one of its parts has it.
                let parts = schemas[schema]["allOf"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let documented = schemas[schema]["properties"][property].is_object()
                    || parts
                        .iter()
                        .any(|part| part["properties"][property].is_object());
                assert!(documented, "{schema}.{property} is documented");
            }
            let attendances = &doc["paths"]["/api/events/{id}/attendances/"]["get"]["parameters"];
            assert!(
                attendances
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == "waitlisted")),
                "the waitlisted filter is documented"
            );
        }

        // Every documented route answers (not 404) on the running server.
        for (method, route) in ROUTES {
            let path = route.replace("{id}", "00000000-0000-4000-8000-000000000000");
            let reply = app.request(&method.to_uppercase(), &path).send().await;
            let routed = reply.status != 404 || reply.json()["detail"] != "Not found.";
            assert!(routed, "{method} {path} is served");
        }
    });
}

/// The operation ids drf-spectacular would give, each once: generated
/// clients name their functions after them.
fn operations_are_named_as_drf_spectacular_names_them(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let doc: Value = app.get("/api/schema/").await.json();
        let mut ids = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("a path item") {
                let id = operation["operationId"].as_str().unwrap_or_default();
                ids.push((id.to_owned(), format!("{method} {path}")));
            }
        }
        let mut unique: Vec<&str> = ids.iter().map(|(id, _)| id.as_str()).collect();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "operation ids repeat: {ids:?}");
        for (id, route) in [
            ("events_list", "get /api/events/"),
            ("events_update", "put /api/events/{id}/"),
            ("events_partial_update", "patch /api/events/{id}/"),
            (
                "events_attendances_list",
                "get /api/events/{id}/attendances/",
            ),
            ("auth_register_create", "post /api/auth/register/"),
            ("token_create", "post /api/token/"),
        ] {
            assert!(
                ids.contains(&(id.to_owned(), route.to_owned())),
                "{id} names {route}"
            );
        }
        // PATCH changes what it is given; PUT needs every required field.
        let body = |method: &str| {
            let schema = &doc["paths"]["/api/events/{id}/"][method]["requestBody"]["content"]
                ["application/json"]["schema"]["$ref"];
            let name = schema
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            doc["components"]["schemas"][name].clone()
        };
        let (put, patch) = (body("put"), body("patch"));
        assert!(put["properties"]["name"].is_object(), "PUT's body: {put}");
        assert!(
            patch["properties"]["name"].is_object(),
            "PATCH's body: {patch}"
        );
        assert_eq!(put["required"], serde_json::json!(["name"]));
        assert!(patch["required"].as_array().is_none_or(Vec::is_empty));
        assert_eq!(
            doc["components"]["schemas"]["StatusChoice"]["enum"],
            serde_json::json!(["Going", "Maybe", "Not Going"])
        );
        // A listing is a bare array or a page.
        let listing = &doc["components"]["schemas"]["EventListBody"]["oneOf"];
        assert_eq!(listing.as_array().map(Vec::len), Some(2), "{listing}");
        // Public operations say they need no credentials.
        assert_eq!(
            doc["paths"]["/api/token/"]["post"]["security"],
            serde_json::json!([])
        );
    });
}

fn swagger_ui_is_served_from_the_binary(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let page = app.get("/api/docs/").await;
        assert_eq!(page.status, 200);
        let html = page.text();
        assert!(html.contains("swagger-ui"), "{html}");
        assert!(
            !html.contains("https://"),
            "no asset comes from the internet"
        );
        for asset in [
            "/api/docs/swagger-ui.css",
            "/api/docs/swagger-ui-bundle.js",
            "/api/docs/swagger-initializer.js",
        ] {
            let reply = app.get(asset).await;
            assert_eq!(reply.status, 200, "{asset}");
        }
        let initializer = app.get("/api/docs/swagger-initializer.js").await.text();
        assert!(
            initializer.contains("/api/schema/"),
            "the UI loads our document: {initializer}"
        );
        let bare = app.get("/api/docs").await;
        assert_eq!(bare.status, 200, "no redirect without the slash");
        let bare = bare.text();
        assert!(
            bare.contains("<base href=\"/api/docs/\">") && bare.contains("swagger-ui"),
            "the same page, its assets found under /api/docs/: {bare}"
        );
    });
}

store::backend_tests!(
    schema_is_openapi_3_and_lists_every_route,
    operations_are_named_as_drf_spectacular_names_them,
    swagger_ui_is_served_from_the_binary
);
