//! The users repository.

use domain::{UserId, Username};
use store::testing::TestDb;
use store::users::NewUser;
use store::StoreError;

use super::fixtures::user;

fn create_and_read_back(db: &TestDb) {
    let mut conn = db.conn();
    let username = Username::parse("alice").expect("valid");
    let joined = store::now();
    let created = store::users::create(
        &mut conn,
        &NewUser {
            username: &username,
            email: None,
            first_name: "Alice",
            last_name: "Liddell",
            password_hash: "hash-of-secret",
            is_staff: true,
            is_superuser: false,
            is_active: true,
            date_joined: joined,
        },
    )
    .expect("create");
    assert_eq!(created.username.as_str(), "alice");
    assert_eq!(created.email, None);
    assert_eq!(
        (created.first_name.as_str(), created.last_name.as_str()),
        ("Alice", "Liddell")
    );
    assert!(created.is_staff && created.is_active && !created.is_superuser);
    assert_eq!(created.date_joined, joined, "timestamps round-trip exactly");
    assert_eq!(created.last_login, None);

    assert_eq!(
        store::users::get(&mut conn, created.id).expect("by id"),
        created
    );
    assert_eq!(
        store::users::get_by_username(&mut conn, "alice").expect("by name"),
        created
    );
    let credentials = store::users::get_credentials(&mut conn, "alice").expect("credentials");
    assert_eq!(credentials.password_hash, "hash-of-secret");
    assert_eq!(credentials.user, created);
}

fn usernames_are_case_sensitive_and_missing_ones_not_found(db: &TestDb) {
    let mut conn = db.conn();
    user(&mut conn, "bob");
    assert!(matches!(
        store::users::get_by_username(&mut conn, "Bob"),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store::users::get(&mut conn, UserId(987_654)),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store::users::get_credentials(&mut conn, "nobody"),
        Err(StoreError::NotFound)
    ));
}

fn duplicate_username_is_a_conflict(db: &TestDb) {
    let mut conn = db.conn();
    user(&mut conn, "carol");
    let username = Username::parse("carol").expect("valid");
    let again = store::users::create(
        &mut conn,
        &NewUser {
            username: &username,
            email: None,
            first_name: "",
            last_name: "",
            password_hash: "x",
            is_staff: false,
            is_superuser: false,
            is_active: true,
            date_joined: store::now(),
        },
    );
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "got {again:?}"
    );
    assert_eq!(store::users::count(&mut conn).expect("count"), 1);
}

fn list_pages_in_id_order(db: &TestDb) {
    let mut conn = db.conn();
    let made: Vec<_> = ["u1", "u2", "u3", "u4", "u5"]
        .iter()
        .map(|n| user(&mut conn, n))
        .collect();
    let page = store::users::list(&mut conn, 2, 1).expect("list");
    assert_eq!(page, made[1..3].to_vec());
    assert_eq!(store::users::count(&mut conn).expect("count"), 5);
}

fn password_and_login_updates(db: &TestDb) {
    let mut conn = db.conn();
    let dave = user(&mut conn, "dave");
    store::users::set_password_hash(&mut conn, dave.id, "new-hash").expect("set password");
    let at = store::now();
    store::users::record_login(&mut conn, dave.id, at).expect("record login");
    let credentials = store::users::get_credentials(&mut conn, "dave").expect("credentials");
    assert_eq!(credentials.password_hash, "new-hash");
    assert_eq!(credentials.user.last_login, Some(at));
    assert!(matches!(
        store::users::set_password_hash(&mut conn, UserId(424_242), "h"),
        Err(StoreError::NotFound)
    ));
}

store::backend_tests!(
    create_and_read_back,
    usernames_are_case_sensitive_and_missing_ones_not_found,
    duplicate_username_is_a_conflict,
    list_pages_in_id_order,
    password_and_login_updates,
);
