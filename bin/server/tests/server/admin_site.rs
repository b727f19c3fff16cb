//! The admin site through real HTTP: access, CSRF, lists and forms.

use store::testing::TestDb;

use crate::admin_client::{make_event, make_user, Browser};
use crate::helpers::{run, TestApp, PASSWORD};

fn access_is_for_active_staff_only(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        make_user(db, "boss", true);
        make_user(db, "member", false);

        let anonymous = app.get("/admin/events/?q=x").await;
        assert_eq!(anonymous.status, 302);
        assert_eq!(
            anonymous.header("location").as_deref(),
            Some("/admin/login/?next=%2Fadmin%2Fevents%2F%3Fq%3Dx")
        );

        let mut member = Browser::new(&app);
        let refused = member.login("member").await;
        assert_eq!(refused.status, 200, "the login form again");
        assert!(refused
            .text()
            .contains("correct username and password for a staff account"));
        // A member logged in through the API is refused clearly, not redirected.
        let (cookie, _) = app.login("member").await;
        let forbidden = app
            .request("GET", "/admin/")
            .header("Cookie", &cookie)
            .send()
            .await;
        assert_eq!(forbidden.status, 403);
        assert!(forbidden
            .text()
            .contains("not authorized to access this page"));

        let mut boss = Browser::new(&app);
        let logged_in = boss.login("boss").await;
        assert_eq!(
            (logged_in.status, logged_in.header("location").as_deref()),
            (303, Some("/admin/"))
        );
        let home = boss.get("/admin/").await;
        assert_eq!(home.status, 200);
        assert!(home.text().contains("Site administration"));

        let logout = boss.post("/admin/logout/", &[]).await;
        assert_eq!(logout.status, 303);
        assert_eq!(boss.get("/admin/").await.status, 302, "logged out");
    });
}

fn forms_refuse_missing_or_wrong_csrf_tokens(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        make_user(db, "boss", true);
        let mut boss = Browser::new(&app);
        boss.login("boss").await;
        let cookie = boss.cookie_header();
        let without = app
            .request("POST", "/admin/events/add/")
            .header("Cookie", &cookie)
            .form(&[("name", "X"), ("date", "2030-01-01")])
            .await;
        assert_eq!(without.status, 403);
        assert!(without.text().contains("CSRF verification failed"));
        let wrong = app
            .request("POST", "/admin/events/add/")
            .header("Cookie", &cookie)
            .form(&[
                ("csrfmiddlewaretoken", "x".repeat(32).as_str()),
                ("name", "X"),
                ("date", "2030-01-01"),
            ])
            .await;
        assert_eq!(wrong.status, 403);
        assert_eq!(
            store::events::count(&mut db.conn(), &Default::default()).expect("count"),
            0
        );
        let login_without = app
            .request("POST", "/admin/login/")
            .form(&[("username", "boss"), ("password", PASSWORD)])
            .await;
        assert_eq!(login_without.status, 403, "the login form is protected too");
    });
}

fn event_list_searches_filters_sorts_drills_down_and_pages(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let boss = make_user(db, "boss", true);
        let other = make_user(db, "other", false);
        for i in 0..105 {
            make_event(db, &format!("Meetup {i:03}"), "2030-03-15", Some(boss));
        }
        make_event(db, "Gala", "2031-07-04", Some(other));
        make_event(db, "Picnic", "2031-08-01", None);
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let first = browser.get("/admin/events/").await.text();
        assert!(first.contains("107 events"), "the total count: {first}");
        assert_eq!(first.matches("/change/\">").count(), 100, "100 rows a page");
        let second = browser.get("/admin/events/?p=2").await.text();
        assert_eq!(second.matches("/change/\">").count(), 7);

        let search = browser.get("/admin/events/?q=gala").await.text();
        assert!(search.contains(">Gala<") && !search.contains("Meetup 000"));
        let by_organizer = browser
            .get(&format!("/admin/events/?organizer={other}"))
            .await
            .text();
        assert!(by_organizer.contains(">Gala<") && !by_organizer.contains("Picnic"));

        let position = |page: &str, name: &str| {
            page.find(&format!(">{name}<"))
                .unwrap_or_else(|| panic!("{name} listed"))
        };
        let ascending = browser.get("/admin/events/?o=name").await.text();
        assert!(
            position(&ascending, "Gala") < position(&ascending, "Meetup 000"),
            "ascending by name"
        );
        let descending = browser.get("/admin/events/?o=-name").await.text();
        assert!(
            position(&descending, "Picnic") < position(&descending, "Meetup 104"),
            "descending by name"
        );
        assert!(descending.contains("aria-sort=\"descending\""));
        let by_date = browser.get("/admin/events/?o=-date").await.text();
        assert!(position(&by_date, "Picnic") < position(&by_date, "Gala"));

        let years = browser.get("/admin/events/").await.text();
        assert!(
            years.contains("?year=2030\"") && years.contains("?year=2031\""),
            "years to drill into"
        );
        let year = browser.get("/admin/events/?year=2031").await.text();
        assert!(year.contains("July 2031") && year.contains("August 2031"));
        assert!(year.contains(">Gala<") && !year.contains("Meetup"));
        let day = browser
            .get("/admin/events/?year=2031&month=7&day=4")
            .await
            .text();
        assert!(day.contains(">Gala<") && !day.contains("Picnic"));
    });
}

