//! The `server` binary as a process: start-up, failures, shutdown, CLI.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use store::testing::TestDb;

use crate::helpers::{run, run_returning};

pub(crate) fn server() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    // Start from a clean environment so the caller's settings don't leak in.
    for var in [
        "DATABASE_URL",
        "BIND",
        "SECRET_KEY",
        "LOG_FORMAT",
        "RUST_LOG",
        "SUPERUSER_PASSWORD",
    ] {
        command.env_remove(var);
    }
    command.env("BCRYPT_COST", "4");
    command
}

pub(crate) fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("server-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The address in the server's JSON "listening" log line, if `line` is it.
fn listening_address(line: &str) -> Option<String> {
    let log: serde_json::Value = serde_json::from_str(line).ok()?;
    (log["fields"]["message"] == "listening")
        .then(|| log["fields"]["address"].as_str().map(str::to_owned))
        .flatten()
}

/// The process failed with exactly one `error:` line and no panic.
fn assert_fails_with_one_line(output: &Output, expected: &str) {
    let lines = stderr_lines(output);
    assert!(!output.status.success(), "should fail: {lines:?}");
    assert_eq!(lines.len(), 1, "one line on stderr: {lines:?}");
    assert!(lines[0].starts_with("error: "), "{lines:?}");
    assert!(
        lines[0].contains(expected),
        "{:?} mentions {expected:?}",
        lines[0]
    );
}

#[test]
fn serve_creates_the_sqlite_database_answers_and_stops_on_sigterm() {
    let dir = temp_dir();
    let (mut child, address) = start_server(&dir);
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    assert!(
        dir.join("db.sqlite3").exists(),
        "the default database file is created"
    );

    run(async {
        let response = awc::Client::default()
            .get(format!("http://{address}/healthz"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200);
    });

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
    std::fs::remove_dir_all(dir).expect("cleanup");
}

/// Starts the server on a fresh SQLite file; returns it and its address.
fn start_server(dir: &std::path::Path) -> (std::process::Child, String) {
    start_server_with(dir, &[])
}

/// Starts the server in `dir` with extra environment; returns it and its
/// address.
pub(crate) fn start_server_with(
    dir: &std::path::Path,
    env: &[(&str, &str)],
) -> (std::process::Child, String) {
    let mut child = server()
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .env("BIND", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start server");
    let stderr = child.stderr.take().expect("piped stderr");
    let mut lines = BufReader::new(stderr).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| listening_address(&line))
        .expect("a 'listening' log line with the address");
    // Keep draining the log so the server never blocks writing it.
    std::thread::spawn(move || lines.for_each(drop));
    (child, address)
}

#[test]
fn every_request_gets_one_access_log_line_without_secrets() {
    let dir = temp_dir();
    let mut child = server()
        .current_dir(&dir)
        .env("BIND", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start server");
    let stderr = child.stderr.take().expect("piped stderr");
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    let collector = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(address) = listening_address(&line) {
                let _ = address_tx.send(address);
            }
            lines.push(line);
        }
        lines
    });
    let address = address_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server's address");
    let base = format!("http://{address}");
    let password = "plum-tree-42-river";
    let (access, feed) = run_returning(async {
        let client = awc::Client::default();
        let reply = client
            .post(format!("{base}/api/auth/register/"))
            .insert_header(("X-Request-Id", "trace-me-1"))
            .send_json(&serde_json::json!({ "username": "logged", "password": password }))
            .await
            .expect("register");
        assert_eq!(reply.status().as_u16(), 201);
        assert_eq!(
            reply
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok()),
            Some("trace-me-1")
        );
        let mut reply = client
            .post(format!("{base}/api/token/"))
            .send_json(&serde_json::json!({ "username": "logged", "password": password }))
            .await
            .expect("token");
        let tokens: serde_json::Value = reply.json().await.expect("tokens");
        let access = tokens["access"].as_str().expect("access").to_owned();
        let mut reply = client
            .get(format!("{base}/api/auth/me/"))
            .bearer_auth(&access)
            .send()
            .await
            .expect("me");
        assert!(
            reply.headers().get("x-request-id").is_some(),
            "an id is made up"
        );
        let me: serde_json::Value = reply.json().await.expect("me");
        let feed = me["calendar_url"]
            .as_str()
            .expect("calendar_url")
            .to_owned();
        let reply = client.get(&feed).send().await.expect("feed");
        assert_eq!(reply.status().as_u16(), 200);
        let reply = client
            .get(format!("{base}/api/events/?search=x&token=supersecret"))
            .send()
            .await
            .expect("list");
        assert_eq!(reply.status().as_u16(), 200);
        (access, feed)
    });
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(status.success());
    child.wait().expect("the server stops");
    let lines = collector.join().expect("the log");
    let access_lines: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|log| log["target"] == "access")
        .collect();
    assert_eq!(
        access_lines.len(),
        5,
        "one line per request: {access_lines:?}"
    );
    let register = &access_lines[0]["fields"];
    assert_eq!(
        (
            &register["request_id"],
            &register["method"],
            &register["path"],
            &register["status"]
        ),
        (
            &serde_json::json!("trace-me-1"),
            &serde_json::json!("POST"),
            &serde_json::json!("/api/auth/register/"),
            &serde_json::json!(201)
        )
    );
    for line in &access_lines {
        let fields = &line["fields"];
        for field in ["bytes", "duration_ms", "client", "request_id"] {
            assert!(!fields[field].is_null(), "{field} in {line}");
        }
        assert_eq!(fields["client"], "127.0.0.1");
    }
    let feed_token = feed
        .rsplit('/')
        .next()
        .expect("token")
        .trim_end_matches(".ics");
    let everything = lines.join("\n");
    for secret in [password, access.as_str(), feed_token, "supersecret"] {
        assert!(!everything.contains(secret), "{secret:?} is in the log");
    }
    assert!(everything.contains("/api/calendar/[redacted].ics"));
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn sigint_and_sigterm_both_finish_the_request_in_flight() {
    use std::io::{Read, Write};
    for signal in ["-INT", "-TERM"] {
        let dir = temp_dir();
        let (mut child, address) = start_server(&dir);
        let body = r#"{"username": "late", "password": "plum-tree-42-river"}"#;
        let (first, rest) = body.split_at(20);
        let mut stream = std::net::TcpStream::connect(&address).expect("connect");
        write!(
            stream,
            "POST /api/auth/register/ HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
            body.len()
        )
        .expect("send the start of the request");
        std::thread::sleep(Duration::from_millis(300));
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("send the signal");
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(500));
        assert!(
            std::net::TcpStream::connect(&address).is_err(),
            "{signal}: no new connections once stopping"
        );
        stream.write_all(rest.as_bytes()).expect("send the rest");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read the answer");
        assert!(
            response.starts_with("HTTP/1.1 201"),
            "{signal}: the request in flight is answered: {response}"
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        let exit = loop {
            if let Some(exit) = child.try_wait().expect("wait") {
                break exit;
            }
            assert!(Instant::now() < deadline, "{signal}: server did not stop");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(exit.success(), "{signal}: exits 0, got {exit:?}");
        std::fs::remove_dir_all(dir).expect("cleanup");
    }
}

#[test]
fn unknown_database_scheme_fails_cleanly() {
    let output = server()
        .args(["migrate", "--database-url", "mysql://localhost/db"])
        .output()
        .expect("run");
    assert_fails_with_one_line(&output, "unsupported database URL scheme");
}

#[test]
fn unreachable_database_fails_cleanly() {
    let output = server()
        .args(["migrate"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .expect("run");
    assert_fails_with_one_line(
        &output,
        "cannot open the database at postgres://nobody@127.0.0.1:1/none",
    );
}

#[test]
fn port_in_use_fails_cleanly() {
    let dir = temp_dir();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = taken.local_addr().expect("address").to_string();
    let output = server()
        .current_dir(&dir)
        .env("BIND", &address)
        .env("SECRET_KEY", crate::helpers::SECRET)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run");
    assert_fails_with_one_line(&output, &format!("cannot listen on {address}"));
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn invalid_setting_is_a_usage_error() {
    for (name, value) in [("BIND", "nowhere"), ("SITE_URL", "events.example.com")] {
        let output = server().env(name, value).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{name}: a usage error");
        let text = String::from_utf8_lossy(&output.stderr);
        assert!(
            text.starts_with(&format!("error: invalid value '{value}'")),
            "{text}"
        );
        assert!(!text.contains("panicked"), "{text}");
    }
}

pub(crate) fn createsuperuser(url: &str, username: &str, password: &str) -> Output {
    server()
        .args([
            "createsuperuser",
            "--username",
            username,
            "--email",
            "root@example.com",
            "--no-input",
        ])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env("SUPERUSER_PASSWORD", password)
        .output()
        .expect("run createsuperuser")
}

fn createsuperuser_reads_a_piped_password(db: &TestDb) {
    use std::io::Write;
    let run = |input: &str| {
        let mut child = server()
            .args([
                "createsuperuser",
                "--username",
                "piped",
                "--email",
                "piped@example.com",
            ])
            .env("DATABASE_URL", db.url())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run createsuperuser");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("pipe the password");
        child.wait_with_output().expect("createsuperuser ends")
    };
    let output = run("");
    assert_fails_with_one_line(&output, "use --no-input with SUPERUSER_PASSWORD");
    let output = run("plum-tree-42-river\n");
    assert!(output.status.success(), "{:?}", stderr_lines(&output));
    let credentials = store::users::get_credentials(&mut db.conn(), "piped").expect("created");
    assert!(auth::verify_password(
        "plum-tree-42-river",
        &credentials.password_hash
    ));
}

fn createsuperuser_makes_a_staff_user_with_a_bcrypt_hash(db: &TestDb) {
    let output = createsuperuser(db.url(), "root", "plum-tree-42-river");
    assert!(output.status.success(), "{:?}", stderr_lines(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Superuser root created"));

    let credentials = store::users::get_credentials(&mut db.conn(), "root").expect("user exists");
    let user = credentials.user;
    assert!(user.is_staff && user.is_superuser && user.is_active);
    assert_eq!(
        user.email.map(|e| e.to_string()).as_deref(),
        Some("root@example.com")
    );
    assert!(
        credentials
            .password_hash
            .starts_with("bcrypt_sha256$$2b$04$"),
        "Django's bcrypt_sha256 at the configured cost"
    );
    assert!(auth::verify_password(
        "plum-tree-42-river",
        &credentials.password_hash
    ));

    let again = createsuperuser(db.url(), "root", "plum-tree-42-river");
    assert_fails_with_one_line(&again, "a user named root already exists");
}

fn createsuperuser_refuses_weak_passwords(db: &TestDb) {
    let output = createsuperuser(db.url(), "admin", "admin123");
    assert_fails_with_one_line(&output, "The password is too similar to the username.");
    let output = createsuperuser(db.url(), "admin", "123");
    assert_fails_with_one_line(&output, "This password is too short.");
    assert_eq!(store::users::count(&mut db.conn()).expect("count"), 0);
}

store::backend_tests!(
    createsuperuser_reads_a_piped_password,
    createsuperuser_makes_a_staff_user_with_a_bcrypt_hash,
    createsuperuser_refuses_weak_passwords,
);
