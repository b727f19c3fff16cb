//! The events repository: create, read, update, delete.

use domain::{AttendanceStatus, EventId, EventName};
use store::events::EventChanges;
use store::testing::TestDb;
use store::StoreError;

use super::fixtures::{count_queries, day, event, user};

fn create_and_get(db: &TestDb) {
    let mut conn = db.conn();
    let organizer = user(&mut conn, "org");
    let created = event(
        &mut conn,
        "  Rust meetup ",
        "2031-05-04",
        Some(organizer.id),
    );
    assert_eq!(created.name.as_str(), "Rust meetup");
    assert_eq!(created.date, day("2031-05-04"));
    assert_eq!(created.organizer_id, Some(organizer.id));
    assert_eq!(created.id.0.get_version_num(), 4);
    assert_eq!(created.created_at, created.updated_at);
    assert_eq!(
        store::events::get(&mut conn, created.id).expect("get"),
        created
    );
}

fn unknown_event_is_not_found(db: &TestDb) {
    let mut conn = db.conn();
    let missing = EventId::new_random();
    assert!(matches!(
        store::events::get(&mut conn, missing),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store::events::get_detail(&mut conn, missing),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store::events::update(&mut conn, missing, &EventChanges::default()),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store::events::delete(&mut conn, missing),
        Err(StoreError::NotFound)
    ));
}

fn full_and_partial_updates(db: &TestDb) {
    let mut conn = db.conn();
    let created = event(&mut conn, "Draft", "2030-01-01", None);

    let renamed = store::events::update(
        &mut conn,
        created.id,
        &EventChanges {
            name: Some(EventName::parse("Final").expect("valid")),
            ..EventChanges::default()
        },
    )
    .expect("patch name");
    assert_eq!(renamed.name.as_str(), "Final");
    assert_eq!(renamed.date, created.date, "untouched field kept");
    assert!(renamed.updated_at >= created.updated_at);
    assert_eq!(renamed.created_at, created.created_at);

    let replaced = store::events::update(
        &mut conn,
        created.id,
        &EventChanges {
            name: Some(EventName::parse("Replaced").expect("valid")),
            date: Some(day("2032-12-31")),
            organizer_id: Some(None),
            plan: None,
        },
    )
    .expect("put");
    assert_eq!(
        (replaced.name.as_str(), replaced.date),
        ("Replaced", day("2032-12-31"))
    );
    assert_eq!(
        store::events::get(&mut conn, created.id).expect("get"),
        replaced
    );
}

fn delete_removes_the_event(db: &TestDb) {
    let mut conn = db.conn();
    let created = event(&mut conn, "Gone soon", "2030-01-01", None);
    store::events::delete(&mut conn, created.id).expect("delete");
    assert!(matches!(
        store::events::get(&mut conn, created.id),
        Err(StoreError::NotFound)
    ));
}

fn detail_has_organizer_and_attendances_in_two_queries(db: &TestDb) {
    let mut conn = db.conn();
    let organizer = user(&mut conn, "host");
    let created = event(&mut conn, "Party", "2030-06-01", Some(organizer.id));
    let statuses = [
        AttendanceStatus::Going,
        AttendanceStatus::Maybe,
        AttendanceStatus::NotGoing,
    ];

    let mut queries_by_size = Vec::new();
    for round in 0..12 {
        let guest = user(&mut conn, &format!("guest{round}"));
        store::attendances::upsert(&mut conn, guest.id, created.id, statuses[round % 3])
            .expect("rsvp");
        let (detail, queries) = count_queries(&mut conn, |conn| {
            store::events::get_detail(conn, created.id)
        });
        let detail = detail.expect("detail");
        assert_eq!(detail.event, created);
        assert_eq!(detail.organizer.as_ref().map(|u| u.id), Some(organizer.id));
        assert_eq!(detail.attendances.len(), round + 1);
        assert_eq!(detail.attendances[round].user.id, guest.id);
        assert_eq!(
            detail.attendances[round].attendance.status,
            statuses[round % 3]
        );
        queries_by_size.push(queries);
    }
    assert!(
        queries_by_size.iter().all(|&q| q == 2),
        "queries per detail read: {queries_by_size:?}"
    );
}

fn detail_of_event_without_organizer(db: &TestDb) {
    let mut conn = db.conn();
    let created = event(&mut conn, "Orphan", "2030-06-01", None);
    let detail = store::events::get_detail(&mut conn, created.id).expect("detail");
    assert_eq!(detail.organizer, None);
    assert!(detail.attendances.is_empty());
}

fn bulk_creation_keeps_order_and_links(db: &TestDb) {
    let mut conn = db.conn();
    let host = user(&mut conn, "host");
    let guest = user(&mut conn, "guest");
    let new: Vec<_> = (0..7)
        .map(|i| store::events::NewEvent {
            name: EventName::parse(&format!("Bulk {i}")).expect("valid"),
            date: day("2030-01-01"),
            organizer_id: Some(host.id),
            plan: Default::default(),
        })
        .collect();
    let ids = store::events::create_many(&mut conn, &new).expect("bulk events");
    assert_eq!(ids.len(), 7);
    for (id, event) in ids.iter().zip(&new) {
        assert_eq!(
            store::events::get(&mut conn, *id).expect("stored").name,
            event.name
        );
    }
    let answers = [
        (host.id, ids[0], AttendanceStatus::Going),
        (guest.id, ids[0], AttendanceStatus::Maybe),
    ];
    store::attendances::create_many(&mut conn, &answers).expect("bulk attendances");
    assert_eq!(
        store::attendances::count_for_event(&mut conn, ids[0], None).expect("count"),
        2
    );
    let again = store::attendances::create_many(&mut conn, &answers[..1]);
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "pairs stay unique"
    );
}

store::backend_tests!(
    create_and_get,
    unknown_event_is_not_found,
    full_and_partial_updates,
    delete_removes_the_event,
    detail_has_organizer_and_attendances_in_two_queries,
    detail_of_event_without_organizer,
    bulk_creation_keeps_order_and_links,
);
