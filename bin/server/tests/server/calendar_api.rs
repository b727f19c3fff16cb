//! Calendars over real HTTP: one event's .ics and the personal feed, read
//! back by an independent parser (Python's `icalendar`) and checked line by
//! line for CRLF, folding and escaping.

use serde_json::{json, Value};
use store::testing::TestDb;

use crate::django_fixture::parse_ics;
use crate::helpers::{run, TestApp};

/// A name and description that need every escape, and fold.
const NAME: &str = "Ünïcødé night, part 2; the \\ sequel";
const DESCRIPTION: &str = "Bring: snacks, drinks; and \\ backslashes.\nSecond line, with «quotes» and a long tail of non-ASCII text: ØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØ.";

/// Every physical line ends in CRLF, none is longer than 75 octets, and
/// folded lines start with one space.
fn assert_rfc5545_lines(document: &str) {
    assert!(document.ends_with("\r\n"), "ends with CRLF");
    assert!(
        !document.replace("\r\n", "").contains(['\r', '\n']),
        "no bare CR or LF"
    );
    let mut folded = 0;
    for line in document.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        folded += usize::from(line.starts_with(' '));
    }
    assert!(folded > 0, "the long lines were folded");
}

/// The one value of `name` in a parsed component.
fn prop<'a>(component: &'a Value, name: &str) -> &'a Value {
    let values = component[name]
        .as_array()
        .unwrap_or_else(|| panic!("{name} in {component}"));
    assert_eq!(values.len(), 1, "one {name}");
    &values[0]
}

fn value<'a>(component: &'a Value, name: &str) -> &'a str {
    prop(component, name)["value"].as_str().expect("a value")
}

async fn ics(app: &TestApp, path: &str) -> (u16, String, Option<String>) {
    let reply = app.get(path).await;
    if reply.status == 200 {
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("text/calendar; charset=utf-8")
        );
    }
    (reply.status, reply.text(), reply.header("etag"))
}

