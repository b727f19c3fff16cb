//! The versions grow with every change the responses they cover show, and
//! only then: an answer moves its event's, not the listings'.

use domain::{AttendanceStatus, Email, EventId};
use store::testing::TestDb;
use store::users::UserChanges;
use store::versions::{current, Scope};
use store::DbConnection;

use crate::fixtures::{event, user};

/// Runs `change` and says whether the listings' and the event's versions
/// moved.
fn moves(
    conn: &mut DbConnection,
    event: EventId,
    change: impl FnOnce(&mut DbConnection),
) -> (bool, bool) {
    let read = |conn: &mut DbConnection| {
        (
            current(conn, Scope::Listings).expect("version"),
            current(conn, Scope::Event(event)).expect("version"),
        )
    };
    let before = read(conn);
    change(conn);
    let after = read(conn);
    assert!(
        after.0 >= before.0 && after.1 >= before.1,
        "a version went back: {before:?} -> {after:?}"
    );
    (after.0 > before.0, after.1 > before.1)
}

fn every_shown_change_moves_its_versions(db: &TestDb) {
    let mut conn = db.conn();
    let conn = &mut conn;
    let alice = user(conn, "alice");
    let bob = user(conn, "bob");
    let party = event(conn, "Party", "2030-01-01", Some(alice.id));
    let other = event(conn, "Other", "2030-01-01", None);
    let changes = store::events::EventChanges {
        name: Some(domain::EventName::parse("Bigger party").expect("valid")),
        ..Default::default()
    };
    assert_eq!(
        moves(conn, party.id, |c| {
            store::events::update(c, party.id, &changes).expect("update");
        }),
        (true, true)
    );
    // An answer moves its event only.
    for status in [AttendanceStatus::Going, AttendanceStatus::Maybe] {
        assert_eq!(
            moves(conn, party.id, |c| {
                store::attendances::upsert(c, bob.id, party.id, status).expect("answer");
            }),
            (false, true)
        );
    }
    assert_eq!(
        moves(conn, other.id, |c| {
            store::attendances::upsert(c, bob.id, party.id, AttendanceStatus::Going)
                .expect("answer");
        }),
        (false, false)
    );
    // An attendee's address: shown by the event, not by the listings.
    let address = UserChanges {
        email: Some(Some(Email::parse("bob@example.org").expect("valid"))),
        ..Default::default()
    };
    assert_eq!(
        moves(conn, party.id, |c| {
            store::users::update(c, bob.id, &address).expect("update");
        }),
        (false, true)
    );
    // The organizer's address, shown by the listings and the event.
    let address = UserChanges {
        email: Some(Some(Email::parse("alice@example.org").expect("valid"))),
        ..Default::default()
    };
    assert_eq!(
        moves(conn, party.id, |c| {
            store::users::update(c, alice.id, &address).expect("update");
        }),
        (true, true)
    );
    assert_eq!(
        moves(conn, party.id, |c| store::users::delete(c, bob.id)
            .expect("delete")),
        (false, true)
    );
    // A deleted event has no version left to read; the listings move.
    let listed = current(conn, Scope::Listings).expect("version");
    store::events::delete(conn, party.id).expect("delete");
    assert!(current(conn, Scope::Listings).expect("version") > listed);

    // Nothing a response shows: the versions stay.
    let name_only = UserChanges {
        first_name: Some("Alice".to_owned()),
        ..Default::default()
    };
    assert_eq!(
        moves(conn, other.id, |c| {
            store::users::update(c, alice.id, &name_only).expect("update");
            store::users::record_login(c, alice.id, store::now()).expect("login");
        }),
        (false, false)
    );
}

fn the_events_total_is_kept_across_connections(db: &TestDb) {
    // On PostgreSQL each connection counts into the shard its backend picks.
    let (mut first, mut second) = (db.conn(), db.conn());
    let alice = user(&mut first, "alice");
    let filter = store::events::EventFilter::default();
    let made_first: Vec<_> = (0..3)
        .map(|i| event(&mut first, &format!("A{i}"), "2030-01-01", Some(alice.id)))
        .collect();
    for i in 0..2 {
        event(&mut second, &format!("B{i}"), "2030-01-02", Some(alice.id));
    }
    store::events::delete(&mut second, made_first[0].id).expect("delete");
    for conn in [&mut first, &mut second] {
        assert_eq!(store::events::count(conn, &filter).expect("count"), 4);
    }
}

