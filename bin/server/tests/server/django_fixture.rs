//! The Python the tests run, with what `tests/fixtures/requirements.txt`
//! pins (a virtual environment, built once and cached in the temporary
//! directory): the Django version of this backend for the import tests
//! (the workshop's project under `tests/fixtures/django_workshop`), and an
//! independent iCalendar parser for the calendar tests, and the OpenAPI
//! tools the schema tests run.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The Django project's directory.
pub fn project() -> PathBuf {
    fixtures().join("django_workshop")
}

/// `parse_ics.py`'s reading of an iCalendar document: each VEVENT's
/// properties, decoded by Python's `icalendar` package.
pub fn parse_ics(document: &str) -> Value {
    let mut child = Command::new(interpreter())
        .arg(fixtures().join("parse_ics.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run parse_ics.py");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(document.as_bytes())
        .expect("write the document");
    let output = child.wait_with_output().expect("parse_ics.py ends");
    assert!(output.status.success(), "icalendar refused the document");
    serde_json::from_slice(&output.stdout).expect("parse_ics.py prints JSON")
}

/// Builds a Django database at `database` (a SQLite path, or
/// `postgres:<schema>`) with the fixture's users, events and attendances,
/// and returns what `seed.py` prints: the users with their passwords, and
/// Django's API bodies for the listing and each event.
pub fn seed(database: &str) -> Value {
    let output = python()
        .arg(project().join("seed.py"))
        .env("DJANGO_DATABASE", database)
        .stderr(Stdio::inherit())
        .output()
        .expect("run seed.py");
    assert!(output.status.success(), "seed.py failed");
    serde_json::from_slice(&output.stdout).expect("seed.py prints JSON")
}

/// Django's `check_password` for each (password, hash) pair.
pub fn check_passwords(pairs: &[(&str, &str)]) -> Vec<bool> {
    let input: Vec<Value> = pairs
        .iter()
        .map(|(password, hash)| serde_json::json!({ "password": password, "hash": hash }))
        .collect();
    let mut child = python()
        .arg(project().join("check_password.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run check_password.py");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(Value::Array(input).to_string().as_bytes())
        .expect("write the pairs");
    let output = child.wait_with_output().expect("check_password.py ends");
    assert!(output.status.success(), "check_password.py failed");
    serde_json::from_slice(&output.stdout).expect("check_password.py prints JSON")
}

/// A command running the fixture's Python.
fn python() -> Command {
    let mut command = Command::new(interpreter());
    command.current_dir(project());
    command
}

/// A command-line tool the fixture's environment installs, by its module
/// (`schemathesis.cli`, `openapi_spec_validator`, `openapi_python_client`,
/// `mypy`): the environment's scripts name the directory it was built in,
/// not the one it was moved to. Its binaries (ruff, which the client
/// generator formats with) are on the `PATH`.
pub fn tool(module: &str) -> Command {
    let mut command = Command::new(interpreter());
    command.args(["-m", module]);
    let bin = interpreter()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(bin).chain(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(paths) {
        command.env("PATH", joined);
    }
    command
}

/// The fixture's Python running `script` with `args`.
pub fn script(script: &Path) -> Command {
    let mut command = Command::new(interpreter());
    command.arg(script);
    command
}

fn interpreter() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let requirements = fixtures().join("requirements.txt");
        let pinned = std::fs::read_to_string(&requirements).expect("read requirements.txt");
        // A new set of pins gets a new environment.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        pinned.hash(&mut hasher);
        let venv = std::env::temp_dir().join(format!(
            "events-backend-test-python-venv-{:016x}",
            hasher.finish()
        ));
        let venv_python = venv.join("bin").join("python");
        if !venv_python.exists() {
            install_venv(&venv, &requirements);
        }
        venv_python
    })
}

/// Builds the environment beside its final place, then moves it there, so
/// test processes racing to create it never see a half-built one.
fn install_venv(target: &Path, requirements: &Path) {
    let staging = target.with_extension(format!("tmp-{}", uuid::Uuid::new_v4()));
    let ok = |status: std::io::Result<std::process::ExitStatus>| status.is_ok_and(|s| s.success());
    assert!(
        ok(Command::new("python3")
            .args(["-m", "venv"])
            .arg(&staging)
            .status()),
        "python3 -m venv failed: the end-to-end tests need python3 with venv"
    );
    assert!(
        ok(Command::new(staging.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(requirements)
            .status()),
        "pip install -r {} failed",
        requirements.display()
    );
    if std::fs::rename(&staging, target).is_err() {
        // Another process finished first; use theirs.
        let _ = std::fs::remove_dir_all(&staging);
    }
}
