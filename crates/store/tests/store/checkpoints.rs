//! SQLite's write-ahead log is copied back into the database file by the
//! pool's own checkpoint thread, while the pool lives and with no writer
//! doing it: a few writes stay far below the connections' own automatic
//! checkpoint, so only the thread can have copied them.

use std::time::{Duration, Instant};

use store::testing::TestDb;

use crate::fixtures::event;

#[test]
fn the_log_reaches_the_database_file_while_the_pool_lives() {
    let db = TestDb::sqlite();
    let name = format!("Checkpointed {}", uuid::Uuid::new_v4().simple());
    event(&mut db.conn(), &name, "2030-01-01", None);
    let file = db
        .pool()
        .url()
        .sqlite_path()
        .expect("a SQLite file")
        .to_owned();
    let in_file = || {
        std::fs::read(&file)
            .expect("read the database file")
            .windows(name.len())
            .any(|window| window == name.as_bytes())
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !in_file() {
        assert!(
            Instant::now() < deadline,
            "the event is still only in the log after 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