fn event_forms_validate_and_record_changes(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        make_user(db, "boss", true);
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let invalid = browser
            .post(
                "/admin/events/add/",
                &[("name", "  "), ("date", "2030-02-30"), ("organizer", "")],
            )
            .await;
        assert_eq!(invalid.status, 400);
        let page = invalid.text();
        assert!(page.contains("This field may not be blank."));
        assert!(
            page.contains("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.")
        );
        let too_long = browser
            .post(
                "/admin/events/add/",
                &[("name", &"n".repeat(101)), ("date", "2030-01-01")],
            )
            .await;
        assert!(too_long
            .text()
            .contains("Ensure this field has no more than 100 characters."));
        assert_eq!(
            store::events::count(&mut db.conn(), &Default::default()).expect("count"),
            0,
            "nothing saved"
        );

        let added = browser
            .post(
                "/admin/events/add/",
                &[
                    ("name", "Launch"),
                    ("date", "2030-01-01"),
                    ("organizer", ""),
                ],
            )
            .await;
        assert_eq!(
            (added.status, added.header("location").as_deref()),
            (303, Some("/admin/events/"))
        );
        assert!(browser
            .get("/admin/events/")
            .await
            .text()
            .contains("The event “Launch” was added successfully."));
        let event = store::events::list(&mut db.conn(), &Default::default())
            .expect("list")
            .remove(0)
            .event;
        let guest = make_user(db, "guest", false);
        store::attendances::upsert(
            &mut db.conn(),
            guest,
            event.id,
            domain::AttendanceStatus::Going,
        )
        .expect("rsvp");

        let changed = browser
            .post(
                &format!("/admin/events/{}/change/", event.id),
                &[("name", "Launch party"), ("date", "2030-01-02")],
            )
            .await;
        assert_eq!(changed.status, 303);
        let confirm = browser
            .delete_confirmed(&format!("/admin/events/{}/", event.id))
            .await;
        assert!(
            confirm.contains("1 attendance"),
            "the confirmation says what else goes"
        );
        assert_eq!(
            store::events::count(&mut db.conn(), &Default::default()).expect("count"),
            0
        );

        let home = browser.get("/admin/").await.text();
        let recent = &home[home.find("Recent actions").expect("recent actions")..];
        assert!(
            recent.contains("Launch party")
                && recent.contains("delete")
                && recent.contains("Changed name, date."),
            "{recent}"
        );
        assert!(recent.contains("add event by boss"));
    });
}

