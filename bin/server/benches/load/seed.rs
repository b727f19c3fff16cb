//! Seeds a database directly through the store crate.

use domain::{AttendanceStatus, Email, EventId, EventName, UserId, Username};
use store::events::NewEvent;
use store::testing::TestDb;
use store::users::NewUser;

/// Words event names are made of; `jazz` is what the search scenario looks for.
pub const WORDS: [&str; 10] = [
    "Rust", "Python", "Go", "Jazz", "Yoga", "Chess", "Film", "Book", "Hike", "Wine",
];

/// What the scenarios need to know about the seeded data.
pub struct Seeded {
    /// The user the write scenarios act as.
    pub user: UserId,
    /// Every seeded user, `user` first.
    pub users: Vec<UserId>,
    /// An event with about ten attendances (the detail scenario).
    pub detail_event: EventId,
    /// Every seeded event, `detail_event` first.
    pub events: Vec<EventId>,
}

/// Creates `users` users, `events` events and about `attendances` attendances.
pub fn seed(db: &TestDb, users: usize, events: usize, attendances: usize) -> Seeded {
    let mut conn = db.conn();
    let hash = auth::hash_password("bench-password-1", 4).expect("hash");
    let now = store::now();
    let user_ids: Vec<UserId> = store::write_transaction(&mut conn, |conn| {
        (0..users.max(1))
            .map(|i| {
                let username = Username::parse(&format!("user{i}")).expect("valid");
                let email = Email::parse(&format!("user{i}@example.com")).expect("valid");
                let new = NewUser {
                    username: &username,
                    email: Some(&email),
                    first_name: "",
                    last_name: "",
                    password_hash: &hash,
                    is_staff: false,
                    is_superuser: false,
                    is_active: true,
                    date_joined: now,
                };
                store::users::create(conn, &new).map(|u| u.id)
            })
            .collect::<store::StoreResult<Vec<_>>>()
    })
    .expect("seed users");

    let start = domain::parse_date("2030-01-01").expect("valid");
    let new_events: Vec<NewEvent> = (0..events.max(1))
        .map(|i| NewEvent {
            name: EventName::parse(&format!("{} meetup {i}", WORDS[i % WORDS.len()]))
                .expect("valid"),
            date: start + chrono::Days::new((i * 7919 % 1096) as u64),
            organizer_id: Some(user_ids[i % user_ids.len()]),
            plan: Default::default(),
        })
        .collect();
    let event_ids = store::write_transaction(&mut conn, |conn| {
        store::events::create_many(conn, &new_events)
    })
    .expect("seed events");

    // The detail event gets ten answers; the rest are spread over the others.
    let statuses = AttendanceStatus::ALL;
    let mut answers = Vec::with_capacity(attendances);
    let detail_event = event_ids[0];
    for u in 0..10.min(user_ids.len()) {
        answers.push((user_ids[u], detail_event, statuses[u % 3]));
    }
    let per_event = user_ids.len().min(
        attendances.saturating_sub(answers.len()) / event_ids.len().saturating_sub(1).max(1) + 1,
    );
    'outer: for (e, event) in event_ids.iter().enumerate().skip(1) {
        for k in 0..per_event {
            if answers.len() >= attendances {
                break 'outer;
            }
            answers.push((
                user_ids[(e + k) % user_ids.len()],
                *event,
                statuses[(e + k) % 3],
            ));
        }
    }
    store::write_transaction(&mut conn, |conn| {
        store::attendances::create_many(conn, &answers)
    })
    .expect("seed attendances");
    // The planner's statistics, as a deployment has them once autovacuum
    // (PostgreSQL) or an ANALYZE (SQLite) has seen the data.
    store::maintenance::analyze(&mut conn).expect("analyze the seeded tables");
    Seeded {
        user: user_ids[0],
        users: user_ids,
        detail_event,
        events: event_ids,
    }
}
