//! Seats in the admin, through real HTTP: the event form's plan fields, the
//! waitlist listed in order and filtered, and staff edits held to the seats.

use serde_json::json;
use store::testing::TestDb;

use crate::admin_client::{make_user, Browser};
use crate::helpers::{run, TestApp};
use crate::seats_api::{answer, event_with};

fn staff_edit_plans_and_see_the_waitlist_in_order(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--email-worker", "false"]);
        make_user(db, "boss", true);
        app.register("host").await;
        let host = app.token("host").await;
        let event = event_with(&app, &host, json!({ "capacity": 1 })).await;
        for name in ["ann", "bob", "cat"] {
            app.register(name).await;
            let token = app.token(name).await;
            answer(&app, &event, &token, json!({ "status": "Going" })).await;
        }
        let mut browser = Browser::new(&app);
        browser.login("boss").await;

        let waiting = browser.get("/admin/attendances/?waitlisted=1").await.text();
        let row = |name: &str| waiting.find(&format!("/change/\">{name}<"));
        let (bob_at, cat_at) = (
            row("bob").expect("bob waits"),
            row("cat").expect("cat waits"),
        );
        assert!(
            bob_at < cat_at && row("ann").is_none(),
            "the queue, in order"
        );
        assert!(waiting.contains("#1") && waiting.contains("#2"));

        let form = browser
            .get(&format!("/admin/events/{event}/change/"))
            .await
            .text();
        assert!(form.contains("name=\"capacity\" value=\"1\""), "{form}");
        assert!(form.contains("name=\"timezone\" value=\"UTC\""));

        let fields = |capacity: &'static str| {
            vec![
                ("name", "Dinner"),
                ("date", "2030-05-04"),
                ("timezone", "Europe/Paris"),
                ("starts_at", "2030-05-04T19:00:00+02:00"),
                ("capacity", capacity),
                ("max_guests", "2"),
                ("location", "Hall"),
            ]
        };
        let off_day = browser
            .post(
                &format!("/admin/events/{event}/change/"),
                &[
                    ("name", "Dinner"),
                    ("date", "2030-05-05"),
                    ("timezone", "Europe/Paris"),
                    ("starts_at", "2030-05-04T19:00:00+02:00"),
                ],
            )
            .await;
        assert_eq!(off_day.status, 400);
        assert!(off_day
            .text()
            .contains("Must fall on the event's date in its time zone."));
        let raised = browser
            .post(&format!("/admin/events/{event}/change/"), &fields("2"))
            .await;
        assert_eq!(raised.status, 303, "{}", raised.text());
        let detail = app.get(&format!("/api/events/{event}/")).await.json();
        assert_eq!(
            detail["seats"],
            json!({ "capacity": 2, "taken": 2, "left": 0 }),
            "bob took the new seat"
        );
        assert_eq!(detail["starts_at"], "2030-05-04T19:00:00+02:00");
        assert_eq!(detail["location"], "Hall");
        let promoted = store::outbox::list(&mut db.conn(), None, 20, 0).expect("outbox");
        assert!(promoted
            .iter()
            .any(|m| m.recipient == "bob@example.com" && m.subject == "You have a seat: Dinner"));

        // Staff are held to the seats too: no room for cat's party of 3.
        let cat = store::users::get_by_username(&mut db.conn(), "cat").expect("cat");
        let cat_entry =
            store::attendance_entries::find(&mut db.conn(), cat.id, event.parse().expect("uuid"))
                .expect("find")
                .expect("cat answered");
        let crowded = browser
            .post(
                &format!("/admin/attendances/{}/change/", cat_entry.id),
                &[
                    ("user", &cat.id.to_string()),
                    ("event", &event),
                    ("status", "Going"),
                    ("guests", "2"),
                ],
            )
            .await;
        assert_eq!(crowded.status, 303, "cat keeps waiting, now with guests");
        // Deleting ann's answer frees her seat for the head of the queue.
        let ann = store::users::get_by_username(&mut db.conn(), "ann").expect("ann");
        let ann_entry =
            store::attendance_entries::find(&mut db.conn(), ann.id, event.parse().expect("uuid"))
                .expect("find")
                .expect("ann answered");
        browser
            .delete_confirmed(&format!("/admin/attendances/{}/", ann_entry.id))
            .await;
        let detail = app.get(&format!("/api/events/{event}/")).await.json();
        assert_eq!(
            detail["counts"]["waitlisted"], 1,
            "cat's party of 3 does not fit in 1 seat"
        );
        assert_eq!(detail["seats"]["taken"], 1);
    });
}

store::backend_tests!(staff_edit_plans_and_see_the_waitlist_in_order);
