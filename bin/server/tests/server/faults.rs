//! Faults under write load, against real server processes: PostgreSQL
//! stopped and started (every answer meanwhile a 503 in the contract's
//! JSON, none lost, and writes succeed again within a second of it being
//! back), and the server killed with -9 (every acknowledged write is there
//! after a restart), on both databases.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::{json, Value};
use store::testing::TestDb;

use crate::helpers::SECRET;
use crate::private_postgres::PrivatePostgres;
use crate::process::{start_server_with, temp_dir};
use crate::remote;

/// Concurrent writers.
const WRITERS: usize = 8;

/// One create request's outcome.
struct Write {
    name: String,
    started: Instant,
    finished: Instant,
    /// `None` when the connection failed (the server was killed).
    status: Option<u16>,
    body: Value,
}

/// A server process, killed (SIGKILL, by PID) however the test ends.
struct Server(Option<std::process::Child>);

impl Server {
    fn start(database_url: &str) -> (Self, String) {
        let env = [
            ("DATABASE_URL", database_url),
            ("SECRET_KEY", SECRET),
            ("EMAIL_WORKER", "false"),
            ("BCRYPT_COST", "4"),
        ];
        let (child, address) = start_server_with(&temp_dir(), &env);
        (Self(Some(child)), address)
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// How a writer authenticates: the first writer by session (its cookie
/// and CSRF token), the others by bearer token.
#[derive(Clone)]
struct Credentials {
    access: String,
    cookie: String,
    csrf: String,
}

/// Registers a writer account on `address` and logs it in both ways.
async fn writer_credentials(client: &awc::Client, address: &str) -> Credentials {
    let account = json!({ "username": "writer", "password": "plum-tree-42-river" });
    remote::register(client, address, &account).await;
    let access = remote::access_token(client, address, &account).await;
    let (cookie, csrf) = remote::session(client, address, &account).await;
    Credentials {
        access,
        cookie,
        csrf,
    }
}

/// Creates events from `WRITERS` concurrent loops until `stop` is set.
async fn write_until(
    address: &str,
    credentials: &Credentials,
    stop: Arc<AtomicBool>,
) -> Vec<Write> {
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let writers = (0..WRITERS).map(|writer| {
        let (client, stop) = (client.clone(), Arc::clone(&stop));
        async move {
            let mut writes = Vec::new();
            for n in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let name = format!("w{writer}-{n}");
                let started = Instant::now();
                let request = client.post(format!("http://{address}/api/events/"));
                let request = if writer == 0 {
                    request
                        .insert_header(("Cookie", credentials.cookie.as_str()))
                        .insert_header(("X-CSRFToken", credentials.csrf.as_str()))
                } else {
                    request.bearer_auth(&credentials.access)
                };
                let reply = request
                    .send_json(&json!({ "name": name, "date": "2030-01-01" }))
                    .await;
                let (status, body) = match reply {
                    Ok(mut reply) => {
                        let body = reply.json::<Value>().await.unwrap_or(Value::Null);
                        (Some(reply.status().as_u16()), body)
                    }
                    Err(_) => (None, Value::Null),
                };
                writes.push(Write {
                    name,
                    started,
                    finished: Instant::now(),
                    status,
                    body,
                });
                if status.is_none() {
                    break;
                }
            }
            writes
        }
    });
    join_all(writers).await.into_iter().flatten().collect()
}

/// The names of every event the database holds.
fn stored_names(database_url: &str) -> std::collections::HashSet<String> {
    let url = store::DatabaseUrl::parse(database_url).expect("the database URL");
    let pool = store::build_pool(&url, store::PoolOptions::default()).expect("a pool");
    let mut conn = pool.get().expect("a connection");
    store::events::list(&mut conn, &store::events::EventQuery::default())
        .expect("the events")
        .into_iter()
        .map(|event| event.event.name.to_string())
        .collect()
}

/// Asserts every acknowledged (201) write is stored, and returns how many.
fn none_lost(writes: &[Write], database_url: &str) -> usize {
    let stored = stored_names(database_url);
    let acknowledged: Vec<&Write> = writes.iter().filter(|w| w.status == Some(201)).collect();
    let lost: Vec<&str> = acknowledged
        .iter()
        .filter(|w| !stored.contains(&w.name))
        .map(|w| w.name.as_str())
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    acknowledged.len()
}

#[test]
fn postgres_stopped_and_started_under_write_load() {
    let Some(postgres) = PrivatePostgres::start() else {
        return;
    };
    let postgres = Arc::new(postgres);
    let url = postgres.url();
    let (_server, address) = Server::start(&url);
    let (writes, back) = run_returning_writes(&address, {
        let postgres = Arc::clone(&postgres);
        move || {
            std::thread::sleep(Duration::from_millis(800));
            postgres.stop();
            std::thread::sleep(Duration::from_millis(1500));
            postgres.resume();
            let back = Instant::now();
            std::thread::sleep(Duration::from_millis(1500));
            back
        }
    });
    let unavailable: Vec<&Write> = writes.iter().filter(|w| w.status == Some(503)).collect();
    for write in &writes {
        assert!(
            matches!(write.status, Some(201 | 503)),
            "{}: {:?} {}",
            write.name,
            write.status,
            write.body
        );
    }
    for write in &unavailable {
        assert_eq!(
            write.body,
            json!({ "detail": "Service temporarily unavailable." })
        );
    }
    assert!(!unavailable.is_empty(), "the outage was seen");
    // The session writer saw the outage too, as the same 503.
    assert!(
        unavailable.iter().any(|w| w.name.starts_with("w0-")),
        "a session caller's 503 during the outage"
    );
    // Recovered: the last 503 ends, and a write succeeds, soon after.
    let recovery = unavailable
        .iter()
        .map(|w| w.finished.saturating_duration_since(back))
        .max()
        .unwrap_or_default();
    let first_success = writes
        .iter()
        .filter(|w| w.status == Some(201) && w.started >= back)
        .map(|w| w.finished.saturating_duration_since(back))
        .min()
        .expect("writes succeed after the database is back");
    let acknowledged = none_lost(&writes, &url);
    eprintln!(
        "postgres outage: {} writes, {acknowledged} acknowledged and stored, {} answered 503, \
         last 503 {recovery:?} and first success {first_success:?} after PostgreSQL was back",
        writes.len(),
        unavailable.len()
    );
    assert!(
        recovery < Duration::from_secs(1),
        "503s for {recovery:?} after PostgreSQL was back"
    );
    assert!(
        first_success < Duration::from_secs(1),
        "first write {first_success:?} after"
    );
}

/// Sets the writers' stop flag when dropped.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Runs the writers on `address` while `fault` runs on its own thread;
/// they stop when it returns, and its value comes back with the writes.
fn run_returning_writes<T: Send + 'static>(
    address: &str,
    fault: impl FnOnce() -> T + Send + 'static,
) -> (Vec<Write>, T) {
    crate::helpers::run_returning(async {
        let credentials = writer_credentials(&awc::Client::default(), address).await;
        let stop = Arc::new(AtomicBool::new(false));
        let fault = {
            let stop = StopOnDrop(Arc::clone(&stop));
            // The writers stop when the fault ends, even by panicking.
            std::thread::spawn(move || {
                let _stop = stop;
                fault()
            })
        };
        let writes = write_until(address, &credentials, stop).await;
        (writes, fault.join().expect("the fault's thread"))
    })
}

fn killed_with_sigkill_under_write_load(db: &TestDb) {
    let (server, address) = Server::start(db.url());
    let server = Arc::new(std::sync::Mutex::new(server));
    let (writes, ()) = run_returning_writes(&address, {
        let server = Arc::clone(&server);
        move || {
            std::thread::sleep(Duration::from_millis(1200));
            if let Ok(mut server) = server.lock() {
                server.kill();
            }
        }
    });
    // Every write got an answer or lost its connection; none a 5xx.
    for write in &writes {
        assert!(
            matches!(write.status, None | Some(201)),
            "{}: {:?} {}",
            write.name,
            write.status,
            write.body
        );
    }
    // A restarted server opens the database as the kill left it.
    let (_restarted, _) = Server::start(db.url());
    let acknowledged = none_lost(&writes, db.url());
    assert!(acknowledged > 0, "writes were acknowledged before the kill");
    eprintln!(
        "kill -9: {} writes, {acknowledged} acknowledged and all stored",
        writes.len()
    );
}

store::backend_tests!(killed_with_sigkill_under_write_load);
