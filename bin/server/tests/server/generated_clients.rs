//! Clients generated from `/api/schema/` by the two generators most teams
//! use, driving the whole flow with typed calls only and no hand edits:
//! openapi-python-client (the flow passes `mypy --strict` against the
//! generated package's types) and openapi-typescript with
//! openapi-fetch (compiled by `tsc --strict`, library checks on). The
//! programs are under `tests/fixtures/clients/`; each checks every answer.
//! Redocly's recommended rules pass on the document too.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use store::testing::TestDb;

use crate::django_fixture::{script, tool};
use crate::helpers::{run, TestApp};
use crate::process::temp_dir;

fn clients() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clients")
}

/// Runs `command` off the test's runtime, so the server on that runtime
/// keeps answering it, and fails the test with its output if it fails.
async fn succeed(what: &'static str, mut command: Command) -> Output {
    let output = actix_web::rt::task::spawn_blocking(move || command.output())
        .await
        .expect("the command's thread")
        .unwrap_or_else(|err| panic!("{what}: {err}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A fresh directory holding the running server's document.
async fn with_schema(app: &TestApp) -> PathBuf {
    let dir = temp_dir();
    let document = app.get("/api/schema/").await.text();
    std::fs::write(dir.join("schema.json"), document).expect("save the document");
    dir
}

fn python_client_drives_the_flow(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let dir = with_schema(&app).await;
        let mut generate = tool("openapi_python_client");
        generate
            .args(["generate", "--path", "schema.json", "--meta", "none"])
            .args(["--output-path", "events_api_client"])
            .current_dir(&dir);
        let output = succeed("openapi-python-client generate", generate).await;
        let printed = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        // It warns about every part of the document it cannot generate.
        assert!(
            !printed.contains("Warning") && !printed.contains("Error"),
            "the generator warned: {printed}"
        );
        let flow = clients().join("python_flow.py");
        let mut check = tool("mypy");
        check
            // The flow is checked against the client's types; the
            // generator's own templates are not this project's to lint.
            .args(["--strict", "--follow-imports", "silent"])
            .args(["--no-incremental", "--cache-dir", "/dev/null"])
            .arg(&flow)
            .env("MYPYPATH", &dir)
            .current_dir(&dir);
        succeed("mypy --strict on the flow and the generated client", check).await;
        let mut drive = script(&flow);
        drive.arg(&dir).env("BASE_URL", &app.base_url);
        succeed("the Python client's flow", drive).await;
    });
}

fn typescript_client_drives_the_flow(db: &TestDb) {
    let sources = clients().join("ts");
    // Installed (once) before the server runs: npm blocks.
    let installed = node_modules(&sources);
    run(async {
        let app = TestApp::spawn(db);
        let dir = with_schema(&app).await;
        for file in [
            "package.json",
            "package-lock.json",
            "tsconfig.json",
            "flow.ts",
            "redocly.yaml",
        ] {
            std::fs::copy(sources.join(file), dir.join(file)).expect("copy the TypeScript flow");
        }
        std::os::unix::fs::symlink(&installed, dir.join("node_modules"))
            .expect("link the installed packages");
        let bin = dir.join("node_modules/.bin");
        let mut lint = Command::new(bin.join("redocly"));
        lint.args(["lint", "--config", "redocly.yaml", "schema.json"])
            .current_dir(&dir);
        succeed("redocly lint (recommended rules)", lint).await;
        let mut generate = Command::new(bin.join("openapi-typescript"));
        generate
            .args(["schema.json", "-o", "schema.d.ts"])
            .current_dir(&dir);
        succeed("openapi-typescript", generate).await;
        let mut compile = Command::new(bin.join("tsc"));
        compile.args(["-p", "tsconfig.json"]).current_dir(&dir);
        succeed("tsc --strict", compile).await;
        let mut drive = Command::new("node");
        drive
            .arg("dist/flow.js")
            .env("BASE_URL", &app.base_url)
            .current_dir(&dir);
        succeed("the TypeScript client's flow", drive).await;
    });
}

/// The flow's npm packages, installed once from its lock file into the
/// temporary directory (a new lock gets a new install).
fn node_modules(sources: &Path) -> PathBuf {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let lock = std::fs::read_to_string(sources.join("package-lock.json"))
                .expect("read package-lock.json");
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            lock.hash(&mut hasher);
            let target = std::env::temp_dir().join(format!(
                "events-backend-test-ts-client-{:016x}",
                hasher.finish()
            ));
            if !target.join("node_modules/.bin/tsc").exists() {
                // Installed beside its final place and moved there, so test
                // processes racing to install never see half an install.
                let staging = target.with_extension(format!("tmp-{}", uuid::Uuid::new_v4()));
                std::fs::create_dir_all(&staging).expect("staging directory");
                for file in ["package.json", "package-lock.json"] {
                    std::fs::copy(sources.join(file), staging.join(file)).expect("copy");
                }
                let status = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--loglevel", "error"])
                    .current_dir(&staging)
                    .status();
                assert!(
                    status.is_ok_and(|s| s.success()),
                    "npm ci failed: the TypeScript client test needs Node.js and npm"
                );
                if std::fs::rename(&staging, &target).is_err() {
                    let _ = std::fs::remove_dir_all(&staging);
                }
            }
            target.join("node_modules")
        })
        .clone()
}

store::backend_tests!(
    python_client_drives_the_flow,
    typescript_client_drives_the_flow
);
