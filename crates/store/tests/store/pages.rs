//! Pages of attendance entries (across events), users and outbox messages,
//! entry edits by id, and the admin log.

use domain::AttendanceStatus;
use store::admin_log::{Action, NewEntry};
use store::attendance_entries::{EntryFilter, EntryQuery, EntrySortField, EntryValues};
use store::outbox::{MessageFilter, MessageState, NewMessage};
use store::testing::TestDb;
use store::users::{UserChanges, UserFilter, UserQuery, UserSortField};
use store::StoreError;

use super::fixtures::{day, event, user};

fn entries(
    db: &TestDb,
    filter: EntryFilter,
    order: Option<(EntrySortField, bool)>,
) -> (i64, Vec<String>) {
    let query = EntryQuery {
        filter,
        order,
        limit: 2,
        offset: 0,
    };
    let (total, page) = store::attendance_entries::page(&mut db.conn(), &query).expect("page");
    let labels = page
        .into_iter()
        .map(|e| format!("{}@{}", e.user.username, e.event.name))
        .collect();
    (total, labels)
}

fn attendance_entries_filter_sort_and_page(db: &TestDb) {
    let mut conn = db.conn();
    let (ann, bob) = (user(&mut conn, "ann"), user(&mut conn, "bob"));
    let party = event(&mut conn, "Party", "2030-05-01", None);
    let talk = event(&mut conn, "Talk", "2031-06-01", None);
    for (who, what, status) in [
        (ann.id, party.id, AttendanceStatus::Going),
        (bob.id, party.id, AttendanceStatus::Maybe),
        (ann.id, talk.id, AttendanceStatus::NotGoing),
    ] {
        store::attendances::upsert(&mut conn, who, what, status).expect("rsvp");
    }
    drop(conn);

    assert_eq!(
        entries(db, EntryFilter::default(), None),
        (3, vec!["ann@Talk".to_owned(), "bob@Party".to_owned()]),
        "newest first, two a page, the total of all"
    );
    assert_eq!(
        entries(
            db,
            EntryFilter::default(),
            Some((EntrySortField::Date, false))
        )
        .1,
        ["bob@Party", "ann@Party"],
        "ties broken by id, newest first"
    );
    assert_eq!(
        entries(
            db,
            EntryFilter::default(),
            Some((EntrySortField::User, true))
        )
        .1[0],
        "bob@Party"
    );
    let only = |filter: EntryFilter| entries(db, filter, Some((EntrySortField::Event, false)));
    assert_eq!(
        only(EntryFilter {
            user: Some(ann.id),
            ..Default::default()
        })
        .0,
        2
    );
    assert_eq!(
        only(EntryFilter {
            event: Some(talk.id),
            ..Default::default()
        })
        .1,
        ["ann@Talk"]
    );
    assert_eq!(
        only(EntryFilter {
            status: Some(AttendanceStatus::Maybe),
            ..Default::default()
        })
        .1,
        ["bob@Party"]
    );
    assert_eq!(
        only(EntryFilter {
            search: Some("BOB".to_owned()),
            ..Default::default()
        })
        .1,
        ["bob@Party"],
        "search is case-insensitive over usernames"
    );
    assert_eq!(
        only(EntryFilter {
            search: Some("ta".to_owned()),
            ..Default::default()
        })
        .1,
        ["ann@Talk"],
        "and over event names"
    );
    let in_2030 = EntryFilter {
        date_after: Some(day("2030-01-01")),
        date_before: Some(day("2030-12-31")),
        ..Default::default()
    };
    assert_eq!(only(in_2030).0, 2);
    assert_eq!(
        store::attendance_entries::count(&mut db.conn(), &EntryFilter::default()).expect("count"),
        3
    );
    assert_eq!(
        store::attendance_entries::distinct_event_dates(&mut db.conn(), &EntryFilter::default())
            .expect("dates"),
        [day("2030-05-01"), day("2031-06-01")]
    );
}