fn attendance_list_filters_and_forms(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        make_user(db, "boss", true);
        let ann = make_user(db, "ann", false);
        let bob = make_user(db, "bob", false);
        let party = make_event(db, "Party", "2030-05-01", None);
        let talk = make_event(db, "Talk", "2031-06-01", None);
        for (user, event, status) in [
            (ann, party.id, domain::AttendanceStatus::Going),
            (bob, party.id, domain::AttendanceStatus::Maybe),
            (ann, talk.id, domain::AttendanceStatus::NotGoing),
        ] {
            store::attendances::upsert(&mut db.conn(), user, event, status).expect("rsvp");
        }
        let mut browser = Browser::new(&app);
        browser.login("boss").await;
        let rows = |page: &str| page.matches("/change/\">").count();
        assert_eq!(rows(&browser.get("/admin/attendances/").await.text()), 3);
        assert_eq!(
            rows(&browser.get("/admin/attendances/?status=Maybe").await.text()),
            1
        );
        assert_eq!(
            rows(
                &browser
                    .get(&format!("/admin/attendances/?user={ann}"))
                    .await
                    .text()
            ),
            2
        );
        assert_eq!(
            rows(
                &browser
                    .get(&format!("/admin/attendances/?event={}", talk.id))
                    .await
                    .text()
            ),
            1
        );
        assert_eq!(
            rows(&browser.get("/admin/attendances/?q=bob").await.text()),
            1
        );
        assert_eq!(
            rows(&browser.get("/admin/attendances/?q=talk").await.text()),
            1
        );
        assert_eq!(
            rows(&browser.get("/admin/attendances/?year=2030").await.text()),
            2,
            "drill-down by the event's date"
        );

        let duplicate = browser
            .post(
                "/admin/attendances/add/",
                &[
                    ("user", &ann.to_string()),
                    ("event", &party.id.to_string()),
                    ("status", "Maybe"),
                ],
            )
            .await;
        assert_eq!(duplicate.status, 400);
        assert!(duplicate
            .text()
            .contains("Attendance with this User and Event already exists."));
        let bogus = browser
            .post(
                "/admin/attendances/add/",
                &[
                    ("user", &bob.to_string()),
                    ("event", &talk.id.to_string()),
                    ("status", "Bogus"),
                ],
            )
            .await;
        assert!(
            bogus
                .text()
                .contains("&quot;Bogus&quot; is not a valid choice."),
            "{}",
            bogus.text()
        );
        let added = browser
            .post(
                "/admin/attendances/add/",
                &[
                    ("user", &bob.to_string()),
                    ("event", &talk.id.to_string()),
                    ("status", "Going"),
                ],
            )
            .await;
        assert_eq!(added.status, 303);
        assert_eq!(
            store::attendances::count_for_event(&mut db.conn(), talk.id, None).expect("count"),
            2
        );
    });
}

