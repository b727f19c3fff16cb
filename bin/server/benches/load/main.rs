//! Load benchmark: seeds a database through the store crate, starts the
//! release server, drives it with `wrk` and prints a Markdown table per
//! database. `BENCH_MODE=scale` measures list, search and detail latency at
//! growing table sizes instead; `BENCH_MODE=mixed` a realistic mix of
//! spread reads and RSVP writes (see `mixed.rs`).
//!
//! Settings (environment): BENCH_USERS (100), BENCH_EVENTS (10000),
//! BENCH_ATTENDANCES (50000), BENCH_SCALE_SIZES (10000,100000,1000000),
//! BENCH_DURATION seconds (10), BENCH_WARMUP seconds (3), BENCH_THREADS (2),
//! BENCH_CONNECTIONS (64), BENCH_MIXED_WRITES (0,5,20: percent), BENCH_DATABASES (sqlite,postgres: which to
//! measure), BENCH_SERVER (a server binary to measure instead of this
//! build's, for back-to-back runs against an older commit). PostgreSQL is measured when TEST_DATABASE_URL (or a
//! postgres:// DATABASE_URL) is set.
#![allow(
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop loudly"
)]

mod bare;
mod mixed;
mod report;
mod seed;
mod server;
mod wrk;

use std::time::Duration;

use store::testing::TestDb;

/// How the run is shaped.
#[derive(Clone, Copy)]
pub struct Plan {
    users: usize,
    events: usize,
    attendances: usize,
    duration: Duration,
    warmup: Duration,
    threads: u32,
    connections: u32,
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl Plan {
    fn from_env() -> Self {
        Self {
            users: env_number("BENCH_USERS", 100) as usize,
            events: env_number("BENCH_EVENTS", 10_000) as usize,
            attendances: env_number("BENCH_ATTENDANCES", 50_000) as usize,
            duration: Duration::from_secs(env_number("BENCH_DURATION", 10)),
            warmup: Duration::from_secs(env_number("BENCH_WARMUP", 3)),
            threads: env_number("BENCH_THREADS", 2) as u32,
            connections: env_number("BENCH_CONNECTIONS", 64) as u32,
        }
    }
}

/// Opens a fresh database of one backend, if it is configured.
type OpenDb = fn() -> Option<TestDb>;

fn databases() -> Vec<(&'static str, OpenDb)> {
    if std::env::var_os("TEST_DATABASE_URL").is_none() {
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if url.starts_with("postgres") {
                std::env::set_var("TEST_DATABASE_URL", url);
            }
        }
    }
    let wanted = std::env::var("BENCH_DATABASES")
        .unwrap_or_else(|_| "sqlite,postgres".to_owned())
        .to_lowercase();
    let all: [(&'static str, &'static str, OpenDb); 2] = [
        ("sqlite", "SQLite", || Some(TestDb::sqlite())),
        ("postgres", "PostgreSQL", TestDb::postgres),
    ];
    all.into_iter()
        .filter(|(key, _, _)| wanted.split(',').any(|w| w.trim() == *key))
        .map(|(_, name, open)| (name, open))
        .collect()
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    wrk::ensure_installed();
    let plan = Plan::from_env();
    let mode = std::env::var("BENCH_MODE").unwrap_or_default();
    println!("{}", report::machine());
    for (name, open) in databases() {
        let Some(db) = open() else {
            println!("\n(PostgreSQL skipped: set TEST_DATABASE_URL to measure it.)");
            continue;
        };
        match mode.as_str() {
            "scale" => report::scale(name, &db, &plan),
            "mixed" => mixed::mixed(name, &db, &plan),
            _ => report::standard(name, &db, &plan),
        }
    }
}