fn one_event_as_ics_with_etag_and_sequence(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        let token = app.token("host").await;
        let reply = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .json(&json!({
                "name": NAME, "description": DESCRIPTION, "location": "Hall 1, Quay; 3",
                "timezone": "Europe/Paris", "starts_at": "2030-05-04T18:00:00+02:00",
            }))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text());
        let id = reply.json()["id"].as_str().expect("id").to_owned();
        let path = format!("/api/events/{id}/calendar.ics");

        let (status, document, etag) = ics(&app, &path).await;
        assert_eq!(status, 200);
        assert_rfc5545_lines(&document);
        let parsed = parse_ics(&document);
        let events = parsed["events"].as_array().expect("events");
        assert_eq!(events.len(), 1);
        let event = &events[0];
        assert_eq!(value(event, "UID"), id);
        assert_eq!(value(event, "SUMMARY"), NAME);
        assert_eq!(value(event, "DESCRIPTION"), DESCRIPTION);
        assert_eq!(value(event, "LOCATION"), "Hall 1, Quay; 3");
        assert_eq!(value(event, "DTSTART"), "2030-05-04T16:00:00+00:00");
        assert_eq!(
            value(event, "DTEND"),
            "2030-05-04T17:00:00+00:00",
            "an hour"
        );
        assert!(
            document.contains("\r\nDTSTART:20300504T160000Z\r\n"),
            "{document}"
        );
        assert_eq!(value(event, "STATUS"), "CONFIRMED");
        assert_eq!(value(event, "SEQUENCE"), "0");
        assert_eq!(value(event, "ORGANIZER"), "mailto:host@example.com");
        assert_eq!(prop(event, "ORGANIZER")["params"]["CN"], "host");
        assert!(value(event, "URL").ends_with(&format!("/api/events/{id}/")));
        for stamp in ["DTSTAMP", "CREATED", "LAST-MODIFIED"] {
            assert!(value(event, stamp).ends_with("+00:00"), "{stamp} in UTC");
        }
        assert!(
            event["alarms"].as_array().is_some_and(Vec::is_empty),
            "no alarm here"
        );

        let etag = etag.expect("an ETag");
        let again = app
            .request("GET", &path)
            .header("if-none-match", &etag)
            .send()
            .await;
        assert_eq!(again.status, 304);
        assert!(again.text().is_empty());

        // Seats are not a calendar change; a new time is.
        let patch = |body: Value| {
            let (app, token, id) = (&app, &token, &id);
            async move {
                let reply = app
                    .request("PATCH", &format!("/api/events/{id}/"))
                    .bearer(token)
                    .json(&body)
                    .await;
                assert_eq!(reply.status, 200, "{}", reply.text());
            }
        };
        patch(json!({ "capacity": 10 })).await;
        let (_, document, _) = ics(&app, &path).await;
        assert_eq!(value(&parse_ics(&document)["events"][0], "SEQUENCE"), "0");
        patch(json!({ "starts_at": "2030-05-04T19:00:00+02:00", "ends_at": "2030-05-04T23:00:00+02:00" })).await;
        patch(json!({ "cancelled": true })).await;
        let (_, document, new_etag) = ics(&app, &path).await;
        let event = &parse_ics(&document)["events"][0];
        assert_eq!(value(event, "SEQUENCE"), "2");
        assert_eq!(value(event, "STATUS"), "CANCELLED");
        assert_eq!(value(event, "DTEND"), "2030-05-04T21:00:00+00:00");
        assert_ne!(new_etag.as_deref(), Some(etag.as_str()), "a new ETag");
        let stale = app
            .request("GET", &path)
            .header("if-none-match", &etag)
            .send()
            .await;
        assert_eq!(stale.status, 200, "an old ETag gets the new document");

        // Untimed: all day, ending the next day.
        let untimed = app.create_event(&token, "Picnic", "2030-12-31").await;
        let untimed_id = untimed["id"].as_str().expect("id");
        let (_, document, _) = ics(&app, &format!("/api/events/{untimed_id}/calendar.ics")).await;
        let event = &parse_ics(&document)["events"][0];
        assert_eq!(value(event, "DTSTART"), "2030-12-31");
        assert_eq!(prop(event, "DTSTART")["params"]["VALUE"], "DATE");
        assert_eq!(value(event, "DTEND"), "2031-01-01");

        for missing in [
            "/api/events/3f1c1a84-64c8-4b63-9d3c-0d1f0a1b2c3d/calendar.ics".to_owned(),
            "/api/events/not-a-uuid/calendar.ics".to_owned(),
        ] {
            assert_eq!(app.get(&missing).await.status, 404, "{missing}");
        }
    });
}

