//! The scenarios, run in order, and their Markdown tables.

use std::time::Instant;

use store::testing::TestDb;

use crate::seed::{seed, Seeded};
use crate::server::{Server, SECRET};
use crate::wrk::{self, Measured, Scenario};
use crate::Plan;

/// A line describing the machine and the date.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    format!(
        "Machine: {cores} cores, {cpu}; run at {} UTC",
        chrono::Utc::now().format("%Y-%m-%d %H:%M")
    )
}

fn token(user: domain::UserId) -> String {
    let config = auth::TokenConfig::new(
        SECRET.as_bytes(),
        chrono::Duration::days(1),
        chrono::Duration::days(1),
    );
    config
        .issue(auth::TokenType::Access, user, chrono::Utc::now())
        .expect("token")
}

fn scenarios(seeded: &Seeded) -> Vec<Scenario> {
    let token = token(seeded.user);
    let event = seeded.detail_event;
    let get = |name: &str, path: String| Scenario {
        name: name.to_owned(),
        path,
        post: None,
    };
    vec![
        get("GET /healthz (ceiling)", "/healthz".to_owned()),
        get(
            "GET /api/events/?limit=20",
            "/api/events/?limit=20".to_owned(),
        ),
        get(
            "GET /api/events/{id}/ (10 attendances)",
            format!("/api/events/{event}/"),
        ),
        get(
            "GET /api/events/?search=jazz&ordering=-date&limit=20",
            "/api/events/?search=jazz&ordering=-date&limit=20".to_owned(),
        ),
        Scenario {
            name: "POST change_attendee_status (hot row)".to_owned(),
            path: format!("/api/events/{event}/change_attendee_status/"),
            post: Some((token.clone(), r#"{"status": "Going"}"#.to_owned())),
        },
        Scenario {
            name: "POST /api/events/".to_owned(),
            path: "/api/events/".to_owned(),
            post: Some((
                token,
                r#"{"name": "Bench event", "date": "2031-01-01"}"#.to_owned(),
            )),
        },
    ]
}

fn measure(server: &Server, scenario: &Scenario, plan: &Plan) -> Measured {
    wrk::run(
        &server.address,
        scenario,
        plan.warmup,
        plan.threads,
        plan.connections,
    );
    wrk::run(
        &server.address,
        scenario,
        plan.duration,
        plan.threads,
        plan.connections,
    )
}

/// The standard run: every scenario against one seeded database.
pub fn standard(name: &str, db: &TestDb, plan: &Plan) {
    let started = Instant::now();
    let seeded = seed(db, plan.users, plan.events, plan.attendances);
    eprintln!(
        "{name}: seeded {} users, {} events, {} attendances in {:.1?}",
        plan.users,
        plan.events,
        plan.attendances,
        started.elapsed()
    );
    let server = Server::start(db.url());
    println!(
        "\n### {name}: {} users, {} events, {} attendances; wrk -t{} -c{} -d{}s\n",
        plan.users,
        plan.events,
        plan.attendances,
        plan.threads,
        plan.connections,
        plan.duration.as_secs()
    );
    println!(
        "| scenario | requests/s | % of /healthz | p50 ms | p99 ms | non-2xx | socket errors |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut ceiling = f64::NAN;
    for scenario in scenarios(&seeded) {
        let m = measure(&server, &scenario, plan);
        if ceiling.is_nan() {
            ceiling = m.rps;
        }
        println!(
            "| {} | {:.0} | {:.0}% | {:.2} | {:.2} | {} | {} |",
            scenario.name,
            m.rps,
            100.0 * m.rps / ceiling,
            m.p50_ms,
            m.p99_ms,
            m.non_2xx,
            m.socket_errors
        );
    }
    println!("\nServer peak RSS: {:.1} MiB", server.peak_rss_mib());
}

/// The scale run: list, search and detail at growing table sizes.
pub fn scale(name: &str, _db: &TestDb, plan: &Plan) {
    let sizes: Vec<usize> = std::env::var("BENCH_SCALE_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!(
        "\n### {name}: latency as the events table grows; wrk -t{} -c{} -d{}s\n",
        plan.threads,
        plan.connections,
        plan.duration.as_secs()
    );
    println!("| events | scenario | requests/s | p50 ms | p99 ms | non-2xx |");
    println!("|---:|---|---:|---:|---:|---:|");
    for size in sizes {
        // A fresh database per size, so each table holds exactly `size` events.
        let db = if name == "SQLite" {
            TestDb::sqlite()
        } else {
            TestDb::postgres().expect("PostgreSQL")
        };
        let started = Instant::now();
        let seeded = seed(&db, plan.users, size, plan.attendances);
        eprintln!("{name}: seeded {size} events in {:.1?}", started.elapsed());
        let server = Server::start(db.url());
        for scenario in scenarios(&seeded).into_iter().skip(1).take(3) {
            let m = measure(&server, &scenario, plan);
            println!(
                "| {size} | {} | {:.0} | {:.2} | {:.2} | {} |",
                scenario.name, m.rps, m.p50_ms, m.p99_ms, m.non_2xx
            );
        }
    }
}
