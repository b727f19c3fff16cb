//! The release server as a child process, stopped by its PID when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The secret the benchmark server signs tokens with.
pub const SECRET: &str = "bench-secret-key-0123456789abcdef-0123456789";

/// A running server.
pub struct Server {
    child: Child,
    /// `127.0.0.1:port`.
    pub address: String,
}

impl Server {
    /// Starts the server on `database_url`.
    pub fn start(database_url: &str) -> Self {
        Self::start_with(database_url, &[])
    }

    /// A server that renders every response: no body is kept to be served
    /// again (an older build ignores the setting, having no such cache). It
    /// leaves the outbox to the other server.
    pub fn rendering_every_time(database_url: &str) -> Self {
        Self::start_with(
            database_url,
            &[("RESPONSE_CACHE_MIB", "0"), ("EMAIL_WORKER", "false")],
        )
    }

    /// Starts the server on `database_url` with `extra` settings.
    fn start_with(database_url: &str, extra: &[(&str, &str)]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let address = format!("127.0.0.1:{port}");
        // BENCH_SERVER measures another build (an older commit) in this run.
        let binary =
            std::env::var("BENCH_SERVER").unwrap_or_else(|_| env!("CARGO_BIN_EXE_server").into());
        let child = Command::new(binary)
            .env("DATABASE_URL", database_url)
            .env("BIND", &address)
            .env("SECRET_KEY", SECRET)
            .env("RUST_LOG", "warn")
            .env("EMAIL_BACKEND", "none")
            .env("ACCESS_TOKEN_LIFETIME", "86400")
            .envs(extra.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server");
        let server = Self { child, address };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !server.healthy() {
            assert!(
                Instant::now() < deadline,
                "the server did not become healthy"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn healthy(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(&self.address) else {
            return false;
        };
        let request = format!("GET /healthz HTTP/1.0\r\nHost: {}\r\n\r\n", self.address);
        let mut reply = String::new();
        stream.write_all(request.as_bytes()).is_ok()
            && stream.read_to_string(&mut reply).is_ok()
            && reply.split_whitespace().nth(1) == Some("200")
    }

    /// The `ETag` a GET of `path` answers with, if any (a build older than
    /// conditional requests sends none).
    pub fn etag(&self, path: &str) -> Option<String> {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        let request = format!("GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.address);
        stream.write_all(request.as_bytes()).expect("send");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("read");
        reply.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("etag")
                .then(|| value.trim().to_owned())
        })
    }

    /// The largest resident set the process has had, in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