fn the_personal_feed_lists_answers_with_alarms_and_moves_on_request(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        app.register("fan").await;
        app.register("other").await;
        let host = app.token("host").await;
        let fan = app.token("fan").await;
        let other = app.token("other").await;
        let make = |name: &'static str, extra: Value| {
            let (app, host) = (&app, &host);
            async move {
                let mut body = json!({ "name": name, "date": "2030-06-01" });
                if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
                    body.extend(extra.clone());
                }
                let reply = app
                    .request("POST", "/api/events/")
                    .bearer(host)
                    .json(&body)
                    .await;
                assert_eq!(reply.status, 201, "{}", reply.text());
                reply.json()["id"].as_str().expect("id").to_owned()
            }
        };
        let timed = json!({ "starts_at": "2030-06-01T10:00:00Z" });
        let going = make("Going seated", timed.clone()).await;
        let full = make(
            "Full house",
            json!({ "starts_at": "2030-06-01T12:00:00Z", "capacity": 1 }),
        )
        .await;
        let maybe = make("Maybe later", json!({})).await;
        let declined = make("Declined", timed.clone()).await;
        let cancelled = make("Called off", timed).await;
        let answer = |token: &str, id: &str, status: &str| {
            let (app, token, id, status) =
                (&app, token.to_owned(), id.to_owned(), status.to_owned());
            async move {
                let reply = app
                    .request("POST", &format!("/api/events/{id}/change_attendee_status/"))
                    .bearer(&token)
                    .json(&json!({ "status": status }))
                    .await;
                assert_eq!(reply.status, 200, "{}", reply.text());
            }
        };
        answer(&fan, &going, "Going").await;
        answer(&other, &full, "Going").await;
        answer(&fan, &full, "Going").await; // waitlisted
        answer(&fan, &maybe, "Maybe").await;
        answer(&fan, &declined, "Not Going").await;
        answer(&fan, &cancelled, "Going").await;
        let reply = app
            .request("PATCH", &format!("/api/events/{cancelled}/"))
            .bearer(&host)
            .json(&json!({ "cancelled": true }))
            .await;
        assert_eq!(reply.status, 200);

        let me = app
            .request("GET", "/api/auth/me/")
            .bearer(&fan)
            .send()
            .await
            .json();
        let url = me["calendar_url"]
            .as_str()
            .expect("calendar_url")
            .to_owned();
        assert!(
            url.starts_with(&app.base_url) && url.ends_with(".ics"),
            "{url}"
        );
        let path = url.trim_start_matches(&app.base_url).to_owned();
        let (status, document, _) = ics(&app, &path).await;
        assert_eq!(status, 200, "no login needed");
        assert_rfc5545_lines_or_short(&document);
        let parsed = parse_ics(&document);
        let events = parsed["events"].as_array().expect("events");
        let by_name = |name: &str| {
            events
                .iter()
                .find(|e| value(e, "SUMMARY") == name)
                .unwrap_or_else(|| panic!("{name} in the feed"))
        };
        assert_eq!(events.len(), 4, "not the declined one");
        let partstat = |name: &str| prop(by_name(name), "ATTENDEE")["params"]["PARTSTAT"].clone();
        assert_eq!(partstat("Going seated"), "ACCEPTED");
        assert_eq!(partstat("Full house"), "TENTATIVE", "waitlisted");
        assert_eq!(partstat("Maybe later"), "TENTATIVE");
        assert_eq!(
            value(by_name("Going seated"), "ATTENDEE"),
            "mailto:fan@example.com"
        );
        let alarm = &by_name("Going seated")["alarms"][0];
        assert_eq!(value(alarm, "ACTION"), "DISPLAY");
        assert_eq!(value(alarm, "TRIGGER"), "-PT1H");
        assert!(
            by_name("Maybe later")["alarms"]
                .as_array()
                .is_some_and(Vec::is_empty),
            "untimed: no alarm"
        );
        assert_eq!(value(by_name("Called off"), "STATUS"), "CANCELLED");

        // The organizer's feed has their events, without an ATTENDEE line.
        let host_me = app
            .request("GET", "/api/auth/me/")
            .bearer(&host)
            .send()
            .await
            .json();
        let host_path = host_me["calendar_url"]
            .as_str()
            .expect("url")
            .trim_start_matches(&app.base_url)
            .to_owned();
        let (_, document, _) = ics(&app, &host_path).await;
        let parsed = parse_ics(&document);
        assert_eq!(parsed["events"].as_array().map(Vec::len), Some(5));
        assert!(parsed["events"]
            .as_array()
            .is_some_and(|e| e.iter().all(|e| e.get("ATTENDEE").is_none())));

        // A new address ends the old one.
        let moved = app
            .request("POST", "/api/auth/me/calendar/")
            .bearer(&fan)
            .send()
            .await;
        assert_eq!(moved.status, 200);
        let new_url = moved.json()["calendar_url"]
            .as_str()
            .expect("url")
            .to_owned();
        assert_ne!(new_url, url);
        assert_eq!(app.get(&path).await.status, 404, "the old address is gone");
        let new_path = new_url.trim_start_matches(&app.base_url).to_owned();
        assert_eq!(app.get(&new_path).await.status, 200);
        let forged = new_path.replace("/calendar/", "/calendar/1");
        assert_eq!(app.get(&forged).await.status, 404);
        assert_eq!(app.get("/api/calendar/nonsense.ics").await.status, 404);
        let anonymous = app.request("POST", "/api/auth/me/calendar/").send().await;
        assert_eq!(anonymous.status, 401);
    });
}

/// A feed of short names may need no folding; the other rules still hold.
fn assert_rfc5545_lines_or_short(document: &str) {
    assert!(document.ends_with("\r\n"));
    assert!(!document.replace("\r\n", "").contains(['\r', '\n']));
    for line in document.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
    }
}

store::backend_tests!(
    one_event_as_ics_with_etag_and_sequence,
    the_personal_feed_lists_answers_with_alarms_and_moves_on_request,
);
