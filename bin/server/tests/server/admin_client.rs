//! A browser-like client for the admin site, and fixtures made straight
//! in the store.

use domain::{Email, EventName, UserId, Username};
use store::testing::TestDb;
use store::users::NewUser;

use crate::helpers::{Reply, TestApp, PASSWORD};

/// Creates a user straight in the store (staff are superusers too).
pub fn make_user(db: &TestDb, name: &str, staff: bool) -> UserId {
    make_user_with(db, name, staff, staff)
}

/// Creates a user straight in the store, staff and superuser as given.
pub fn make_user_with(db: &TestDb, name: &str, staff: bool, superuser: bool) -> UserId {
    let username = Username::parse(name).expect("valid");
    let email = Email::parse(&format!("{name}@example.com")).expect("valid");
    let hash = auth::hash_password(PASSWORD, 4).expect("hash");
    store::users::create(
        &mut db.conn(),
        &NewUser {
            username: &username,
            email: Some(&email),
            first_name: "",
            last_name: "",
            password_hash: &hash,
            is_staff: staff,
            is_superuser: superuser,
            is_active: true,
            date_joined: store::now(),
        },
    )
    .expect("create user")
    .id
}

/// Creates an event straight in the store.
pub fn make_event(db: &TestDb, name: &str, date: &str, organizer: Option<UserId>) -> domain::Event {
    store::events::create(
        &mut db.conn(),
        &store::events::NewEvent {
            name: EventName::parse(name).expect("valid"),
            date: domain::parse_date(date).expect("valid"),
            organizer_id: organizer,
            plan: Default::default(),
        },
    )
    .expect("create event")
}

/// A browser-like client: keeps cookies and the CSRF token of the forms.
pub struct Browser<'a> {
    app: &'a TestApp,
    cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: Vec::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, reply: &Reply) {
        for (name, value) in reply.cookies() {
            self.cookies.retain(|(n, _)| *n != name);
            if !value.is_empty() {
                self.cookies.push((name, value));
            }
        }
    }

    pub fn csrf(&self) -> String {
        self.cookies
            .iter()
            .find(|(n, _)| n == "csrftoken")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let reply = self
            .app
            .request("GET", path)
            .header("Cookie", &self.cookie_header())
            .send()
            .await;
        self.keep(&reply);
        reply
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let token = self.csrf();
        let mut pairs: Vec<(&str, &str)> = vec![("csrfmiddlewaretoken", token.as_str())];
        pairs.extend_from_slice(fields);
        let reply = self
            .app
            .request("POST", path)
            .header("Cookie", &self.cookie_header())
            .form(&pairs)
            .await;
        self.keep(&reply);
        reply
    }

    pub async fn login(&mut self, username: &str) -> Reply {
        self.get("/admin/login/").await;
        self.post(
            "/admin/login/",
            &[
                ("username", username),
                ("password", PASSWORD),
                ("next", "/admin/"),
            ],
        )
        .await
    }

    /// Opens the delete page below `object_url` (`/admin/events/<id>/`),
    /// confirms with "Yes", checks the redirect and returns what the
    /// confirmation said.
    pub async fn delete_confirmed(&mut self, object_url: &str) -> String {
        let confirmation = self.get(&format!("{object_url}delete/")).await;
        assert_eq!(confirmation.status, 200, "{}", confirmation.text());
        let deleted = self.post(&format!("{object_url}delete/"), &[]).await;
        assert_eq!(deleted.status, 303, "deleted: {}", deleted.text());
        confirmation.text()
    }
}
