//! Answers without seat rules under concurrency, over HTTP, against two
//! servers sharing one database: answers that arrive together share a
//! statement (PostgreSQL) or a commit (SQLite), yet every client's answers
//! are stored in the order it sent them and each reply is its own answer.

use futures_util::future::join_all;
use serde_json::json;
use store::testing::TestDb;

use crate::helpers::run;
use crate::seats_api::{answer, event_with};
use crate::seats_race::TwoServers;

const USERS: usize = 40;
const ANSWERS_EACH: usize = 5;
const HOT_ANSWERS: usize = 30;
const STATUSES: [&str; 3] = ["Going", "Maybe", "Not Going"];

/// The status the user's `n`th answer gives: each user's sequence differs.
fn nth_status(user: usize, n: usize) -> &'static str {
    STATUSES[(user + n) % 3]
}

fn each_users_answers_are_stored_in_their_order_through_two_servers(db: &TestDb) {
    run(async {
        // One more user than USERS: the last sends the hot answers.
        let TwoServers {
            first,
            second,
            host,
            tokens,
            ..
        } = TwoServers::with_users(db, "fan", USERS + 1).await;
        let (hot_token, tokens) = tokens.split_last().expect("users");
        let event = event_with(&first, &host, json!({ "max_guests": 2 })).await;

        // Each user answers in sequence, alternating servers, all users at
        // once; one more user sends the same answer many times at once.
        let sequences = tokens.iter().enumerate().map(|(user, token)| {
            let (first, second, event) = (&first, &second, &event);
            async move {
                for n in 0..ANSWERS_EACH {
                    let app = if (user + n) % 2 == 0 { first } else { second };
                    let guests = n % 3;
                    let body = json!({ "status": nth_status(user, n), "guests": guests });
                    let (status, reply) = answer(app, event, token, body).await;
                    assert_eq!(status, 200, "user {user}, answer {n}: {reply}");
                    assert_eq!(
                        reply["status"],
                        nth_status(user, n),
                        "user {user}, answer {n}"
                    );
                    assert_eq!(reply["guests"], guests, "user {user}, answer {n}");
                }
            }
        });
        let hot = (0..HOT_ANSWERS).map(|i| {
            let app = if i % 2 == 0 { &first } else { &second };
            answer(app, &event, hot_token, json!({ "status": "Maybe" }))
        });
        let (_, hot_replies) = futures_util::future::join(join_all(sequences), join_all(hot)).await;
        for (status, reply) in &hot_replies {
            assert_eq!(
                (*status, &reply["status"]),
                (200, &json!("Maybe")),
                "{reply}"
            );
        }

        let stored = first
            .get(&format!("/api/events/{event}/attendances/?limit=1000"))
            .await
            .json();
        let rows = stored["results"]
            .as_array()
            .or_else(|| stored.as_array())
            .expect("a list")
            .clone();
        assert_eq!(rows.len(), USERS + 1, "one row per user");
        let last = ANSWERS_EACH - 1;
        for row in &rows {
            let name = row["user"]["username"].as_str().expect("name");
            let user: usize = name["fan".len()..].parse().expect("number");
            if user == USERS {
                assert_eq!(row["status"], "Maybe");
            } else {
                assert_eq!(
                    row["status"],
                    nth_status(user, last),
                    "{name}'s last answer"
                );
                assert_eq!(row["guests"], last % 3, "{name}'s last answer");
            }
        }
        let detail = second.get(&format!("/api/events/{event}/")).await.json();
        let going = (0..USERS)
            .filter(|&u| nth_status(u, last) == "Going")
            .count();
        assert_eq!(detail["counts"]["going"], going);
    });
}

store::backend_tests!(each_users_answers_are_stored_in_their_order_through_two_servers);