fn attendance_entries_create_update_and_delete(db: &TestDb) {
    let mut conn = db.conn();
    let (ann, bob) = (user(&mut conn, "ann"), user(&mut conn, "bob"));
    let party = event(&mut conn, "Party", "2030-05-01", None);
    let values = EntryValues {
        user: ann.id,
        event: party.id,
        status: AttendanceStatus::Going,
    };
    let id = store::attendance_entries::create(&mut conn, &values).expect("create");
    let entry = store::attendance_entries::get(&mut conn, id).expect("get");
    assert_eq!((entry.user.id, entry.event.id), (ann.id, party.id));
    assert_eq!(entry.attendance.status, AttendanceStatus::Going);
    assert!(matches!(
        store::attendance_entries::create(&mut conn, &values),
        Err(StoreError::Conflict(_))
    ));

    let bobs = store::attendance_entries::create(
        &mut conn,
        &EntryValues {
            user: bob.id,
            ..values
        },
    )
    .expect("bob's");
    assert!(
        matches!(
            store::attendance_entries::update(&mut conn, bobs, &values),
            Err(StoreError::Conflict(_))
        ),
        "two answers of one user for one event"
    );
    let maybe = EntryValues {
        status: AttendanceStatus::Maybe,
        ..values
    };
    store::attendance_entries::update(&mut conn, id, &maybe).expect("update");
    assert_eq!(
        store::attendance_entries::get(&mut conn, id)
            .expect("get")
            .attendance
            .status,
        AttendanceStatus::Maybe
    );

    store::attendance_entries::delete(&mut conn, id).expect("delete");
    assert!(matches!(
        store::attendance_entries::get(&mut conn, id),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store::attendance_entries::delete(&mut conn, id),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store::attendance_entries::update(&mut conn, id, &values),
        Err(StoreError::NotFound)
    ));
}

