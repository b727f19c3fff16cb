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
    // With autogroups, PostgreSQL's backends (started in a session of
    // their own) share one scheduling group against the load generator's
    // session, and wait up to hundreds of milliseconds for a core: that
    // decides PostgreSQL's p99, so the line says which setting ran.
    let autogroup = match std::fs::read_to_string("/proc/sys/kernel/sched_autogroup_enabled") {
        Ok(value) if value.trim() == "1" => "on",
        Ok(_) => "off",
        Err(_) => "unknown",
    };
    format!(
        "Machine: {cores} cores, {cpu}; scheduler autogroups {autogroup}; run at {} UTC",
        chrono::Utc::now().format("%Y-%m-%d %H:%M")
    )
}

/// An access token for `user`, signed with the bench server's key.
pub fn token(user: domain::UserId) -> String {
    let config = auth::TokenConfig::new(
        SECRET.as_bytes(),
        chrono::Duration::days(1),
        chrono::Duration::days(1),
    );
    config
        .issue(auth::TokenType::Access, user, chrono::Utc::now())
        .expect("token")
}

/// The scenarios measured a second time against a server that keeps no
/// rendered body, so the table shows loading and rendering as well as
/// serving a kept body.
const RENDERED: [&str; 2] = [LIST, DETAIL];

/// The row name of a scenario measured on the server that keeps no body.
fn rendered_name(name: &str) -> String {
    format!("{name}, rendered every time (RESPONSE_CACHE_MIB=0)")
}

/// The scenario names the scale run repeats at each size.
const SCALED: [&str; 3] = [LIST, DETAIL, SEARCH];
const LIST: &str = "GET /api/events/?limit=20";
const DETAIL: &str = "GET /api/events/{id}/ (10 attendances)";
const SEARCH: &str = "GET /api/events/?search=jazz&ordering=-date&limit=20";

const SPREAD_ANSWERS: &str = "POST change_attendee_status (every user in turn, changing answers)";

