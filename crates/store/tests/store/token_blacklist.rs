//! The refresh-token blacklist.

use chrono::Duration;
use store::testing::TestDb;
use store::StoreError;

use super::fixtures::user;

fn blacklisted_ids_are_remembered_once(db: &TestDb) {
    let mut conn = db.conn();
    let alice = user(&mut conn, "alice");
    let expires = store::now() + Duration::days(1);
    assert!(!store::token_blacklist::contains(&mut conn, "jti-1").expect("lookup"));
    store::token_blacklist::add(&mut conn, "jti-1", alice.id, expires).expect("add");
    assert!(store::token_blacklist::contains(&mut conn, "jti-1").expect("lookup"));
    assert!(!store::token_blacklist::contains(&mut conn, "jti-2").expect("lookup"));
    let again = store::token_blacklist::add(&mut conn, "jti-1", alice.id, expires);
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "got {again:?}"
    );
}

fn expired_entries_are_purged(db: &TestDb) {
    let mut conn = db.conn();
    let alice = user(&mut conn, "alice");
    let now = store::now();
    store::token_blacklist::add(&mut conn, "old", alice.id, now - Duration::hours(1)).expect("add");
    store::token_blacklist::add(&mut conn, "fresh", alice.id, now + Duration::hours(1))
        .expect("add");
    assert_eq!(
        store::token_blacklist::purge_expired(&mut conn, now).expect("purge"),
        1
    );
    assert!(!store::token_blacklist::contains(&mut conn, "old").expect("lookup"));
    assert!(store::token_blacklist::contains(&mut conn, "fresh").expect("lookup"));
}

store::backend_tests!(
    blacklisted_ids_are_remembered_once,
    expired_entries_are_purged
);
