//! The waitlist under concurrency, over HTTP, against two servers sharing
//! one database (each with its own pool, as two processes would): many
//! answers at once never overbook, never skip the queue and never give two
//! parties one place.

use domain::{AttendanceStatus, EventId};
use futures_util::future::join_all;
use serde_json::json;
use store::attendances::AttendanceQuery;
use store::testing::TestDb;

use crate::helpers::{run, settings, TestApp, SECRET};
use crate::seats_api::{answer, event_with};

const USERS: usize = 200;
const CAPACITY: u32 = 50;
const LEAVING: usize = 30;
const ROUNDS: usize = 3;

/// A second server on the same database with a pool of its own.
pub fn second_server(db: &TestDb) -> TestApp {
    let url = store::DatabaseUrl::parse(db.url()).expect("url");
    let pool = store::build_pool(&url, store::PoolOptions::default()).expect("pool");
    let args = [
        "--database-url",
        db.url(),
        "--secret-key",
        SECRET,
        "--bcrypt-cost",
        "4",
        "--email-worker",
        "false",
    ];
    TestApp::spawn_with(pool, &settings(&args))
}

/// Two servers on one database, an event host and registered users.
pub struct TwoServers {
    pub first: TestApp,
    pub second: TestApp,
    /// The host's token.
    pub host: String,
    /// The users' names, `{prefix}000` first.
    pub names: Vec<String>,
    /// Their tokens, from the second server, in the same order.
    pub tokens: Vec<String>,
}

impl TwoServers {
    /// Starts both servers, registers a host and `users` users named
    /// `{prefix}000`, `{prefix}001`, ... on the first, and signs the users
    /// in on the second.
    pub async fn with_users(db: &TestDb, prefix: &str, users: usize) -> Self {
        // Hundreds of sign-ups from one address: past the default throttle.
        let first = TestApp::spawn_with_args(
            db,
            &[
                "--email-worker",
                "false",
                "--registration-throttle",
                "100000",
            ],
        );
        let second = second_server(db);
        first.register("host").await;
        let host = first.token("host").await;
        let names: Vec<String> = (0..users).map(|i| format!("{prefix}{i:03}")).collect();
        join_all(names.iter().map(|name| first.register(name))).await;
        let tokens = join_all(names.iter().map(|name| second.token(name))).await;
        Self {
            first,
            second,
            host,
            names,
            tokens,
        }
    }
}

/// The seated and the waiting (username, position) of the event, from the store.
fn split(db: &TestDb, event: EventId) -> (Vec<String>, Vec<(String, u32)>) {
    let all =
        store::attendances::list_for_event(&mut db.conn(), event, &AttendanceQuery::default())
            .expect("attendances");
    let seated = all
        .iter()
        .filter(|a| {
            a.attendance.status == AttendanceStatus::Going
                && a.attendance.waitlist_position.is_none()
        })
        .map(|a| a.user.username.to_string())
        .collect();
    let mut waiting: Vec<(String, u32)> = all
        .iter()
        .filter_map(|a| {
            a.attendance
                .waitlist_position
                .map(|p| (a.user.username.to_string(), p))
        })
        .collect();
    waiting.sort_by_key(|(_, position)| *position);
    (seated, waiting)
}

/// The invariants after every step: seats taken within the capacity, the
/// queue numbered 1..=n without gaps or repeats, and no free seat while
/// someone waits (every party here is one person).
fn check_invariants(db: &TestDb, event: EventId) -> (Vec<String>, Vec<(String, u32)>) {
    let (seated, waiting) = split(db, event);
    assert!(
        seated.len() <= CAPACITY as usize,
        "overbooked: {} seated",
        seated.len()
    );
    let positions: Vec<u32> = waiting.iter().map(|(_, p)| *p).collect();
    let expected: Vec<u32> = (1..=u32::try_from(waiting.len()).expect("small")).collect();
    assert_eq!(positions, expected, "positions 1..=n, no gap, no repeat");
    if !waiting.is_empty() {
        assert_eq!(
            seated.len(),
            CAPACITY as usize,
            "a seat is free while someone waits"
        );
    }
    (seated, waiting)
}