/// For each user, three answers in turn: Going, Maybe, Not Going. The
/// list goes through the users first, so a user's next answer comes only
/// after every other user's.
fn spread_answers(users: &[domain::UserId]) -> Vec<(String, String)> {
    let tokens: Vec<String> = users.iter().map(|&user| token(user)).collect();
    ["Going", "Maybe", "Not Going"]
        .iter()
        .flat_map(|status| {
            tokens
                .iter()
                .map(move |t| (t.clone(), format!(r#"{{"status": "{status}"}}"#)))
        })
        .collect()
}

fn scenarios(seeded: &Seeded, server: &Server) -> Vec<Scenario> {
    let token = token(seeded.user);
    let event = seeded.detail_event;
    let get = |name: &str, path: String| Scenario {
        name: name.to_owned(),
        path,
        posts: Vec::new(),
        if_none_match: None,
    };
    // A server without ETags has no 304 rows to measure.
    let unchanged = |name: &str, path: String| {
        server.etag(&path).map(|tag| Scenario {
            name: name.to_owned(),
            if_none_match: Some(tag),
            path,
            posts: Vec::new(),
        })
    };
    let post = |name: &str, path: String, body: &str| Scenario {
        name: name.to_owned(),
        path,
        posts: vec![(token.clone(), body.to_owned())],
        if_none_match: None,
    };
    let list = "/api/events/?limit=20".to_owned();
    let detail = format!("/api/events/{event}/");
    let mut all = vec![
        get("GET /healthz (ceiling)", "/healthz".to_owned()),
        get(LIST, list.clone()),
        get(DETAIL, detail.clone()),
    ];
    all.extend(unchanged(
        "GET /api/events/?limit=20, If-None-Match: 304",
        list,
    ));
    all.extend(unchanged(
        "GET /api/events/{id}/, If-None-Match: 304",
        detail,
    ));
    all.extend([
        get(
            SEARCH,
            "/api/events/?search=jazz&ordering=-date&limit=20".to_owned(),
        ),
        // The 304 scenarios come before these: writes make their tags stale.
        post(
            "POST change_attendee_status (hot row)",
            format!("/api/events/{event}/change_attendee_status/"),
            r#"{"status": "Going"}"#,
        ),
        // Every seeded user in turn, each answer differing from their last.
        Scenario {
            name: SPREAD_ANSWERS.to_owned(),
            path: format!("/api/events/{event}/change_attendee_status/"),
            posts: spread_answers(&seeded.users),
            if_none_match: None,
        },
        post(
            "POST /api/events/",
            "/api/events/".to_owned(),
            r#"{"name": "Bench event", "date": "2031-01-01"}"#,
        ),
    ]);
    all
}

fn measure(address: &str, scenario: &Scenario, plan: &Plan) -> Measured {
    wrk::run(
        address,
        scenario,
        plan.warmup,
        plan.threads,
        plan.connections,
    );
    wrk::run(
        address,
        scenario,
        plan.duration,
        plan.threads,
        plan.connections,
    )
}

/// One row of the standard table.
fn row(name: &str, m: &Measured, ceiling: f64) {
    println!(
        "| {} | {:.0} | {:.0}% | {:.2} | {:.2} | {} | {} |",
        name,
        m.rps,
        100.0 * m.rps / ceiling,
        m.p50_ms,
        m.p99_ms,
        m.non_2xx,
        m.socket_errors
    );
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
    let rendering = Server::rendering_every_time(db.url());
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
    for (i, scenario) in scenarios(&seeded, &server).iter().enumerate() {
        let m = measure(&server.address, scenario, plan);
        if i == 0 {
            ceiling = m.rps;
            row(&scenario.name, &m, ceiling);
            // The same answer from a bare actix-web handler, same machine, same run.
            let bare = measure(&crate::bare::start(), scenario, plan);
            row("GET /healthz, bare actix-web handler", &bare, ceiling);
            continue;
        }
        row(&scenario.name, &m, ceiling);
        eprintln!(
            "{name}: peak RSS {:.1} MiB after {}",
            server.peak_rss_mib(),
            scenario.name
        );
        if RENDERED.contains(&scenario.name.as_str()) {
            let m = measure(&rendering.address, scenario, plan);
            row(&rendered_name(&scenario.name), &m, ceiling);
        }
    }
    println!("\nServer peak RSS: {:.1} MiB", server.peak_rss_mib());
    println!(
        "Peak RSS of the server keeping no body: {:.1} MiB",
        rendering.peak_rss_mib()
    );
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
    println!("| events | scenario | requests/s | p50 ms | p99 ms | non-2xx | socket errors |");
    println!("|---:|---|---:|---:|---:|---:|---:|");
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
        let rendering = Server::rendering_every_time(db.url());
        let scaled = scenarios(&seeded, &server)
            .into_iter()
            .filter(|s| SCALED.contains(&s.name.as_str()));
        for scenario in scaled {
            let m = measure(&server.address, &scenario, plan);
            println!(
                "| {size} | {} | {:.0} | {:.2} | {:.2} | {} | {} |",
                scenario.name, m.rps, m.p50_ms, m.p99_ms, m.non_2xx, m.socket_errors
            );
            if RENDERED.contains(&scenario.name.as_str()) {
                let m = measure(&rendering.address, &scenario, plan);
                println!(
                    "| {size} | {} | {:.0} | {:.2} | {:.2} | {} | {} |",
                    rendered_name(&scenario.name),
                    m.rps,
                    m.p50_ms,
                    m.p99_ms,
                    m.non_2xx,
                    m.socket_errors
                );
            }
            if scenario.name == SEARCH {
                // One client alone: the latency of the search itself.
                let alone = Plan {
                    threads: 1,
                    connections: 1,
                    ..*plan
                };
                let m = measure(&server.address, &scenario, &alone);
                println!(
                    "| {size} | {}, 1 connection | {:.0} | {:.2} | {:.2} | {} | {} |",
                    scenario.name, m.rps, m.p50_ms, m.p99_ms, m.non_2xx, m.socket_errors
                );
            }
        }
    }
}
