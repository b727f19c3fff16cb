//! The real binary's log, in both formats: secrets in percent-encoded
//! paths are redacted, and a value with CR/LF cannot forge a line.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{run_returning, PASSWORD, SECRET};
use crate::process::{server, temp_dir};

/// An event name that would start a forged log line if written raw.
const FORGING_NAME: &str = "Evil\r\n2030-01-01T00:00:00.000000Z  INFO forged: line";

/// The address in a pretty or JSON "listening" line.
fn listening_address(line: &str) -> Option<String> {
    if let Ok(log) = serde_json::from_str::<Value>(line) {
        return (log["fields"]["message"] == "listening")
            .then(|| log["fields"]["address"].as_str().map(str::to_owned))
            .flatten();
    }
    let (_, after) = line.split_once(" listening address=")?;
    Some(after.split_whitespace().next()?.to_owned())
}

/// Runs the scenario against a server logging in `format`; returns the
/// feed token and every line of the log.
fn log_of_a_session(format: &str) -> (String, Vec<String>) {
    let dir = temp_dir();
    let mut child = server()
        .current_dir(&dir)
        .env("BIND", "127.0.0.1:0")
        .env("SECRET_KEY", SECRET)
        .env("LOG_FORMAT", format)
        .env("EMAIL_BACKEND", "console")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start server");
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    let collector = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line.clone());
            lines.push(line);
        }
        lines
    });
    let address = rx
        .iter()
        .find_map(|line| listening_address(&line))
        .expect("the server's address");
    let base = format!("http://{address}");
    let token = run_returning(async {
        let client = awc::Client::default();
        let reply = client
            .post(format!("{base}/api/auth/register/"))
            .send_json(
                &json!({ "username": "mallory", "password": PASSWORD, "email": "m@example.com" }),
            )
            .await
            .expect("register");
        assert_eq!(reply.status().as_u16(), 201);
        let mut reply = client
            .post(format!("{base}/api/token/"))
            .send_json(&json!({ "username": "mallory", "password": PASSWORD }))
            .await
            .expect("token");
        let tokens: Value = reply.json().await.expect("tokens");
        let access = tokens["access"].as_str().expect("access").to_owned();
        let mut me = client
            .get(format!("{base}/api/auth/me/"))
            .bearer_auth(&access)
            .send()
            .await
            .expect("me");
        let me: Value = me.json().await.expect("me");
        let feed = me["calendar_url"].as_str().expect("calendar_url");
        let token = feed
            .rsplit('/')
            .next()
            .expect("token")
            .trim_end_matches(".ics")
            .to_owned();
        let encoded = format!("{base}/api/%63alendar/{token}.ics");
        let reply = client.get(encoded).send().await.expect("feed");
        assert_eq!(reply.status().as_u16(), 200, "the router decodes the path");
        let reply = client
            .post(format!("{base}/api/events/"))
            .bearer_auth(&access)
            .send_json(&json!({ "name": FORGING_NAME, "date": "2030-01-01" }))
            .await
            .expect("create");
        assert_eq!(reply.status().as_u16(), 201);
        token
    });
    // The console mail backend logs the organizer's mail, name and all.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !rx
        .recv_timeout(Duration::from_secs(1))
        .is_ok_and(|line| line.contains("email (console backend)"))
    {
        assert!(Instant::now() < deadline, "{format}: no mail was logged");
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(status.success());
    child.wait().expect("the server stops");
    let lines = collector.join().expect("the log");
    std::fs::remove_dir_all(dir).expect("cleanup");
    (token, lines)
}

#[test]
fn percent_encoded_tokens_are_redacted_and_values_stay_on_their_line() {
    for format in ["pretty", "json"] {
        let (token, lines) = log_of_a_session(format);
        let everything = lines.join("\n");
        assert!(
            !everything.contains(&token),
            "{format}: the feed token is in the log:\n{everything}"
        );
        assert!(
            everything.contains("/api/calendar/[redacted].ics"),
            "{format}: {everything}"
        );
        for line in &lines {
            let starts_a_record = match format {
                "json" => line.starts_with('{'),
                _ => line
                    .get(..4)
                    .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit())),
            };
            assert!(starts_a_record, "{format}: a line of its own: {line:?}");
            assert!(
                !line.contains("forged") || line.contains("email (console backend)"),
                "{format}: forged line {line:?}"
            );
        }
        assert!(
            everything.contains("forged"),
            "{format}: the mail is logged"
        );
    }
}
