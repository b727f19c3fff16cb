//! The mixed run: reads spread over every list page and event, searches,
//! and a share of answers written meanwhile, as a community's traffic is.
//!
//! Each request is drawn at random: W% `change_attendee_status` by one of
//! 20 users on a random event with a random answer; the rest 63% a list
//! page (`?limit=20&offset=20k`, k uniform in 0..=49), 26% the detail of a
//! uniformly random event, 11% a search for one of ten words.

use store::testing::TestDb;

use crate::report::token;
use crate::seed::{seed, WORDS};
use crate::server::Server;
use crate::{wrk, Plan};

/// The write shares measured, in percent, unless BENCH_MIXED_WRITES says.
const WRITE_SHARES: &str = "0,5,20";

/// How many users the writes are spread over.
const WRITERS: usize = 20;

/// The wrk script of the mix with `writes` percent of answers.
fn script(events: &[String], tokens: &[String], writes: u32) -> String {
    let quoted = |items: &[String]| {
        items
            .iter()
            .map(|item| format!("\"{item}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let words: Vec<String> = WORDS.iter().map(|w| w.to_lowercase()).collect();
    format!(
        r#"local events = {{{events}}}
local tokens = {{{tokens}}}
local words = {{{words}}}
local statuses = {{"Going", "Maybe", "Not Going"}}
local writes = {writes} / 100
local threads = 0
setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end
init = function(args)
  math.randomseed(os.time() * 1000 + id * 7919)
end
request = function()
  local r = math.random()
  if r < writes then
    local event = events[math.random(#events)]
    local headers = {{ ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] }}
    local body = '{{"status": "' .. statuses[math.random(3)] .. '"}}'
    return wrk.format("POST", "/api/events/" .. event .. "/change_attendee_status/", headers, body)
  end
  local read = (r - writes) / (1 - writes)
  if read < 0.63 then
    return wrk.format("GET", "/api/events/?limit=20&offset=" .. (20 * math.random(0, 49)))
  elseif read < 0.89 then
    return wrk.format("GET", "/api/events/" .. events[math.random(#events)] .. "/")
  else
    return wrk.format("GET", "/api/events/?search=" .. words[math.random(#words)] .. "&limit=20")
  end
end
"#,
        events = quoted(events),
        tokens = quoted(tokens),
        words = quoted(&words),
    )
}

/// The mixed run against one seeded database: one row per write share.
pub fn mixed(name: &str, db: &TestDb, plan: &Plan) {
    let seeded = seed(db, plan.users, plan.events, plan.attendances);
    let server = Server::start(db.url());
    let events: Vec<String> = seeded.events.iter().map(|id| id.to_string()).collect();
    let tokens: Vec<String> = seeded
        .users
        .iter()
        .take(WRITERS)
        .map(|&u| token(u))
        .collect();
    println!(
        "\n### {name}, mixed: {} users, {} events, {} attendances; wrk -t{} -c{} -d{}s\n",
        plan.users,
        plan.events,
        plan.attendances,
        plan.threads,
        plan.connections,
        plan.duration.as_secs()
    );
    println!("| RSVP writes | requests/s | p50 ms | p99 ms | non-2xx | socket errors |");
    println!("|---:|---:|---:|---:|---:|---:|");
    let shares = std::env::var("BENCH_MIXED_WRITES").unwrap_or_else(|_| WRITE_SHARES.to_owned());
    for writes in shares
        .split(',')
        .filter_map(|w| w.trim().parse::<u32>().ok())
    {
        let lua = script(&events, &tokens, writes.min(100));
        let script_name = format!("mixed_{writes}");
        let run = |duration| {
            wrk::run_script(
                &server.address,
                &script_name,
                &lua,
                duration,
                plan.threads,
                plan.connections,
            )
        };
        run(plan.warmup);
        let m = run(plan.duration);
        println!(
            "| {writes}% | {:.0} | {:.2} | {:.2} | {} | {} |",
            m.rps, m.p50_ms, m.p99_ms, m.non_2xx, m.socket_errors
        );
    }
    println!("\nServer peak RSS: {:.1} MiB", server.peak_rss_mib());
}
