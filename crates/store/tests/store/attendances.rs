//! The attendances repository.

use std::sync::{Arc, Barrier};

use domain::{Attendance, AttendanceStatus, EventId, Guests};
use store::attendances::AttendanceQuery;
use store::rsvp::Answer;
use store::testing::TestDb;
use store::StoreError;

use super::fixtures::{count_queries, event, user};

fn upsert_creates_then_updates_one_row(db: &TestDb) {
    let mut conn = db.conn();
    let guest = user(&mut conn, "guest");
    let party = event(&mut conn, "Party", "2030-01-01", None);

    let first = store::attendances::upsert(&mut conn, guest.id, party.id, AttendanceStatus::Maybe)
        .expect("first answer");
    assert_eq!(
        (first.user_id, first.event_id, first.status),
        (guest.id, party.id, AttendanceStatus::Maybe)
    );

    let second = store::attendances::upsert(&mut conn, guest.id, party.id, AttendanceStatus::Going)
        .expect("changed answer");
    assert_eq!(second.status, AttendanceStatus::Going);
    assert_eq!(
        second.created_at, first.created_at,
        "the same row was updated"
    );
    assert!(second.updated_at >= first.updated_at);

    assert_eq!(
        store::attendances::get(&mut conn, guest.id, party.id).expect("get"),
        second
    );
    assert_eq!(
        store::attendances::count_for_event(&mut conn, party.id, None).expect("count"),
        1
    );
}

fn upsert_for_unknown_event_is_refused(db: &TestDb) {
    let mut conn = db.conn();
    let guest = user(&mut conn, "guest");
    let result = store::attendances::upsert(
        &mut conn,
        guest.id,
        EventId::new_random(),
        AttendanceStatus::Going,
    );
    assert!(
        matches!(result, Err(StoreError::Conflict(_))),
        "got {result:?}"
    );
}

fn list_filters_by_status_and_pages(db: &TestDb) {
    let mut conn = db.conn();
    let party = event(&mut conn, "Party", "2030-01-01", None);
    let other = event(&mut conn, "Other", "2030-01-02", None);
    let statuses = [
        AttendanceStatus::Going,
        AttendanceStatus::Maybe,
        AttendanceStatus::Going,
        AttendanceStatus::NotGoing,
        AttendanceStatus::Going,
    ];
    let guests: Vec<_> = (0..statuses.len())
        .map(|i| user(&mut conn, &format!("g{i}")))
        .collect();
    for (guest, status) in guests.iter().zip(statuses) {
        store::attendances::upsert(&mut conn, guest.id, party.id, status).expect("rsvp");
        store::attendances::upsert(&mut conn, guest.id, other.id, AttendanceStatus::Maybe)
            .expect("rsvp");
    }

    let all = store::attendances::list_for_event(&mut conn, party.id, &AttendanceQuery::default())
        .expect("all");
    let users: Vec<_> = all.iter().map(|a| a.user.id).collect();
    assert_eq!(
        users,
        guests.iter().map(|g| g.id).collect::<Vec<_>>(),
        "oldest answer first"
    );
    assert!(all.iter().all(|a| a.attendance.event_id == party.id));

    let going = AttendanceQuery {
        status: Some(AttendanceStatus::Going),
        ..AttendanceQuery::default()
    };
    let going_rows =
        store::attendances::list_for_event(&mut conn, party.id, &going).expect("going");
    assert_eq!(
        going_rows.iter().map(|a| a.user.id).collect::<Vec<_>>(),
        vec![guests[0].id, guests[2].id, guests[4].id]
    );
    assert_eq!(
        store::attendances::count_for_event(&mut conn, party.id, Some(AttendanceStatus::Going))
            .expect("count"),
        3
    );

    let page = AttendanceQuery {
        status: Some(AttendanceStatus::Going),
        limit: Some(1),
        offset: 1,
        ..AttendanceQuery::default()
    };
    let page_rows = store::attendances::list_for_event(&mut conn, party.id, &page).expect("page");
    assert_eq!(
        page_rows.iter().map(|a| a.user.id).collect::<Vec<_>>(),
        vec![guests[2].id]
    );
}

fn concurrent_upserts_leave_one_row_with_a_written_status(db: &TestDb) {
    const THREADS: usize = 16;
    let (guest, party) = {
        let mut conn = db.conn();
        (
            user(&mut conn, "eager"),
            event(&mut conn, "Hot", "2030-01-01", None),
        )
    };
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let pool = db.pool().clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || -> Result<Attendance, StoreError> {
                let mut conn = pool.get()?;
                barrier.wait();
                store::attendances::upsert(
                    &mut conn,
                    guest.id,
                    party.id,
                    AttendanceStatus::ALL[i % 3],
                )
            })
        })
        .collect();
    let written: Vec<Attendance> = handles
        .into_iter()
        .map(|h| {
            h.join()
                .expect("thread finished")
                .expect("upsert succeeded")
        })
        .collect();

    let mut conn = db.conn();
    assert_eq!(
        store::attendances::count_for_event(&mut conn, party.id, None).expect("count"),
        1
    );
    let stored = store::attendances::get(&mut conn, guest.id, party.id).expect("stored row");
    // The row holds one whole write (the last to commit), never a mix of two.
    assert!(
        written.contains(&stored),
        "stored {stored:?} is not one of the writes"
    );
    // The row was created once; every other write updated it.
    assert!(written.iter().all(|w| w.created_at == stored.created_at));
}

/// An answer reads its event once: without seat rules to apply it is the
/// transaction, the event read under its lock, and the upsert; a second
/// answer updates the same row.
fn an_answer_reads_its_event_once(db: &TestDb) {
    let mut conn = db.conn();
    let guest = user(&mut conn, "guest");
    let party = event(&mut conn, "Party", "2030-01-01", None);
    let answer = |status| Answer {
        status,
        guests: Guests::default(),
    };
    let (first, queries) = count_queries(&mut conn, |conn| {
        store::rsvp::answer(
            conn,
            party.id,
            guest.id,
            answer(AttendanceStatus::Going),
            |_, _| None,
        )
    });
    let first = first.expect("answered");
    assert_eq!(first.attendance.status, AttendanceStatus::Going);
    assert_eq!(first.promoted, 0);
    assert_eq!(queries, 4, "BEGIN, the event, the upsert, COMMIT");
    let second = store::rsvp::answer(
        &mut conn,
        party.id,
        guest.id,
        answer(AttendanceStatus::Maybe),
        |_, _| None,
    )
    .expect("answered again");
    assert_eq!(second.attendance.created_at, first.attendance.created_at);
    let stored = store::attendances::get(&mut conn, guest.id, party.id).expect("stored");
    assert_eq!(stored.status, AttendanceStatus::Maybe);
    assert_eq!(
        store::attendances::count_for_event(&mut conn, party.id, None).expect("count"),
        1
    );
}

store::backend_tests!(
    an_answer_reads_its_event_once,
    upsert_creates_then_updates_one_row,
    upsert_for_unknown_event_is_refused,
    list_filters_by_status_and_pages,
    concurrent_upserts_leave_one_row_with_a_written_status,
);
