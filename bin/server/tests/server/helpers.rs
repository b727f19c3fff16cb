//! `TestApp`: the real application on 127.0.0.1, port 0, with its own
//! database, and a real HTTP client with small conveniences.

use std::future::Future;
use std::net::TcpListener;

use actix_web::http::Method;
use clap::Parser;
use serde_json::{json, Value};
use server::cli::Cli;
use server::{Application, Settings};
use store::testing::TestDb;

/// The secret the test servers sign with.
pub const SECRET: &str = "test-secret-0123456789abcdef-0123456789abcdef";
/// A password every fixture user has.
pub const PASSWORD: &str = "plum-tree-42-river";

/// A running server and an HTTP client for it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// A real HTTP client.
    pub client: awc::Client,
}

/// Settings as the CLI would parse them from `args`.
pub fn settings(args: &[&str]) -> Settings {
    Cli::try_parse_from(std::iter::once("server").chain(args.iter().copied()))
        .expect("valid test settings")
        .settings
}

impl TestApp {
    /// Starts the application on `db` with test settings.
    pub fn spawn(db: &TestDb) -> Self {
        Self::spawn_with_args(db, &[])
    }

    /// Starts the application on `db` with extra settings flags.
    pub fn spawn_with_args(db: &TestDb, extra: &[&str]) -> Self {
        let mut args = vec![
            "--database-url",
            db.url(),
            "--secret-key",
            SECRET,
            "--bcrypt-cost",
            "4",
        ];
        args.extend_from_slice(extra);
        Self::spawn_with(db.pool().clone(), &settings(&args))
    }

    /// Starts the application on `pool` with the given settings.
    pub fn spawn_with(pool: store::DbPool, settings: &Settings) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let app = Application::build(settings, listener, pool).expect("build app");
        let base_url = format!("http://{}", app.address());
        actix_web::rt::spawn(app.run_until_stopped());
        // Idle connections are dropped before the server's 5 s keep-alive
        // ends them, so a slow test never reuses a connection being closed.
        let connector = awc::Connector::new().conn_keep_alive(std::time::Duration::from_secs(2));
        // Generous: the concurrency tests queue hundreds of requests behind
        // one event's lock on a loaded 2-core machine; a slow answer there
        // is not a failure, a wrong one is.
        let client = awc::Client::builder()
            .connector(connector)
            .timeout(std::time::Duration::from_secs(60))
            .disable_redirects()
            .finish();
        Self { base_url, client }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A request to `path`.
    pub fn request(&self, method: &str, path: &str) -> Request {
        let method = Method::from_bytes(method.as_bytes()).expect("valid method");
        Request {
            inner: self.client.request(method, self.url(path)),
        }
    }

    /// GET `path` anonymously.
    pub async fn get(&self, path: &str) -> Reply {
        self.request("GET", path).send().await
    }

    /// Registers a user through the API and returns their id.
    pub async fn register(&self, username: &str) -> i64 {
        let reply = self
            .request("POST", "/api/auth/register/")
            .json(&json!({ "username": username, "password": PASSWORD, "email": format!("{username}@example.com") }))
            .await;
        assert_eq!(reply.status, 201, "register {username}: {}", reply.text());
        reply.json()["id"].as_i64().expect("user id")
    }

    /// An access token for the user.
    pub async fn token(&self, username: &str) -> String {
        self.token_pair(username).await["access"]
            .as_str()
            .expect("access token")
            .to_owned()
    }

    /// `{"access", "refresh"}` for the user.
    pub async fn token_pair(&self, username: &str) -> Value {
        let reply = self
            .request("POST", "/api/token/")
            .json(&json!({ "username": username, "password": PASSWORD }))
            .await;
        assert_eq!(reply.status, 200, "token for {username}: {}", reply.text());
        reply.json()
    }

    /// Logs in with a session: returns the `Cookie` header value and the CSRF token.
    pub async fn login(&self, username: &str) -> (String, String) {
        let reply = self
            .request("POST", "/api/auth/login/")
            .json(&json!({ "username": username, "password": PASSWORD }))
            .await;
        assert_eq!(reply.status, 200, "login {username}: {}", reply.text());
        session_headers(&reply.cookies())
    }

