//! `TestApp`: the real application on 127.0.0.1, port 0, with its own database.

use std::future::Future;
use std::net::TcpListener;

use clap::Parser;
use server::cli::Cli;
use server::{Application, Settings};
use store::testing::TestDb;

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
    /// Starts the application on `db` with default settings.
    pub fn spawn(db: &TestDb) -> Self {
        Self::spawn_with(
            db.pool().clone(),
            &settings(&["--database-url", db.url(), "--secret-key", "test-secret"]),
        )
    }

    /// Starts the application on `pool` with the given settings.
    pub fn spawn_with(pool: store::DbPool, settings: &Settings) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let app = Application::build(settings, listener, pool).expect("build app");
        let base_url = format!("http://{}", app.address());
        actix_web::rt::spawn(app.run_until_stopped());
        Self {
            base_url,
            client: awc::Client::default(),
        }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// Runs an async test body on a fresh actix system.
pub fn run<F: Future<Output = ()>>(body: F) {
    actix_web::rt::System::new().block_on(body);
}
