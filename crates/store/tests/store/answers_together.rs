//! Answers through the pool that arrive together: on PostgreSQL the ones
//! queued behind a running statement are taken in one statement (one
//! transaction), on SQLite in one shared commit. Each caller still gets
//! what its own answer would have got, answers to one row keep their
//! order, and one answer's failure is its alone.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use domain::{
    AttendanceStatus, Capacity, Event, EventId, EventName, EventPlan, Guests, RsvpRefusal, UserId,
};
use store::events::NewEvent;
use store::rsvp::{Answer, Outcome, RsvpError};
use store::testing::TestDb;
use store::{Backend, DbPool, StoreError};

use crate::fixtures::{day, event, user};

type Answered = JoinHandle<Result<Outcome, RsvpError>>;

/// How long the held event keeps the first answer waiting: long enough for
/// the answers started meanwhile to queue behind it.
const HOLD: Duration = Duration::from_millis(400);

fn answer(status: AttendanceStatus) -> Answer {
    Answer {
        status,
        guests: Guests::default(),
    }
}

/// Answers on a thread of its own, through the pool.
fn answer_later(pool: &DbPool, event: EventId, user: UserId, status: AttendanceStatus) -> Answered {
    let mut pool = pool.clone();
    thread::spawn(move || store::rsvp::answer(&mut pool, event, user, answer(status), |_, _| None))
}

/// Holds `event` for [`HOLD`] the way a change to it would (`FOR UPDATE`
/// on PostgreSQL; SQLite's one writer lock), and returns once it is held.
fn hold(pool: &DbPool, event: EventId) -> JoinHandle<Result<(), StoreError>> {
    let (held, started) = mpsc::channel();
    let pool = pool.clone();
    let holder = thread::spawn(move || {
        pool.write(move |conn| {
            store::seats::lock_event(conn, event)?;
            held.send(()).expect("the test waits");
            thread::sleep(HOLD);
            Ok(())
        })
    });
    started.recv().expect("the event is held");
    holder
}

fn new_event(db: &TestDb, name: &str, plan: EventPlan) -> Event {
    store::events::create(
        &mut db.conn(),
        &NewEvent {
            name: EventName::parse(name).expect("valid name"),
            date: day("2030-01-01"),
            organizer_id: None,
            plan,
        },
    )
    .expect("create event")
}

fn outcome(handle: Answered) -> Result<Outcome, RsvpError> {
    handle.join().expect("the answering thread finished")
}

#[derive(QueryableByName)]
struct Xmin {
    #[diesel(sql_type = Text)]
    xmin: String,
}

/// PostgreSQL: the transactions that last wrote the users' rows for the event.
fn writing_transactions(db: &TestDb, event: EventId, users: &[UserId]) -> BTreeSet<String> {
    let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
    let mut conn = db.conn();
    let store::DbConnection::Pg(pg) = &mut **conn else {
        panic!("PostgreSQL only");
    };
    diesel::sql_query(
        "SELECT xmin::text AS xmin FROM attendances \
         WHERE event_id = $1::text::uuid AND user_id = ANY($2)",
    )
    .bind::<Text, _>(event.0.to_string())
    .bind::<diesel::sql_types::Array<BigInt>, _>(ids)
    .load::<Xmin>(pg)
    .expect("xmin")
    .into_iter()
    .map(|row| row.xmin)
    .collect()
}