fn versioned_reads_carry_the_current_version_and_the_same_data(db: &TestDb) {
    let mut conn = db.conn();
    let conn = &mut conn;
    let alice = user(conn, "alice");
    let bob = user(conn, "bob");
    let party = event(conn, "Party", "2030-01-01", Some(alice.id));
    event(conn, "Later", "2030-02-01", None);
    store::attendances::upsert(conn, bob.id, party.id, AttendanceStatus::Going).expect("answer");
    let version = current(conn, Scope::Listings).expect("version");

    let detail = store::events::get_detail_versioned(conn, party.id).expect("detail");
    assert_eq!(
        detail.version,
        current(conn, Scope::Event(party.id)).expect("version")
    );
    assert_eq!(
        detail.value,
        store::events::get_detail(conn, party.id).expect("detail")
    );
    let page = |limit, offset| store::events::EventQuery {
        limit: Some(limit),
        offset,
        ..Default::default()
    };
    // A page of every event by date with rows carries the version and
    // total; a page past the end has none to carry them, and an ordering
    // other than by date is no such page.
    let by_name = store::events::EventQuery {
        ordering: vec![store::events::EventOrder::ascending(
            store::events::EventSortField::Name,
        )],
        ..page(1, 0)
    };
    for query in [page(5, 2), by_name] {
        let read = store::events::plain_page_versioned(conn, &query).expect("page");
        assert_eq!(read, None, "{query:?}");
    }
    for query in [page(1, 0), page(1, 1)] {
        let read = store::events::plain_page_versioned(conn, &query)
            .expect("page")
            .expect("a plain page");
        assert_eq!(read.version, version, "{query:?}");
        assert_eq!(
            read.value,
            store::events::list_page(conn, &query).expect("page"),
            "{query:?}"
        );
        assert_eq!(read.value.total, 2);
    }
    assert!(matches!(
        store::events::get_detail_versioned(conn, domain::EventId::new_random()),
        Err(store::StoreError::NotFound)
    ));
    store::events::delete(conn, party.id).expect("delete");
    let after = store::events::plain_page_versioned(conn, &page(1, 0))
        .expect("page")
        .expect("a plain page");
    assert!(after.version > version);
    assert_eq!(after.value.total, 1);
}

fn search_counts_follow_every_write(db: &TestDb) {
    // Two connections: each sees the other's writes.
    let (mut first, mut second) = (db.conn(), db.conn());
    let alice = user(&mut first, "alice");
    let search = |term: &str| store::events::EventQuery {
        filter: store::events::EventFilter {
            search: Some(term.to_owned()),
            ..Default::default()
        },
        limit: Some(10),
        ..Default::default()
    };
    let total = |conn: &mut DbConnection, term: &str| {
        let read = store::events::list_page(conn, &search(term)).expect("page");
        assert_eq!(read.events.len() as i64, read.total.min(10));
        read.total
    };
    event(&mut first, "Jazz night", "2030-01-01", Some(alice.id));
    event(&mut first, "Rock night", "2030-01-02", None);
    assert_eq!(total(&mut first, "night"), 2);
    assert_eq!(total(&mut second, "night"), 2);
    assert_eq!(total(&mut first, "jazz"), 1);
    let late = event(&mut second, "Late night jazz", "2030-01-03", None);
    assert_eq!(total(&mut first, "night"), 3);
    assert_eq!(total(&mut first, "jazz"), 2);
    let renamed = store::events::EventChanges {
        name: Some(domain::EventName::parse("Late show").expect("valid")),
        ..Default::default()
    };
    store::events::update(&mut first, late.id, &renamed).expect("update");
    assert_eq!(total(&mut second, "night"), 2);
    store::events::delete(&mut second, late.id).expect("delete");
    assert_eq!(total(&mut first, "show"), 0);
    assert_eq!(total(&mut first, "jazz"), 1);
}

store::backend_tests!(
    search_counts_follow_every_write,
    every_shown_change_moves_its_versions,
    the_events_total_is_kept_across_connections,
    versioned_reads_carry_the_current_version_and_the_same_data
);
