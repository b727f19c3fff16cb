//! What the admin's model layer adds, through real HTTP: "Delete selected",
//! the save buttons, deleting users, list filters and pages, and the
//! attendance change and delete pages.

use domain::AttendanceStatus;
use store::admin_log::Action;
use store::testing::TestDb;

use crate::admin_client::{make_event, make_user, Browser};
use crate::helpers::{run, TestApp};

fn event_count(db: &TestDb) -> i64 {
    store::events::count(&mut db.conn(), &Default::default()).expect("count")
}

fn delete_selected_confirms_then_deletes_each_with_a_log_entry(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let boss = make_user(db, "boss", true);
        let guest = make_user(db, "guest", false);
        let party = make_event(db, "Party", "2030-05-01", Some(boss));
        let talk = make_event(db, "Talk", "2030-06-01", None);
        make_event(db, "Keeper", "2030-07-01", None);
        store::attendances::upsert(&mut db.conn(), guest, party.id, AttendanceStatus::Going)
            .expect("rsvp");
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let list = browser.get("/admin/events/").await.text();
        assert_eq!(list.matches("name=\"_selected_action\"").count(), 3);
        let party_id = party.id.to_string();
        assert!(
            list.contains(&format!(
                "aria-labelledby=\"select-{party_id} row-{party_id}\""
            )) && list.contains(&format!("id=\"row-{party_id}\">Party<")),
            "each tick box reads as \"Select\" and its row's name"
        );
        assert!(list.contains("Delete selected events"));

        let nothing = browser
            .post("/admin/events/", &[("action", "delete_selected")])
            .await;
        assert_eq!(nothing.status, 303);
        assert!(browser
            .get("/admin/events/")
            .await
            .text()
            .contains("Items must be selected in order to perform actions on them."));

        let talk_id = talk.id.to_string();
        let selection = [
            ("action", "delete_selected"),
            ("_selected_action", party_id.as_str()),
            ("_selected_action", talk_id.as_str()),
        ];
        let confirm = browser.post("/admin/events/?o=name", &selection).await;
        assert_eq!(confirm.status, 200, "a confirmation first");
        let page = confirm.text();
        assert!(page.contains("Are you sure you want to delete the selected events?"));
        assert!(page.contains("Event: Party") && page.contains("Event: Talk"));
        assert!(page.contains("1 attendance") && !page.contains("Keeper"));
        assert_eq!(event_count(db), 3, "nothing deleted before confirming");

        let mut confirmed = selection.to_vec();
        // A row posted twice (a form sent again) is deleted once.
        confirmed.push(("_selected_action", party_id.as_str()));
        confirmed.push(("post", "yes"));
        let deleted = browser.post("/admin/events/?o=name", &confirmed).await;
        assert_eq!(
            (deleted.status, deleted.header("location").as_deref()),
            (303, Some("/admin/events/?o=name")),
            "back to the list as it was sorted"
        );
        assert!(browser
            .get("/admin/events/")
            .await
            .text()
            .contains("Successfully deleted 2 events."));
        assert_eq!(event_count(db), 1);
        assert_eq!(
            store::attendances::count_for_event(&mut db.conn(), party.id, None).expect("count"),
            0,
            "attendances went with their event"
        );
        let log = store::admin_log::recent(&mut db.conn(), 10).expect("log");
        let deletions: Vec<_> = log.iter().filter(|e| e.action == Action::Delete).collect();
        assert_eq!(deletions.len(), 2, "one log entry per object");
        let party_entry = deletions
            .iter()
            .find(|e| e.object_repr == "Party")
            .expect("Party logged");
        assert_eq!(party_entry.object_id, party_id);
        assert_eq!(party_entry.message, "Deleted with 1 attendance.");
    });
}

