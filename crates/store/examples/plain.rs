//! A program that uses `store` alone: it opens the database named on the
//! command line (a SQLite file by default), migrates it, and then plans an
//! event, answers it and lists what is coming up.
//!
//! ```sh
//! cargo run -p store --example plain                      # ./example.sqlite3
//! cargo run -p store --example plain -- postgres://postgres@127.0.0.1/events
//! ```

use chrono::{Days, Utc};
use domain::{AttendanceStatus, EventName, EventPlan, Guests, Username};
use store::events::{EventFilter, EventQuery, NewEvent};
use store::rsvp::Answer;
use store::users::NewUser;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite://example.sqlite3".to_owned());
    let pool = store::build_pool(
        &store::DatabaseUrl::parse(&url)?,
        store::PoolOptions::default(),
    )?;
    let mut conn = pool.get()?;
    store::run_pending_migrations(&mut conn)?;

    // Each run is a new organizer, so the program can run again and again.
    let username = Username::parse(&format!("organizer-{}", uuid::Uuid::new_v4().simple()))?;
    let organizer = store::users::create(
        &mut conn,
        &NewUser {
            username: &username,
            email: None,
            first_name: "",
            last_name: "",
            password_hash: "!",
            is_staff: false,
            is_superuser: false,
            is_active: true,
            date_joined: store::now(),
        },
    )?;
    let next_week = Utc::now().date_naive() + Days::new(7);
    let event = store::events::create(
        &mut conn,
        &NewEvent {
            name: EventName::parse("Planning session")?,
            date: next_week,
            organizer_id: Some(organizer.id),
            plan: EventPlan::default(),
        },
    )?;
    let going = Answer {
        status: AttendanceStatus::Going,
        guests: Guests::default(),
    };
    store::rsvp::answer(&mut conn, event.id, organizer.id, going, |_, _| None)?;

    let coming_up = EventQuery {
        filter: EventFilter {
            organizer: Some(organizer.id),
            date_after: Some(Utc::now().date_naive()),
            ..EventFilter::default()
        },
        ..EventQuery::default()
    };
    for summary in store::events::list(&mut conn, &coming_up)? {
        let detail = store::events::get_detail(&mut conn, summary.event.id)?;
        println!(
            "{} on {}: {} going",
            summary.event.name, summary.event.date, detail.counts.going
        );
    }
    Ok(())
}
