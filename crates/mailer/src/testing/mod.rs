//! A real SMTP server for tests: Python's `aiosmtpd` in a child process on
//! 127.0.0.1, recording what it receives. `aiosmtpd` is used from the
//! system Python when installed there (CI installs it), else from a virtual
//! environment created once in the temporary directory.
#![allow(
    clippy::expect_used,
    reason = "a fixture that cannot set up must fail the test loudly"
)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SINK_SCRIPT: &str = include_str!("smtp_sink.py");

/// A message the server received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope sender.
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    /// The message as sent: headers, a blank line, the body.
    pub data: String,
}

impl Received {
    /// A header's value (the first one of that name).
    pub fn header(&self, name: &str) -> Option<String> {
        let headers = self.data.split("\r\n\r\n").next().unwrap_or(&self.data);
        headers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    /// The body, with quoted-printable soft line breaks joined.
    pub fn body(&self) -> String {
        let body = self
            .data
            .split_once("\r\n\r\n")
            .or_else(|| self.data.split_once("\n\n"))
            .map_or("", |(_, body)| body);
        body.replace("=\r\n", "").replace("=\n", "")
    }
}

/// A running SMTP server; stopped (by its PID) when dropped.
pub struct SmtpSink {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl SmtpSink {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        Self::start_on(free_port(), false)
    }

    /// Starts a server that refuses every recipient with a permanent error.
    pub fn start_rejecting() -> Self {
        Self::start_on(free_port(), true)
    }

    /// Starts a server on `port` (e.g. one a test reserved earlier).
    pub fn start_on(port: u16, reject: bool) -> Self {
        let dir = std::env::temp_dir().join(format!("smtp-sink-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("sink directory");
        let script = dir.join("smtp_sink.py");
        std::fs::write(&script, SINK_SCRIPT).expect("write the sink script");
        let mut command = Command::new(python());
        command
            .arg(&script)
            .arg(port.to_string())
            .arg(dir.join("received.jsonl"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if reject {
            command.arg("--reject");
        }
        let mut child = command.spawn().expect("start the SMTP sink");
        let stdout = child.stdout.take().expect("sink stdout");
        let ready = BufReader::new(stdout).lines().next();
        assert!(
            matches!(ready, Some(Ok(ref line)) if line == "ready"),
            "the SMTP sink did not start: {ready:?}"
        );
        Self { child, port, dir }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        let Ok(text) = std::fs::read_to_string(self.dir.join("received.jsonl")) else {
            return Vec::new();
        };
        text.lines()
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
                Received {
                    from: value["from"].as_str().unwrap_or_default().to_owned(),
                    to: value["to"]
                        .as_array()
                        .map(|to| {
                            to.iter()
                                .filter_map(|t| t.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                    data: value["data"].as_str().unwrap_or_default().to_owned(),
                }
            })
            .collect()
    }

    /// Waits until at least `count` messages arrived (or `timeout` passed)
    /// and returns all received.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() >= deadline {
                return received;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A Python interpreter that can import `aiosmtpd`.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let system = PathBuf::from("python3");
        if imports_aiosmtpd(&system) {
            return system;
        }
        let venv = std::env::temp_dir().join("events-backend-test-smtp-venv");
        let venv_python = venv.join("bin").join("python");
        if !imports_aiosmtpd(&venv_python) {
            install_venv(&venv);
        }
        assert!(
            imports_aiosmtpd(&venv_python),
            "aiosmtpd is unavailable: run `python3 -m pip install aiosmtpd`"
        );
        venv_python
    })
}

fn imports_aiosmtpd(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Builds the environment beside its final place, then moves it there, so
/// test processes racing to create it never see a half-built one.
fn install_venv(target: &Path) {
    let staging = target.with_extension(format!("tmp-{}", uuid::Uuid::new_v4()));
    let ok = |status: std::io::Result<std::process::ExitStatus>| status.is_ok_and(|s| s.success());
    assert!(
        ok(Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&staging)
            .status()),
        "python3 -m venv failed: python3 with venv is needed for the SMTP tests"
    );
    assert!(
        ok(Command::new(staging.join("bin").join("pip"))
            .args(["install", "--quiet", "aiosmtpd"])
            .status()),
        "pip install aiosmtpd failed"
    );
    if std::fs::rename(&staging, target).is_err() {
        // Another process finished first; use theirs.
        let _ = std::fs::remove_dir_all(&staging);
    }
}