    /// Creates an event as the bearer of `token`; returns its JSON.
    pub async fn create_event(&self, token: &str, name: &str, date: &str) -> Value {
        let reply = self
            .request("POST", "/api/events/")
            .bearer(token)
            .json(&json!({ "name": name, "date": date }))
            .await;
        assert_eq!(reply.status, 201, "create {name}: {}", reply.text());
        reply.json()
    }
}

/// A request being built.
pub struct Request {
    inner: awc::ClientRequest,
}

impl Request {
    /// Adds a header.
    pub fn header(self, name: &str, value: &str) -> Self {
        Self {
            inner: self.inner.insert_header((name, value)),
        }
    }

    /// Authenticates with a bearer token.
    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    /// Sends the request without a body.
    pub async fn send(self) -> Reply {
        Reply::read(self.inner.send().await.expect("request sent")).await
    }

    /// Sends a JSON body.
    pub async fn json(self, body: &Value) -> Reply {
        Reply::read(self.inner.send_json(body).await.expect("request sent")).await
    }

    /// Sends a JSON body, owning it (for requests built in a batch).
    pub async fn json_owned(self, body: Value) -> Reply {
        self.json(&body).await
    }

    /// Sends a form-urlencoded body.
    pub async fn form(self, pairs: &[(&str, &str)]) -> Reply {
        Reply::read(self.inner.send_form(&pairs).await.expect("request sent")).await
    }

    /// Sends a streamed (chunked) body.
    pub async fn stream<S>(self, body: S) -> Reply
    where
        S: futures_util::Stream<Item = Result<actix_web::web::Bytes, std::io::Error>>
            + Unpin
            + 'static,
    {
        Reply::read(self.inner.send_stream(body).await.expect("request sent")).await
    }

    /// Sends raw bytes with a content type.
    pub async fn raw(self, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        let request = self.inner.insert_header(("Content-Type", content_type));
        Reply::read(request.send_body(body.into()).await.expect("request sent")).await
    }
}

/// A response, fully read.
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: awc::http::header::HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    async fn read(mut response: awc::ClientResponse) -> Self {
        let body = response
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .expect("body read");
        Self {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: body.to_vec(),
        }
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("JSON body ({e}): {}", self.text()))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The cookies set, as (name, value).
    pub fn cookies(&self) -> Vec<(String, String)> {
        set_cookies(&self.headers)
    }
}

/// Each `Set-Cookie` header's (name, value), without its attributes.
pub fn set_cookies(headers: &awc::http::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            v.split(';')
                .next()?
                .split_once('=')
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
        })
        .collect()
}

/// A login's cookies as a `Cookie` header value, and the CSRF token among them.
pub fn session_headers(cookies: &[(String, String)]) -> (String, String) {
    let csrf = cookies
        .iter()
        .find_map(|(name, value)| (name == "csrftoken").then(|| value.clone()))
        .expect("csrftoken cookie");
    let header = cookies
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    (header, csrf)
}

/// Runs an async test body on a fresh actix system.
pub fn run<F: Future<Output = ()>>(body: F) {
    run_returning(body);
}

/// Runs an async test body on a fresh actix system and returns its value.
pub fn run_returning<T>(body: impl Future<Output = T>) -> T {
    actix_web::rt::System::new().block_on(body)
}

/// `event` (an Event in the Django version's shape) with the keys an event
/// made by an old client carries besides: the plan's defaults.
pub fn with_plan_defaults(mut event: Value) -> Value {
    let defaults = json!({
        "description": "", "location": "", "timezone": "UTC",
        "starts_at": null, "ends_at": null, "capacity": null, "max_guests": 0,
        "rsvp_opens_at": null, "rsvp_closes_at": null, "cancelled": false,
    });
    if let (Some(event), Some(defaults)) = (event.as_object_mut(), defaults.as_object()) {
        event.extend(defaults.clone());
    }
    event
}

/// `attendance` (in the Django version's shape) with the keys an answer
/// without guests or waiting carries besides.
pub fn with_seat_defaults(mut attendance: Value) -> Value {
    if let Some(attendance) = attendance.as_object_mut() {
        attendance.insert("guests".to_owned(), json!(0));
        attendance.insert("waitlist_position".to_owned(), Value::Null);
    }
    attendance
}