fn user_admin_adds_edits_and_protects_own_staff_flag(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let boss = make_user(db, "boss", true);
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let mismatch = browser
            .post(
                "/admin/users/add/",
                &[
                    ("username", "carol"),
                    ("email", "carol@example.com"),
                    ("password1", PASSWORD),
                    ("password2", "other-password-1"),
                ],
            )
            .await;
        assert_eq!(mismatch.status, 400);
        assert!(mismatch
            .text()
            .contains("The two password fields didn’t match."));
        let weak = browser
            .post(
                "/admin/users/add/",
                &[
                    ("username", "carol"),
                    ("password1", "carol123"),
                    ("password2", "carol123"),
                ],
            )
            .await;
        assert!(weak
            .text()
            .contains("The password is too similar to the username."));
        let added = browser
            .post(
                "/admin/users/add/",
                &[
                    ("username", "carol"),
                    ("email", "carol@example.com"),
                    ("password1", PASSWORD),
                    ("password2", PASSWORD),
                    ("is_active", "on"),
                ],
            )
            .await;
        assert_eq!(added.status, 303);
        let carol = store::users::get_credentials(&mut db.conn(), "carol").expect("carol");
        assert!(auth::verify_password(PASSWORD, &carol.password_hash));
        assert!(!carol.user.is_staff && carol.user.is_active);

        let listed = browser.get("/admin/users/?q=CAROL").await.text();
        assert!(listed.contains("/change/\">carol<") && !listed.contains("/change/\">boss<"));

        let self_demotion = browser
            .post(
                &format!("/admin/users/{boss}/change/"),
                &[("email", "boss@example.com"), ("is_active", "on")],
            )
            .await;
        assert_eq!(self_demotion.status, 400);
        assert!(self_demotion
            .text()
            .contains("can’t remove your own staff status"));
        assert!(
            store::users::get(&mut db.conn(), boss)
                .expect("boss")
                .is_staff
        );

        let promoted = browser
            .post(
                &format!("/admin/users/{}/change/", carol.user.id),
                &[
                    ("first_name", "Carol"),
                    ("email", "carol@example.com"),
                    ("is_staff", "on"),
                    ("is_active", "on"),
                ],
            )
            .await;
        assert_eq!(promoted.status, 303);
        let carol_now = store::users::get(&mut db.conn(), carol.user.id).expect("carol");
        assert!(carol_now.is_staff);
        assert_eq!(carol_now.first_name, "Carol");
        let home = browser.get("/admin/").await.text();
        assert!(
            home.contains("Changed first name, staff status."),
            "the log says what changed"
        );

        let (carol_session, _) = app.login("carol").await;
        let me = app
            .request("GET", "/api/auth/me/")
            .header("Cookie", &carol_session)
            .send()
            .await;
        assert_eq!(me.status, 200);
        let new_password = "another-river-77";
        let changed = browser
            .post(
                &format!("/admin/users/{}/password/", carol.user.id),
                &[("password1", new_password), ("password2", new_password)],
            )
            .await;
        assert_eq!(changed.status, 303);
        let hash = store::users::get_credentials(&mut db.conn(), "carol")
            .expect("carol")
            .password_hash;
        assert!(auth::verify_password(new_password, &hash));
        let after = app
            .request("GET", "/api/auth/me/")
            .header("Cookie", &carol_session)
            .send()
            .await;
        assert_eq!(
            after.status, 401,
            "a new password ends the sessions opened with the old one"
        );

        let self_deactivation = browser
            .post(
                &format!("/admin/users/{boss}/change/"),
                &[("email", "boss@example.com"), ("is_staff", "on")],
            )
            .await;
        assert_eq!(self_deactivation.status, 400);
        assert!(self_deactivation
            .text()
            .contains("can’t deactivate your own account"));
        let own = browser
            .post(
                &format!("/admin/users/{boss}/password/"),
                &[("password1", new_password), ("password2", new_password)],
            )
            .await;
        assert_eq!(own.status, 303);
        assert_eq!(
            browser.get("/admin/").await.status,
            200,
            "changing one's own password keeps this session"
        );
        let bad_id = browser.get("/admin/attendances/not-a-number/change/").await;
        assert_eq!(bad_id.status, 404);
        assert!(
            bad_id.text().contains("Not found"),
            "the admin's own 404 page"
        );
    });
}

fn outbox_lists_messages_and_retries_failures(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--email-worker", "false"]);
        make_user(db, "boss", true);
        let now = store::now();
        let message = store::outbox::NewMessage {
            recipient: "x@example.com".to_owned(),
            subject: "New event created".to_owned(),
            body: "b".to_owned(),
        };
        let id = store::outbox::enqueue(&mut db.conn(), &message, now).expect("enqueue");
        let lease = now + chrono::Duration::minutes(1);
        store::outbox::claim_due(&mut db.conn(), now, lease, 1).expect("claim");
        store::outbox::mark_failed(&mut db.conn(), id, lease, "550 mailbox unavailable")
            .expect("fail");
        let mut browser = Browser::new(&app);
        browser.login("boss").await;
        let page = browser.get("/admin/outbox/?state=failed").await.text();
        assert!(
            page.contains("x@example.com")
                && page.contains("550 mailbox unavailable")
                && page.contains("Retry now")
        );
        let retried = browser
            .post(&format!("/admin/outbox/{id}/retry/"), &[])
            .await;
        assert_eq!(retried.status, 303);
        assert_eq!(
            store::outbox::get(&mut db.conn(), id)
                .expect("message")
                .state,
            store::outbox::MessageState::Pending
        );
        let again = browser
            .post(&format!("/admin/outbox/{id}/retry/"), &[])
            .await;
        assert_eq!(again.status, 303, "a second click is harmless");
        let page = browser.get("/admin/outbox/").await.text();
        assert!(page.contains("nothing to retry"), "{page}");
    });
}

store::backend_tests!(
    access_is_for_active_staff_only,
    forms_refuse_missing_or_wrong_csrf_tokens,
    event_list_searches_filters_sorts_drills_down_and_pages,
    event_forms_validate_and_record_changes,
    attendance_list_filters_and_forms,
    user_admin_adds_edits_and_protects_own_staff_flag,
    outbox_lists_messages_and_retries_failures,
);
