//! URLs, pools and migrations.

use store::testing::TestDb;
use store::{build_pool, run_pending_migrations, DatabaseUrl, PoolOptions, StoreError};

fn migrations_are_idempotent(db: &TestDb) {
    let mut conn = db.conn();
    let again = run_pending_migrations(&mut conn).expect("second run succeeds");
    assert!(again.is_empty(), "nothing left to apply, got {again:?}");
    store::check_health(&mut conn).expect("database answers");
}

fn cascades_follow_the_contract(db: &TestDb) {
    let mut conn = db.conn();
    let organizer = super::fixtures::user(&mut conn, "organizer");
    let guest = super::fixtures::user(&mut conn, "guest");
    let event = super::fixtures::event(&mut conn, "Launch", "2030-01-01", Some(organizer.id));
    store::attendances::upsert(
        &mut conn,
        guest.id,
        event.id,
        domain::AttendanceStatus::Going,
    )
    .expect("rsvp");

    // Deleting the organizer keeps the event, without an organizer.
    store::users::delete(&mut conn, organizer.id).expect("delete organizer");
    let kept = store::events::get(&mut conn, event.id).expect("event survives");
    assert_eq!(kept.organizer_id, None);

    // Deleting an attendee removes their attendances.
    store::users::delete(&mut conn, guest.id).expect("delete guest");
    assert_eq!(
        store::attendances::count_for_event(&mut conn, event.id, None).expect("count"),
        0
    );

    // Deleting an event removes its attendances.
    let other = super::fixtures::user(&mut conn, "other");
    store::attendances::upsert(
        &mut conn,
        other.id,
        event.id,
        domain::AttendanceStatus::Maybe,
    )
    .expect("rsvp");
    store::events::delete(&mut conn, event.id).expect("delete event");
    assert!(matches!(
        store::attendances::get(&mut conn, other.id, event.id),
        Err(StoreError::NotFound)
    ));
}

fn write_transaction_rolls_back_on_error(db: &TestDb) {
    let mut conn = db.conn();
    let result: Result<(), StoreError> = store::write_transaction(&mut conn, |conn| {
        super::fixtures::user(conn, "ghost");
        Err(StoreError::Conflict("abort".to_owned()))
    });
    assert!(result.is_err());
    assert!(matches!(
        store::users::get_by_username(&mut conn, "ghost"),
        Err(StoreError::NotFound)
    ));
    let created = store::write_transaction(&mut conn, |conn| {
        Ok::<_, StoreError>(super::fixtures::user(conn, "kept"))
    })
    .expect("commit");
    assert_eq!(
        store::users::get_by_username(&mut conn, "kept")
            .expect("committed")
            .id,
        created.id
    );
}

store::backend_tests!(
    migrations_are_idempotent,
    cascades_follow_the_contract,
    write_transaction_rolls_back_on_error,
);

#[test]
fn unreachable_postgres_is_reported_as_unavailable_with_the_reason() {
    let url = DatabaseUrl::parse("postgres://nobody@127.0.0.1:1/none").expect("valid URL");
    let options = PoolOptions {
        max_size: 1,
        connection_timeout: std::time::Duration::from_secs(1),
    };
    match build_pool(&url, options) {
        Err(StoreError::Unavailable(reason)) => {
            assert!(
                reason.contains("127.0.0.1"),
                "reason names the server: {reason}"
            )
        }
        other => panic!("expected Unavailable, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn sqlite_file_is_created_in_wal_mode() {
    let dir = std::env::temp_dir().join(format!("store-wal-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("fresh.sqlite3");
    let url = DatabaseUrl::parse(&path.to_string_lossy()).expect("valid path");
    let pool = build_pool(&url, PoolOptions::default()).expect("pool");
    assert!(path.exists());
    let mut conn = pool.get().expect("conn");
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
        .get_result(&mut **conn)
        .expect("pragma");
    assert_eq!(mode.journal_mode, "wal");
    drop(conn);
    drop(pool);
    // The pool's background thread may still be closing connections; a
    // leftover temporary file is harmless.
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn analyze_runs_on_both_backends() {
    let mut dbs = vec![TestDb::sqlite()];
    dbs.extend(TestDb::postgres());
    for db in dbs {
        store::maintenance::analyze(&mut db.conn()).expect("analyze");
    }
}