fn user_pages_filter_search_and_sort(db: &TestDb) {
    let mut conn = db.conn();
    let ann = user(&mut conn, "ann");
    let bob = user(&mut conn, "bob");
    let cat = user(&mut conn, "cat");
    store::users::update(
        &mut conn,
        ann.id,
        &UserChanges {
            is_staff: Some(true),
            ..Default::default()
        },
    )
    .expect("staff");
    store::users::update(
        &mut conn,
        cat.id,
        &UserChanges {
            is_active: Some(false),
            ..Default::default()
        },
    )
    .expect("inactive");
    let names = |filter: UserFilter, order: Option<(UserSortField, bool)>| {
        let query = UserQuery {
            filter,
            order,
            limit: 10,
            offset: 0,
        };
        let (total, users) = store::users::page(&mut db.conn(), &query).expect("page");
        (
            total,
            users
                .into_iter()
                .map(|u| u.username.to_string())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        names(UserFilter::default(), None),
        (3, vec!["ann".into(), "bob".into(), "cat".into()])
    );
    assert_eq!(
        names(UserFilter::default(), Some((UserSortField::Username, true))).1,
        ["cat", "bob", "ann"]
    );
    assert_eq!(
        names(UserFilter::default(), Some((UserSortField::Staff, true))).1[0],
        "ann"
    );
    assert_eq!(
        names(UserFilter::default(), Some((UserSortField::Joined, true))).1[0],
        "cat"
    );
    assert_eq!(
        names(
            UserFilter {
                is_staff: Some(true),
                ..Default::default()
            },
            None
        )
        .1,
        ["ann"]
    );
    assert_eq!(
        names(
            UserFilter {
                is_active: Some(false),
                ..Default::default()
            },
            None
        )
        .1,
        ["cat"]
    );
    let active_members = UserFilter {
        is_staff: Some(false),
        is_active: Some(true),
        ..Default::default()
    };
    assert_eq!(names(active_members, None).1, ["bob"]);
    assert_eq!(
        names(
            UserFilter {
                search: Some("BOB@EXAMPLE".into()),
                ..Default::default()
            },
            None
        )
        .1,
        ["bob"],
        "search covers addresses, case-insensitively"
    );
    let paged = store::users::page(
        &mut db.conn(),
        &UserQuery {
            filter: UserFilter::default(),
            order: None,
            limit: 1,
            offset: 1,
        },
    )
    .expect("page");
    assert_eq!((paged.0, paged.1[0].id), (3, bob.id));
}

fn outbox_pages_filter_by_state_and_search(db: &TestDb) {
    let mut conn = db.conn();
    let now = store::now();
    let mut ids = Vec::new();
    for (recipient, subject) in [
        ("a@example.com", "Hello 50%"),
        ("b@example.com", "Reminder"),
    ] {
        let message = NewMessage {
            recipient: recipient.to_owned(),
            subject: subject.to_owned(),
            body: "body".to_owned(),
        };
        ids.push(store::outbox::enqueue(&mut conn, &message, now).expect("enqueue"));
    }
    let lease = now + chrono::Duration::minutes(1);
    store::outbox::claim_due(&mut conn, now, lease, 1).expect("claim");
    store::outbox::mark_failed(&mut conn, ids[0], lease, "550").expect("fail");
    let page = |filter: MessageFilter| {
        let (total, messages) = store::outbox::page(&mut db.conn(), &filter, 10, 0).expect("page");
        (
            total,
            messages
                .into_iter()
                .map(|m| m.recipient)
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        page(MessageFilter::default()),
        (
            2,
            vec!["b@example.com".to_owned(), "a@example.com".to_owned()]
        ),
        "newest first"
    );
    assert_eq!(
        page(MessageFilter {
            state: Some(MessageState::Failed),
            ..Default::default()
        })
        .1,
        ["a@example.com"]
    );
    assert_eq!(
        page(MessageFilter {
            search: Some("REMIND".into()),
            ..Default::default()
        })
        .1,
        ["b@example.com"]
    );
    assert_eq!(
        page(MessageFilter {
            search: Some("50%".into()),
            ..Default::default()
        })
        .1,
        ["a@example.com"],
        "LIKE metacharacters match themselves"
    );
    assert_eq!(
        page(MessageFilter {
            search: Some("0%H".into()),
            ..Default::default()
        })
        .0,
        0
    );
}

fn admin_log_records_and_lists_newest_first(db: &TestDb) {
    let mut conn = db.conn();
    let staff = user(&mut conn, "staff");
    for (action, id) in [
        (Action::Add, "1"),
        (Action::Change, "1"),
        (Action::Delete, "2"),
    ] {
        store::admin_log::record(
            &mut conn,
            &NewEntry {
                user_id: staff.id,
                action,
                object_type: "event",
                object_id: id,
                object_repr: &"x".repeat(300),
                message: "Done.",
            },
        )
        .expect("record");
    }
    let recent = store::admin_log::recent(&mut conn, 2).expect("recent");
    assert_eq!(recent.len(), 2);
    assert_eq!(
        (recent[0].action, recent[0].object_id.as_str()),
        (Action::Delete, "2")
    );
    assert_eq!(recent[1].action, Action::Change);
    assert_eq!(recent[0].username.as_deref(), Some("staff"));
    assert_eq!(
        recent[0].object_repr.chars().count(),
        200,
        "long descriptions are cut"
    );
    store::users::delete(&mut conn, staff.id).expect("delete");
    let orphaned = store::admin_log::recent(&mut conn, 1).expect("recent");
    assert_eq!(orphaned[0].username, None, "entries outlive their author");
    assert_eq!(orphaned[0].message, "Done.");
}

store::backend_tests!(
    attendance_entries_filter_sort_and_page,
    attendance_entries_create_update_and_delete,
    user_pages_filter_search_and_sort,
    outbox_pages_filter_by_state_and_search,
    admin_log_records_and_lists_newest_first,
);
