//! One-line builders for rows the tests need.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::NaiveDate;
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::Connection;
use domain::{Email, Event, EventName, User, UserId, Username};
use store::events::NewEvent;
use store::users::NewUser;
use store::DbConnection;

/// Creates an active, non-staff user named `name` with address `name@example.com`.
pub fn user(conn: &mut DbConnection, name: &str) -> User {
    let username = Username::parse(name).expect("valid username");
    let email = Email::parse(&format!("{name}@example.com")).expect("valid email");
    store::users::create(
        conn,
        &NewUser {
            username: &username,
            email: Some(&email),
            first_name: "",
            last_name: "",
            password_hash: "$2b$04$notarealhashnotarealhashnotarealhashnotarealhashnot",
            is_staff: false,
            is_superuser: false,
            is_active: true,
            date_joined: store::now(),
        },
    )
    .expect("create user")
}

/// Creates an event on `date` (`YYYY-MM-DD`) organized by `organizer`.
pub fn event(conn: &mut DbConnection, name: &str, date: &str, organizer: Option<UserId>) -> Event {
    store::events::create(
        conn,
        &NewEvent {
            name: EventName::parse(name).expect("valid name"),
            date: day(date),
            organizer_id: organizer,
            plan: Default::default(),
        },
    )
    .expect("create event")
}

/// Parses `YYYY-MM-DD`.
pub fn day(date: &str) -> NaiveDate {
    domain::parse_date(date).expect("valid date")
}

/// Counts the queries `conn` runs while `work` runs.
pub fn count_queries<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> T,
) -> (T, usize) {
    let counter = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&counter);
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    let result = work(conn);
    conn.set_instrumentation(None::<Box<dyn Instrumentation>>);
    (result, counter.load(Ordering::SeqCst))
}
