//! `serve` refuses a weak `SECRET_KEY` before it opens anything.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::SECRET;
use crate::process::{server, start_server_with, temp_dir};

/// Runs `command` to its end, or kills it after 30 s (a server that
/// accepted the key would serve forever) and fails.
fn output_within_30s(command: &mut Command) -> Output {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("killed");
            panic!("still running: {}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("ended")
}

#[test]
fn serve_refuses_short_and_placeholder_keys_with_one_error_line() {
    let dir = temp_dir();
    for (key, expected) in [
        ("x", "SECRET_KEY is too short (1 characters)"),
        (
            "0123456789abcdef0123456789abcde",
            "SECRET_KEY is too short (31 characters)",
        ),
        (
            "change-me-to-a-long-random-string",
            "SECRET_KEY is the placeholder from docker-compose.yml",
        ),
    ] {
        let output = output_within_30s(
            server()
                .current_dir(&dir)
                .arg("serve")
                .env("BIND", "127.0.0.1:0")
                .env("SECRET_KEY", key),
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(output.status.code(), Some(1), "{key:?}: {lines:?}");
        assert_eq!(lines.len(), 1, "{key:?}: one line: {lines:?}");
        assert!(lines[0].starts_with("error: "), "{lines:?}");
        assert!(lines[0].contains(expected), "{lines:?} has {expected:?}");
        assert!(lines[0].contains("openssl rand -hex 32"), "{lines:?}");
        assert!(
            !dir.join("db.sqlite3").exists(),
            "{key:?}: refused before the database is opened"
        );
    }
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn serve_accepts_a_long_key_and_a_generated_one() {
    for env in [vec![("SECRET_KEY", SECRET)], vec![]] {
        let dir = temp_dir();
        let (mut child, address) = start_server_with(&dir, &env);
        assert!(address.starts_with("127.0.0.1:"), "{address}");
        assert_eq!(
            dir.join(".secret_key").exists(),
            env.is_empty(),
            "a key is generated only when none is set"
        );
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("send SIGTERM");
        assert!(status.success());
        child.wait().expect("the server stops");
        std::fs::remove_dir_all(dir).expect("cleanup");
    }
}