fn bulk_deletion_that_includes_oneself_deletes_nobody(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let boss = make_user(db, "boss", true);
        let other = make_user(db, "other", false);
        let mut browser = Browser::new(&app);
        browser.login("boss").await;
        let own_page = browser
            .get(&format!("/admin/users/{boss}/change/"))
            .await
            .text();
        assert!(
            !own_page.contains(&format!("/admin/users/{boss}/delete/")),
            "no Delete link where deleting is refused"
        );
        assert!(browser
            .get(&format!("/admin/users/{other}/change/"))
            .await
            .text()
            .contains(&format!("/admin/users/{other}/delete/")));
        let (boss_id, other_id) = (boss.to_string(), other.to_string());
        let refused = browser
            .post(
                "/admin/users/",
                &[
                    ("action", "delete_selected"),
                    ("_selected_action", other_id.as_str()),
                    ("_selected_action", boss_id.as_str()),
                    ("post", "yes"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403);
        assert!(refused.text().contains("can’t delete your own account"));
        assert_eq!(store::users::count(&mut db.conn()).expect("count"), 2);
    });
}

fn save_buttons_choose_the_next_page(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        make_user(db, "boss", true);
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let another = browser
            .post(
                "/admin/events/add/",
                &[
                    ("name", "First"),
                    ("date", "2030-01-01"),
                    ("_addanother", ""),
                ],
            )
            .await;
        assert_eq!(
            another.header("location").as_deref(),
            Some("/admin/events/add/")
        );
        let form = browser.get("/admin/events/add/").await.text();
        assert!(form.contains("was added successfully. You may add another event below."));

        let kept = browser
            .post(
                "/admin/events/add/",
                &[
                    ("name", "Second"),
                    ("date", "2030-01-02"),
                    ("_continue", ""),
                ],
            )
            .await;
        let second = store::events::list(&mut db.conn(), &Default::default())
            .expect("list")
            .into_iter()
            .find(|s| s.event.name.as_str() == "Second")
            .expect("saved")
            .event;
        let change_url = format!("/admin/events/{}/change/", second.id);
        assert_eq!(
            kept.header("location").as_deref(),
            Some(change_url.as_str())
        );
        let page = browser.get(&change_url).await.text();
        assert!(page.contains("You may edit it again below."));
        assert!(
            page.contains("value=\"Second\""),
            "the form shows the saved event"
        );

        let changed = browser
            .post(
                &change_url,
                &[
                    ("name", "Second try"),
                    ("date", "2030-01-02"),
                    ("_continue", ""),
                ],
            )
            .await;
        assert_eq!(
            changed.header("location").as_deref(),
            Some(change_url.as_str())
        );
        let saved = browser
            .post(
                &change_url,
                &[("name", "Second try"), ("date", "2030-01-03")],
            )
            .await;
        assert_eq!(saved.header("location").as_deref(), Some("/admin/events/"));
    });
}

fn users_are_deleted_with_what_goes_with_them(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let boss = make_user(db, "boss", true);
        let leaver = make_user(db, "leaver", false);
        let hosted = make_event(db, "Hosted", "2030-01-01", Some(leaver));
        store::attendances::upsert(&mut db.conn(), leaver, hosted.id, AttendanceStatus::Going)
            .expect("rsvp");
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let own = browser.get(&format!("/admin/users/{boss}/delete/")).await;
        assert_eq!(own.status, 403);
        assert!(own.text().contains("can’t delete your own account"));

        let confirm = browser
            .get(&format!("/admin/users/{leaver}/delete/"))
            .await
            .text();
        assert!(confirm.contains("delete the user “leaver”"), "{confirm}");
        assert!(confirm.contains("1 attendance"));
        assert!(confirm.contains("1 organized event (kept, without an organizer)"));

        let deleted = browser
            .post(&format!("/admin/users/{leaver}/delete/"), &[])
            .await;
        assert_eq!(
            (deleted.status, deleted.header("location").as_deref()),
            (303, Some("/admin/users/"))
        );
        assert!(store::users::get(&mut db.conn(), leaver).is_err());
        let kept = store::events::get(&mut db.conn(), hosted.id).expect("event kept");
        assert_eq!(kept.organizer_id, None);
        assert_eq!(
            store::attendances::count_for_event(&mut db.conn(), hosted.id, None).expect("count"),
            0
        );
    });
}

