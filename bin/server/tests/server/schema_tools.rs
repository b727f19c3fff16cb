//! `/api/schema/` against independent tools: `openapi-spec-validator`
//! accepts it, and schemathesis, fuzzing every operation of the running
//! server from it, finds no 5xx and no response the document does not
//! describe (status, media type or body).

use std::process::Output;

use store::testing::TestDb;

use crate::django_fixture::tool;
use crate::helpers::{run, TestApp};
use crate::process::temp_dir;

/// Runs a fixture tool off the test's runtime, so the server on that
/// runtime keeps answering it.
async fn run_tool(name: &'static str, args: Vec<String>, dir: std::path::PathBuf) -> Output {
    actix_web::rt::task::spawn_blocking(move || {
        tool(name)
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|err| panic!("run {name}: {err}"))
    })
    .await
    .expect("the tool's thread")
}

fn report(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn spec_validator_accepts_the_document(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let dir = temp_dir();
        let document = app.get("/api/schema/").await.text();
        std::fs::write(dir.join("schema.json"), document).expect("save the document");
        let output = run_tool(
            "openapi_spec_validator",
            vec!["schema.json".to_owned()],
            dir,
        )
        .await;
        assert!(output.status.success(), "{}", report(&output));
    });
}

fn schemathesis_finds_no_server_error_and_no_undocumented_response(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("fuzzer").await;
        let token = app.token("fuzzer").await;
        let output = run_tool(
            "schemathesis.cli",
            vec![
                "run".to_owned(),
                format!("{}/api/schema/", app.base_url),
                "--checks".to_owned(),
                [
                    "not_a_server_error",
                    "response_schema_conformance",
                    "status_code_conformance",
                    "content_type_conformance",
                ]
                .join(","),
                "--header".to_owned(),
                format!("Authorization: Bearer {token}"),
                "--max-examples".to_owned(),
                "25".to_owned(),
                "--continue-on-failure".to_owned(),
                "--no-color".to_owned(),
            ],
            temp_dir(),
        )
        .await;
        let text = report(&output);
        assert!(output.status.success(), "{text}");
        assert!(text.contains(" passed"), "schemathesis ran cases: {text}");
    });
}

store::backend_tests!(
    spec_validator_accepts_the_document,
    schemathesis_finds_no_server_error_and_no_undocumented_response
);
