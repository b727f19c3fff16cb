//! A logout racing a request that writes the same session.

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::Duration;

use store::testing::TestDb;

use crate::admin_client::{make_user, Browser};
use crate::helpers::{run, TestApp};

/// Sends `head` and the start of `body` at once and the rest when told
/// to, on a plain socket (an HTTP client may hold the start back until the
/// body ends); returns the response's status line.
fn post_in_two_parts(
    address: String,
    head: String,
    body: String,
    go_on: mpsc::Receiver<()>,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let (first, rest) = body.split_at(body.len() / 2);
        let mut stream = std::net::TcpStream::connect(&address).expect("connect");
        write!(
            stream,
            "{head}Content-Length: {}\r\n\r\n{first}",
            body.len()
        )
        .expect("send");
        go_on.recv().expect("told to go on");
        stream.write_all(rest.as_bytes()).expect("send the rest");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        response.lines().next().unwrap_or_default().to_owned()
    })
}

fn a_logout_racing_a_session_write_stays_logged_out(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        make_user(db, "boss", true);
        let mut boss = Browser::new(&app);
        boss.login("boss").await;
        let cookie = boss.cookie_header();
        assert_eq!(boss.get("/admin/").await.status, 200, "logged in");

        // An admin form post whose body ends only after the logout: its
        // session was loaded before, and its notice writes the session after.
        let address = app.base_url.trim_start_matches("http://").to_owned();
        let head = format!(
            "POST /admin/events/add/ HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
        );
        let body = format!(
            "csrfmiddlewaretoken={}&name=Launch&date=2030-01-01&organizer=",
            boss.csrf()
        );
        let (go_on, told) = mpsc::channel();
        let slow = post_in_two_parts(address, head, body, told);
        // Time for the slow request to load its session.
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
        let logout = boss.post("/admin/logout/", &[]).await;
        assert_eq!(logout.status, 303, "{}", logout.text());
        go_on.send(()).expect("the slow request waits");
        while !slow.is_finished() {
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        let status_line = slow.join().expect("the slow request ends");
        assert!(status_line.starts_with("HTTP/1.1 303"), "{status_line}");

        let after = app
            .request("GET", "/admin/")
            .header("Cookie", &cookie)
            .send()
            .await;
        assert_eq!(after.status, 302, "the old session cookie names nothing");
    });
}

store::backend_tests!(a_logout_racing_a_session_write_stays_logged_out);
