//! Two real server processes on one database act as one: the login
//! throttle is counted in the database, so together they allow exactly the
//! configured failures, even to guesses sent to both at once.

use std::process::Command;

use futures_util::future::join_all;
use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, SECRET};
use crate::process::{start_server_with, temp_dir};

/// Server processes stopped (SIGTERM, by PID) however the test ends.
struct Servers(Vec<std::process::Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

fn two_processes_share_one_login_throttle(db: &TestDb) {
    let dir = temp_dir();
    let env = [
        ("DATABASE_URL", db.url()),
        ("SECRET_KEY", SECRET),
        ("LOGIN_THROTTLE_FAILURES", "3"),
        ("EMAIL_WORKER", "false"),
    ];
    let (first, first_address) = start_server_with(&dir, &env);
    let (second, second_address) = start_server_with(&dir, &env);
    let servers = Servers(vec![first, second]);
    run(async {
        let client = awc::Client::default();
        let register = client
            .post(format!("http://{first_address}/api/auth/register/"))
            .send_json(&json!({ "username": "target", "password": "plum-tree-42-river" }))
            .await
            .expect("register");
        assert_eq!(register.status().as_u16(), 201);
        // Ten wrong guesses at once, half to each process.
        let guesses = (0..10).map(|n| {
            let address = if n % 2 == 0 {
                &first_address
            } else {
                &second_address
            };
            client
                .post(format!("http://{address}/api/token/"))
                .send_json(&json!({ "username": "target", "password": format!("guess-{n}") }))
        });
        let mut statuses: Vec<u16> = join_all(guesses)
            .await
            .into_iter()
            .map(|reply| reply.expect("an answer").status().as_u16())
            .collect();
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [401, 401, 401, 429, 429, 429, 429, 429, 429, 429],
            "exactly three guesses, across both processes"
        );
        for address in [&first_address, &second_address] {
            let reply = client
                .post(format!("http://{address}/api/token/"))
                .send_json(&json!({ "username": "target", "password": "plum-tree-42-river" }))
                .await
                .expect("an answer");
            assert_eq!(
                reply.status().as_u16(),
                429,
                "{address} knows of the failures"
            );
            let wait: u64 = reply
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .expect("Retry-After");
            assert!((1..=300).contains(&wait), "{wait}");
        }
    });
    drop(servers);
    let _ = std::fs::remove_dir_all(dir);
}

store::backend_tests!(two_processes_share_one_login_throttle);
