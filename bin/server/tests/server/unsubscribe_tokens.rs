//! One-click unsubscribe tokens are kept hashed: the database holds no
//! working link, and the link in a mail still works.

use std::time::{Duration, Instant};

use diesel::sql_types::Text;
use diesel::RunQueryDsl;
use mailer::testing::SmtpSink;
use serde_json::json;
use store::testing::TestDb;

use crate::helpers::run;
use crate::mail::spawn_with_smtp_and;

#[derive(diesel::QueryableByName)]
struct RowText {
    #[diesel(sql_type = Text)]
    row: String,
}

/// Whether `needle` is anywhere in the database: in any row of the users
/// and outbox tables (PostgreSQL), or in the SQLite files' bytes.
fn stored_anywhere(db: &TestDb, needle: &str) -> bool {
    let mut conn = db.conn();
    match &mut **conn {
        store::DbConnection::Pg(pg) => diesel::sql_query(
            "SELECT CAST(t AS TEXT) AS row FROM users t \
             UNION ALL SELECT CAST(o AS TEXT) FROM outbox o",
        )
        .load::<RowText>(pg)
        .expect("rows as text")
        .iter()
        .any(|r| r.row.contains(needle)),
        store::DbConnection::Sqlite(_) => ["", "-wal"].iter().any(|suffix| {
            std::fs::read(format!("{}{suffix}", db.url()))
                .unwrap_or_default()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        }),
    }
}

fn unsubscribe_tokens_are_stored_hashed_and_still_work(db: &TestDb) {
    run(async {
        let sink = SmtpSink::start();
        let app = spawn_with_smtp_and(
            db,
            sink.port(),
            &["--site-url", "https://events.example.com"],
        );
        app.register("host").await;
        app.register("guest").await;
        let (host, guest) = (app.token("host").await, app.token("guest").await);
        let event = app.create_event(&host, "Board games", "2031-03-01").await;
        let event = event["id"].as_str().expect("id");
        let answered = app
            .request(
                "POST",
                &format!("/api/events/{event}/change_attendee_status/"),
            )
            .bearer(&guest)
            .json(&json!({ "status": "Going" }))
            .await;
        assert_eq!(answered.status, 200, "{}", answered.text());
        let moved = app
            .request("PATCH", &format!("/api/events/{event}/"))
            .bearer(&host)
            .json(&json!({ "location": "Hall 4" }))
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text());

        let deadline = Instant::now() + Duration::from_secs(30);
        let link = loop {
            let notice = sink
                .received()
                .into_iter()
                .find_map(|m| m.header("List-Unsubscribe"));
            if let Some(link) = notice {
                break link;
            }
            assert!(Instant::now() < deadline, "no notice arrived");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        };
        let path = link
            .strip_prefix("<https://events.example.com")
            .and_then(|rest| rest.strip_suffix('>'))
            .unwrap_or_else(|| panic!("a link to the site: {link}"));
        let token = path.strip_prefix("/api/unsubscribe/").expect("a token");
        assert!(token.len() >= 32, "{token}");
        assert!(
            !stored_anywhere(db, token),
            "the token {token} is in the database in clear"
        );
        assert!(
            stored_anywhere(db, &auth::unsubscribe_token_hash(token)),
            "its hash is"
        );

        let reply = app
            .request("POST", path)
            .raw(
                "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click",
            )
            .await;
        assert_eq!(reply.status, 204, "{}", reply.text());
        let me = app
            .request("GET", "/api/auth/me/")
            .bearer(&guest)
            .send()
            .await;
        assert_eq!(me.json()["email_notifications"], false);
    });
}

store::backend_tests!(unsubscribe_tokens_are_stored_hashed_and_still_work);
