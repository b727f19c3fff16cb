//! Runs `wrk` and reads its report.

use std::process::Command;
use std::time::Duration;

/// What one `wrk` run measured.
pub struct Measured {
    /// Requests per second.
    pub rps: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    /// Responses outside 2xx/3xx.
    pub non_2xx: u64,
    /// Connect, read, write and timeout errors.
    pub socket_errors: u64,
}

/// A request to load the server with.
pub struct Scenario {
    /// Its name in the table.
    pub name: String,
    /// The path (and query).
    pub path: String,
    /// For POSTs: the bearer token and the JSON body of each request, in
    /// turn (the wrk threads start at different places); empty for GETs.
    pub posts: Vec<(String, String)>,
    /// For conditional GETs: the `If-None-Match` value.
    pub if_none_match: Option<String>,
}

/// Installs wrk from Debian's packages when it is missing.
pub fn ensure_installed() {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return;
    }
    eprintln!("wrk is missing; installing it with apt-get");
    let installed = Command::new("apt-get")
        .args(["install", "-y", "-q", "wrk"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        installed,
        "cannot install wrk: install it (apt-get install wrk) and run again"
    );
}

fn script(dir: &std::path::Path, scenario: &Scenario) -> Option<std::path::PathBuf> {
    let lua = match (scenario.posts.as_slice(), &scenario.if_none_match) {
        ([(token, body)], _) => format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer {token}\"\nwrk.body = [[{body}]]\n"
        ),
        ([], Some(tag)) => format!("wrk.headers[\"If-None-Match\"] = [[{tag}]]\n"),
        ([], None) => return None,
        (many, _) => rotating_posts(&scenario.path, many),
    };
    let path = dir.join(format!(
        "{}.lua",
        scenario
            .name
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    ));
    std::fs::write(&path, lua).expect("write the wrk script");
    Some(path)
}

/// A script sending each POST of `posts` in turn.
fn rotating_posts(path: &str, posts: &[(String, String)]) -> String {
    let mut lua = String::from("local posts = {\n");
    for (token, body) in posts {
        lua.push_str(&format!("  {{ \"Bearer {token}\", [[{body}]] }},\n"));
    }
    // Threads start apart, so two never send one user the same answer at once.
    lua.push_str(&format!(
        "}}\nturn = 0\nlocal threads = 0\nsetup = function(thread)\n  thread:set(\"turn\", threads * {spacing})\n  threads = threads + 1\nend\nrequest = function()\n  turn = turn % #posts + 1\n  local post = posts[turn]\n  return wrk.format(\"POST\", [[{path}]], {{ [\"Content-Type\"] = \"application/json\", [\"Authorization\"] = post[1] }}, post[2])\nend\n",
        spacing = posts.len() / 2 + 1
    ));
    lua
}

/// Runs `scenario` against `address` for `duration`.
pub fn run(
    address: &str,
    scenario: &Scenario,
    duration: Duration,
    threads: u32,
    connections: u32,
) -> Measured {
    let dir = script_dir();
    let script = script(&dir, scenario);
    run_with(
        address,
        &scenario.path,
        script.as_deref(),
        duration,
        threads,
        connections,
    )
}

/// Runs the Lua script `lua` (named `name`) against `address`: it builds
/// every request itself.
pub fn run_script(
    address: &str,
    name: &str,
    lua: &str,
    duration: Duration,
    threads: u32,
    connections: u32,
) -> Measured {
    let path = script_dir().join(format!("{name}.lua"));
    std::fs::write(&path, lua).expect("write the wrk script");
    run_with(address, "/", Some(&path), duration, threads, connections)
}

fn script_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("events-bench-scripts");
    std::fs::create_dir_all(&dir).expect("script directory");
    dir
}

fn run_with(
    address: &str,
    path: &str,
    script: Option<&std::path::Path>,
    duration: Duration,
    threads: u32,
    connections: u32,
) -> Measured {
    let mut command = Command::new("wrk");
    command
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("--latency");
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let output = command
        .arg(format!("http://{address}{path}"))
        .output()
        .expect("run wrk");
    parse(&String::from_utf8_lossy(&output.stdout))
}

fn millis(value: &str) -> f64 {
    let number = |suffix: &str| {
        value
            .trim_end_matches(suffix)
            .parse::<f64>()
            .unwrap_or(f64::NAN)
    };
    if value.ends_with("us") {
        number("us") / 1000.0
    } else if value.ends_with("ms") {
        number("ms")
    } else if value.ends_with('s') {
        number("s") * 1000.0
    } else {
        f64::NAN
    }
}

fn parse(report: &str) -> Measured {
    let mut measured = Measured {
        rps: 0.0,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
        non_2xx: 0,
        socket_errors: 0,
    };
    for line in report.lines().map(str::trim) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["Requests/sec:", value] => measured.rps = value.parse().unwrap_or(0.0),
            ["50%", value] => measured.p50_ms = millis(value),
            ["99%", value] => measured.p99_ms = millis(value),
            ["Non-2xx", "or", "3xx", "responses:", value] => {
                measured.non_2xx = value.parse().unwrap_or(0)
            }
            ["Socket", "errors:", rest @ ..] => {
                measured.socket_errors = rest
                    .iter()
                    .filter_map(|v| v.trim_end_matches(',').parse::<u64>().ok())
                    .sum();
            }
            _ => {}
        }
    }
    measured
}