fn user_and_outbox_lists_filter_and_search(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--email-worker", "false"]);
        make_user(db, "boss", true);
        make_user(db, "member", false);
        let sleeper = make_user(db, "sleeper", false);
        store::users::update(
            &mut db.conn(),
            sleeper,
            &store::users::UserChanges {
                is_active: Some(false),
                ..Default::default()
            },
        )
        .expect("deactivate");
        for (recipient, subject) in [("a@example.com", "Hello"), ("b@example.com", "Reminder")] {
            let message = store::outbox::NewMessage {
                recipient: recipient.to_owned(),
                subject: subject.to_owned(),
                body: "b".to_owned(),
            };
            store::outbox::enqueue(&mut db.conn(), &message, store::now()).expect("enqueue");
        }
        let mut browser = Browser::new(&app);
        browser.login("boss").await;
        let rows = |page: &str, name: &str| page.contains(&format!("/change/\">{name}<"));

        let staff = browser.get("/admin/users/?is_staff=1").await.text();
        assert!(rows(&staff, "boss") && !rows(&staff, "member"));
        assert!(staff.contains("By staff status"));
        let inactive = browser.get("/admin/users/?is_active=0").await.text();
        assert!(rows(&inactive, "sleeper") && !rows(&inactive, "member"));
        let active_members = browser
            .get("/admin/users/?is_active=1&is_staff=0")
            .await
            .text();
        assert!(rows(&active_members, "member") && !rows(&active_members, "sleeper"));
        assert!(
            active_members.contains(" UTC</time>"),
            "times say their zone"
        );

        let searched = browser.get("/admin/outbox/?q=remind").await.text();
        assert!(searched.contains("b@example.com") && !searched.contains("a@example.com"));
        assert!(searched.contains("1 message"));
        let pending = browser.get("/admin/outbox/?state=pending").await.text();
        assert!(pending.contains("2 messages") && pending.contains(" UTC</time>"));
        let sent = browser.get("/admin/outbox/?state=sent").await.text();
        assert!(sent.contains("0 messages"));
    });
}

fn only_superusers_delete_superusers(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let root = make_user(db, "root", true);
        let helper = domain::Username::parse("helper").expect("valid");
        let hash = auth::hash_password(crate::helpers::PASSWORD, 4).expect("hash");
        store::users::create(
            &mut db.conn(),
            &store::users::NewUser {
                username: &helper,
                email: None,
                first_name: "",
                last_name: "",
                password_hash: &hash,
                is_staff: true,
                is_superuser: false,
                is_active: true,
                date_joined: store::now(),
            },
        )
        .expect("staff without superuser");
        let mut browser = Browser::new(&app);
        browser.login("helper").await;
        let refused = browser
            .post(&format!("/admin/users/{root}/delete/"), &[])
            .await;
        assert_eq!(refused.status, 403);
        assert!(refused
            .text()
            .contains("Only a superuser can delete the superuser “root”."));
        assert!(store::users::get(&mut db.conn(), root).is_ok());

        let anonymous = app
            .request("POST", "/admin/users/999999/change/")
            .form(&[("email", "x@example.com")])
            .await;
        assert_eq!(anonymous.status, 302, "anonymous: to the login page");
        let cookie = browser.cookie_header();
        let tokenless = app
            .request("POST", "/admin/users/999999/change/")
            .header("Cookie", &cookie)
            .form(&[("email", "x@example.com")])
            .await;
        assert_eq!(tokenless.status, 403, "the token is checked before the row");
    });
}

store::backend_tests!(
    delete_selected_confirms_then_deletes_each_with_a_log_entry,
    only_superusers_delete_superusers,
    bulk_deletion_that_includes_oneself_deletes_nobody,
    save_buttons_choose_the_next_page,
    users_are_deleted_with_what_goes_with_them,
    user_and_outbox_lists_filter_and_search,
);
