//! Issue 28's hardening of the JSON API, on a running server.

use serde_json::Value;
use store::testing::TestDb;

use crate::helpers::{run, TestApp};

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|e| e["name"].as_str().expect("name"))
        .collect()
}

fn a_search_of_999_terms_uses_the_first_ten(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        app.create_event(&token, "a b c", "2030-01-01").await;
        app.create_event(&token, "b c", "2030-01-02").await;

        let many = vec!["a"; 999].join("%20");
        let reply = app.get(&format!("/api/events/?search={many}")).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(names(&reply.json()), ["a b c"]);
        // The eleventh term on is ignored, whatever it is.
        let tail = format!("{}%20zzz", vec!["b"; 10].join("%20"));
        let reply = app.get(&format!("/api/events/?search={tail}")).await;
        assert_eq!(names(&reply.json()), ["a b c", "b c"]);
    });
}

store::backend_tests!(a_search_of_999_terms_uses_the_first_ten);
