//! Admin pages in detail, through real HTTP: the attendance change and
//! delete pages, pages past the end, drill-down labels, and errors and help
//! tied to their controls.

use domain::AttendanceStatus;
use store::testing::TestDb;

use crate::admin_client::{make_event, make_user, Browser};
use crate::helpers::{run, TestApp};

fn attendance_change_and_delete_pages(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        make_user(db, "boss", true);
        let ann = make_user(db, "ann", false);
        let bob = make_user(db, "bob", false);
        let party = make_event(db, "Party", "2030-05-01", None);
        for user in [ann, bob] {
            store::attendances::upsert(&mut db.conn(), user, party.id, AttendanceStatus::Maybe)
                .expect("rsvp");
        }
        let entry_of = |user| {
            let filter = store::attendance_entries::EntryFilter {
                user: Some(user),
                ..Default::default()
            };
            let query = store::attendance_entries::EntryQuery {
                filter,
                order: None,
                limit: 10,
                offset: 0,
            };
            store::attendance_entries::page(&mut db.conn(), &query)
                .expect("entries")
                .1
                .remove(0)
        };
        let ann_entry = entry_of(ann);
        let url = format!("/admin/attendances/{}/change/", ann_entry.id);
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let form = browser.get(&url).await.text();
        assert!(form.contains("<h1>Change attendance</h1>"));
        assert!(form.contains(&format!("<option value=\"{ann}\" selected>ann</option>")));
        assert!(form.contains("<option value=\"Maybe\" selected>Maybe</option>"));
        assert!(form.contains(&format!("/admin/attendances/{}/delete/", ann_entry.id)));

        let (ann_id, bob_id, party_id) = (ann.to_string(), bob.to_string(), party.id.to_string());
        let clash = browser
            .post(
                &url,
                &[("user", &bob_id), ("event", &party_id), ("status", "Going")],
            )
            .await;
        assert_eq!(clash.status, 400);
        assert!(clash
            .text()
            .contains("Attendance with this User and Event already exists."));
        assert_eq!(
            entry_of(ann).attendance.status,
            AttendanceStatus::Maybe,
            "unchanged"
        );

        let changed = browser
            .post(
                &url,
                &[("user", &ann_id), ("event", &party_id), ("status", "Going")],
            )
            .await;
        assert_eq!(changed.status, 303);
        assert_eq!(entry_of(ann).attendance.status, AttendanceStatus::Going);
        let log = store::admin_log::recent(&mut db.conn(), 1).expect("log");
        assert_eq!(log[0].message, "Changed status.");
        assert_eq!(log[0].object_type, "attendance");

        let confirm = browser
            .delete_confirmed(&format!("/admin/attendances/{}/", ann_entry.id))
            .await;
        assert!(
            confirm.contains("Attendance: Event 'Party' - Attendance 'ann'"),
            "{confirm}"
        );
        assert_eq!(
            store::attendances::count_for_event(&mut db.conn(), party.id, None).expect("count"),
            1,
            "only ann's answer went"
        );
        let gone = browser.get(&url).await;
        assert_eq!(gone.status, 404);
    });
}

fn lists_clamp_pages_and_label_days_as_dates(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        make_user(db, "boss", true);
        for i in 0..105 {
            make_event(db, &format!("Meetup {i:03}"), "2031-03-04", None);
        }
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let past_the_end = browser.get("/admin/events/?p=99").await.text();
        assert_eq!(
            past_the_end.matches("/change/\">").count(),
            5,
            "the last page, not an empty one"
        );
        assert!(past_the_end.contains("<span aria-current=\"page\">2</span>"));

        let month = browser.get("/admin/events/?year=2031&month=3").await.text();
        assert!(month.contains(">4 March 2031<"), "{month}");
    });
}

fn errors_and_help_are_tied_to_their_controls(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let boss = make_user(db, "boss", true);
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let form = browser.get("/admin/events/add/").await.text();
        assert!(form.contains("aria-describedby=\"id_date-help\""));
        assert!(form.contains("id=\"id_date-help\""));

        let invalid = browser
            .post("/admin/events/add/", &[("name", ""), ("date", "tomorrow")])
            .await
            .text();
        assert!(
            invalid.contains("id=\"id_name\"")
                && invalid.contains("aria-describedby=\"id_name-errors\"")
        );
        assert!(invalid.contains("aria-describedby=\"id_date-help id_date-errors\""));
        let name_errors = &invalid[invalid.find("id=\"id_name-errors\"").expect("name errors")..];
        assert!(name_errors
            .starts_with("id=\"id_name-errors\" role=\"alert\"><li>This field may not be blank."));

        let deactivate = browser
            .post(
                &format!("/admin/users/{boss}/change/"),
                &[("email", "boss@example.com"), ("is_staff", "on")],
            )
            .await
            .text();
        let active_errors = &deactivate[deactivate
            .find("id=\"id_is_active-errors\"")
            .expect("the error sits under the Active checkbox")..];
        assert!(active_errors.contains("can’t deactivate your own account"));
        assert!(!deactivate.contains("id=\"id_is_staff-errors\""));
    });
}

store::backend_tests!(
    attendance_change_and_delete_pages,
    lists_clamp_pages_and_label_days_as_dates,
    errors_and_help_are_tied_to_their_controls,
);
