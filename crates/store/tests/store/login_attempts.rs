//! The shared login throttle under concurrent attempts.

use std::sync::{Arc, Barrier};

use chrono::Duration;
use store::login_attempts::{admit, failed, Admission};
use store::testing::TestDb;
use store::StoreError;

fn concurrent_attempts_admit_exactly_the_allowed_number(db: &TestDb) {
    const ATTEMPTS: usize = 12;
    let barrier = Arc::new(Barrier::new(ATTEMPTS));
    let handles: Vec<_> = (0..ATTEMPTS)
        .map(|_| {
            let pool = db.pool().clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || -> Result<Admission, StoreError> {
                let mut conn = pool.get()?;
                barrier.wait();
                admit(&mut conn, "10.0.0.1", 3, Duration::minutes(5), store::now())
            })
        })
        .collect();
    let outcomes: Vec<Admission> = handles
        .into_iter()
        .map(|h| h.join().expect("thread").expect("admit"))
        .collect();
    let admitted: Vec<i64> = outcomes
        .iter()
        .filter_map(|a| match a {
            Admission::Admitted(id) => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(admitted.len(), 3, "{outcomes:?}");
    assert!(outcomes
        .iter()
        .all(|a| matches!(a, Admission::Admitted(_) | Admission::Busy)));
    let mut conn = db.conn();
    for id in admitted {
        failed(&mut conn, id).expect("failed");
    }
    let after = admit(&mut conn, "10.0.0.1", 3, Duration::minutes(5), store::now()).expect("admit");
    assert!(
        matches!(after, Admission::Refused(wait) if wait.as_secs() > 200),
        "{after:?}"
    );
    let other = admit(&mut conn, "10.0.0.2", 3, Duration::minutes(5), store::now()).expect("admit");
    assert!(
        matches!(other, Admission::Admitted(_)),
        "another client is not held back"
    );
}

store::backend_tests!(concurrent_attempts_admit_exactly_the_allowed_number);