fn two_hundred_answers_at_once_fill_fifty_seats_exactly(db: &TestDb) {
    run(async {
        let TwoServers {
            first,
            second,
            host,
            names,
            tokens,
        } = TwoServers::with_users(db, "fan", USERS).await;

        for round in 0..ROUNDS {
            let event = event_with(&first, &host, json!({ "capacity": CAPACITY })).await;
            let event_id: EventId = event.parse().expect("uuid");
            // Everyone at once, alternating between the two servers.
            let going = tokens.iter().enumerate().map(|(i, token)| {
                let app = if i % 2 == 0 { &first } else { &second };
                answer(app, &event, token, json!({ "status": "Going" }))
            });
            let replies = join_all(going).await;
            assert!(
                replies.iter().all(|(status, _)| *status == 200),
                "round {round}: every answer taken"
            );
            let seated_replies = replies
                .iter()
                .filter(|(_, body)| body["waitlist_position"].is_null())
                .count();
            assert_eq!(
                seated_replies, CAPACITY as usize,
                "round {round}: answers saying 'seated'"
            );
            let (seated, waiting) = check_invariants(db, event_id);
            assert_eq!(
                (seated.len(), waiting.len()),
                (CAPACITY as usize, USERS - CAPACITY as usize)
            );

            // Thirty seated attendees leave at once; the head thirty take their seats, in order.
            let leavers: Vec<&String> = seated.iter().take(LEAVING).collect();
            let heads: Vec<String> = waiting
                .iter()
                .take(LEAVING)
                .map(|(name, _)| name.clone())
                .collect();
            let rest: Vec<String> = waiting
                .iter()
                .skip(LEAVING)
                .map(|(name, _)| name.clone())
                .collect();
            let leaving = leavers.iter().enumerate().map(|(i, name)| {
                let index = names.iter().position(|n| n == *name).expect("known");
                let app = if i % 2 == 0 { &second } else { &first };
                answer(
                    app,
                    &event,
                    &tokens[index],
                    json!({ "status": "Not Going" }),
                )
            });
            let left = join_all(leaving).await;
            assert!(
                left.iter().all(|(status, _)| *status == 200),
                "round {round}: every leaver answered"
            );
            let (seated_now, waiting_now) = check_invariants(db, event_id);
            for head in &heads {
                assert!(
                    seated_now.contains(head),
                    "round {round}: {head} was at the head and is seated"
                );
            }
            let still_waiting: Vec<String> =
                waiting_now.iter().map(|(name, _)| name.clone()).collect();
            assert_eq!(
                still_waiting, rest,
                "round {round}: the rest keep their order, renumbered"
            );
            let detail = first.get(&format!("/api/events/{event}/")).await.json();
            assert_eq!(
                detail["seats"],
                json!({ "capacity": CAPACITY, "taken": CAPACITY, "left": 0 })
            );
            assert_eq!(
                detail["counts"]["waitlisted"],
                USERS - CAPACITY as usize - LEAVING
            );
            assert_eq!(detail["counts"]["not_going"], LEAVING);
        }
    });
}

/// Going answers from `tokens`, alternating between the two servers.
fn answers_from<'a>(
    first: &'a TestApp,
    second: &'a TestApp,
    event: &'a str,
    tokens: &'a [String],
) -> Vec<impl std::future::Future<Output = (u16, serde_json::Value)> + 'a> {
    tokens
        .iter()
        .enumerate()
        .map(move |(i, token)| {
            let app = if i % 2 == 0 { first } else { second };
            answer(app, event, token, json!({ "status": "Going" }))
        })
        .collect()
}

/// Answers to an event without a capacity take the fast path (a shared hold
/// on the event); a capacity set while they arrive must still count every
/// seat given before it, and seat nobody past it afterwards.
fn a_capacity_set_while_answers_arrive_is_never_passed(db: &TestDb) {
    const FANS: usize = 100;
    const LIMIT: usize = 30;
    run(async {
        let TwoServers {
            first,
            second,
            host,
            tokens,
            ..
        } = TwoServers::with_users(db, "late", FANS).await;
        for round in 0..ROUNDS {
            let event = event_with(&first, &host, json!({})).await;
            let event_id: EventId = event.parse().expect("uuid");
            let (early, late) = tokens.split_at(FANS / 3);
            let patch = async {
                let reply = second
                    .request("PATCH", &format!("/api/events/{event}/"))
                    .bearer(&host)
                    .json(&json!({ "capacity": LIMIT }))
                    .await;
                assert_eq!(reply.status, 200, "{}", reply.text());
                reply.json()["seats"]["taken"].as_u64().expect("taken")
            };
            let (early_replies, (taken_then, late_replies)) = futures_util::future::join(
                join_all(answers_from(&first, &second, &event, early)),
                futures_util::future::join(
                    patch,
                    join_all(answers_from(&first, &second, &event, late)),
                ),
            )
            .await;
            assert!(
                early_replies
                    .iter()
                    .chain(&late_replies)
                    .all(|(status, _)| *status == 200),
                "round {round}: every answer taken"
            );
            let (seated, waiting) = split(db, event_id);
            let expected = usize::try_from(taken_then).expect("small").max(LIMIT);
            assert_eq!(
                seated.len(),
                expected,
                "round {round}: {taken_then} seated when the capacity came, nobody seated past it"
            );
            assert_eq!(
                seated.len() + waiting.len(),
                FANS,
                "round {round}: everyone seated or waiting"
            );
            let positions: Vec<u32> = waiting.iter().map(|(_, p)| *p).collect();
            let numbered: Vec<u32> = (1..=u32::try_from(waiting.len()).expect("small")).collect();
            assert_eq!(positions, numbered, "round {round}: the queue without gaps");
        }
    });
}

store::backend_tests!(
    two_hundred_answers_at_once_fill_fifty_seats_exactly,
    a_capacity_set_while_answers_arrive_is_never_passed,
);
