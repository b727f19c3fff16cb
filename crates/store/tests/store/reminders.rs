//! Reminders written by many scanners at once: one per attendee and start.

use std::sync::{Arc, Barrier};

use chrono::Duration;
use domain::{AttendanceStatus, EventId, Schedule};
use store::events::EventChanges;
use store::outbox::NewMessage;
use store::testing::TestDb;
use store::StoreError;

use crate::fixtures::{event, user};

fn reminder(event: &domain::Event, user: &domain::User) -> Option<NewMessage> {
    Some(NewMessage {
        recipient: user.email.as_ref()?.to_string(),
        subject: format!("Reminder: {}", event.name),
        body: String::new(),
    })
}

/// Starts the event at `start`, as the API would.
fn start_at(db: &TestDb, id: EventId, start: chrono::DateTime<chrono::Utc>) {
    let mut conn = db.conn();
    let mut plan = store::events::get(&mut conn, id).expect("event").plan;
    plan.schedule = Schedule::new(Some(start), None).expect("valid");
    let changes = EventChanges {
        date: Some(start.date_naive()),
        plan: Some(plan),
        ..EventChanges::default()
    };
    store::events::update(&mut conn, id, &changes).expect("update");
}

/// Runs `schedule` from `SCANNERS` threads released together; returns how
/// many reminders they say they wrote.
fn scan_at_once(db: &TestDb) -> usize {
    const SCANNERS: usize = 6;
    let barrier = Arc::new(Barrier::new(SCANNERS));
    let handles: Vec<_> = (0..SCANNERS)
        .map(|_| {
            let pool = db.pool().clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || -> Result<usize, StoreError> {
                let mut conn = pool.get()?;
                barrier.wait();
                store::reminders::schedule(&mut conn, store::now(), Duration::hours(1), reminder)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("thread").expect("scan succeeds"))
        .sum()
}

fn reminders(db: &TestDb) -> Vec<String> {
    let mut conn = db.conn();
    let mut to: Vec<String> = store::outbox::list(&mut conn, None, 1000, 0)
        .expect("outbox")
        .into_iter()
        .filter(|m| m.subject.starts_with("Reminder: "))
        .map(|m| m.recipient)
        .collect();
    to.sort();
    to
}

fn concurrent_scans_write_one_reminder_per_attendee_and_start(db: &TestDb) {
    const ATTENDEES: usize = 12;
    let (soon, later) = {
        let mut conn = db.conn();
        let host = user(&mut conn, "host");
        let soon = event(&mut conn, "Soon", "2030-01-01", Some(host.id));
        let later = event(&mut conn, "Later", "2030-01-01", Some(host.id));
        // Going, but wants no notices: never reminded.
        let quiet = user(&mut conn, "quiet");
        let off = store::users::UserChanges {
            email_notifications: Some(false),
            ..Default::default()
        };
        store::users::update(&mut conn, quiet.id, &off).expect("opt out");
        store::attendances::upsert(&mut conn, quiet.id, soon.id, AttendanceStatus::Going)
            .expect("answer");
        for n in 0..ATTENDEES {
            let guest = user(&mut conn, &format!("guest{n:02}"));
            let status = if n % 4 == 3 {
                AttendanceStatus::Maybe
            } else {
                AttendanceStatus::Going
            };
            store::attendances::upsert(&mut conn, guest.id, soon.id, status).expect("answer");
            store::attendances::upsert(&mut conn, guest.id, later.id, status).expect("answer");
        }
        (soon.id, later.id)
    };
    let now = store::now();
    start_at(db, soon, now + Duration::minutes(30));
    start_at(db, later, now + Duration::hours(5));
    let going: Vec<String> = (0..ATTENDEES)
        .filter(|n| n % 4 != 3)
        .map(|n| format!("guest{n:02}@example.com"))
        .collect();

    assert_eq!(
        scan_at_once(db),
        going.len(),
        "the scanners agree on the count"
    );
    assert_eq!(
        reminders(db),
        going,
        "one each, for the event due; none for Maybe"
    );
    assert_eq!(scan_at_once(db), 0, "nothing more for the same start");

    // Moved: reminded again, once.
    start_at(db, soon, now + Duration::minutes(40));
    assert_eq!(scan_at_once(db), going.len());
    let twice: Vec<String> = going.iter().flat_map(|a| [a.clone(), a.clone()]).collect();
    assert_eq!(reminders(db), twice);
}

store::backend_tests!(concurrent_scans_write_one_reminder_per_attendee_and_start);
