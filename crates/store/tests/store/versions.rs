//! The data version grows with every change a response shows, and only then.

use domain::{AttendanceStatus, Email};
use store::testing::TestDb;
use store::users::UserChanges;
use store::DbConnection;

use crate::fixtures::{event, user};

/// Runs `change` and says whether the data version moved.
fn moves(conn: &mut DbConnection, change: impl FnOnce(&mut DbConnection)) -> bool {
    let before = store::versions::current(conn).expect("version");
    change(conn);
    let after = store::versions::current(conn).expect("version");
    assert!(
        after >= before,
        "the version went back: {before} -> {after}"
    );
    after > before
}

fn every_shown_change_moves_the_version(db: &TestDb) {
    let mut conn = db.conn();
    let conn = &mut conn;
    let alice = user(conn, "alice");
    let bob = user(conn, "bob");
    let mut party = None;
    assert!(moves(conn, |c| party =
        Some(event(c, "Party", "2030-01-01", Some(alice.id)))));
    let party = party.expect("created");
    let changes = store::events::EventChanges {
        name: Some(domain::EventName::parse("Bigger party").expect("valid")),
        ..Default::default()
    };
    assert!(moves(conn, |c| {
        store::events::update(c, party.id, &changes).expect("update");
    }));
    assert!(moves(conn, |c| {
        store::attendances::upsert(c, bob.id, party.id, AttendanceStatus::Going).expect("answer");
    }));
    assert!(moves(conn, |c| {
        store::attendances::upsert(c, bob.id, party.id, AttendanceStatus::Maybe).expect("answer");
    }));
    let address = UserChanges {
        email: Some(Some(Email::parse("bob@example.org").expect("valid"))),
        ..Default::default()
    };
    assert!(moves(conn, |c| {
        store::users::update(c, bob.id, &address).expect("update");
    }));
    assert!(moves(conn, |c| store::users::delete(c, bob.id).expect("delete")));
    assert!(moves(conn, |c| store::events::delete(c, party.id)
        .expect("delete")));

    // Nothing a response shows: the version stays.
    let name_only = UserChanges {
        first_name: Some("Alice".to_owned()),
        ..Default::default()
    };
    assert!(!moves(conn, |c| {
        store::users::update(c, alice.id, &name_only).expect("update");
        store::users::record_login(c, alice.id, store::now()).expect("login");
    }));
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
    let version = store::versions::current(conn).expect("version");
    let counts = store::count_cache::CountCache::new();

    let detail = store::events::get_detail_versioned(conn, party.id).expect("detail");
    assert_eq!(detail.version, version);
    assert_eq!(
        detail.value,
        store::events::get_detail(conn, party.id).expect("detail")
    );
    let page = |limit, offset| store::events::EventQuery {
        limit: Some(limit),
        offset,
        ..Default::default()
    };
    // A page with rows carries the version and total; a page past the end
    // has none to carry them, and an ordering other than by date reads them apart.
    let by_name = store::events::EventQuery {
        ordering: vec![store::events::EventOrder::ascending(
            store::events::EventSortField::Name,
        )],
        ..page(1, 0)
    };
    for query in [page(1, 0), page(1, 1), page(5, 2), by_name] {
        let read = store::events::list_page_versioned(conn, &query, &counts).expect("page");
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
    let after = store::events::list_page_versioned(conn, &page(1, 0), &counts).expect("page");
    assert!(after.version > version);
    assert_eq!(after.value.total, 1);
}

fn kept_counts_follow_every_write(db: &TestDb) {
    // Two connections: the count is kept per database, not per connection.
    let (mut first, mut second) = (db.conn(), db.conn());
    let alice = user(&mut first, "alice");
    let counts = store::count_cache::CountCache::new();
    let search = |term: &str| store::events::EventQuery {
        filter: store::events::EventFilter {
            search: Some(term.to_owned()),
            ..Default::default()
        },
        limit: Some(10),
        ..Default::default()
    };
    let total = |conn: &mut DbConnection, term: &str| {
        let read = store::events::list_page_versioned(conn, &search(term), &counts).expect("page");
        assert_eq!(read.value.events.len() as i64, read.value.total.min(10));
        read.value.total
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
    kept_counts_follow_every_write,
    every_shown_change_moves_the_version,
    the_events_total_is_kept_across_connections,
    versioned_reads_carry_the_current_version_and_the_same_data
);