/// Answers queued behind a held event: each caller gets its own answer
/// back; identical answers to one row share it; a different answer to a
/// row already taken comes after it; answers the event's rules must decide
/// (a capacity, a cancellation) are decided in the batch by the same rules.
fn answers_that_arrive_together_each_get_their_own_outcome(db: &TestDb) {
    let pool = db.pool().clone();
    let party = new_event(db, "Party", EventPlan::default());
    let seated = new_event(
        db,
        "Seated",
        EventPlan {
            capacity: Some(Capacity::new(1).expect("capacity")),
            ..EventPlan::default()
        },
    );
    let called_off = new_event(
        db,
        "Called off",
        EventPlan {
            cancelled: true,
            ..EventPlan::default()
        },
    );
    let mut conn = db.conn();
    let first = user(&mut conn, "first");
    let hot = user(&mut conn, "hot");
    let changing = user(&mut conn, "changing");
    let guests: Vec<_> = (0..12)
        .map(|i| user(&mut conn, &format!("guest{i}")))
        .collect();
    drop(conn);

    let holder = hold(&pool, party.id);
    // The first answer waits for the held event; the rest queue behind it.
    let first_answer = answer_later(&pool, party.id, first.id, AttendanceStatus::Going);
    thread::sleep(Duration::from_millis(100));
    let statuses = AttendanceStatus::ALL;
    let by_guest: Vec<Answered> = guests
        .iter()
        .enumerate()
        .map(|(i, g)| answer_later(&pool, party.id, g.id, statuses[i % 3]))
        .collect();
    let hot_answers: Vec<Answered> = (0..3)
        .map(|_| answer_later(&pool, party.id, hot.id, AttendanceStatus::Maybe))
        .collect();
    let changed_first = answer_later(&pool, party.id, changing.id, AttendanceStatus::Going);
    thread::sleep(Duration::from_millis(20));
    let changed_then = answer_later(&pool, party.id, changing.id, AttendanceStatus::NotGoing);
    let to_seated = answer_later(&pool, seated.id, first.id, AttendanceStatus::Going);
    let to_called_off = answer_later(&pool, called_off.id, first.id, AttendanceStatus::Going);
    holder
        .join()
        .expect("holder finished")
        .expect("holder committed");

    let first_outcome = outcome(first_answer).expect("first answer");
    assert_eq!(first_outcome.attendance.status, AttendanceStatus::Going);
    for (i, handle) in by_guest.into_iter().enumerate() {
        let taken = outcome(handle).expect("guest answer");
        assert_eq!(taken.attendance.user_id, guests[i].id);
        assert_eq!(taken.attendance.status, statuses[i % 3], "guest{i}");
    }
    let hot_rows: Vec<_> = hot_answers
        .into_iter()
        .map(|h| outcome(h).expect("hot answer").attendance)
        .collect();
    assert!(hot_rows.iter().all(|a| a.status == AttendanceStatus::Maybe));
    let seated_outcome = outcome(to_seated).expect("seated answer");
    assert_eq!(seated_outcome.attendance.status, AttendanceStatus::Going);
    assert_eq!(seated_outcome.attendance.waitlist_position, None);
    assert!(matches!(
        outcome(to_called_off),
        Err(RsvpError::Refused(RsvpRefusal::Cancelled))
    ));
    assert_eq!(
        outcome(changed_first).expect("changing").attendance.status,
        AttendanceStatus::Going
    );
    assert_eq!(
        outcome(changed_then).expect("changed").attendance.status,
        AttendanceStatus::NotGoing
    );

    let mut conn = db.conn();
    let stored = |u: UserId, e: EventId| {
        store::attendances::get(&mut db.conn(), u, e)
            .expect("stored")
            .status
    };
    assert_eq!(stored(changing.id, party.id), AttendanceStatus::NotGoing);
    assert_eq!(stored(hot.id, party.id), AttendanceStatus::Maybe);
    assert_eq!(
        store::attendances::count_for_event(&mut conn, party.id, None).expect("count"),
        15
    );
    assert_eq!(
        store::attendances::count_for_event(&mut conn, called_off.id, None).expect("count"),
        0
    );
    if db.pool().url().backend() == Backend::Postgres {
        assert!(
            hot_rows.iter().all(|a| *a == hot_rows[0]),
            "identical answers share one stored row"
        );
        let mut queued: Vec<UserId> = guests.iter().map(|g| g.id).collect();
        queued.push(hot.id);
        assert_eq!(
            writing_transactions(db, party.id, &queued).len(),
            1,
            "the queued answers were stored by one statement"
        );
        assert_ne!(
            writing_transactions(db, party.id, &[first.id]),
            writing_transactions(db, party.id, &[hot.id]),
            "the answer that waited for the event ran on its own"
        );
    }
}

/// An answer that cannot be stored (its user was deleted) fails alone:
/// the answers queued with it are stored.
fn one_failing_answer_does_not_fail_those_queued_with_it(db: &TestDb) {
    let pool = db.pool().clone();
    let party = event(&mut db.conn(), "Party", "2030-01-01", None);
    let mut conn = db.conn();
    let first = user(&mut conn, "first");
    let gone = user(&mut conn, "gone");
    let guests: Vec<_> = (0..6)
        .map(|i| user(&mut conn, &format!("guest{i}")))
        .collect();
    store::users::delete(&mut conn, gone.id).expect("delete");
    drop(conn);

    let holder = hold(&pool, party.id);
    let first_answer = answer_later(&pool, party.id, first.id, AttendanceStatus::Going);
    thread::sleep(Duration::from_millis(100));
    let mut queued: Vec<Answered> = guests
        .iter()
        .take(3)
        .map(|g| answer_later(&pool, party.id, g.id, AttendanceStatus::Going))
        .collect();
    let to_gone = answer_later(&pool, party.id, gone.id, AttendanceStatus::Going);
    queued.extend(
        guests
            .iter()
            .skip(3)
            .map(|g| answer_later(&pool, party.id, g.id, AttendanceStatus::Maybe)),
    );
    holder
        .join()
        .expect("holder finished")
        .expect("holder committed");

    outcome(first_answer).expect("first answer");
    let refused = outcome(to_gone);
    assert!(
        matches!(
            refused,
            Err(RsvpError::Store(
                StoreError::Conflict(_) | StoreError::NotFound
            ))
        ),
        "{refused:?}"
    );
    for (i, handle) in queued.into_iter().enumerate() {
        let taken = outcome(handle).expect("queued answer");
        assert_eq!(taken.attendance.user_id, guests[i].id);
    }
    assert_eq!(
        store::attendances::count_for_event(&mut db.conn(), party.id, None).expect("count"),
        7
    );
}

store::backend_tests!(
    answers_that_arrive_together_each_get_their_own_outcome,
    one_failing_answer_does_not_fail_those_queued_with_it,
);
