//! The steps of the crate's documented example (README.md, a doctest on
//! SQLite), through the same public functions, on both databases.

use chrono::NaiveDate;
use domain::{AttendanceStatus, EventName, EventPlan, Guests, Username};
use store::events::{EventFilter, EventQuery, NewEvent};
use store::rsvp::Answer;
use store::testing::TestDb;
use store::users::NewUser;

fn the_documented_steps_work(db: &TestDb) {
    let mut conn = db.conn();
    let username = Username::parse("alice").expect("a username");
    let alice = store::users::create(
        &mut conn,
        &NewUser {
            username: &username,
            email: None,
            first_name: "Alice",
            last_name: "",
            password_hash: "!",
            is_staff: false,
            is_superuser: false,
            is_active: true,
            date_joined: store::now(),
        },
    )
    .expect("create the user");
    let meetup = store::events::create(
        &mut conn,
        &NewEvent {
            name: EventName::parse("Rust meetup").expect("a name"),
            date: NaiveDate::from_ymd_opt(2030, 5, 4).expect("a date"),
            organizer_id: Some(alice.id),
            plan: EventPlan::default(),
        },
    )
    .expect("create the event");
    let going = Answer {
        status: AttendanceStatus::Going,
        guests: Guests::default(),
    };
    let outcome = store::rsvp::answer(&mut conn, meetup.id, alice.id, going, |_, _| None)
        .expect("answer Going");
    assert_eq!(outcome.attendance.status, AttendanceStatus::Going);
    let query = EventQuery {
        filter: EventFilter {
            search: Some("meetup".to_owned()),
            ..EventFilter::default()
        },
        ..EventQuery::default()
    };
    let found = store::events::list(&mut conn, &query).expect("list");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].organizer.as_ref().map(|o| o.id), Some(alice.id));
    let detail = store::events::get_detail(&mut conn, meetup.id).expect("detail");
    assert_eq!(detail.counts.going, 1);
}

store::backend_tests!(the_documented_steps_work);
